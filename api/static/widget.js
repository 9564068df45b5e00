/*! Shop support chat widget. <script src=".../widget.js" async> with optional
 data-{api,title,color,greeting,position,lang,strings,currency}. Host API: window.ShopBotWidget */
(function () {
  "use strict";
  if (window.ShopBotWidget) return;

  const W = window, D = document, noop = () => {};
  const me = D.currentScript || [...D.querySelectorAll('script[src*="widget.js"]')].pop();
  const cfg = (me && me.dataset) || {};
  let API;
  try {
    API = new URL(cfg.api || new URL(me.src, location.href).origin, location.href).href.replace(/\/+$/, "");
  } catch {
    API = location.origin;
  }
  const ORIGIN = new URL(API).origin, KEY = "shopbot:session:" + ORIGIN, RKEY = "shopbot:read:" + ORIGIN, MAX = 1000;

  // --- strings
  const STR = {
    en: {
      title: "Chat with us", open: "Open chat", close: "Close chat", startOver: "Start over",
      confirm: "Start a new conversation? This one will be cleared.", cancel: "Cancel",
      label: "Your message", placeholder: "Type your message…", send: "Send", messages: "Conversation",
      offline: "You are offline. We will reconnect when you are back.", reconnecting: "Connection lost. Reconnecting…",
      connected: "Connected again.", typing: "Assistant is typing",
      sending: "Sending…", moment: "One moment…", notSent: "Not sent.", retry: "Retry",
      rateLimited: "You are sending messages too quickly. Please wait a moment, then retry.",
      rejected: "This message could not be sent. Please shorten or rephrase it.",
      newMessages: "New messages", unread: "{n} unread", you: "You", bot: "Assistant", agent: "Support agent",
      products: "Products", view: "View", inStock: "In stock", outOfStock: "Out of stock", nInStock: "{n} in stock",
      image: "Image", rateQ: "How was this conversation?", rateLast: "How was your last conversation?",
      star: "{n} of 5 stars", comment: "Anything to add? (optional)", rateSend: "Send rating", noThanks: "No thanks",
      thanks: "Thank you for your feedback!", pickStars: "Please choose 1 to 5 stars.",
      rateFail: "Your rating could not be sent. Please try again.",
    },
    de: {
      title: "Chatten Sie mit uns", open: "Chat öffnen", close: "Chat schließen", startOver: "Neu beginnen",
      confirm: "Ein neues Gespräch beginnen? Dieses wird gelöscht.", cancel: "Abbrechen",
      label: "Ihre Nachricht", placeholder: "Nachricht eingeben…", send: "Senden", messages: "Unterhaltung",
      offline: "Sie sind offline. Wir verbinden neu, sobald Sie zurück sind.", reconnecting: "Verbindung unterbrochen. Verbinde neu…",
      connected: "Wieder verbunden.", typing: "Assistent schreibt",
      sending: "Wird gesendet…", moment: "Einen Moment…", notSent: "Nicht gesendet.", retry: "Erneut senden",
      rateLimited: "Sie senden zu schnell. Bitte warten Sie kurz und senden Sie dann erneut.",
      rejected: "Diese Nachricht konnte nicht gesendet werden. Bitte kürzen oder umformulieren.",
      newMessages: "Neue Nachrichten", unread: "{n} ungelesen", you: "Sie", bot: "Assistent", agent: "Support",
      products: "Produkte", view: "Ansehen", inStock: "Auf Lager", outOfStock: "Nicht auf Lager", nInStock: "{n} auf Lager",
      image: "Bild", rateQ: "Wie war dieses Gespräch?", rateLast: "Wie war Ihr letztes Gespräch?",
      star: "{n} von 5 Sternen", comment: "Möchten Sie etwas ergänzen? (optional)", rateSend: "Bewertung senden",
      noThanks: "Nein, danke", thanks: "Vielen Dank für Ihr Feedback!", pickStars: "Bitte wählen Sie 1 bis 5 Sterne.",
      rateFail: "Ihre Bewertung konnte nicht gesendet werden. Bitte versuchen Sie es erneut.",
    },
  };
  const lang = /^de\b/i.test(cfg.lang || "") ? "de" : "en";
  // Sent with each message only when the page chose a language: the bot answers in the
  // language a message is written in, and this decides for "ok" or an order number.
  const hintLang = cfg.lang ? lang : undefined;
  const S = Object.assign({}, STR.en, STR[lang]);
  try {
    const o = JSON.parse(cfg.strings || "{}");
    for (const k in o) if (typeof o[k] == "string") S[k] = o[k];
  } catch {}
  const tr = (k, n) => S[k].replace("{n}", n);

  // --- colours: text on the accent: white or near-black by WCAG contrast (pure black/white if neither gets 4.5:1)
  const accent = cfg.color && W.CSS && CSS.supports("color", cfg.color) ? cfg.color : "#0f766e";
  function rgb(c) {
    const x = D.createElement("canvas").getContext("2d");
    if (x) { x.fillStyle = "#0f766e"; x.fillStyle = c; c = x.fillStyle; }
    const m = /^#(..)(..)(..)$/.exec(c);
    return m ? m.slice(1).map((v) => parseInt(v, 16)) : (c.match(/[\d.]+/g) || [15, 118, 110]).slice(0, 3).map(Number);
  }
  const lum = (c) => c.reduce((s, v, i) =>
    s + [0.2126, 0.7152, 0.0722][i] * ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4), 0);
  const ratio = (a, b) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  const L = lum(rgb(accent)), DARK = "#111827", cw = ratio(L, 1), cd = ratio(L, lum(rgb(DARK)));
  const fg = Math.max(cw, cd) >= 4.5 ? (cw >= cd ? "#fff" : DARK) : cw >= ratio(L, 0) ? "#fff" : "#000";

  // --- helpers
  function h(tag, props, ...kids) {
    const el = D.createElement(tag);
    if (tag == "button") el.type = "button";
    for (const k in props) {
      const v = props[k];
      if (v == null || v === false) continue;
      if (k == "class") el.className = v;
      else if (k == "text") el.textContent = v;
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : v);
    }
    el.append(...kids.filter((x) => x != null && x !== false));
    return el;
  }
  const svg = (d, fill) => '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false" ' +
    (fill ? 'fill="currentColor"' : 'fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"') +
    `><path d="${d}"/></svg>`;
  const ICON_CHAT = svg("M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z", 1);
  const ICON_X = svg("M6 6l12 12M18 6 6 18");

  const mem = {};
  const store = {
    get: (k) => { if (k in mem) return mem[k]; try { return localStorage.getItem(k); } catch { return null; } },
    set(k, v) {
      mem[k] = v;
      try { v == null ? localStorage.removeItem(k) : localStorage.setItem(k, v); } catch {}
    },
  };

  function uuid() {
    if (W.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    const x = [...b].map((v) => (v + 256).toString(16).slice(1)).join("");
    return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
  }
  function safeUrl(u) {
    try {
      const x = new URL(u, API + "/");
      return u && typeof u == "string" && /^https?:$/.test(x.protocol) ? x.href : null;
    } catch {
      return null;
    }
  }
  async function api(method, path, body, signal) {
    const r = await fetch(API + path, {
      method, signal, cache: "no-store",
      headers: body ? { "Content-Type": "application/json" } : {}, body: body && JSON.stringify(body),
    });
    let data = null;
    try { data = await r.json(); } catch {}
    const ra = parseFloat(r.headers.get("Retry-After"));
    return { ok: r.ok, status: r.status, data: data || {}, wait: ra > 0 ? ra * 1000 : 5000 };
  }
  const spath = (s) => "/api/sessions/" + encodeURIComponent(s);

  // --- styles
  const STYLE = `:host{all:initial}
*,::before,::after{box-sizing:border-box}
[hidden]{display:none!important}
.root{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#111827}
button{font:inherit;color:inherit;background:none;border:0;margin:0;padding:0;cursor:pointer}
:focus{outline:none}
:focus-visible{outline:3px solid var(--ring);outline-offset:2px}
svg{display:block;width:20px;height:20px}
.sr{position:absolute!important;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.launch,.panel{position:fixed;right:20px;bottom:20px;z-index:2147483000;color:var(--fg)}
.launch{width:56px;height:56px;border-radius:50%;background:var(--ac);display:grid;place-items:center;box-shadow:0 4px 14px #0005}
.launch:focus-visible{box-shadow:0 0 0 3px #fff}
.launch svg{width:28px;height:28px}
.left .launch,.left .panel{right:auto;left:20px}
.badge{position:absolute;top:-5px;right:-5px;min-width:22px;height:22px;padding:0 5px;border-radius:11px;border:2px solid #fff;background:#b91c1c;color:#fff;font-size:12px;font-weight:700;line-height:18px;text-align:center}
.panel{bottom:88px;width:380px;max-width:calc(100vw - 40px);height:600px;max-height:calc(100vh - 108px);display:flex;flex-direction:column;background:#fff;color:#111827;border-radius:14px;box-shadow:0 12px 40px #0005;overflow:hidden;animation:pop .2s ease-out}
@keyframes pop{from{opacity:0;transform:translateY(10px)}}
.head{display:flex;align-items:center;gap:4px;padding:10px 8px 10px 16px;background:var(--ac);color:var(--fg)}
h2{flex:1;min-width:0;margin:0;font-size:16px;font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.head :focus-visible{outline-color:var(--fg);outline-offset:-3px}
.hb{width:40px;height:40px;border-radius:8px;display:grid;place-items:center}
.hb:hover{background:#8884}
.dot{width:10px;height:10px;border-radius:50%;background:#f59e0b;box-shadow:0 0 0 2px var(--fg)}
.dot.offline{background:#9ca3af}
.banner{padding:8px 16px;background:#fef3c7;color:#78350f;font-size:13px}
.confirm{display:flex;flex-wrap:wrap;gap:8px;padding:10px 16px;background:#f8fafc;border-bottom:1px solid #e5e7eb;font-size:14px}
.confirm p{margin:0;flex:1 1 100%}
.btn{padding:6px 12px;border-radius:8px;border:1px solid #6b7280}
.btn.pri{background:var(--ac);border-color:var(--ac);color:var(--fg)}
.rate{margin-top:12px;padding:10px 12px;border:1px solid #e5e7eb;border-radius:12px;background:#f8fafc}
.rate fieldset{margin:0;padding:0;border:0}
.rate legend{padding:0;font-weight:600}
.stars{display:flex;gap:2px;margin:4px 0 6px}
.stars label{padding:0 3px;font-size:28px;line-height:1.1;color:#6b7280;cursor:pointer}
.stars label.on{color:#b45309}
.stars input:focus-visible+label{outline:3px solid var(--ring);border-radius:4px}
.rate textarea{display:block;width:100%;margin-bottom:8px}
.rate p{margin:0 0 8px;font-size:13px}
.rate .btn{margin-right:6px}
.mid{position:relative;flex:1;min-height:0;display:flex}
.body{flex:1;overflow:hidden auto;padding:14px 12px;overscroll-behavior:contain}
.log,.msg{display:flex;flex-direction:column;gap:10px}
.msg{gap:0;align-items:flex-start;min-width:0}
.visitor{align-items:flex-end}
.system{align-items:center}
.bub{max-width:85%;padding:8px 12px;border-radius:14px 14px 14px 4px;background:#f1f5f9;color:#0f172a;white-space:pre-wrap;overflow-wrap:anywhere}
.visitor .bub{background:var(--ac);color:var(--fg);border-radius:14px 14px 4px}
.system .bub{background:none;color:#4b5563;font-size:13px;text-align:center;padding:2px 8px}
.bub a{color:inherit}
.who{margin:0 4px 2px;font-size:12px;font-weight:600;color:#4b5563}
.st{display:flex;flex-wrap:wrap;justify-content:flex-end;gap:6px;max-width:85%;margin:3px 4px 0;font-size:12px;color:#4b5563}
.sending .st{animation:late 0s 1s backwards}
@keyframes late{from{visibility:hidden}}
.failed .st,.st button{color:#b91c1c}
.st button{font-weight:700;text-decoration:underline}
.img{max-width:85%;max-height:240px;margin-top:6px;border-radius:10px}
.qr{display:flex;flex-wrap:wrap;gap:6px;margin-top:6px}
.qr button{padding:6px 12px;border:1px solid var(--ring);border-radius:16px;color:var(--act);font-size:14px;text-align:left}
.qr button:hover:not(:disabled){background:var(--ac);color:var(--fg)}
.qr button:disabled{border-color:#d1d5db;color:#6b7280;cursor:default}
.cards{display:flex;gap:8px;width:100%;margin-top:6px;padding:2px 2px 8px;overflow-x:auto;scroll-snap-type:x proximity}
.card{flex:0 0 160px;display:flex;flex-direction:column;border:1px solid #e5e7eb;border-radius:10px;overflow:hidden;scroll-snap-align:start;font-size:13px}
.card img{display:block;width:100%;height:110px;object-fit:cover;background:#f1f5f9}
.card>div{margin:0 10px;overflow-wrap:anywhere}
.cn{margin-top:8px;font-weight:600;font-size:14px}
.cp{margin-top:4px;font-weight:700}
.cs{margin-bottom:8px;color:#166534}
.cs.no{color:#b91c1c}
.card a{margin:auto 10px 10px;padding:6px;border-radius:8px;background:var(--ac);color:var(--fg);font-weight:600;text-align:center;text-decoration:none}
.typing{display:flex;gap:4px;width:max-content;margin-top:10px;padding:12px 14px;border-radius:14px 14px 14px 4px;background:#f1f5f9}
.typing i{width:7px;height:7px;border-radius:50%;background:#475569;animation:blink 1.2s infinite}
.typing i:nth-child(2){animation-delay:.2s}
.typing i:nth-child(3){animation-delay:.4s}
@keyframes blink{0%,80%,100%{opacity:.35}40%{opacity:1;transform:translateY(-3px)}}
.jump{position:absolute;left:50%;bottom:8px;transform:translateX(-50%);padding:6px 14px;border-radius:16px;background:#111827;color:#fff;font-size:13px}
.form{display:flex;align-items:flex-end;gap:8px;padding:10px 12px;border-top:1px solid #e5e7eb}
textarea{flex:1;min-width:0;max-height:120px;margin:0;padding:9px 10px;border:1px solid #6b7280;border-radius:10px;background:#fff;color:#111827;font:inherit;resize:none}
textarea::placeholder{color:#6b7280;opacity:1}
.send{width:42px;height:42px;border-radius:10px;display:grid;place-items:center;background:var(--ac);color:var(--fg)}
@media (max-width:480px){
.panel{inset:0;width:auto;height:auto;max-width:none;max-height:none;border-radius:0;padding:0 env(safe-area-inset-right) 0 env(safe-area-inset-left)}
.head{padding-top:max(10px,env(safe-area-inset-top))}
.form{padding-bottom:max(10px,env(safe-area-inset-bottom))}
textarea{font-size:16px}
.open .launch{display:none}}
@media (prefers-reduced-motion:reduce){*{animation:none!important;transition:none!important}}`;

  // --- DOM
  const host = D.createElement("shopbot-widget");
  host.style.cssText = "all:initial!important";
  const root = host.attachShadow({ mode: "open" });
  const wrap = h("div", { class: "root" + (cfg.position == "left" ? " left" : ""), lang });
  Object.entries({ ac: accent, fg, act: cw >= 4.5 ? accent : DARK, ring: cw >= 3 ? accent : "#1f2937" })
    .forEach(([k, v]) => wrap.style.setProperty("--" + k, v));
  const tid = (t, { id, idAttr, ...props }, ...kids) => h(t, { ...props, "data-testid": id, id: idAttr }, ...kids);

  const live = h("div", { class: "sr", role: "status", "aria-live": "polite" });
  const badge = tid("span", { id: "badge", class: "badge", "aria-hidden": "true", hidden: true });
  const launchIcon = h("span");
  const launcher = tid("button", {
    id: "launcher", class: "launch", "aria-controls": "sb-panel", onclick: () => (isOpen ? close() : open()),
  }, launchIcon, badge);
  const dot = tid("span", { id: "status-dot", class: "dot", hidden: true });
  const hb = (id, label, icon, onclick) => {
    const b = tid("button", { id, class: "hb", "aria-label": label, title: label, onclick });
    b.innerHTML = icon;
    return b;
  };
  const startBtn = hb("start-over", S.startOver, svg("M4 12a8 8 0 1 0 2.5-5.8M4 3.5V8h4.5"), () => {
    confirmBar.hidden = false;
    yesBtn.focus();
  });
  const banner = tid("div", { id: "offline-banner", class: "banner", hidden: true });
  const yesBtn = tid("button", {
    id: "start-over-confirm", class: "btn pri", text: S.startOver,
    onclick: () => {
      const old = sid, ask1 = talked();
      hideConfirm();
      reset().catch(noop);
      if (ask1) ask(old, 1);
      input.focus();
    },
  });
  const confirmBar = h("div", { class: "confirm", role: "group", "aria-labelledby": "sb-cq", hidden: true },
    h("p", { id: "sb-cq", text: S.confirm }), yesBtn,
    tid("button", { id: "start-over-cancel", class: "btn", text: S.cancel, onclick: () => hideConfirm(true) }));
  const log = tid("div", { id: "messages", class: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions", "aria-label": S.messages });
  const typingEl = tid("div", { id: "typing", class: "typing", hidden: true }, h("i"), h("i"), h("i"), h("span", { class: "sr", text: S.typing }));
  const rateBox = h("div", { hidden: true });
  const body = h("div", { class: "body" }, log, typingEl, rateBox);
  const jump = h("button", { class: "jump", text: S.newMessages, hidden: true, onclick: () => scrollBottom() });
  const input = tid("textarea", { id: "input", idAttr: "sb-input", rows: 1, maxlength: MAX, placeholder: S.placeholder });
  const sendBtn = tid("button", { id: "send", type: "submit", class: "send", "aria-label": S.send, title: S.send });
  sendBtn.innerHTML = svg("M3 20.5 21.5 12 3 3.5V10l12 2-12 2z", 1);
  const panel = tid("div", { id: "panel", idAttr: "sb-panel", class: "panel", role: "dialog", "aria-labelledby": "sb-title", hidden: true },
    h("div", { class: "head" }, h("h2", { id: "sb-title", text: cfg.title || S.title }), dot, startBtn,
      hb("close", S.close, ICON_X, () => close())),
    banner, confirmBar, h("div", { class: "mid" }, body, jump),
    h("form", { class: "form", onsubmit: (e) => { e.preventDefault(); submit(); } },
      h("label", { for: "sb-input", class: "sr", text: S.label }), input, sendBtn));
  try { // a constructed sheet passes a host CSP without 'unsafe-inline'
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLE);
    root.adoptedStyleSheets = [sheet];
  } catch {
    root.append(h("style", { text: STYLE }));
  }
  root.append(wrap);
  wrap.append(live, launcher, panel);

  // --- state
  let isOpen = false, unread = 0, stuck = true;
  let sid = null, gen = 0, booted = false, bootP = null, bootTimer = 0, readSeq = 0;
  // lastSeq: max seq seen. cursor: max seq from a complete stream (history, poll, WebSocket), where
  // resuming starts; a POST answer does not move it, so nothing stored in between is skipped.
  let lastSeq = 0, cursor = 0;
  const seen = new Set(), byCid = new Map(), failed = new Set(), titles = new Map(), typ = { bot: 0, agent: 0 };
  let ws = null, wsUp = false, wsTimer = 0, fails = 0, wsFails = 0, pollTok = null, pollCtl = null, wake = null;
  let conn = "ok", busy = 0, chain = Promise.resolve(), lostAt = 0, lostN = 0;
  const backoff = (n) => Math.round(Math.min(30000, 1000 * 2 ** Math.min(n, 5) * (0.8 + 0.4 * Math.random())));

  // --- open / close
  function updLauncher() {
    launchIcon.innerHTML = isOpen ? ICON_X : ICON_CHAT;
    launcher.setAttribute("aria-expanded", isOpen);
    launcher.setAttribute("aria-label", isOpen ? S.close : unread ? `${S.open} (${tr("unread", unread)})` : S.open);
    badge.hidden = !unread;
    badge.textContent = unread > 99 ? "99+" : unread;
  }
  function open() {
    if (isOpen) return;
    isOpen = true;
    panel.hidden = false;
    wrap.classList.add("open");
    markRead();
    updLauncher();
    scrollBottom();
    input.focus();
  }
  function close() {
    if (!isOpen) return;
    // Leaving after a chat: ask for a rating first (once; the next close closes).
    if (!nudged && sid && talked() && rstate(sid) != "done") {
      nudged = true;
      if (ask(sid)) return focusRate();
    }
    hideConfirm();
    isOpen = false;
    panel.hidden = true;
    wrap.classList.remove("open");
    updLauncher();
    launcher.focus();
  }
  function hideConfirm(refocus) {
    if (confirmBar.hidden) return;
    confirmBar.hidden = true;
    if (refocus) startBtn.focus();
  }
  wrap.addEventListener("keydown", (e) => {
    if (e.key != "Escape" || !isOpen) return;
    e.stopPropagation();
    confirmBar.hidden ? close() : hideConfirm(true);
  });
  function markRead() {
    unread = 0;
    if (sid && lastSeq > readSeq) store.set(RKEY, sid + " " + (readSeq = lastSeq));
  }
  const nearBottom = () => body.scrollHeight - body.scrollTop - body.clientHeight < 48;
  body.addEventListener("scroll", () => (stuck = nearBottom()) && (jump.hidden = true), { passive: true });
  function scrollBottom() {
    body.scrollTop = body.scrollHeight;
    stuck = jump.hidden = true;
  }

  // --- rendering: DOM nodes and textContent only, never HTML from messages
  const TRAIL = /[.,;:!?'"\]}>*]+$/;
  function links(p, s) {
    const re = /\bhttps?:\/\/[^\s<>"']+/gi;
    let i = 0, m;
    while ((m = re.exec(s))) {
      let u = m[0].replace(TRAIL, "");
      if (u.endsWith(")") && u.split(")").length > u.split("(").length) u = u.slice(0, -1).replace(TRAIL, "");
      const href = safeUrl(u);
      p.append(s.slice(i, m.index), href ? h("a", { href, target: "_blank", rel: "noopener noreferrer", text: u }) : u);
      i = re.lastIndex = m.index + u.length;
    }
    p.append(s.slice(i));
  }
  const rich = (p, s) => s.split(/\*\*(?=\S)([\s\S]*?\S)\*\*/).forEach((part, i) => {
    if (i % 2) links(p.appendChild(h("strong")), part);
    else links(p, part);
  });
  function price(p, cur) {
    if (typeof p == "string") return p;
    if (typeof p != "number" || !isFinite(p)) return "";
    try {
      return new Intl.NumberFormat(lang, cur ? { style: "currency", currency: cur } : { minimumFractionDigits: 2 }).format(p);
    } catch {
      return p.toFixed(2);
    }
  }
  function stock(c) {
    const n = c.stock;
    if (c.in_stock === false || n === 0) return [S.outOfStock, " no"];
    if (n > 0) return [tr("nInStock", n), ""];
    if (n && typeof n == "string") return [n, ""];
    return c.in_stock ? [S.inStock, ""] : null;
  }
  function card(c) {
    // The gateway's counted link (records the click, then redirects to the product) when it gave one.
    const click = typeof c.click_url == "string" && c.click_url.startsWith("/cards/c/") && safeUrl(API + c.click_url);
    const name = String(c.name || ""), url = click || safeUrl(c.url), img = safeUrl(c.image);
    const p = price(c.price, cfg.currency || c.currency), s = stock(c);
    return tid("div", { id: "card", class: "card" },
      img && h("img", { src: img, alt: name, loading: "lazy", onload: () => stuck && scrollBottom() }),
      h("div", { class: "cn", text: name }),
      c.brand && h("div", { class: "who", text: c.brand }),
      p && h("div", { class: "cp", text: p }),
      s && h("div", { class: "cs" + s[1], text: s[0] }),
      url && h("a", { href: url, target: "_blank", rel: "noopener noreferrer", text: S.view }, h("span", { class: "sr", text: " " + name })));
  }
  const arr = (a) => (Array.isArray(a) ? a.filter((x) => x && typeof x == "object") : []);
  function renderMsg(m, seq) {
    const from = ["visitor", "bot", "agent", "system"].includes(m.from) ? m.from : "bot";
    const el = tid("div", { id: "message", class: "msg " + from, "data-from": from, "data-seq": seq });
    el._seq = seq;
    let text = m.text == null ? "" : String(m.text);
    if (from == "visitor") text = m.display || titles.get(text) || text;
    if (from == "agent") el.append(h("div", { class: "who", text: m.agent_name || S.agent }));
    if (text) {
      const who = { visitor: S.you, bot: S.bot }[from];
      const b = el.appendChild(h("div", { class: "bub" }, who && h("span", { class: "sr", text: who + ": " })));
      rich(b, text);
    }
    const img = safeUrl(m.image);
    if (img) el.append(h("img", { class: "img", src: img, alt: S.image, onload: () => stuck && scrollBottom() }));
    const cards = arr(m.cards);
    if (cards.length) el.append(h("div", { class: "cards", tabindex: 0, role: "group", "aria-label": S.products }, ...cards.map(card)));
    const btns = arr(m.buttons).filter((b) => b.title != null && b.payload != null);
    if (btns.length && from != "visitor") {
      const g = (el._qr = el.appendChild(h("div", { class: "qr", role: "group" })));
      for (const b of btns) {
        const title = String(b.title), payload = String(b.payload);
        titles.set(payload, title);
        g.append(tid("button", {
          id: "quick-reply", text: title,
          onclick: () => {
            if (g._used) return;
            disableQr((g._used = g));
            input.focus();
            send(payload, title);
          },
        }));
      }
    }
    if (from == "visitor") el._st = el.appendChild(h("div", { class: "st", hidden: true }));
    return el;
  }
  const disableQr = (g) => g.querySelectorAll("button").forEach((b) => (b.disabled = true));
  function refreshQr() {
    const last = log.lastElementChild;
    for (const el of log.children) if (el._qr && (el != last || el._qr._used)) disableQr(el._qr);
  }
  // Order: messages with a seq by seq; notes without one after them; unsent visitor messages last.
  function place(el) {
    let ref = null;
    if (!el._pending) {
      for (const c of log.children) {
        if (c != el && (c._pending || (el._seq != null && c._seq > el._seq))) { ref = c; break; }
      }
    }
    if (el.parentNode != log || el.nextElementSibling != ref) log.insertBefore(el, ref);
  }
  function ingest(d, stream) {
    let added = 0, mine = false, ends = false;
    for (const m of arr(d.messages)) {
      const seq = Number.isInteger(m.seq) ? m.seq : null;
      if (seq != null) {
        if (stream && seq > cursor) cursor = seq;
        if (seen.has(seq)) continue;
        seen.add(seq);
        if (seq > lastSeq) lastSeq = seq;
      }
      if (m.from == "bot" || m.from == "agent") setTyping(m.from);
      if (m.from == "bot" && m.ends === true) ends = true;
      const it = m.from == "visitor" && m.client_id != null && byCid.get(String(m.client_id));
      if (it) {
        if (it.el._seq == null) settle(it, seq);
        continue;
      }
      place(renderMsg(m, seq));
      added++;
      if (m.from == "visitor") mine = true;
      else if (!isOpen && (seq == null || seq > readSeq)) unread++;
    }
    if (stream && d.last_seq > cursor) cursor = d.last_seq;
    if (ends) ask(sid);
    if (!added) return;
    refreshQr();
    if (isOpen) markRead();
    updLauncher();
    if (stuck || mine) scrollBottom();
    else if (isOpen) jump.hidden = false;
  }

  // --- rating: once per conversation, after the goodbye, or when the visitor leaves after a chat
  const RATE = "shopbot:rate:" + ORIGIN; // "<session id> open|done"
  const rstate = (s) => ((store.get(RATE) || "").split(" ")[0] == s ? store.get(RATE).split(" ")[1] : "");
  const talked = () => log.querySelectorAll(".visitor").length > 1;
  let nudged = false;
  function hideRate() {
    rateBox.hidden = true;
    rateBox.replaceChildren();
    rateBox._sid = nudged = null;
  }
  function focusRate() {
    scrollBottom();
    const r = rateBox.querySelector("input:checked") || rateBox.querySelector("input");
    if (r) r.focus();
  }
  function ask(s, last) {
    if (!s || rstate(s) == "done") return false;
    store.set(RATE, s + " open");
    if (rateBox._sid == s) return true;
    rateBox._sid = s;
    const stars = h("div", { class: "stars" }), labels = [];
    const note = h("p", { role: "status" });
    const comment = tid("textarea", { id: "rating-comment", idAttr: "sb-rc", rows: 2, maxlength: MAX, placeholder: S.comment });
    const paint = () => labels.forEach((l, i) => {
      const on = i < +(stars.querySelector("input:checked") || {}).value;
      l.classList.toggle("on", on);
      l.firstChild.textContent = on ? "\u2605" : "\u2606";
    });
    for (let n = 1; n <= 5; n++) {
      stars.append(h("input", { type: "radio", name: "sb-stars", value: n, id: "sb-s" + n, class: "sr", onchange: paint }),
        (labels[n - 1] = tid("label", { id: "rating-star", for: "sb-s" + n },
          h("span", { "aria-hidden": "true" }), h("span", { class: "sr", text: tr("star", n) }))));
    }
    paint();
    const done = (thanks) => {
      store.set(RATE, s + " done");
      if (rateBox._sid != s) return;
      if (!thanks) return hideRate(), input.focus();
      rateBox.replaceChildren(tid("p", { id: "rating-thanks", class: "rate", text: S.thanks }));
      announce(S.thanks);
    };
    const form = tid("form", {
      id: "rating", class: "rate",
      async onsubmit(e) {
        e.preventDefault();
        const v = +(stars.querySelector("input:checked") || {}).value;
        if (!v) return (note.textContent = S.pickStars);
        form.querySelector("[type=submit]").disabled = true;
        let r = {};
        try { r = await api("POST", spath(s) + "/rating", { rating: v, comment: comment.value.trim() || null }); } catch {}
        form.querySelector("[type=submit]").disabled = false;
        if (r.ok || r.status == 404) return done(r.ok);
        note.textContent = S.rateFail;
      },
    }, h("fieldset", {}, h("legend", { text: last ? S.rateLast : S.rateQ }), stars),
      h("label", { for: "sb-rc", class: "sr", text: S.comment }), comment, note,
      tid("button", { id: "rating-send", type: "submit", class: "btn pri", text: S.rateSend }),
      tid("button", { id: "rating-skip", class: "btn", text: S.noThanks, onclick: () => done() }));
    rateBox.replaceChildren(form);
    rateBox.hidden = false;
    if (stuck) scrollBottom();
    return true;
  }

  // --- sending
  function submit() {
    const v = input.value.trim();
    if (!v) return;
    input.value = "";
    autosize();
    send(v.slice(0, MAX));
  }
  function send(text, display) {
    const cid = uuid(), el = renderMsg({ from: "visitor", text, display }, null);
    const it = { cid, text, display, el };
    el._pending = true;
    el.dataset.clientId = cid;
    byCid.set(cid, it);
    place(el);
    refreshQr();
    scrollBottom();
    queue(it);
  }
  function setState(it, state, msg, retry) {
    it.state = it.el.dataset.state = state;
    it.el.classList.toggle("failed", state == "failed");
    it.el.classList.toggle("sending", state == "sending");
    it.el._st.hidden = !msg;
    it.el._st.replaceChildren(...[msg && h("span", { text: msg }), retry && tid("button", {
      id: "retry", text: S.retry, onclick: () => { queue(it); input.focus(); },
    })].filter(Boolean));
  }
  function queue(it) {
    if (it.state == "sending") return;
    failed.delete(it);
    setState(it, "sending", S.sending);
    chain = chain.then(() => post(it));
  }
  function settle(it, seq) {
    it.el._pending = false;
    if ((it.el._seq = seq) != null) it.el.dataset.seq = seq;
    failed.delete(it);
    setState(it, "sent");
    place(it.el);
  }
  function fail(it, key, retry, auto) {
    it.auto = auto; // network failure: resent once back online
    setState(it, "failed", S[key], retry);
    if (retry) failed.add(it);
    announce(S[key]);
  }
  async function post(it) {
    if (it.state != "sending" || byCid.get(it.cid) != it) return;
    busy++;
    updTyping();
    try {
      for (let n = 0; n < 3; n++) {
        if (!booted) await boot();
        const g = gen;
        if (!sid) throw 0;
        const r = await api("POST", spath(sid) + "/messages", { text: it.text, client_id: it.cid, display: it.display, language: hintLang });
        if (byCid.get(it.cid) != it) return;
        if (g != gen) continue; // session replaced: send to the new one
        if (r.status == 404) { await reset(unsent()); continue; }
        // The bot's server went away mid-answer; another takes over. Same client_id: never answered twice.
        if (r.status == 503 && r.data.error == "turn interrupted") {
          setState(it, "sending", S.moment);
          await new Promise((ok) => setTimeout(ok, Math.min(r.wait, 10000)));
          continue;
        }
        if (r.ok) {
          ingest(r.data, false);
          if (it.state == "sending") settle(it, null);
          return;
        }
        return r.status == 429 ? fail(it, "rateLimited", 1)
          : r.status == 413 || r.status == 422 ? fail(it, "rejected") : fail(it, "notSent", 1);
      }
      fail(it, "notSent", 1);
    } catch {
      if (byCid.get(it.cid) == it && it.state == "sending") fail(it, "notSent", 1, 1);
    } finally {
      busy--;
      updTyping();
    }
  }
  const resendAuto = () => [...failed].forEach((it) => it.auto && queue(it));

  // --- typing, connection state
  function setTyping(who, on) {
    clearTimeout(typ[who]);
    typ[who] = on ? setTimeout(setTyping, 30000, who) : 0;
    updTyping();
  }
  const noTyping = () => { setTyping("bot"); setTyping("agent"); };
  function updTyping() {
    const on = !!(busy || typ.bot || typ.agent);
    if (typingEl.hidden == on) {
      typingEl.hidden = !on;
      if (on && stuck) scrollBottom();
    }
  }
  function announce(text) {
    live.textContent = "";
    setTimeout(() => (live.textContent = text), 50);
  }
  function setConn(s) {
    if (s == conn) return;
    banner.hidden = dot.hidden = (conn = wrap.dataset.conn = s) == "ok";
    banner.textContent = dot.title = S[s] || "";
    dot.className = "dot " + s;
    announce(S[s] || S.connected);
    if (s == "ok") resendAuto();
  }

  // --- session & transport
  function boot() {
    if (booted) return Promise.resolve();
    if (bootP) return bootP;
    const g = gen;
    const p = (async () => {
      clearTimeout(bootTimer);
      try {
        let s = sid || store.get(KEY), r = null;
        if (s) {
          r = await api("GET", spath(s) + "/messages?after=0");
          if (r.status == 404) s = r = null;
          else if (!r.ok) throw 0;
        }
        if (!s) {
          const c = await api("POST", "/api/sessions", {});
          if (!c.ok || !(s = c.data.session_id) || typeof s != "string") throw 0;
        }
        if (g != gen) return;
        const rs = ((r && store.get(RKEY)) || "").split(" ");
        readSeq = rs[0] == s ? +rs[1] || 0 : 0;
        if (store.get(KEY) != (sid = s)) store.set(KEY, s);
        if (r) ingest(r.data, true);
        if (!seen.size && cfg.greeting) {
          const el = renderMsg({ from: "bot", text: cfg.greeting }, null);
          el.dataset.local = "greeting";
          place(el);
        }
        booted = true;
        fails = 0;
        setConn("ok");
        connect();
        resendAuto();
      } catch (e) {
        if (g == gen) {
          setConn(navigator.onLine === false ? "offline" : "reconnecting");
          bootTimer = setTimeout(() => boot().catch(noop), backoff(fails++));
        }
        throw e;
      }
    })();
    const clear = () => bootP == p && (bootP = null);
    p.then(clear, clear);
    return (bootP = p);
  }
  function teardown() {
    clearTimeout(wsTimer);
    clearTimeout(bootTimer);
    stopPoll();
    if (ws) ws._kill();
    ws = null;
    wsUp = false;
  }
  // Clear the conversation, then (after `delay` ms) load a session: a new one, or `adopt`.
  function reset(keep, adopt, delay) {
    gen++;
    teardown();
    hideConfirm();
    log.replaceChildren();
    [seen, byCid, failed, titles].forEach((x) => x.clear());
    lastSeq = cursor = readSeq = unread = 0;
    hideRate();
    noTyping();
    updLauncher();
    booted = false;
    bootP = null;
    sid = adopt || null;
    if (!adopt) store.set(KEY, null);
    for (const it of keep || []) {
      byCid.set(it.cid, it);
      log.append(it.el);
      if (it.state == "failed") failed.add(it);
    }
    scrollBottom();
    if (!delay) return boot();
    bootTimer = setTimeout(() => boot().catch(noop), delay);
    return Promise.resolve();
  }
  const unsent = () => [...byCid.values()].filter((it) => it.state != "sent");
  function lost() { // session unknown to the server: a new one, keeping unsent messages
    const now = Date.now();
    lostN = now - lostAt < 60000 ? lostN + 1 : 0;
    lostAt = now;
    reset(unsent(), null, lostN > 1 && backoff(lostN)).catch(noop);
  }

  function connect() {
    clearTimeout(wsTimer);
    if (!booted || ws || !sid) return;
    if (navigator.onLine === false) return setConn("offline");
    const g = gen, u = new URL(API + spath(sid) + "/ws?after=" + cursor);
    let s, opened = false, t0 = 0, lastIn = 0, pingT = 0;
    u.protocol = u.protocol == "https:" ? "wss:" : "ws:";
    try {
      s = ws = new WebSocket(u);
    } catch {
      return fallback();
    }
    const guard = setTimeout(() => opened || gone(1006), 10000);
    s._kill = () => {
      clearTimeout(guard);
      clearInterval(pingT);
      s.onopen = s.onmessage = s.onclose = null;
      try { s.close(); } catch {}
    };
    function gone(code) {
      s._kill();
      if (ws != s) return;
      ws = null;
      wsUp = false;
      noTyping();
      if (g != gen) return;
      if (code == 4404) return lost();
      if (opened && Date.now() - t0 > 10000) fails = 0;
      if (code == 4429) wsFails = Math.max(wsFails, 5);
      if (navigator.onLine === false) return setConn("offline");
      if (opened && code != 4429) {
        setConn("reconnecting");
        wsTimer = setTimeout(connect, backoff(fails++));
      } else fallback();
    }
    s.onopen = () => {
      opened = wsUp = true;
      t0 = lastIn = Date.now();
      wsFails = 0;
      clearTimeout(guard);
      stopPoll();
      setConn("ok");
      pingT = setInterval(() => {
        if (Date.now() - lastIn > 60000) return gone(1006);
        s.send('{"type":"ping"}');
      }, 25000);
    };
    s.onmessage = (e) => {
      lastIn = Date.now();
      let f;
      try { f = JSON.parse(e.data); } catch { return; }
      if (!f || g != gen) return;
      if (f.type == "message" && f.message) ingest({ messages: [f.message] }, true);
      else if (f.type == "typing") setTyping(f.from == "agent" ? "agent" : "bot", !!f.on);
    };
    s.onclose = (e) => gone(e.code);
  }
  function fallback() { // no WebSocket: long-poll, retry the WebSocket later
    poll();
    clearTimeout(wsTimer);
    wsTimer = setTimeout(connect, backoff(wsFails++));
  }
  const nap = (ms) => new Promise((res) => {
    const done = () => { clearTimeout(t); if (wake == done) wake = null; res(); };
    const t = setTimeout(done, ms);
    wake = done;
  });
  function stopPoll() {
    pollTok = null;
    if (pollCtl) pollCtl.abort();
    if (wake) wake();
  }
  async function poll() {
    if (pollTok) return;
    const tok = (pollTok = {}), g = gen, alive = () => pollTok == tok && g == gen && !wsUp && sid;
    let wait = 0; // a quick first GET, then long-poll
    while (alive()) {
      const ctl = (pollCtl = new AbortController()), t0 = Date.now(), t = setTimeout(() => ctl.abort(), 40000);
      try {
        const r = await api("GET", spath(sid) + "/messages?after=" + cursor + (wait ? "&wait=25" : ""), null, ctl.signal);
        if (!alive()) break;
        if (r.status == 404) { lost(); break; }
        if (r.status == 429) { await nap(Math.min(r.wait, 60000)); continue; }
        if (!r.ok) throw 0;
        fails = 0;
        setConn("ok");
        ingest(r.data, true);
        if (wait && Date.now() - t0 < 1000) await nap(1000);
        wait = 1;
      } catch {
        if (!alive()) break;
        if (navigator.onLine === false) { setConn("offline"); break; }
        setConn("reconnecting");
        wait = 0;
        await nap(backoff(fails++));
      } finally {
        clearTimeout(t);
      }
    }
    if (pollTok == tok) pollTok = null;
  }
  function kick() {
    fails = wsFails = 0;
    if (!booted) return boot().catch(noop);
    if (wake) wake();
    if (!wsUp) connect();
  }
  W.addEventListener("offline", () => {
    setConn("offline");
    stopPoll();
    if (ws) ws._kill();
    ws = null;
    wsUp = false;
  });
  W.addEventListener("online", () => { kick(); resendAuto(); });
  D.addEventListener("visibilitychange", () => D.hidden || conn == "ok" || kick());
  W.addEventListener("storage", (e) => {
    if (e.key == KEY && e.newValue && e.newValue != sid && booted) reset(null, e.newValue).catch(noop);
  });

  // --- input: Enter sends, Shift+Enter is a new line
  function autosize() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight + 2, 120) + "px";
  }
  input.addEventListener("input", autosize);
  input.addEventListener("keydown", (e) => {
    if (e.key == "Enter" && !e.shiftKey && !e.isComposing && e.keyCode != 229) {
      e.preventDefault();
      submit();
    }
  });

  // --- start
  updLauncher();
  const mount = () => host.isConnected || D.body.append(host);
  D.body ? mount() : D.addEventListener("DOMContentLoaded", mount);
  W.ShopBotWidget = Object.freeze({ open, close, startOver: () => reset().catch(noop), sessionId: () => sid });
  boot().catch(noop);
})();
