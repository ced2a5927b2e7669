// Draws each dashboard panel from the numbers the page also shows as a table (issue "ledgers" §4).
// Chart.js comes from npm (static/vendor/chart.js), never a CDN.
(function () {
  "use strict";
  function draw(canvas) {
    var spec = JSON.parse(document.getElementById(canvas.dataset.chart).textContent);
    var stacked = spec.type === "stacked";
    var round = spec.type === "doughnut";
    new window.Chart(canvas, {
      type: stacked ? "bar" : spec.type,
      data: { labels: spec.labels, datasets: spec.datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { position: round ? "right" : "top" } },
        scales: round ? {} : { x: { stacked: stacked }, y: { stacked: stacked, beginAtZero: true } },
      },
    });
    canvas.dataset.drawn = "true";
  }
  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
