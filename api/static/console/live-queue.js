// The console's live queue (/console/live): re-reads the queue every few seconds.
// Every text is set with textContent, never parsed as HTML.
(() => {
  "use strict";
  const rows = document.getElementById("queue-rows");
  if (!rows) return;
  const $ = (id) => document.getElementById(id);
  const EVERY_MS = 4000, HIDDEN_EVERY_MS = 15000;

  const cell = (...children) => {
    const td = document.createElement("td");
    td.append(...children);
    return td;
  };
  function row(e) {
    const tr = document.createElement("tr");
    tr.setAttribute("data-testid", "queue-row");
    tr.dataset.id = String(e.id);
    tr.dataset.status = e.status;
    const link = document.createElement("a");
    link.href = e.url;
    link.textContent = "Visitor " + e.visitor;
    const status = document.createElement("span");
    status.className = "status status-" + e.status;
    status.textContent = e.status_text;
    const o = e.verified_order;
    const order = o ? `${o.customer_name}, order #${o.number} (${o.status})`
      : e.verified_order_number ? `order #${e.verified_order_number}` : e.order_verified ? "order verified" : "—";
    tr.append(cell(link), cell(status), cell(e.reason), cell(e.asked_at), cell(e.waiting_for), cell(order),
              cell(e.contact_email || "—"));
    return tr;
  }

  function show(queue) {
    // Keep the keyboard focus on the same chat's link across a refresh.
    const focused = document.activeElement && rows.contains(document.activeElement)
      ? document.activeElement.closest("tr").dataset.id : null;
    rows.replaceChildren(...queue.entries.map(row));
    if (focused) {
      const again = rows.querySelector(`tr[data-id="${CSS.escape(focused)}"] a`);
      if (again) again.focus();
    }
    $("queue-waiting").textContent = String(queue.waiting);
    $("queue-taken").textContent = String(queue.taken);
    $("queue-empty").hidden = queue.entries.length > 0;
    const badge = $("live-count");
    if (badge) {
      $("live-count-n").textContent = String(queue.waiting);
      badge.hidden = !queue.waiting;
    }
  }

  async function refresh() {
    try {
      const res = await fetch("/api/console/live/queue", { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (res.status === 401) {
        location.href = "/console/login?next=" + encodeURIComponent(location.pathname);
        return;
      }
      if (!res.ok) throw new Error("HTTP " + res.status);
      show(await res.json());
      $("queue-problem").textContent = "";
    } catch {
      $("queue-problem").textContent = "Could not refresh the list; trying again.";
    }
    setTimeout(refresh, document.hidden ? HIDDEN_EVERY_MS : EVERY_MS);
  }
  setTimeout(refresh, EVERY_MS);
})();
