// The console's live chat page (/console/live/{id}): follows the conversation with a
// long poll, takes it, sends the agent's replies and hands it back to the bot.
// Every text is set with textContent: nothing a visitor types is ever parsed as HTML.
(() => {
  "use strict";
  const root = document.getElementById("live");
  if (!root) return;
  const $ = (id) => document.getElementById(id);
  const id = root.dataset.handoffId, me = root.dataset.me, admin = root.dataset.admin === "1";
  // What the page was rendered with: "full" (this agent holds the chat), "preview" (masked) or "none" (closed).
  const access = root.dataset.access;
  const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  const log = $("chat-log"), form = $("reply-form"), input = $("reply-text");
  const WHO = { visitor: "Visitor", bot: "Bot", system: "Note" };
  let lastSeq = Number(root.dataset.lastSeq) || 0;
  let handoff = { status: root.dataset.status, taken_by: root.dataset.takenBy || null, state: root.dataset.state,
                  status_text: $("live-status").textContent };
  const seen = new Set([...log.querySelectorAll("[data-seq]")].map((el) => el.dataset.seq));

  let timeFmt;
  try {
    // 24-hour wall-clock time in the support time zone, as the server writes times.
    timeFmt = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23",
                                                 timeZone: root.dataset.timezone });
  } catch {
    timeFmt = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  }
  function stamp(el, ts) {
    if (!Number.isFinite(ts) || ts <= 0) return;
    const when = new Date(ts * 1000);
    el.dateTime = when.toISOString();
    el.textContent = timeFmt.format(when);
  }
  const make = (tag, cls, text) => {
    const el = document.createElement(tag);
    if (cls) el.className = cls;
    if (text != null) el.textContent = text;
    return el;
  };
  const toLogin = () => { location.href = "/console/login?next=" + encodeURIComponent(location.pathname); };
  const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

  function render(m) {
    const from = ["visitor", "bot", "agent", "system"].includes(m.from) ? m.from : "bot";
    const li = make("li", "chat-msg chat-" + from);
    li.setAttribute("data-testid", "console-message");
    li.dataset.from = from;
    li.dataset.seq = String(m.seq);
    li.append(make("span", "chat-who", from === "agent" ? (m.agent_name || "Agent") : WHO[from]));
    if (m.text) li.append(make("p", "chat-text", String(m.text)));
    const cards = (Array.isArray(m.cards) ? m.cards : []).map((c) => c && c.name).filter(Boolean);
    if (cards.length) li.append(make("p", "chat-extra", "Products: " + cards.join(", ")));
    const buttons = (Array.isArray(m.buttons) ? m.buttons : []).map((b) => b && b.title).filter(Boolean);
    if (buttons.length) li.append(make("p", "chat-extra", "Quick replies: " + buttons.join(" · ")));
    const time = make("time", "chat-time");
    stamp(time, Number(m.timestamp));
    li.append(time);
    return li;
  }

  function add(messages) {
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 60;
    for (const m of Array.isArray(messages) ? messages : []) {
      if (!Number.isInteger(m.seq) || seen.has(String(m.seq))) continue;
      seen.add(String(m.seq));
      log.append(render(m));
      if (m.seq > lastSeq) lastSeq = m.seq;
    }
    $("chat-empty").hidden = log.children.length > 0;
    if (atBottom) log.scrollTop = log.scrollHeight;
  }

  function applyState(h) {
    // Taking the chat unlocks the unmasked chat and order; losing it must not leave them on screen.
    if (h.access && h.access !== access) {
      location.reload();
      return;
    }
    handoff = h;
    const mine = h.status === "taken" && h.taken_by === me;
    const other = h.status === "taken" && !mine;
    const status = $("live-status");
    status.textContent = h.status_text;
    status.className = "status status-" + h.status;
    $("take").hidden = $("close").hidden = h.status !== "waiting";
    if (form.hidden && mine) setTimeout(() => input.focus(), 0);
    form.hidden = !mine;
    const forOther = $("hand-back-other");
    forOther.hidden = !(other && admin);
    forOther.textContent = "Hand back to the bot for " + (h.taken_by || "the agent");
    $("live-agent").textContent = h.taken_by || "—";
    $("live-notice").textContent =
      mine ? "You are in this chat: the bot stays silent until you hand it back."
      : other ? (h.taken_by || "Another agent") + " is handling this chat."
      : h.status === "waiting" ? "The visitor is waiting. The bot still answers until someone takes the chat."
      : h.status === "message_left" ? "The visitor left a message for the team instead of waiting."
      : "This request is closed: the bot answers the visitor.";
  }

  function showWaiting(count) {
    const badge = $("live-count");
    if (!badge || !Number.isInteger(count)) return;
    $("live-count-n").textContent = String(count);
    badge.hidden = !count;
  }

  function showError(message) {
    const box = $("live-error");
    box.textContent = message ? message.charAt(0).toUpperCase() + message.slice(1) + (/[.!?]$/.test(message) ? "" : ".") : "";
    box.hidden = !message;
  }

  async function post(action, data) {
    const res = await fetch(`/api/console/live/${id}/${action}`, {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf, Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(data || {}),
    });
    if (res.status === 401) {
      toLogin();
      throw new Error("your session ended; please log in again");
    }
    if (res.status === 204) return null;
    let body = null;
    try { body = await res.json(); } catch { body = null; }
    if (!res.ok) throw new Error((body && body.error) || `the request failed (HTTP ${res.status})`);
    return body;
  }

  async function act(button, action, data) {
    showError("");
    if (button) button.disabled = true;
    try {
      const h = await post(action, data);
      if (h && h.state) applyState(h);
      return true;
    } catch (e) {
      showError(e.message);
      return false;
    } finally {
      if (button) button.disabled = false;
    }
  }

  // "Typing" in the visitor's widget: at most one signal every 4 s, off after 5 s idle.
  let typingSince = 0, typingTimer = 0;
  function typingOff() {
    clearTimeout(typingTimer);
    if (!typingSince) return;
    typingSince = 0;
    post("typing", { on: "0" }).catch(() => {});
  }
  input.addEventListener("input", () => {
    if (form.hidden) return;
    if (input.value.trim() && Date.now() - typingSince > 4000) {
      typingSince = Date.now();
      post("typing", { on: "1" }).catch(() => {});
    }
    clearTimeout(typingTimer);
    typingTimer = setTimeout(typingOff, 5000);
  });
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    if (await act(form.querySelector('[type="submit"]'), "reply", { text })) {
      input.value = "";
      typingSince = 0;  // the agent's message ends "typing" in the widget by itself
      clearTimeout(typingTimer);
    }
    input.focus();
  });
  $("take").addEventListener("click", () => act($("take"), "take"));
  $("close").addEventListener("click", () => act($("close"), "close"));
  $("hand-back").addEventListener("click", () => { typingOff(); act($("hand-back"), "hand-back"); });
  $("hand-back-other").addEventListener("click", () => act($("hand-back-other"), "hand-back"));

  async function follow() {
    let fails = 0;
    for (;;) {
      try {
        const query = new URLSearchParams({ after: String(lastSeq), wait: "25", state: handoff.state });
        const res = await fetch(`/api/console/live/${id}/messages?${query}`, {
          credentials: "same-origin", headers: { Accept: "application/json" },
        });
        if (res.status === 401) return toLogin();
        if (!res.ok) throw new Error("HTTP " + res.status);
        const body = await res.json();
        add(body.messages);
        showWaiting(body.waiting);
        if (fails || (body.handoff && body.handoff.state !== handoff.state)) applyState(body.handoff || handoff);
        fails = 0;
      } catch {
        fails += 1;
        $("live-notice").textContent = "Lost the connection to the console; retrying…";
        await sleep(Math.min(30000, 1000 * 2 ** Math.min(fails, 5)));
      }
    }
  }

  log.querySelectorAll("time[data-ts]").forEach((t) => stamp(t, Number(t.dataset.ts)));
  log.scrollTop = log.scrollHeight;
  applyState(handoff);
  follow();
})();
