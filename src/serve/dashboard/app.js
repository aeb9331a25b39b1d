/* global document, window, uPlot */
/**
 * The liveq dashboard: polls the service's read-only routes every two seconds and draws
 *  - cards: model version, live streams, users, event/recommendation/update rates;
 *  - charts (uPlot, served from the service's node_modules): mean reward per decision, the
 *    learner's TD loss and mean Q, events and recommendations per second;
 *  - the streams live now, by viewers;
 *  - for a chosen user: the recommendations with their Q values and the parts of each score, and
 *    the features (the DQN's state) behind them.
 * Everything it fetches comes from this service; it loads nothing from elsewhere.
 */
(function () {
  "use strict";

  const POLL_MS = 2000;
  const $ = (id) => document.getElementById(id);
  const fmt = (x, digits) => (x === null || x === undefined || !Number.isFinite(x) ? "-" : x.toFixed(digits));
  const fmtInt = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString("en-US") : "-");

  async function getJson(path) {
    const res = await fetch(path, { headers: { accept: "application/json" } });
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return res.json();
  }

  function cell(row, text, cls) {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    row.appendChild(td);
    return td;
  }

  // --- charts ---------------------------------------------------------------------------------
  function makeChart(id, series) {
    const el = $(id);
    const width = () => Math.max(200, el.clientWidth - 16);
    const opts = {
      width: width(),
      height: 200,
      series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, scale: s.scale || "y", spanGaps: true }))],
      axes: [{}, { scale: "y" }, ...(series.some((s) => s.scale === "y2") ? [{ scale: "y2", side: 1, grid: { show: false } }] : [])],
      legend: { live: false },
    };
    const data = [[], ...series.map(() => [])];
    const plot = new uPlot(opts, data, el);
    window.addEventListener("resize", () => plot.setSize({ width: width(), height: 200 }));
    return plot;
  }

  const charts = {
    reward: makeChart("chart-reward", [{ label: "reward / decision", color: "#2f6fdd" }]),
    loss: makeChart("chart-loss", [
      { label: "TD loss", color: "#d92d20" },
      { label: "mean Q", color: "#12b76a", scale: "y2" },
    ]),
    rates: makeChart("chart-rates", [
      { label: "events/s", color: "#7a5af8" },
      { label: "recommendations/s", color: "#f79009" },
    ]),
  };

  function rate(samples, key) {
    return samples.map((s, i) => (i === 0 ? null : ((s[key] - samples[i - 1][key]) * 1000) / Math.max(1, s.t - samples[i - 1].t)));
  }

  function drawStats(stats) {
    const samples = stats.samples;
    const xs = samples.map((s) => s.t / 1000);
    charts.reward.setData([xs, samples.map((s) => s.reward)]);
    charts.loss.setData([xs, samples.map((s) => s.loss), samples.map((s) => s.meanQ)]);
    charts.rates.setData([xs, rate(samples, "events"), rate(samples, "recommendations")]);
    const last = samples.length > 5 ? samples.length - 1 : -1;
    const perSecond = (key) => (last > 0 ? ((samples[last][key] - samples[last - 5][key]) * 1000) / (samples[last].t - samples[last - 5].t) : NaN);
    $("c-version").textContent = String(stats.model.servingVersion);
    $("c-pinned").textContent = stats.model.pinned ? `pinned (latest ${stats.model.latestVersion})` : `latest ${stats.model.latestVersion}`;
    $("c-live").textContent = fmtInt(stats.liveStreams);
    $("c-users").textContent = fmtInt(stats.users);
    $("c-events").textContent = fmt(perSecond("events"), 1);
    $("c-recs").textContent = fmt(perSecond("recommendations"), 1);
    $("c-updates").textContent = fmt(stats.learner.updatesPerSecond, 1);
    $("c-replay").textContent = `${fmtInt(stats.learner.updates)} updates, replay ${fmtInt(stats.learner.replaySize)}`;
  }

  // --- live streams -----------------------------------------------------------------------------
  function drawLive(live) {
    $("live-count").textContent = `(${fmtInt(live.count)})`;
    const body = $("live-table").tBodies[0];
    body.textContent = "";
    for (const s of live.streams) {
      const row = body.insertRow();
      cell(row, s.stream);
      cell(row, s.streamer);
      cell(row, s.category || "-");
      cell(row, fmtInt(s.viewers), "num");
      cell(row, fmtInt(s.followers), "num");
    }
  }

  // --- one user's recommendations ---------------------------------------------------------------
  let currentUser = null;

  async function drawUser(user) {
    const q = new URLSearchParams({ user, k: "10", explain: "true" });
    const rec = await getJson(`/v1/recommend?${q}`);
    $("user-summary").textContent = `${rec.knownUser ? "known user" : "new user (cold start)"}, model version ${rec.modelVersion}, ${fmtInt(rec.candidates)} live streams ranked`;
    const body = $("rec-table").tBodies[0];
    body.textContent = "";
    rec.items.forEach((item, i) => {
      const row = body.insertRow();
      cell(row, String(i + 1));
      cell(row, item.stream);
      cell(row, item.streamer);
      cell(row, fmt(item.score, 3), "num");
      cell(row, fmt(item.q, 3), "num");
      cell(row, item.why && item.why.follows ? "yes" : "", "num");
      cell(row, item.why ? fmt(item.why.recentBonus, 2) : "", "num");
      cell(row, fmtInt(item.viewers), "num");
    });
    const fbody = $("feature-table").tBodies[0];
    fbody.textContent = "";
    for (const [name, value] of Object.entries(rec.features || {})) {
      const row = fbody.insertRow();
      cell(row, name);
      cell(row, fmt(value, 3), "num");
      const bar = cell(row, "", "bar");
      const fill = document.createElement("div");
      fill.className = "fill";
      fill.style.width = `${Math.min(100, Math.abs(value) * 100)}%`;
      bar.appendChild(fill);
    }
  }

  async function refreshUsers() {
    const list = await getJson("/v1/users?limit=50");
    const datalist = $("user-list");
    datalist.textContent = "";
    for (const id of list.users) {
      const option = document.createElement("option");
      option.value = id;
      datalist.appendChild(option);
    }
    if (currentUser === null && list.users.length > 0) {
      currentUser = list.users[0];
      $("user-input").value = currentUser;
    }
  }

  $("user-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const value = $("user-input").value.trim();
    if (value !== "") {
      currentUser = value;
      drawUser(currentUser).catch(showError);
    }
  });

  // --- polling ----------------------------------------------------------------------------------
  function showError(err) {
    const status = $("status");
    status.textContent = `not updating: ${err.message}`;
    status.className = "status bad";
  }

  async function poll() {
    try {
      const [stats, live] = await Promise.all([getJson("/v1/stats"), getJson("/v1/streams/live?limit=20")]);
      drawStats(stats);
      drawLive(live);
      await refreshUsers();
      if (currentUser !== null) await drawUser(currentUser);
      const status = $("status");
      status.textContent = `updated ${new Date().toLocaleTimeString("en-GB")}`;
      status.className = "status";
      document.body.dataset.ready = "true";
    } catch (err) {
      showError(err);
    }
    setTimeout(poll, POLL_MS);
  }
  poll();
})();
