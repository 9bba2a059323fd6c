/**
 * The coordinator's web dashboard: one static page (no build step, nothing fetched from
 * elsewhere) that polls this coordinator's own `/status` JSON and redraws workers, jobs (progress
 * bar, elapsed, ETA, requeued shards, result links), counters and recoveries. Data is written
 * with textContent only (worker ids and error messages are never parsed as HTML).
 * `?poll=MS` changes the polling period (default 1000 ms; tests use a shorter one).
 */

const CSS = `
:root { color-scheme: light; }
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; margin: 0; color: #1d1d1d; background: #f7f7f7; }
header { background: #24303f; color: #fff; padding: 10px 20px; display: flex; gap: 16px; align-items: baseline; flex-wrap: wrap; }
header h1 { font-size: 18px; margin: 0; }
#conn { font-size: 13px; color: #cfd8e3; }
#conn.bad { color: #ffb4a8; font-weight: 600; }
main { padding: 12px 20px 32px; max-width: 1200px; }
section { margin-top: 18px; }
h2 { font-size: 16px; margin: 0 0 6px; }
table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid #e2e2e2; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #eee; white-space: nowrap; }
th { background: #fafafa; font-weight: 600; font-size: 13px; color: #444; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.err { white-space: normal; color: #a12a1b; }
progress { width: 160px; height: 14px; vertical-align: middle; }
.empty td { color: #777; font-style: italic; }
.state-done { color: #21752f; font-weight: 600; }
.state-failed, .state-cancelled { color: #a12a1b; font-weight: 600; }
.state-running { color: #1f5fa8; font-weight: 600; }
.slow { color: #a15c00; font-weight: 600; }
dl#counters { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); gap: 6px; margin: 0; }
dl#counters div { background: #fff; border: 1px solid #e2e2e2; padding: 6px 10px; }
dl#counters dt { font-size: 12px; color: #555; }
dl#counters dd { margin: 0; font-size: 18px; font-variant-numeric: tabular-nums; }
a { color: #1f5fa8; }
`;

/** Runs in the browser (plain ES2020, no modules). */
const SCRIPT = `
'use strict';
const poll = Math.max(100, Number(new URLSearchParams(location.search).get('poll')) || 1000);
const $ = (id) => document.getElementById(id);

function secs(ms) {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const s = ms / 1000;
  if (s < 10) return s.toFixed(1) + ' s';
  if (s < 120) return Math.round(s) + ' s';
  const m = Math.floor(s / 60);
  if (m < 120) return m + ' min ' + Math.round(s - 60 * m) + ' s';
  return Math.floor(m / 60) + ' h ' + (m % 60) + ' min';
}

function cell(tr, text, cls) {
  const td = document.createElement('td');
  td.textContent = text;
  if (cls) td.className = cls;
  tr.appendChild(td);
  return td;
}

function fill(tbody, rows, cols, build) {
  const trs = rows.map((r) => {
    const tr = document.createElement('tr');
    build(tr, r);
    return tr;
  });
  if (!trs.length) {
    const tr = document.createElement('tr');
    tr.className = 'empty';
    const td = cell(tr, 'none');
    td.colSpan = cols;
    trs.push(tr);
  }
  tbody.replaceChildren(...trs);
}

function link(href, text) {
  const a = document.createElement('a');
  a.href = href;
  a.textContent = text;
  return a;
}

function render(s) {
  const now = s.now || Date.now();
  const c = s.counters;
  const running = s.jobs.filter((j) => j.state === 'running' || j.state === 'queued').length;
  const counters = [
    ['workers', s.workers.length], ['jobs running', running],
    ['shards dispatched', c.shardsDispatched], ['shards completed', c.shardsCompleted],
    ['shards requeued', c.requeued], ['deadline misses', c.deadlineMisses], ['workers lost', c.workersLost],
  ];
  $('counters').replaceChildren(...counters.map(([k, v]) => {
    const d = document.createElement('div');
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = String(v);
    dd.dataset.counter = k;
    d.append(dt, dd);
    return d;
  }));

  const workers = [...s.workers].sort((a, b) => a.id.localeCompare(b.id));
  fill($('workers'), workers, 7, (tr, w) => {
    tr.dataset.worker = w.id;
    cell(tr, w.id);
    cell(tr, w.address);
    cell(tr, String(w.threads), 'num');
    const load = cell(tr, '', 'num');
    load.textContent = w.inflightShards + ' shards in ' + w.outstanding + '/' + w.threads + ' slots';
    cell(tr, String(w.shardsDone), 'num');
    cell(tr, secs(now - w.lastSeen) + ' ago', 'num');
    cell(tr, w.slow ? 'slow (deadline missed)' : 'ok', w.slow ? 'slow' : '');
  });

  const jobs = [...s.jobs].sort((a, b) => b.createdAt - a.createdAt);
  fill($('jobs'), jobs, 8, (tr, j) => {
    tr.dataset.job = j.id;
    tr.dataset.state = j.state;
    const idc = cell(tr, '');
    idc.appendChild(link('jobs/' + encodeURIComponent(j.id), j.id.slice(0, 8)));
    idc.title = j.id;
    cell(tr, j.measure + (j.estimator ? ' / ' + j.estimator : ''));
    cell(tr, j.state, 'state-' + j.state);
    const pc = cell(tr, '');
    const bar = document.createElement('progress');
    bar.max = Math.max(1, j.totalShards);
    bar.value = j.shardsDone;
    bar.setAttribute('aria-label', 'job ' + j.id.slice(0, 8) + ' progress');
    pc.append(bar, ' ' + j.shardsDone + ' / ' + j.totalShards);
    const live = j.state === 'running' || j.state === 'queued';
    const elapsed = (live ? now : j.updatedAt) - j.createdAt;
    cell(tr, secs(elapsed), 'num');
    // ETA from the mean rate so far; unknown until a shard is done
    const eta = live && j.shardsDone > 0 ? (elapsed * (j.totalShards - j.shardsDone)) / j.shardsDone : NaN;
    cell(tr, live ? secs(eta) : '–', 'num');
    cell(tr, String(j.requeued), 'num');
    const res = cell(tr, '');
    if (j.state === 'done') {
      res.append(link('jobs/' + encodeURIComponent(j.id), 'report'), ' · ', link('jobs/' + encodeURIComponent(j.id) + '/result', 'JSON'));
    } else if (j.error) {
      res.textContent = j.error.code + ': ' + j.error.message;
      res.className = 'err';
    }
  });

  fill($('recoveries'), [...s.recoveries].reverse(), 4, (tr, r) => {
    cell(tr, r.workerId);
    cell(tr, r.reason);
    cell(tr, String(r.requeued), 'num');
    cell(tr, r.requeued === 0 ? 'nothing to redo' : r.redispatchedAfterMs === undefined ? 'waiting' : secs(r.redispatchedAfterMs), 'num');
  });
}

async function tick() {
  try {
    const r = await fetch('status', { cache: 'no-store' });
    if (!r.ok) throw new Error('HTTP ' + r.status);
    render(await r.json());
    $('conn').textContent = 'updated ' + new Date().toLocaleTimeString();
    $('conn').className = '';
  } catch (e) {
    $('conn').textContent = 'cannot reach the coordinator (' + e.message + '); retrying';
    $('conn').className = 'bad';
  } finally {
    setTimeout(tick, poll);
  }
}
tick();
`;

export const DASHBOARD_HTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>infoshard coordinator</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>infoshard coordinator</h1><span id="conn" role="status" aria-live="polite">connecting…</span></header>
<main>
<section aria-labelledby="h-counters"><h2 id="h-counters">Totals</h2><dl id="counters"></dl></section>
<section aria-labelledby="h-workers"><h2 id="h-workers">Workers</h2>
<table><thead><tr><th>id</th><th>address</th><th>threads</th><th>load</th><th>shards done</th><th>last heartbeat</th><th>state</th></tr></thead><tbody id="workers"></tbody></table></section>
<section aria-labelledby="h-jobs"><h2 id="h-jobs">Jobs</h2>
<table><thead><tr><th>job</th><th>measure</th><th>state</th><th>progress (shards)</th><th>elapsed</th><th>ETA</th><th>requeued</th><th>result</th></tr></thead><tbody id="jobs"></tbody></table></section>
<section aria-labelledby="h-rec"><h2 id="h-rec">Recoveries</h2>
<table><thead><tr><th>worker</th><th>reason</th><th>shards requeued</th><th>running elsewhere after</th></tr></thead><tbody id="recoveries"></tbody></table></section>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
