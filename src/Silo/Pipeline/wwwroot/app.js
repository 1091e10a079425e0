// The pipeline view: polls /pipeline/api/cluster (every silo's figures) once a second and renders it; the session
// cookie from /signin goes along. No framework, no CDN: plain DOM and SVG.
"use strict";

const state = { lastLog: -1 };
const $ = (id) => document.getElementById(id);

const fmt = {
  n: (v) => (v ?? 0).toLocaleString("en-US", { maximumFractionDigits: 1 }),
  ms: (v) => (v ?? 0) < 10 ? (v ?? 0).toFixed(2) : fmt.n(v),
  bytes: (v) => { const u = ["B", "KiB", "MiB", "GiB"]; let i = 0; v = v ?? 0; while (v >= 1024 && i < u.length - 1) { v /= 1024; i++; } return `${v.toFixed(i ? 1 : 0)} ${u[i]}`; },
  duration: (s) => { s = Math.floor(s); const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60); return d ? `${d}d ${h}h` : h ? `${h}h ${m}m` : `${m}m ${s % 60}s`; },
  time: (t) => t ? new Date(t).toLocaleTimeString() : "—",
};

async function api(path) {
  const response = await fetch(`/pipeline/api/${path}`, { headers: { Accept: "application/json" } });
  if (response.status === 401 || response.status === 403) { location.assign(`/signin?returnUrl=${encodeURIComponent(location.pathname)}`); throw new Error("signed out"); }
  if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
  return response.json();
}

function cards(id, items) {
  $(id).replaceChildren(...items.map(([label, value, level]) => {
    const card = document.createElement("div");
    card.className = `card ${level || ""}`;
    card.innerHTML = `<div class="label"></div><div class="value"></div>`;
    card.children[0].textContent = label;
    card.children[1].textContent = value;
    return card;
  }));
}

function rows(tableId, data, cells) {
  const body = document.querySelector(`#${tableId} tbody`);
  body.replaceChildren(...data.map((item) => {
    const tr = document.createElement("tr");
    for (const cell of cells(item)) { const td = document.createElement("td"); td.textContent = cell; tr.appendChild(td); }
    return tr;
  }));
}

const sum = (items, pick) => items.reduce((total, item) => total + (pick(item) ?? 0), 0);
const short = (silo) => silo.replace(/^S/, "").split(/[:@]/).slice(0, 2).join(":"); // host:port, without the generation
const seconds = (s) => s === null || s === undefined ? "—" : `${fmt.n(s)} s`;

// One cluster answer: every silo's snapshot (or the error that silo gave).
function render(cluster) {
  const silos = cluster.silos.filter((s) => !s.error);
  $("cluster-name").textContent = `${cluster.silos.length} silo${cluster.silos.length === 1 ? "" : "s"} · served by ${short(cluster.servedBy)}`;
  const body = document.querySelector("#silos tbody");
  body.replaceChildren(...cluster.silos.map((s) => {
    const tr = document.createElement("tr");
    const cells = s.error ? [short(s.siloAddress), `no answer: ${s.error}`] : [
      short(s.siloAddress), `${s.silo.host} · ${s.silo.processId}`, fmt.duration(s.silo.uptimeSeconds), fmt.n(s.silo.cpuPercent),
      fmt.bytes(s.silo.workingSetBytes), fmt.bytes(s.silo.gcHeapBytes), fmt.n(s.http.requestsPerSecond), fmt.ms(s.http.p99Ms),
      fmt.n(s.http.serverErrorsPerSecond), fmt.n(sum(s.grainTypes.filter((t) => t.type === "AccountGrain"), (t) => t.active)),
      s.ingestion.partitions.map((p) => p.partition).join(" "),
    ];
    for (const cell of cells) { const td = document.createElement("td"); td.textContent = cell; tr.appendChild(td); }
    if (s.error) { tr.className = "bad"; tr.lastChild.colSpan = 10; }
    return tr;
  }));

  const first = silos[0]?.ingestion;
  $("ingestion-source").textContent = first ? `${first.topic} · group ${first.consumerGroup}` : "";
  const partitions = silos.flatMap((s) => s.ingestion.partitions.map((p) => ({ ...p, owner: short(s.siloAddress) }))).sort((a, b) => a.partition - b.partition);
  const applied = sum(silos, (s) => s.ingestion.appliedTotal), deliveries = sum(silos, (s) => s.ingestion.featuresPerDelivery ? s.ingestion.appliedTotal / s.ingestion.featuresPerDelivery : 0);
  const lagSeconds = Math.max(0, ...partitions.map((p) => p.lagSeconds ?? 0));
  const paused = partitions.filter((p) => p.paused);
  cards("ingestion-cards", [
    ["consumed/s", fmt.n(sum(silos, (s) => s.ingestion.consumedPerSecond))], ["applied/s", fmt.n(sum(silos, (s) => s.ingestion.appliedPerSecond))],
    ["ignored older/s", fmt.n(sum(silos, (s) => s.ingestion.ignoredAsOlderPerSecond))],
    ["dead letters/s", fmt.n(sum(silos, (s) => s.ingestion.deadLetteredPerSecond)), sum(silos, (s) => s.ingestion.deadLetteredPerSecond) > 0 ? "warn" : ""],
    ["lag", fmt.n(sum(partitions, (p) => p.lag)), sum(partitions, (p) => p.lag) > 100000 ? "warn" : ""], ["behind for", seconds(lagSeconds), lagSeconds > 30 ? "warn" : ""],
    ["paused partitions", `${paused.length} / ${partitions.length}`, paused.length ? "warn" : ""], ["consumed", fmt.n(sum(silos, (s) => s.ingestion.consumedTotal))],
    ["applied", fmt.n(applied)], ["ignored older", fmt.n(sum(silos, (s) => s.ingestion.ignoredAsOlderTotal))], ["erased", fmt.n(sum(silos, (s) => s.ingestion.erasedTotal))],
    ["features/delivery", fmt.n(deliveries ? applied / deliveries : 0)],
    ["freshness p50 ms", fmt.ms(Math.max(0, ...silos.map((s) => s.ingestion.freshness.p50Ms)))],
    ["freshness p99 ms", fmt.ms(Math.max(0, ...silos.map((s) => s.ingestion.freshness.p99Ms))), Math.max(0, ...silos.map((s) => s.ingestion.freshness.p99Ms)) > 200 ? "warn" : ""],
    ["freshness samples/min", fmt.n(sum(silos, (s) => s.ingestion.freshness.samples))],
  ]);
  rows("partitions", partitions, (p) => [p.partition, p.owner, fmt.n(p.lag), seconds(p.lagSeconds), p.position < 0 ? "—" : fmt.n(p.position),
    p.highWatermark < 0 ? "—" : fmt.n(p.highWatermark), p.committedOffset < 0 ? "—" : fmt.n(p.committedOffset), seconds(p.commitAgeSeconds),
    fmt.n(p.uncommitted), p.paused ? `paused: ${p.pauseReason}` : "flowing"]);

  const byReason = {};
  for (const s of silos) for (const [reason, n] of Object.entries(s.ingestion.deadLettersByReason)) byReason[reason] = (byReason[reason] ?? 0) + n;
  rows("dead-letters", Object.entries(byReason).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]), ([reason, n]) => [reason, fmt.n(n)]);
  const recent = silos.flatMap((s) => s.ingestion.recentDeadLetters).sort((a, b) => new Date(b.at) - new Date(a.at)).slice(0, 50);
  rows("recent-dead-letters", recent, (d) => [fmt.time(d.at), d.reason, d.partition, fmt.n(d.offset), d.detail, d.valueStart]);

  const writes = sum(silos, (s) => s.storage.itemWritesTotal);
  const conflicts = sum(silos, (s) => s.storage.conflictsTotal), failed = sum(silos, (s) => s.storage.failedBatchesTotal);
  const oldest = Math.max(0, ...silos.map((s) => s.storage.oldestDirtySeconds));
  cards("storage-cards", [
    ["item writes/s", fmt.n(sum(silos, (s) => s.storage.itemWritesPerSecond))], ["features / item write", fmt.n(writes ? applied / writes : 0)],
    ["dirty namespaces", fmt.n(sum(silos, (s) => s.storage.dirtyNamespaces))], ["dirty bytes", fmt.bytes(sum(silos, (s) => s.storage.dirtyBytes))],
    ["oldest unflushed", `${fmt.n(oldest)} s`, oldest > 5 ? "warn" : ""], ["account loads/s", fmt.n(sum(silos, (s) => s.storage.accountLoadsPerSecond))],
    ["conflicts merged", fmt.n(conflicts), conflicts > 0 ? "warn" : ""], ["retried writes", fmt.n(sum(silos, (s) => s.storage.retriedWritesTotal))],
    ["throttles", fmt.n(sum(silos, (s) => s.storage.throttlesTotal))], ["failed batches", fmt.n(failed), failed > 0 ? "bad" : ""], ["item writes", fmt.n(writes)],
  ]);
  rows("storage-silos", silos, (s) => [short(s.siloAddress), fmt.n(s.storage.itemWritesPerSecond), fmt.n(s.storage.featuresPerItemWrite),
    fmt.n(s.storage.dirtyNamespaces), fmt.bytes(s.storage.dirtyBytes), `${fmt.n(s.storage.oldestDirtySeconds)} s`,
    `${fmt.ms(s.storage.flushP50Ms)} / ${fmt.ms(s.storage.flushP99Ms)}`, fmt.n(s.storage.conflictsTotal), fmt.n(s.storage.retriedWritesTotal),
    `${fmt.n(s.storage.durableWatermark)} / ${fmt.n(s.storage.lastSequence)}`, fmt.n(s.storage.accountLoadsPerSecond),
    `${fmt.ms(s.storage.loadP50Ms)} / ${fmt.ms(s.storage.loadP99Ms)}`, fmt.n(s.storage.loadsWaiting)]);

  record(cluster.at, silos, partitions);
}

// Cluster-wide series, gathered by this page once a second (the last five minutes).
const history = [];
const series = [
  ["consumed/s", (p) => p.consumed], ["applied features/s", (p) => p.applied], ["dead letters/s", (p) => p.deadLetters],
  ["consumer lag", (p) => p.lag], ["item writes/s", (p) => p.itemWrites], ["dirty namespaces", (p) => p.dirty],
  ["account loads/s", (p) => p.loads], ["API requests/s", (p) => p.requests], ["API p99 ms (worst silo)", (p) => p.p99],
  ["freshness p99 ms (worst silo, last minute)", (p) => p.freshness],
];

function record(at, silos, partitions) {
  history.push({
    at: new Date(at), consumed: sum(silos, (s) => s.ingestion.consumedPerSecond), applied: sum(silos, (s) => s.ingestion.appliedPerSecond),
    deadLetters: sum(silos, (s) => s.ingestion.deadLetteredPerSecond), lag: sum(partitions, (p) => p.lag), itemWrites: sum(silos, (s) => s.storage.itemWritesPerSecond),
    dirty: sum(silos, (s) => s.storage.dirtyNamespaces), loads: sum(silos, (s) => s.storage.accountLoadsPerSecond),
    requests: sum(silos, (s) => s.http.requestsPerSecond), p99: Math.max(0, ...silos.map((s) => s.http.p99Ms)),
    freshness: Math.max(0, ...silos.map((s) => s.ingestion.freshness.p99Ms)),
  });
  while (history.length > 300) history.shift();
  charts();
}

// Each chart: the series as a line, a y axis (0 and its maximum) and a time axis (first, middle and last point).
function charts() {
  const grid = $("chart-grid");
  const [w, h, left, bottom] = [320, 90, 44, 16];
  if (!grid.children.length) {
    for (const [label] of series) {
      const chart = document.createElement("div");
      chart.className = "chart";
      chart.innerHTML = `<div class="label"><span></span><b></b></div><svg viewBox="0 0 ${w} ${h}">
        <line class="axis" x1="${left}" y1="2" x2="${left}" y2="${h - bottom}"/><line class="axis" x1="${left}" y1="${h - bottom}" x2="${w}" y2="${h - bottom}"/>
        <text class="ymax" x="${left - 4}" y="10" text-anchor="end"></text><text x="${left - 4}" y="${h - bottom}" text-anchor="end">0</text>
        <text class="t0" x="${left}" y="${h - 3}"></text><text class="t1" x="${(left + w) / 2}" y="${h - 3}" text-anchor="middle"></text><text class="t2" x="${w}" y="${h - 3}" text-anchor="end"></text>
        <polyline/></svg>`;
      chart.querySelector("span").textContent = label;
      grid.appendChild(chart);
    }
  }

  const time = (p) => p ? p.at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" }) : "";
  series.forEach(([, pick], index) => {
    const chart = grid.children[index];
    const values = history.map(pick);
    const max = Math.max(1e-9, ...values);
    const step = (w - left) / 299;
    const start = w - (values.length - 1) * step;
    const xy = values.map((v, k) => `${(start + k * step).toFixed(1)},${(h - bottom - (v / max) * (h - bottom - 6)).toFixed(1)}`);
    chart.querySelector("polyline").setAttribute("points", xy.join(" "));
    chart.querySelector(".ymax").textContent = fmt.n(max < 1e-6 ? 0 : max);
    chart.querySelector(".t0").textContent = time(history[0]);
    chart.querySelector(".t1").textContent = history.length > 2 ? time(history[Math.floor(history.length / 2)]) : "";
    chart.querySelector(".t2").textContent = history.length > 1 ? time(history[history.length - 1]) : "";
    chart.querySelector("b").textContent = values.length ? fmt.n(values[values.length - 1]) : "—";
  });
}

async function logs() {
  const level = $("log-info").checked ? "Information" : "Warning";
  const entries = await api(`logs?after=${state.lastLog}&level=${level}`);
  const list = $("log-tail");
  for (const e of entries) {
    const li = document.createElement("li");
    li.className = e.level;
    li.textContent = `${new Date(e.at).toLocaleTimeString()} ${e.level.padEnd(11)} ${e.category.split(".").pop()}: ${e.message}${e.exception ? "\n" + e.exception : ""}`;
    list.prepend(li);
    state.lastLog = Math.max(state.lastLog, e.sequence);
  }
  while (list.children.length > 300) list.lastChild.remove();
}

async function inspect(event) {
  event.preventDefault();
  const id = $("inspect-input").value.trim();
  const result = $("inspect-result");
  if (!id) return;
  try {
    const a = await api(`accounts/${encodeURIComponent(id)}?activate=${$("inspect-activate").checked}`);
    if (!a.active) { result.textContent = `${a.accountId} is not active anywhere in the cluster. Tick "load if not active" to load it from DynamoDB.`; return; }
    if (!a.namespaces.length) { result.textContent = `${a.accountId} holds no features.`; return; }
    result.replaceChildren(...a.namespaces.map((ns) => {
      const section = document.createElement("div");
      section.innerHTML = `<h3></h3><table class="features"><thead><tr><th>feature</th><th>value</th><th>timestamp</th></tr></thead><tbody></tbody></table>`;
      section.querySelector("h3").innerHTML = `<span></span> <span class="badge ${ns.durable ? "ok" : "warn"}">${ns.durable ? "durable" : "not yet durable"}</span> <span class="muted"></span>`;
      section.querySelector("h3 span").textContent = ns.namespace;
      section.querySelector("h3 .muted").textContent = `updated ${new Date(ns.updatedAt).toLocaleString()}`;
      section.querySelector("tbody").replaceChildren(...ns.features.map((f) => {
        const tr = document.createElement("tr");
        for (const v of [f.name, f.value, f.timestamp]) { const td = document.createElement("td"); td.textContent = v; tr.appendChild(td); }
        return tr;
      }));
      return section;
    }));
  } catch (error) {
    result.textContent = `Could not inspect ${id}: ${error.message}`;
  }
}

async function tick() {
  const status = $("status");
  try {
    const cluster = await api("cluster");
    render(cluster);
    await logs();
    status.textContent = `updated ${new Date(cluster.at).toLocaleTimeString()}`;
    status.className = "status ok";
  } catch (error) {
    status.textContent = error.message;
    status.className = "status bad";
  }
}

$("inspect-form").addEventListener("submit", inspect);
$("log-info").addEventListener("change", () => { state.lastLog = -1; $("log-tail").replaceChildren(); });
tick();
setInterval(tick, 1000);
