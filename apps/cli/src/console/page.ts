/**
 * The console's one page: plain HTML, CSS and a script that polls /api/snapshot and redraws.
 * No build step and no third-party code; every value is inserted as text (table and column
 * names come from the databases).
 */
export function consolePage(listen: string, loopback: boolean): string {
  const exposure = loopback
    ? `loopback only (${listen})`
    : `${listen}: reachable from the network, and there is no login`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>cdc console</title>
<style>
  :root { --ok: #1a7f37; --warn: #9a6700; --err: #cf222e; --muted: #57606a; --line: #d0d7de; --bg: #f6f8fa; }
  * { box-sizing: border-box; }
  body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1f2328; background: #fff; }
  header { display: flex; gap: 16px; align-items: baseline; padding: 12px 20px; border-bottom: 1px solid var(--line); background: var(--bg); }
  header h1 { font-size: 18px; margin: 0; }
  header .meta { color: var(--muted); font-size: 12px; }
  main { padding: 16px 20px; display: grid; gap: 16px; }
  section { border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px; }
  h2 { font-size: 15px; margin: 0 0 8px; }
  h3 { font-size: 13px; margin: 12px 0 6px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
  table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
  th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--line); font-size: 13px; }
  th { color: var(--muted); font-weight: 600; }
  td.num { text-align: right; }
  .kv { display: flex; flex-wrap: wrap; gap: 8px 24px; }
  .kv div span { display: block; color: var(--muted); font-size: 12px; }
  .kv div b { font-size: 16px; font-variant-numeric: tabular-nums; }
  .problem { padding: 6px 10px; border-radius: 4px; margin: 4px 0; }
  .problem.error { background: #ffebe9; border-left: 4px solid var(--err); }
  .problem.warning { background: #fff8c5; border-left: 4px solid var(--warn); }
  .none { color: var(--ok); }
  .bar { height: 8px; background: var(--bg); border: 1px solid var(--line); border-radius: 4px; overflow: hidden; min-width: 120px; }
  .bar > i { display: block; height: 100%; background: var(--ok); }
  svg text { font: 12px system-ui, sans-serif; }
  .legend { font-size: 12px; color: var(--muted); }
  .legend b { display: inline-block; width: 10px; height: 3px; vertical-align: middle; margin: 0 4px 0 10px; }
  .stale { color: var(--err); font-weight: 600; }
</style>
</head>
<body>
<header>
  <h1>cdc console</h1>
  <span class="meta">read-only · serving on ${escapeHtml(exposure)}</span>
  <span class="meta" id="updated">waiting for the first sample…</span>
</header>
<main>
  <section id="problems-section"><h2>Problems</h2><div id="problems"></div></section>
  <section><h2>Pipeline</h2><div id="picture"></div></section>
  <div id="sources"></div>
  <section><h2>Dead letters</h2><div id="dead-letters"></div></section>
  <section><h2>Recent problems</h2><div id="recent"></div></section>
</main>
<script>
"use strict";
function h(tag, attrs, ...children) {
  const el = document.createElementNS(tag === 'svg' || attrs?.svg ? 'http://www.w3.org/2000/svg' : 'http://www.w3.org/1999/xhtml', tag);
  for (const [k, v] of Object.entries(attrs || {})) if (k !== 'svg' && v !== undefined && v !== null) el.setAttribute(k, String(v));
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}
const s = (tag, attrs, ...children) => h(tag, { ...attrs, svg: true }, ...children);
const fmt = (n) => n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US', { maximumFractionDigits: 1 });
function age(sec) { if (sec === null || sec === undefined) return '?'; if (sec === 0) return '–'; return sec < 100 ? sec.toFixed(1) + ' s' : Math.round(sec) + ' s'; }
function duration(sec) { if (sec === null || sec === undefined) return '?'; if (sec < 1) return 'done'; if (sec < 120) return Math.round(sec) + ' s'; return Math.round(sec / 60) + ' min'; }
function bytes(n) { if (n === null || n === undefined) return '–'; n = Number(n); const u = ['B', 'kB', 'MB', 'GB', 'TB']; let i = 0; while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; } return n.toFixed(i ? 1 : 0) + ' ' + u[i]; }

function picture(snap) {
  const bad = new Set(snap.problems.filter((p) => p.severity === 'error').map((p) => p.where));
  const rowH = 56, w = 760;
  const rows = Math.max(snap.sources.length, snap.destinations.length, 1);
  const svg = s('svg', { width: w, height: rows * rowH + 10, viewBox: '0 0 ' + w + ' ' + (rows * rowH + 10), role: 'img', 'aria-label': 'pipeline' });
  const box = (x, y, label, sub, state) => s('g', { 'data-node': label },
    s('rect', { x, y, width: 200, height: 42, rx: 6, fill: state === 'bad' ? '#ffebe9' : '#f6f8fa', stroke: state === 'bad' ? '#cf222e' : '#1a7f37', 'stroke-width': 1.5 }),
    s('text', { x: x + 10, y: y + 17, 'font-weight': 600 }, label),
    s('text', { x: x + 10, y: y + 33, fill: '#57606a' }, sub));
  const srcY = new Map(), dstY = new Map();
  snap.sources.forEach((src, i) => {
    const y = 5 + i * rowH;
    srcY.set(src.source, y);
    svg.append(box(0, y, src.source, src.type + (src.slot ? ' · lag ' + bytes(src.slot.lagBytes) : ''), bad.has('source ' + src.source) ? 'bad' : 'ok'));
    svg.append(box(280, y, 'CDC_' + src.source, fmt(src.stream?.lastSeq) + ' published, ' + fmt(src.stream?.messages) + ' kept', 'ok'));
    svg.append(s('line', { x1: 200, y1: y + 21, x2: 280, y2: y + 21, stroke: '#57606a', 'marker-end': 'url(#arrow)' }));
  });
  snap.destinations.forEach((dst, i) => {
    const y = 5 + i * rowH;
    dstY.set(dst.name, y);
    svg.append(box(560, y, dst.name, dst.type, bad.has('destination ' + dst.name) ? 'bad' : 'ok'));
    for (const src of dst.sources) if (srcY.has(src))
      svg.append(s('line', { x1: 480, y1: srcY.get(src) + 21, x2: 560, y2: y + 21, stroke: bad.has('destination ' + dst.name) ? '#cf222e' : '#57606a', 'marker-end': 'url(#arrow)' }));
  });
  svg.prepend(s('defs', {}, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto' }, s('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#57606a' }))));
  return svg;
}

function chart(points) {
  const w = 520, hgt = 110, pad = 28;
  const svg = s('svg', { width: w, height: hgt, class: 'chart' });
  if (points.length < 2) { svg.append(s('text', { x: 8, y: 20, fill: '#57606a' }, 'collecting samples…')); return svg; }
  const t0 = points[0].at, t1 = points[points.length - 1].at;
  const max = Math.max(1, ...points.map((p) => Math.max(p.publishedPerSecond || 0, p.appliedPerSecond || 0)));
  const x = (t) => pad + (w - pad - 8) * (t - t0) / Math.max(1, t1 - t0);
  const y = (v) => hgt - 18 - (hgt - 30) * v / max;
  const line = (key, colour) => s('polyline', { fill: 'none', stroke: colour, 'stroke-width': 2, points: points.filter((p) => p[key] !== null).map((p) => x(p.at).toFixed(1) + ',' + y(p[key]).toFixed(1)).join(' ') });
  svg.append(s('line', { x1: pad, y1: hgt - 18, x2: w - 8, y2: hgt - 18, stroke: '#d0d7de' }));
  svg.append(s('text', { x: 0, y: 14, fill: '#57606a' }, fmt(max)));
  svg.append(s('text', { x: pad, y: hgt - 3, fill: '#57606a' }, Math.round((t1 - t0) / 1000) + ' s'));
  svg.append(line('publishedPerSecond', '#0969da'), line('appliedPerSecond', '#1a7f37'));
  return svg;
}

function sourceSection(src) {
  const last = src.rates.at(-1);
  const sec = h('section', { 'data-source': src.source },
    h('h2', {}, 'source ' + src.source + ' (' + src.type + ')'),
    h('div', { class: 'kv' },
      h('div', {}, h('span', {}, 'committed position'), h('b', { 'data-field': 'committed' }, src.committedPosition ?? 'none yet')),
      h('div', {}, h('span', {}, 'committed watermark'), h('b', { 'data-field': 'committed-seq' }, fmt(src.committedSeq))),
      src.type === 'postgres' ? h('div', {}, h('span', {}, 'slot lag'), h('b', { 'data-field': 'lag' }, src.slot ? bytes(src.slot.lagBytes) + (src.slot.active ? '' : ' (inactive)') : 'no slot')) : null,
      h('div', {}, h('span', {}, 'messages published'), h('b', { 'data-field': 'stream-messages' }, fmt(src.stream?.lastSeq))),
      h('div', {}, h('span', {}, 'published / s'), h('b', { 'data-field': 'published-rate' }, fmt(last?.publishedPerSecond))),
      h('div', {}, h('span', {}, 'applied / s'), h('b', { 'data-field': 'applied-rate' }, fmt(last?.appliedPerSecond)))),
    h('h3', {}, 'throughput, messages per second'),
    h('div', { class: 'legend' }, h('b', { style: 'background:#0969da' }), 'published', h('b', { style: 'background:#1a7f37' }), 'applied'),
    chart(src.rates));
  if (src.copies.length > 0) {
    sec.append(h('h3', {}, 'tables: rows at the destination / at the source'));
    sec.append(h('table', { 'data-table': 'copies' },
      h('tr', {}, h('th', {}, 'table'), h('th', {}, 'destination'), h('th', {}, 'rows'), h('th', {}, ''), h('th', {}, 'rate'), h('th', {}, 'ETA')),
      src.copies.map((c) => {
        const frac = c.sourceRows > 0 ? Math.min(1, c.destinationRows / c.sourceRows) : 1;
        return h('tr', {}, h('td', {}, c.table), h('td', {}, c.destination),
          h('td', { class: 'num' }, fmt(c.destinationRows) + ' / ' + fmt(c.sourceRows)),
          h('td', {}, h('div', { class: 'bar' }, h('i', { style: 'width:' + (frac * 100).toFixed(1) + '%' }))),
          h('td', { class: 'num' }, c.rowsPerSecond ? fmt(c.rowsPerSecond) + ' rows/s' : '–'),
          h('td', {}, duration(c.etaSeconds)));
      })));
  }
  sec.append(h('h3', {}, 'partitions'));
  sec.append(h('table', { 'data-table': 'partitions' },
    h('tr', {}, ['destination', 'partition', 'pending', 'unacked', 'oldest unapplied', 'owner', 'last applied'].map((t) => h('th', {}, t))),
    src.partitions.map((p) => h('tr', { 'data-partition': p.destination + '/' + p.partition },
      h('td', {}, p.destination), h('td', { class: 'num' }, 'p' + p.partition),
      h('td', { class: 'num' }, fmt(p.pendingMessages)), h('td', { class: 'num' }, fmt(p.unackedMessages)),
      h('td', { class: 'num' + ((p.oldestUnappliedAgeSeconds || 0) > 30 ? ' stale' : '') }, age(p.oldestUnappliedAgeSeconds)),
      h('td', { class: p.owner ? '' : 'stale' }, p.owner ?? 'none'),
      h('td', {}, p.lastAppliedAt ? new Date(p.lastAppliedAt).toLocaleTimeString() : '–')))));
  sec.append(h('h3', {}, 'appliers'));
  sec.append(src.appliers.length === 0 ? h('div', { class: 'stale', 'data-field': 'appliers' }, 'no applier is running')
    : h('table', { 'data-field': 'appliers' }, h('tr', {}, h('th', {}, 'instance'), h('th', {}, 'destination'), h('th', {}, 'partitions')),
        src.appliers.map((a) => h('tr', {}, h('td', {}, a.instance), h('td', {}, a.destination), h('td', { class: 'num' }, a.ownedPartitions)))));
  return sec;
}

function problemList(list, withTimes) {
  if (list.length === 0) return h('div', { class: 'none' }, 'No problems.');
  return list.map((p) => h('div', { class: 'problem ' + p.severity },
    h('b', {}, p.where + ': '), p.text,
    withTimes ? h('span', { class: 'legend' }, ' — ' + (p.current ? 'now' : 'last seen ' + new Date(p.lastSeen).toLocaleTimeString()) + ', since ' + new Date(p.firstSeen).toLocaleTimeString()) : null));
}

function render(snap) {
  document.getElementById('updated').textContent = 'updated ' + new Date(snap.at).toLocaleTimeString() + (snap.error ? ' · ' + snap.error : '');
  document.getElementById('problems').replaceChildren(...[problemList(snap.problems, false)].flat());
  document.getElementById('picture').replaceChildren(picture(snap));
  document.getElementById('sources').replaceChildren(...snap.sources.map(sourceSection));
  document.getElementById('dead-letters').replaceChildren(h('table', {},
    h('tr', {}, h('th', {}, 'destination'), h('th', {}, 'dead letters'), h('th', {}, 'last error')),
    snap.destinations.map((d) => h('tr', { 'data-destination': d.name }, h('td', {}, d.name), h('td', { class: 'num' }, fmt(d.count)), h('td', {}, d.lastError ?? '–')))));
  document.getElementById('recent').replaceChildren(...[problemList(snap.recentProblems, true)].flat());
  document.body.dataset.sampledAt = snap.at;
}

async function refresh() {
  try {
    const response = await fetch('api/snapshot', { cache: 'no-store' });
    render(await response.json());
  } catch (error) {
    document.getElementById('updated').textContent = 'cannot reach the console server: ' + error;
  }
  setTimeout(refresh, 2000);
}
refresh();
</script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
