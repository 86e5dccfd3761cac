// The operator's run page: reads the JSON API (/runs, /status/{date}, /api-info) and draws a grid of the latest
// runs and the timeline of one run. No framework: plain DOM, so the page needs nothing but this file.
(function () {
  "use strict";

  const ACTIVE_POLL_MS = 2000;
  // Slow polling when nothing runs still shows a run that the schedule or another operator started.
  const IDLE_POLL_MS = 15000;
  const RUN_LIMIT = 30;
  const STATUSES = [
    ["pending", "·", "pending"],
    ["running", "▶", "running"],
    ["success", "✓", "success"],
    ["failed", "✕", "failed"],
    ["skipped", "–", "skipped"],
    ["partial", "!", "run completed with errors"],
  ];
  const SYMBOL = Object.fromEntries(STATUSES.map(([status, symbol]) => [status, symbol]));

  // The key lives in this closure only: never in storage, a cookie or the address.
  let apiKey = null;
  let apiKeyRequired = false;
  let runs = [];
  let selectedDate = dateFromPath();
  let selectedRun = null;
  let awaitingDate = null;
  let timer = null;

  const $ = (id) => document.getElementById(id);

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "className") node.className = value;
      else if (name === "text") node.textContent = value;
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function dateFromPath() {
    const match = /^\/runs\/(\d{4}-\d{2}-\d{2})\/?$/.exec(window.location.pathname);
    return match ? match[1] : null;
  }

  function seconds(from, to) {
    return (Date.parse(to) - Date.parse(from)) / 1000;
  }

  function formatDuration(s) {
    if (s === null || s === undefined || Number.isNaN(s)) return "";
    if (s < 10) return s.toFixed(2) + " s";
    if (s < 60) return s.toFixed(1) + " s";
    const minutes = Math.floor(s / 60);
    if (minutes < 60) return minutes + " min " + Math.round(s - minutes * 60) + " s";
    return Math.floor(minutes / 60) + " h " + (minutes % 60) + " min";
  }

  function formatNumber(value) {
    return Number.isInteger(value) ? value.toLocaleString("en-US") : value.toLocaleString("en-US", { maximumFractionDigits: 3 });
  }

  function formatTime(iso) {
    return iso ? new Date(iso).toLocaleString() : "";
  }

  /** The wall time of a step from the saga's timestamps (what the bar shows); the task's own measure otherwise. */
  function stepSeconds(step, now) {
    if (step.started_at && step.completed_at) return seconds(step.started_at, step.completed_at);
    if (step.started_at && step.status === "running") return seconds(step.started_at, now);
    return step.duration_seconds ?? null;
  }

  function isActive(run) {
    return Boolean(run && run.started_at && !run.completed_at);
  }

  function runStatus(run) {
    if (isActive(run)) return "running";
    if (run.state === "Failed") return "failed";
    const troubled = run.steps.some((s) => s.status === "failed" || (s.status === "skipped" && s.requested));
    return troubled ? "partial" : "success";
  }

  function runStatusWords(run) {
    return { running: "running", failed: "failed", partial: "completed with errors", success: "succeeded" }[runStatus(run)];
  }

  /** Progress of a running step as the API reports it ({done, total, unit}), or null: a finished step's last report is history. */
  function progressOf(step) {
    const p = step.progress;
    if (step.status !== "running" || !p || p.done === null || p.done === undefined) return null;
    return { done: p.done, total: p.total ?? null, unit: p.unit || "" };
  }

  function progressText(p) {
    const total = p.total ? " / " + formatNumber(p.total) : "";
    return formatNumber(p.done) + total + (p.unit ? " " + p.unit : "");
  }

  async function getJson(path) {
    const response = await fetch(path, { headers: { Accept: "application/json" }, cache: "no-store" });
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(path + " answered " + response.status);
    return response.json();
  }

  async function post(path, body) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (apiKey) headers["X-Api-Key"] = apiKey;
    const response = await fetch(path, { method: "POST", headers, body: body === undefined ? undefined : JSON.stringify(body) });
    let answer = null;
    try {
      answer = await response.json();
    } catch {
      answer = null;
    }
    return { status: response.status, answer };
  }

  // ---------------------------------------------------------------------------------------------
  // Refresh loop
  // ---------------------------------------------------------------------------------------------

  async function refresh() {
    clearTimeout(timer);
    let active = false;
    try {
      const list = await getJson("/runs?limit=" + RUN_LIMIT);
      runs = list ? list.runs : [];
      const date = selectedDate || (runs[0] && runs[0].date) || null;
      selectedRun = date ? await getJson("/status/" + date) : null;
      if (selectedRun && awaitingDate === selectedRun.date) awaitingDate = null;
      $("api-error").hidden = true;
      render(date);
      active = runs.some(isActive) || isActive(selectedRun) || awaitingDate !== null;
    } catch (error) {
      $("api-error").textContent = "Cannot read the API: " + error.message + " (retrying)";
      $("api-error").hidden = false;
      active = true;
    }

    document.body.dataset.active = String(active);
    $("refresh-state").textContent = (active ? "a run is active: refreshing every 2 s" : "idle: refreshing every 15 s")
      + " · updated " + new Date().toLocaleTimeString();
    timer = setTimeout(refresh, active ? ACTIVE_POLL_MS : IDLE_POLL_MS);
  }

  function select(date) {
    selectedDate = date;
    history.pushState({ date }, "", "/runs/" + date);
    refresh();
  }

  window.addEventListener("popstate", () => {
    selectedDate = dateFromPath();
    refresh();
  });

  // ---------------------------------------------------------------------------------------------
  // Drawing
  // ---------------------------------------------------------------------------------------------

  function render(date) {
    renderGrid(date);
    renderRun(date);
  }

  function renderLegend() {
    $("legend").replaceChildren(...STATUSES.map(([status, symbol, words]) =>
      el("li", {}, el("span", { className: "swatch s-" + status, "aria-hidden": "true" }, symbol), words)));
  }

  /** Step names in the order the runs list them; a step only newer runs have is added at the end. */
  function stepNames() {
    const names = [];
    for (const run of runs) {
      for (const step of run.steps) {
        if (!names.includes(step.step)) names.push(step.step);
      }
    }
    return names;
  }

  function renderGrid(selected) {
    if (runs.length === 0) {
      $("grid").replaceChildren(el("p", { className: "muted" }, "No maintenance has run yet."));
      return;
    }

    // Oldest on the left, as time runs.
    const columns = runs.slice().reverse();
    const head = el("tr", {}, el("th", {}),
      columns.map((run) => el("th", { className: run.date === selected ? "selected" : null, scope: "col" },
        el("button", { type: "button", title: run.date + " (attempt " + run.attempt + ")", onclick: () => select(run.date) },
          run.date.slice(5)))));

    const runRow = el("tr", { "data-step": "run" }, el("th", { className: "step-name", scope: "row" }, "run"),
      columns.map((run) => {
        const status = runStatus(run);
        return el("td", { className: run.date === selected ? "selected" : null },
          el("button", {
            type: "button",
            className: "cell s-" + status,
            "data-date": run.date,
            "data-run-status": status,
            title: run.date + ": " + runStatusWords(run) + (run.duration_seconds ? " in " + formatDuration(run.duration_seconds) : ""),
            onclick: () => select(run.date),
          }, SYMBOL[status]));
      }));

    const stepRows = stepNames().map((name) => el("tr", { "data-step": name },
      el("th", { className: "step-name", scope: "row" }, name),
      columns.map((run) => {
        const step = run.steps.find((s) => s.step === name);
        const cellClass = run.date === selected ? "selected" : null;
        if (!step) return el("td", { className: cellClass }, el("span", { className: "cell none" }));
        const duration = formatDuration(stepSeconds(step, new Date().toISOString()));
        return el("td", { className: cellClass },
          el("button", {
            type: "button",
            className: "cell s-" + step.status,
            "data-date": run.date,
            "data-status": step.status,
            title: name + " " + run.date + ": " + step.status + (duration ? " · " + duration : "") + (step.error ? " · " + step.error : ""),
            onclick: () => select(run.date),
          }, SYMBOL[step.status] || "?"));
      })));

    $("grid").replaceChildren(el("table", { className: "grid" }, el("thead", {}, head), el("tbody", {}, runRow, stepRows)));
  }

  function renderRun(date) {
    const run = selectedRun;
    if (!run) {
      $("run-title").textContent = date ? "Run of " + date : "Run";
      $("run-summary").replaceChildren(el("p", { className: "muted" },
        date === awaitingDate ? "Waiting for the run of " + date + " to start…" : date ? "No maintenance has run for " + date + "." : ""));
      $("timeline").replaceChildren();
      return;
    }

    const status = runStatus(run);
    $("run-title").textContent = "Run of " + run.date;
    const summary = [
      el("span", { className: "badge s-" + status, id: "run-status", "data-run-status": status }, SYMBOL[status] + " " + runStatusWords(run)),
      el("span", {}, "attempt " + run.attempt),
      el("span", {}, "requested by " + run.requested_by + (run.force ? " (force)" : "")),
      el("span", {}, "started " + formatTime(run.started_at)),
      run.completed_at ? el("span", {}, "ended " + formatTime(run.completed_at)) : null,
      el("span", { id: "run-duration" }, "duration " + formatDuration(run.completed_at ? seconds(run.started_at, run.completed_at) : seconds(run.started_at, new Date().toISOString()))),
      run.outcome ? el("span", { className: "outcome" + (status === "success" ? "" : " error") }, run.outcome) : null,
    ];
    $("run-summary").replaceChildren(...summary.filter((part) => part !== null));
    renderTimeline(run);
  }

  /** Ticks fall on whole seconds: 0, +5 s, +1 min, +1 min 30 s, +1 h 5 min. */
  function tickLabel(t) {
    if (t === 0) return "0";
    if (t < 60) return "+" + t + " s";
    if (t < 3600) return "+" + Math.floor(t / 60) + " min" + (t % 60 ? " " + (t % 60) + " s" : "");
    return "+" + Math.floor(t / 3600) + " h" + (t % 3600 ? " " + Math.floor((t % 3600) / 60) + " min" : "");
  }

  /** A tick every 1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min or hour: about six over the span. */
  function tickStep(span) {
    const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];
    return steps.find((s) => span / s <= 8) || 14400;
  }

  function renderTimeline(run) {
    const now = new Date().toISOString();
    const start = Date.parse(run.started_at);
    const end = Math.max(Date.parse(run.completed_at || now),
      ...run.steps.filter((s) => s.completed_at).map((s) => Date.parse(s.completed_at)));
    const span = Math.max((end - start) / 1000, 1);
    const at = (iso) => Math.min(100, Math.max(0, ((Date.parse(iso) - start) / 1000 / span) * 100));

    const axis = el("div", { className: "axis" });
    const every = tickStep(span);
    for (let t = 0; t <= span + 0.001; t += every) {
      const tick = el("span", { className: "tick" }, tickLabel(t));
      tick.style.left = (t / span) * 100 + "%";
      axis.append(tick);
    }

    const rows = [el("div", { className: "step-label muted" }, "step"), axis, el("div", { className: "duration muted" }, "duration")];
    for (const step of run.steps) {
      rows.push(stepRow(step, at, now));
      // A step that does not divide has one shard: nothing more to show than the step itself.
      const shards = step.shards || [];
      if (shards.length > 1) rows.push(...shards.map((shard) => shardRow(step, shard, at, now)));
    }

    $("timeline").replaceChildren(el("div", { className: "timeline", id: "timeline-grid" }, rows));
  }

  function bar(status, from, to, at, title) {
    const node = el("div", { className: "bar s-" + status, title });
    const left = at(from);
    node.style.left = left + "%";
    node.style.width = Math.max(at(to) - left, 0) + "%";
    return node;
  }

  function fill(progress) {
    const node = el("span", { className: "progress-fill" });
    node.style.width = Math.min(100, (progress.done / progress.total) * 100) + "%";
    return node;
  }

  function stepRow(step, at, now) {
    const lane = el("div", { className: "lane" });
    const progress = progressOf(step);
    if (step.started_at) {
      const stepBar = bar(step.status, step.started_at, step.completed_at || now, at, step.step + ": " + step.status);
      if (progress && progress.total) {
        stepBar.classList.add("has-progress");
        stepBar.append(fill(progress));
      }
      stepBar.append(SYMBOL[step.status] || "");
      lane.append(stepBar);
    } else {
      lane.append(el("span", { className: "no-bar" }, step.status === "skipped" ? "skipped, not run" : "not started"));
    }

    const duration = stepSeconds(step, now);
    const details = el("div", { className: "step-details" },
      el("span", { className: "status-word" }, SYMBOL[step.status] + " " + step.status + (step.work_skipped ? " (work already done)" : "")),
      progress ? el("span", { className: "progress" },
        progress.total ? el("progress", { max: progress.total, value: progress.done }) : null, " " + progressText(progress)) : null,
      step.verdict ? el("span", { className: "verdict" }, step.verdict) : null,
      step.error ? el("span", { className: step.status === "skipped" ? "skip-reason" : "error" }, step.error) : null,
      step.metrics && Object.keys(step.metrics).length
        ? el("span", { className: "metrics" }, Object.entries(step.metrics).map(([k, v]) => k + " " + formatNumber(v)).join(" · "))
        : null);

    return el("div", {
      className: "step-row",
      "data-step": step.step,
      "data-status": step.status,
      "data-duration-seconds": duration === null ? null : String(duration),
    },
    el("div", { className: "step-label", title: step.step }, step.step),
    lane,
    el("div", { className: "duration" }, formatDuration(duration)),
    details);
  }

  /**
   * A shard under its step: the API gives no times per shard, so its thin bar spans the step's time and is
   * filled as far as the shard has come; the shards of a step lie side by side under it.
   */
  function shardRow(step, shard, at, now) {
    const lane = el("div", { className: "lane shard-lane" });
    const progress = shard.status === "running" && shard.unit ? { done: shard.done, total: shard.total, unit: shard.unit } : null;
    if (step.started_at && shard.status !== "pending" && shard.status !== "skipped") {
      const shardBar = bar(shard.status, step.started_at, step.completed_at || now, at, step.step + " shard " + shard.shard + ": " + shard.status);
      if (progress && progress.total) {
        shardBar.classList.add("has-progress");
        shardBar.append(fill(progress));
      }
      lane.append(shardBar);
    } else {
      lane.append(el("span", { className: "no-bar" }, shard.status));
    }

    return el("div", { className: "shard-row", "data-step": step.step, "data-shard": shard.shard, "data-status": shard.status },
      el("div", { className: "step-label shard" }, "shard " + shard.shard + " " + (SYMBOL[shard.status] || "")),
      lane,
      el("div", { className: "duration" }, formatDuration(shard.duration_seconds ?? null)),
      progress || shard.verdict
        ? el("div", { className: "step-details" },
          progress ? el("span", { className: "progress" }, progressText(progress)) : null,
          shard.verdict ? el("span", { className: "verdict" }, shard.verdict) : null)
        : null);
  }

  // ---------------------------------------------------------------------------------------------
  // Actions
  // ---------------------------------------------------------------------------------------------

  function showActions() {
    const unlocked = !apiKeyRequired || apiKey !== null;
    $("actions").hidden = !unlocked;
    $("key-entry").hidden = unlocked;
    $("forget-key").hidden = !(apiKeyRequired && apiKey !== null);
  }

  function say(text, refused) {
    $("action-result").textContent = text;
    $("action-result").className = refused ? "refused" : "";
  }

  function answered(path, result) {
    if (result.status === 401) {
      apiKey = null;
      showActions();
      say(path + ": the API key was refused; enter it again.", true);
      return false;
    }
    if (result.status >= 400 || !result.answer) {
      say(path + ": " + (result.answer && result.answer.error ? result.answer.error : "answered " + result.status), true);
      return false;
    }
    return true;
  }

  async function trigger() {
    const body = { force: $("trigger-force").checked };
    if ($("trigger-date").value) body.target_date = $("trigger-date").value;
    const result = await post("/trigger", body);
    if (!answered("trigger", result)) return;
    say("trigger " + result.answer.target_date + ": " + result.answer.note, false);
    awaitingDate = result.answer.target_date;
    select(result.answer.target_date);
  }

  async function clearCaches() {
    if (!window.confirm("Delete the real-time cache keys now?")) return;
    let result = await post("/clear-caches");
    if (!answered("clear-caches", result)) return;
    if (result.answer.skipped) {
      // The API refuses during the market session unless told twice: ask the operator the second time.
      if (!window.confirm("Not cleared: " + result.answer.reason + ".\n" + result.answer.note + "\n\nClear them anyway?")) {
        say("clear-caches skipped: " + result.answer.reason, true);
        return;
      }
      result = await post("/clear-caches", { force_clear_caches: true });
      if (!answered("clear-caches", result)) return;
    }
    say("clear-caches: " + result.answer.note, false);
  }

  function useKey() {
    const value = $("api-key").value.trim();
    $("api-key").value = "";
    if (!value) return;
    apiKey = value;
    say("", false);
    showActions();
  }

  async function start() {
    renderLegend();
    $("trigger").addEventListener("click", trigger);
    $("clear-caches").addEventListener("click", clearCaches);
    $("use-key").addEventListener("click", useKey);
    $("api-key").addEventListener("keydown", (e) => { if (e.key === "Enter") useKey(); });
    $("forget-key").addEventListener("click", () => { apiKey = null; showActions(); say("key forgotten", false); });
    try {
      const info = await getJson("/api-info");
      apiKeyRequired = Boolean(info && info.api_key_required);
    } catch {
      apiKeyRequired = true;
    }
    showActions();
    await refresh();
  }

  start();
})();
