// The run page: a chart per metric and the run's log, kept current by polling the live endpoint while the run
// is queued, running or stopping. Each answer carries only what is new since the cursors it was asked with.
(function () {
  const root = document.getElementById("run");
  if (!root) return;
  const POLL_MS = 2000;
  const MAX_LOG_LINES = 2000;
  const el = (id) => document.getElementById(id);
  const charts = new Map(); // metric name -> { chart, box, steps: Map(step -> point) }
  let metricCursor = null;
  let logCursor = null;

  function liveUrl() {
    const url = new URL(root.dataset.liveUrl, location.href);
    if (metricCursor !== null) url.searchParams.set("afterMetric", metricCursor);
    if (logCursor !== null) url.searchParams.set("afterLog", logCursor);
    return url;
  }

  function formatEta(seconds) {
    if (seconds === null || seconds === undefined) return "—";
    const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    return h > 0 ? h + " h " + String(m).padStart(2, "0") + " min" : m > 0 ? m + " min " + String(s).padStart(2, "0") + " s" : s + " s";
  }

  // Metrics are named stage/metric (sft/loss, ppo/kl): one section per stage, one chart per metric.
  function groupFor(stage) {
    let group = document.querySelector('#charts section[data-stage="' + CSS.escape(stage) + '"]');
    if (!group) {
      group = document.createElement("section");
      group.className = "metric-group";
      group.dataset.stage = stage;
      const title = document.createElement("h3");
      title.textContent = stage;
      const grid = document.createElement("div");
      grid.className = "chart-grid";
      group.append(title, grid);
      el("charts").append(group);
    }
    return group.querySelector(".chart-grid");
  }

  function chartFor(name) {
    let entry = charts.get(name);
    if (entry) return entry;
    const slash = name.indexOf("/");
    const stage = slash > 0 ? name.slice(0, slash) : "other";
    const box = document.createElement("figure");
    box.className = "chart";
    box.dataset.metric = name;
    box.dataset.points = "0";
    const caption = document.createElement("figcaption");
    caption.textContent = name;
    const canvas = document.createElement("canvas");
    canvas.setAttribute("aria-label", "chart of " + name);
    const holder = document.createElement("div");
    holder.className = "chart-canvas";
    holder.append(canvas);
    box.append(caption, holder);
    groupFor(stage).append(box);
    el("no-metrics").hidden = true;
    const chart = typeof Chart === "undefined" ? null : new Chart(canvas, {
      type: "line",
      data: { datasets: [{ label: name, data: [], borderWidth: 1.5, tension: 0,
        pointRadius: (context) => (context.dataset.data.length < 30 ? 2 : 0) }] },
      options: {
        animation: false, maintainAspectRatio: false, parsing: false,
        plugins: { legend: { display: false } },
        scales: { x: { type: "linear", title: { display: true, text: "step" } } }
      }
    });
    entry = { chart: chart, box: box, steps: new Map() };
    charts.set(name, entry);
    return entry;
  }

  function addPoints(points) {
    const touched = new Set();
    for (const p of points) {
      const entry = chartFor(p.name);
      const known = entry.steps.get(p.step);
      if (known) {
        known.y = p.value; // a resumed run records a step again
      } else {
        const point = { x: p.step, y: p.value };
        entry.steps.set(p.step, point);
        if (entry.chart) entry.chart.data.datasets[0].data.push(point);
      }
      touched.add(entry);
    }
    let total = 0;
    for (const entry of charts.values()) {
      if (touched.has(entry) && entry.chart) {
        entry.chart.data.datasets[0].data.sort((a, b) => a.x - b.x);
        entry.chart.update("none");
      }
      entry.box.dataset.points = String(entry.steps.size);
      total += entry.steps.size;
    }
    el("charts").dataset.points = String(total);
  }

  function addLogLines(lines) {
    const log = el("run-log");
    const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
    for (const line of lines) {
      const item = document.createElement("li");
      item.className = "log-" + line.level;
      const time = document.createElement("time");
      time.dateTime = line.loggedAt;
      time.textContent = new Date(line.loggedAt).toLocaleTimeString();
      const level = document.createElement("span");
      level.className = "level";
      level.textContent = line.level;
      const message = document.createElement("span");
      message.className = "message";
      message.textContent = line.message; // text, never HTML
      item.append(time, " ", level, " ", message);
      log.append(item);
    }
    while (log.children.length > MAX_LOG_LINES) log.firstElementChild.remove();
    if (lines.length > 0) el("no-log").hidden = true;
    if (atBottom) log.scrollTop = log.scrollHeight;
  }

  function showState(live) {
    const status = el("run-status");
    status.textContent = live.status;
    status.className = "run-status status-" + live.status;
    el("run-progress").value = live.progress;
    el("run-step").textContent = live.currentStep;
    el("run-total").textContent = live.totalSteps === null ? "?" : live.totalSteps;
    el("run-eta").textContent = live.finished ? "—" : formatEta(live.etaSeconds);
    const error = el("run-error");
    error.textContent = live.errorMessage || "";
    error.hidden = !live.errorMessage;
    if (live.outputCheckpoint && !el("run-output").querySelector("a")) {
      const link = document.createElement("a");
      link.href = root.dataset.checkpointsUrl + "/" + live.outputCheckpoint.id;
      link.textContent = live.outputCheckpoint.name;
      el("run-output").replaceChildren(link);
    }
    const cancel = el("cancel-form");
    if (cancel && live.finished) cancel.hidden = true;
    root.dataset.finished = String(live.finished);
  }

  async function poll() {
    const connection = el("run-connection");
    try {
      const response = await fetch(liveUrl(), {
        credentials: "same-origin", redirect: "manual", headers: { Accept: "application/json" }
      });
      if (!response.ok) throw new Error(response.type === "opaqueredirect" ? "signed out: reload to sign in" : "HTTP " + response.status);
      const live = await response.json();
      showState(live);
      addPoints(live.metrics);
      addLogLines(live.logs);
      metricCursor = live.metricCursor;
      logCursor = live.logCursor;
      connection.textContent = "";
      if (live.moreLogs) poll();
      else if (!live.finished) setTimeout(poll, POLL_MS);
    } catch (e) {
      connection.textContent = "Live updates paused (" + e.message + "); retrying…";
      setTimeout(poll, POLL_MS * 3);
    }
  }

  poll();
})();
