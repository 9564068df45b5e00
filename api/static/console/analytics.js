/* Analytics dashboard charts (Chart.js, served from /static/vendor/chartjs). The figures come from
   the JSON route named in #analytics[data-source]; every chart has a table with the same figures. */
(function () {
  "use strict";
  const root = document.getElementById("analytics");
  const status = document.getElementById("charts-status");
  if (!root) return;
  const say = (text) => { if (status) status.textContent = text; };
  if (!window.Chart) {
    say("The charts could not be loaded; the tables below have every figure.");
    return;
  }

  // Colours with at least 3:1 contrast on white (WCAG non-text contrast).
  const TEAL = "#0f766e", RED = "#b42318", AMBER = "#8a4b00", BLUE = "#1d4ed8", PURPLE = "#6b2fa3", GREY = "#4a5565";
  const reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#1c2430";
  Chart.defaults.animation = reduced ? false : { duration: 400 };
  Chart.defaults.maintainAspectRatio = false;

  const pct = (x) => (x == null ? 0 : Math.round(x * 1000) / 10);
  const label = (s) => String(s).replace(/_/g, " ");
  const charts = {};

  function draw(id, config) {
    const canvas = document.getElementById(id);
    if (!canvas) return;
    charts[id] = new Chart(canvas, config);
  }
  const bars = (labels, datasets, options) => ({
    type: "bar",
    data: { labels, datasets },
    options: Object.assign({ plugins: { legend: { display: datasets.length > 1 } } }, options || {}),
  });
  const counts = { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } };
  const countsAcross = { indexAxis: "y", scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } };

  function render(d) {
    draw("chart-per-day", bars(
      d.per_day.map((r) => r.day),
      [{ label: "Conversations", data: d.per_day.map((r) => r.conversations), backgroundColor: TEAL }], counts));
    draw("chart-containment", {
      type: "doughnut",
      data: {
        labels: ["Resolved without a person", "Handed to a person"],
        datasets: [{ data: [d.containment.contained, d.containment.handed_over], backgroundColor: [TEAL, AMBER] }],
      },
      options: { plugins: { legend: { position: "bottom" } } },
    });
    draw("chart-fallback", bars(
      ["Conversations", "Visitor messages"],
      [{ label: "With a fallback (%)", data: [pct(d.fallback.conversation_rate), pct(d.fallback.message_rate)], backgroundColor: RED }],
      { scales: { y: { beginAtZero: true, suggestedMax: 100, ticks: { callback: (v) => v + " %" } } } }));
    draw("chart-intents", bars(
      d.top_intents.map((r) => r.intent),
      [{ label: "Messages", data: d.top_intents.map((r) => r.messages), backgroundColor: BLUE }], countsAcross));
    draw("chart-confidence", bars(
      d.low_confidence.map((r) => r.intent),
      [{ label: "Mean confidence", data: d.low_confidence.map((r) => r.mean_confidence), backgroundColor: PURPLE }],
      { indexAxis: "y", scales: { x: { beginAtZero: true, max: 1 } } }));
    draw("chart-handoffs", bars(
      d.handoff_reasons.map((r) => label(r.reason)),
      [{ label: "Requests", data: d.handoff_reasons.map((r) => r.requests), backgroundColor: AMBER }], counts));
    draw("chart-ratings", bars(
      d.ratings.distribution.map((r) => r.stars + (r.stars == 1 ? " star" : " stars")),
      [{ label: "Ratings", data: d.ratings.distribution.map((r) => r.ratings), backgroundColor: TEAL }], counts));
    draw("chart-unmet", bars(
      d.unmet.top.map((r) => r.query),
      [
        { label: "No results", data: d.unmet.top.map((r) => r.no_results), backgroundColor: RED },
        { label: "Out of stock", data: d.unmet.top.map((r) => r.out_of_stock), backgroundColor: GREY },
      ],
      { indexAxis: "y", scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true } } }));
    root.dataset.charts = "drawn";
  }

  fetch(root.dataset.source, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((r) => {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    })
    .then(render)
    .catch(() => {
      root.dataset.charts = "failed";
      say("The charts could not be loaded; the tables below have every figure.");
    });
  window.ShopAnalytics = { charts };
})();
