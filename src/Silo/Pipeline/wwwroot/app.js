// The pipeline view: polls /pipeline/api once a second and renders it (the session cookie from /signin goes along). No framework, no CDN: plain DOM and SVG.
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

function render(s) {
  $("silo-name").textContent = `${s.silo.host} · pid ${s.silo.processId}`;
  cards("silo-cards", [
    ["uptime", fmt.duration(s.silo.uptimeSeconds)], ["CPU", `${fmt.n(s.silo.cpuPercent)} %`, s.silo.cpuPercent > 85 ? "warn" : ""],
    ["working set", fmt.bytes(s.silo.workingSetBytes)], ["GC heap", fmt.bytes(s.silo.gcHeapBytes)],
    ["GC gen0/1/2", `${s.silo.gen0Collections}/${s.silo.gen1Collections}/${s.silo.gen2Collections}`], ["GC pause", `${fmt.n(s.silo.gcPauseTimePercent)} %`],
    ["threads", fmt.n(s.silo.threadPoolThreads)], ["work queued", fmt.n(s.silo.threadPoolQueueLength)], ["cores", s.silo.cores],
  ]);
  cards("http-cards", [
    ["requests/s", fmt.n(s.http.requestsPerSecond)], ["p50 ms", fmt.ms(s.http.p50Ms)], ["p99 ms", fmt.ms(s.http.p99Ms), s.http.p99Ms > 10 ? "warn" : ""],
    ["4xx/s", fmt.n(s.http.clientErrorsPerSecond)], ["5xx/s", fmt.n(s.http.serverErrorsPerSecond), s.http.serverErrorsPerSecond > 0 ? "bad" : ""],
    ["requests", fmt.n(s.http.requestsTotal)],
  ]);
  rows("grain-types", s.grainTypes, (t) => [t.type, fmt.n(t.active)]);

  const i = s.ingestion;
  $("ingestion-source").textContent = i.enabled ? `${i.topic} · group ${i.consumerGroup}` : "disabled";
  cards("ingestion-cards", [
    ["consumed/s", fmt.n(i.consumedPerSecond)], ["applied/s", fmt.n(i.appliedPerSecond)], ["ignored older/s", fmt.n(i.ignoredAsOlderPerSecond)],
    ["dead letters/s", fmt.n(i.deadLetteredPerSecond), i.deadLetteredPerSecond > 0 ? "warn" : ""], ["lag", fmt.n(i.totalLag), i.totalLag > 100000 ? "warn" : ""],
    ["state", i.paused ? "paused" : "flowing", i.paused ? "warn" : ""], ["consumed", fmt.n(i.consumedTotal)], ["applied", fmt.n(i.appliedTotal)],
    ["ignored older", fmt.n(i.ignoredAsOlderTotal)], ["erased", fmt.n(i.erasedTotal)], ["features/delivery", fmt.n(i.featuresPerDelivery)],
  ]);
  rows("dead-letters", Object.entries(i.deadLettersByReason).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]), ([reason, n]) => [reason, fmt.n(n)]);
  rows("partitions", i.partitions, (p) => [p.partition, fmt.n(p.lag), p.position < 0 ? "—" : fmt.n(p.position), p.highWatermark < 0 ? "—" : fmt.n(p.highWatermark), p.committedOffset < 0 ? "—" : fmt.n(p.committedOffset), fmt.time(p.lastCommitAt), p.paused ? "paused" : "flowing"]);

  const st = s.storage;
  cards("storage-cards", [
    ["item writes/s", fmt.n(st.itemWritesPerSecond)], ["features / item write", fmt.n(st.featuresPerItemWrite)], ["changes / item write", fmt.n(st.changesPerItemWrite)],
    ["write requests/s", fmt.n(st.writeRequestsPerSecond)], ["dirty namespaces", fmt.n(st.dirtyNamespaces), st.dirtyNamespaces > 100000 ? "warn" : ""],
    ["dirty bytes", fmt.bytes(st.dirtyBytes)], ["oldest unflushed", `${fmt.n(st.oldestDirtySeconds)} s`, st.oldestDirtySeconds > 5 ? "warn" : ""],
    ["flush p50 ms", fmt.ms(st.flushP50Ms)], ["flush p99 ms", fmt.ms(st.flushP99Ms)], ["retried writes", fmt.n(st.retriedWritesTotal)], ["conflicts merged", fmt.n(st.conflictsTotal), st.conflictsTotal > 0 ? "warn" : ""],
    ["throttles", fmt.n(st.throttlesTotal), st.throttlesTotal > 0 ? "warn" : ""], ["failed batches", fmt.n(st.failedBatchesTotal), st.failedBatchesTotal > 0 ? "bad" : ""],
    ["item writes", fmt.n(st.itemWritesTotal)], ["durable up to", `${fmt.n(st.durableWatermark)} / ${fmt.n(st.lastSequence)}`],
  ]);
}

const series = [
  ["API requests/s", (p) => p.requestsPerSecond], ["API p99 ms", (p) => p.httpP99Ms],
  ["consumed/s", (p) => p.consumedPerSecond], ["applied features/s", (p) => p.appliedPerSecond], ["item writes/s", (p) => p.itemWritesPerSecond],
  ["dirty namespaces", (p) => p.dirtyNamespaces], ["consumer lag", (p) => p.totalLag], ["CPU %", (p) => p.cpuPercent],
  ["GC heap MiB", (p) => p.gcHeapBytes / 1048576], ["active grains", (p) => p.activeGrains],
];

function charts(points) {
  const grid = $("chart-grid");
  if (!grid.children.length) {
    for (const [label] of series) {
      const chart = document.createElement("div");
      chart.className = "chart";
      chart.innerHTML = `<div class="label"><span></span><b></b></div><svg viewBox="0 0 300 56" preserveAspectRatio="none"><polygon/><polyline/></svg>`;
      chart.querySelector("span").textContent = label;
      grid.appendChild(chart);
    }
  }

  series.forEach(([, pick], index) => {
    const chart = grid.children[index];
    const values = points.map(pick);
    const max = Math.max(1e-9, ...values);
    const step = 300 / Math.max(1, 299);
    const start = 300 - (values.length - 1) * step;
    const xy = values.map((v, k) => `${(start + k * step).toFixed(1)},${(54 - (v / max) * 50).toFixed(1)}`);
    chart.querySelector("polyline").setAttribute("points", xy.join(" "));
    chart.querySelector("polygon").setAttribute("points", xy.length ? `${start},56 ${xy.join(" ")} 300,56` : "");
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
    const [snapshot, history] = await Promise.all([api("snapshot"), api("history")]);
    render(snapshot);
    charts(history);
    await logs();
    status.textContent = `updated ${new Date(snapshot.at).toLocaleTimeString()}`;
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
