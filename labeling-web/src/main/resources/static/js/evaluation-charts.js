// Draws the evaluation page's bar charts. Each <canvas class="chart"> carries its data in data-chart (Chart.js's
// {labels, datasets} shape, written by the server) and its axis in data-min / data-max / data-unit.
(function () {
  'use strict';

  function draw(canvas) {
    const data = JSON.parse(canvas.dataset.chart);
    const unit = canvas.dataset.unit || '';
    new Chart(canvas, {
      type: 'bar',
      data: data,
      options: {
        responsive: true,
        aspectRatio: 3,
        animation: false,
        scales: {
          y: {
            min: canvas.dataset.min === undefined ? 0 : Number(canvas.dataset.min),
            max: canvas.dataset.max === undefined ? undefined : Number(canvas.dataset.max),
            ticks: { callback: (value) => value + (unit ? ' ' + unit : '') }
          }
        },
        plugins: {
          tooltip: {
            callbacks: { label: (item) => item.dataset.label + ': ' + item.formattedValue + (unit ? ' ' + unit : '') }
          }
        }
      }
    });
    canvas.dataset.drawn = 'true';
  }

  document.addEventListener('DOMContentLoaded', function () {
    if (typeof Chart === 'undefined') {
      return; // the tables below the charts carry the same numbers
    }
    document.querySelectorAll('canvas.chart[data-chart]').forEach(draw);
  });
})();
