// leakdbg's HTML report: draws the page from the JSON document in #leakdbg-data with plain
// DOM and SVG (no libraries, nothing fetched). Sections follow the order a leak hunt reads:
// verdict and suspects, memory over time, flame graphs, address space, the rest.
(function () {
  'use strict';

  const SVG = 'http://www.w3.org/2000/svg';
  const data = JSON.parse(document.getElementById('leakdbg-data').textContent);
  const analysis = data.analysis || {};
  const root = document.getElementById('report');
  const tooltip = document.getElementById('tooltip');

  // ---- formatting -------------------------------------------------------------------------
  function fmtBytes(n) {
    if (n === null || n === undefined) return '–';
    const sign = n < 0 ? '-' : '';
    let v = Math.abs(n);
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let u = 0;
    while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
    return sign + (u === 0 ? String(Math.round(v)) : v.toFixed(v < 10 ? 2 : 1)) + ' ' + units[u];
  }
  function fmtSigned(n) { return (n > 0 ? '+' : '') + fmtBytes(n); }
  function fmtCount(n) { return n === null || n === undefined ? '-' : (n > 0 ? '+' : '') + String(n); }
  function fmtDuration(s) {
    if (s < 1) return Math.round(s * 1000) + ' ms';
    if (s < 120) return s.toFixed(1) + ' s';
    if (s < 7200) return (s / 60).toFixed(1) + ' min';
    return (s / 3600).toFixed(1) + ' h';
  }
  function fmtPercent(f) { return (f * 100).toFixed(1) + '%'; }
  function basename(path) { return path ? path.split('/').pop() : ''; }
  // "void ns::Cls<std::string>::method(std::string_view) const" -> "ns::Cls<…>::method": C++
  // names as a reader scans them; the full name stays in the stack and in tooltips.
  function shortName(name) {
    if (!name) return name;
    let out = '', depth = 0;
    for (let i = 0; i < name.length; i++) {
      if (!depth && name.startsWith('(anonymous namespace)', i)) { out += '(anonymous namespace)'; i += 20; continue; }
      if (!depth && name.startsWith('decltype (', i)) {  // a return type: left out
        let open = 0, j = i + 9;
        for (; j < name.length; j++) { if (name[j] === '(') open++; else if (name[j] === ')' && --open === 0) break; }
        i = j;
        continue;
      }
      if (!depth && name.startsWith('operator', i) && !/\w/.test(name[i + 8] || '')) {
        // The operator's own token up to its parameter list: "operator()", "operator<<", "operator new".
        let j = i + 8;
        if (name.startsWith('()', j)) j += 2;
        while (j < name.length && name[j] !== '(') j++;
        out += name.slice(i, j);
        i = j - 1;
        continue;
      }
      const c = name[i];
      if (!depth && c === '{') {  // "{lambda(int)#1}" stays whole
        const close = name.indexOf('}', i);
        const stop = close < 0 ? name.length : close + 1;
        out += name.slice(i, stop);
        i = stop - 1;
        continue;
      }
      if (c === '<') { if (!depth) out += '<…>'; depth++; continue; }
      if (c === '>' && depth) { depth--; continue; }
      if (depth) continue;
      if (c === '(') break;
      out += c;
    }
    // A return type before the qualified name ("void ns::f") is dropped.
    const masked = out.replace(/\(anonymous namespace\)|operator\s+\w+|\{[^}]*\}/g, m => m.replace(/\s/g, '_'));
    const space = masked.lastIndexOf(' ');
    if (space >= 0) out = out.slice(space + 1);
    return out.trim() || name;
  }

  // ---- DOM helpers ------------------------------------------------------------------------
  function el(tag, attrs, children) {
    const e = document.createElement(tag);
    if (attrs) for (const k in attrs) {
      if (k === 'text') e.textContent = attrs[k];
      else if (k === 'cls') e.className = attrs[k];
      else e.setAttribute(k, attrs[k]);
    }
    if (children) for (const c of children) if (c) e.appendChild(c);
    return e;
  }
  function svgEl(tag, attrs) {
    const e = document.createElementNS(SVG, tag);
    if (attrs) for (const k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  }
  function svgText(x, y, text, attrs) {
    const t = svgEl('text', Object.assign({ x: x, y: y }, attrs || {}));
    t.textContent = text;
    return t;
  }
  function section(title, id) {
    const s = el('section', { id: id });
    s.appendChild(el('h2', { text: title }));
    root.appendChild(s);
    return s;
  }
  function table(headers, rows, textColumns) {
    const t = el('table');
    const head = el('tr');
    headers.forEach((h, i) => head.appendChild(el('th', { text: h, cls: textColumns.includes(i) ? 'text' : '' })));
    t.appendChild(el('thead', null, [head]));
    const body = el('tbody');
    for (const r of rows) {
      const tr = el('tr', r.cls ? { cls: r.cls } : null);
      r.cells.forEach((c, i) => {
        const td = el('td', { cls: (textColumns.includes(i) ? 'text ' : '') + (r.cellCls && r.cellCls[i] || '') });
        if (c instanceof Node) td.appendChild(c); else td.textContent = c;
        tr.appendChild(td);
      });
      body.appendChild(tr);
    }
    t.appendChild(body);
    return t;
  }
  function showTip(event, text) {
    tooltip.textContent = text;
    tooltip.hidden = false;
    const x = Math.min(event.clientX + 14, window.innerWidth - 540);
    tooltip.style.left = Math.max(0, x) + 'px';
    tooltip.style.top = (event.clientY + 14) + 'px';
  }
  function hideTip() { tooltip.hidden = true; }

  // ---- what the analysis says about a suspect ---------------------------------------------
  // The site label and the reason may come as text or as structured fields; both are read.
  function frameText(f) {
    if (!f) return '(no stack)';
    return f.short_function || shortName(f.function) || (f.module ? f.module + '+' + (f.address || '') : f.address || '?');
  }
  function frameWhere(f) {
    if (!f) return '';
    const parts = [];
    if (f.file) parts.push(basename(f.file) + ':' + f.line);
    if (f.module) parts.push(f.module);
    if (f.inlined) parts.push('inlined');
    return parts.join('  ');
  }
  // "site from caller via inner frame  file:line": the analysis's site label, with the
  // frames that tell apart sites sharing a function (site_from, site_via) when it gives them.
  function siteOf(s) {
    if (typeof s.site === 'string') return s.site;
    if (s.site && typeof s.site.label === 'string') return s.site.label;
    if (typeof s.site_label === 'string') return s.site_label;
    const f = s.site || (s.frames && s.frames[0]);
    if (!f) return '(no stack)';
    let text = frameText(f);
    if (s.site_from) text += ' from ' + frameText(s.site_from);
    if (s.site_via) text += ' via ' + frameText(s.site_via);
    return text + (f.file ? '  ' + basename(f.file) + ':' + f.line : '');
  }
  function siteFrame(s) {
    if (s.site && typeof s.site === 'object' && (s.site.function !== undefined || s.site.address)) return s.site;
    if (s.site && s.site.frame) return s.site.frame;
    return null;
  }
  function reasonOf(s) {
    if (typeof s.reason === 'string') return s.reason;
    if (s.reason && typeof s.reason.text === 'string') return s.reason.text;
    if (typeof s.reason_text === 'string') return s.reason_text;
    if (s.reason && s.reason.code) return s.reason.code;
    return '';
  }
  function classOf(s) {
    const c = s.verdict_class || s.class || s.reachability || (s.verdict && s.verdict.class);
    if (!c) return '';
    return (typeof c === 'string' ? c : (c.name || c.code || JSON.stringify(c))).replace(/_/g, ' ');
  }
  const hasTimes = !!analysis.has_times;
  function rateText(perMinute) { return fmtSigned(perMinute) + (hasTimes ? '/min' : '/snapshot'); }

  // ---- line charts ------------------------------------------------------------------------
  // series: [{name, color, xs, ys, dashed}]; markers: [{x, label}]. Returns an <svg>.
  function lineChart(opts) {
    const W = opts.width || 760, H = opts.height || 260;
    const m = { l: 74, r: 34, t: opts.title ? 24 : 10, b: 34 };
    const svg = svgEl('svg', { class: 'chart', width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, role: 'img' });
    if (opts.title) svg.appendChild(svgText(m.l, 15, opts.title, { class: 'title' }));
    let xmin = Infinity, xmax = -Infinity, ymin = 0, ymax = -Infinity;
    for (const s of opts.series) for (let i = 0; i < s.xs.length; i++) {
      if (s.ys[i] === null || s.ys[i] === undefined) continue;
      xmin = Math.min(xmin, s.xs[i]); xmax = Math.max(xmax, s.xs[i]);
      ymin = Math.min(ymin, s.ys[i]); ymax = Math.max(ymax, s.ys[i]);
    }
    for (const mk of opts.markers || []) { xmin = Math.min(xmin, mk.x); xmax = Math.max(xmax, mk.x); }
    if (!isFinite(xmin)) { xmin = 0; xmax = 1; }
    if (xmax === xmin) { xmax = xmin + 1; }
    if (!isFinite(ymax) || ymax <= ymin) ymax = ymin + 1;
    // Round ticks: 1, 2 or 5 times a power of ten of the axis unit (KiB, MiB, ... for bytes).
    const unit = opts.yFormat ? 1 : Math.pow(1024, Math.max(0, Math.floor(Math.log(Math.max(Math.abs(ymax), Math.abs(ymin), 1)) / Math.log(1024))));
    const rough = (ymax - ymin) / unit / 4;
    const power = Math.pow(10, Math.floor(Math.log10(rough)));
    const step = unit * power * (rough / power <= 1 ? 1 : rough / power <= 2 ? 2 : rough / power <= 5 ? 5 : 10);
    ymin = Math.floor(ymin / step) * step;
    ymax = Math.ceil(ymax / step) * step;
    const pw = W - m.l - m.r, ph = H - m.t - m.b;
    const X = x => m.l + (x - xmin) / (xmax - xmin) * pw;
    const Y = y => m.t + ph - (y - ymin) / (ymax - ymin) * ph;
    for (let v = ymin; v <= ymax + step / 2; v += step) {
      const y = Y(v);
      svg.appendChild(svgEl('line', { x1: m.l, x2: m.l + pw, y1: y, y2: y, class: 'grid' }));
      svg.appendChild(svgText(m.l - 6, y + 4, (opts.yFormat || fmtBytes)(v), { 'text-anchor': 'end' }));
    }
    for (let i = 0; i <= 5; i++) {
      const v = xmin + (xmax - xmin) * i / 5;
      svg.appendChild(svgText(X(v), m.t + ph + 16, (opts.xFormat || (x => x.toFixed(1)))(v), { 'text-anchor': 'middle' }));
    }
    if (opts.xLabel) svg.appendChild(svgText(m.l + pw / 2, H - 3, opts.xLabel, { 'text-anchor': 'middle' }));
    svg.appendChild(svgEl('line', { x1: m.l, x2: m.l, y1: m.t, y2: m.t + ph, class: 'axis' }));
    svg.appendChild(svgEl('line', { x1: m.l, x2: m.l + pw, y1: m.t + ph, y2: m.t + ph, class: 'axis' }));
    for (const mk of opts.markers || []) {
      const line = svgEl('line', { x1: X(mk.x), x2: X(mk.x), y1: m.t, y2: m.t + ph, class: 'marker' });
      const title = svgEl('title'); title.textContent = mk.label; line.appendChild(title);
      svg.appendChild(line);
    }
    for (const s of opts.series) {
      const pts = [];
      for (let i = 0; i < s.xs.length; i++)
        if (s.ys[i] !== null && s.ys[i] !== undefined) pts.push(X(s.xs[i]).toFixed(1) + ',' + Y(s.ys[i]).toFixed(1));
      if (!pts.length) continue;
      const attrs = { points: pts.join(' '), fill: 'none', stroke: s.color, 'stroke-width': s.width || 2 };
      if (s.dashed) attrs['stroke-dasharray'] = '5 4';
      const line = svgEl('polyline', attrs);
      const title = svgEl('title'); title.textContent = s.name; line.appendChild(title);
      svg.appendChild(line);
      if (s.dots) for (let i = 0; i < s.xs.length; i++) {
        if (s.ys[i] === null || s.ys[i] === undefined) continue;
        const dot = svgEl('circle', { cx: X(s.xs[i]), cy: Y(s.ys[i]), r: 3, fill: s.color });
        const t = svgEl('title'); t.textContent = s.name + ': ' + (opts.yFormat || fmtBytes)(s.ys[i]); dot.appendChild(t);
        svg.appendChild(dot);
      }
    }
    return svg;
  }
  function legend(series) {
    const l = el('div', { cls: 'legend' });
    for (const s of series) {
      const i = el('i'); i.style.background = s.color;
      l.appendChild(el('span', null, [i, document.createTextNode(s.name + (s.dashed ? ' (sampled)' : ''))]));
    }
    return l;
  }

  // ---- the series axis --------------------------------------------------------------------
  const snapshots = analysis.snapshots || [];
  const seriesSnaps = snapshots.filter(s => s.in_series);
  const seriesX = hasTimes ? (data.series_times || []) : seriesSnaps.map((_, i) => i + 1);
  const xLabel = hasTimes ? 'seconds since the first snapshot' : 'snapshot (the input carries no times)';
  const xFormat = hasTimes ? (x => fmtDuration(Math.max(0, x))) : (x => String(Math.round(x)));

  // ---- header and verdict -----------------------------------------------------------------
  function renderHeader() {
    const program = data.executable ? basename(data.executable) : 'imported text';
    root.appendChild(el('h1', { text: 'Leak report: ' + program }));
    const parts = [];
    if (data.pid) parts.push('pid ' + data.pid);
    if (data.executable) parts.push(data.executable);
    parts.push(snapshots.length + ' snapshot' + (snapshots.length === 1 ? '' : 's'));
    if (analysis.runs > 1) parts.push(analysis.runs + ' runs');
    if (hasTimes) parts.push('over ' + fmtDuration(analysis.duration_s || 0));
    parts.push(data.generator || 'leakdbg');
    root.appendChild(el('div', { cls: 'subtitle', text: parts.join(' · ') }));
    const v = analysis.verdict || {};
    const box = el('div', { cls: 'verdict' + (v.leaking ? ' leaking' : ''), id: 'verdict' });
    const summary = typeof v.summary === 'string' ? v.summary : (v.text || '');
    const word = v.leaking ? 'Leak' : v.verdict_class === 'two_state_growth' ? 'Suspect' : 'No likely leak';
    // The summary may open with the same word; it is shown once, as the heading word.
    const rest = summary.toLowerCase().startsWith(word.toLowerCase() + ':') ? summary.slice(word.length + 1).trim() : summary;
    box.appendChild(el('span', { cls: 'word', text: word + ':' }));
    box.appendChild(document.createTextNode(rest));
    root.appendChild(box);
    if ((analysis.warnings || []).length)
      root.appendChild(el('ul', { cls: 'warnings' }, analysis.warnings.map(w => el('li', { text: 'warning: ' + w }))));
    if ((analysis.notes || []).length)
      root.appendChild(el('ul', { cls: 'notes' }, analysis.notes.map(n => el('li', { text: n }))));
  }

  // ---- suspects ---------------------------------------------------------------------------
  function renderSuspects() {
    const s = section('Ranked suspects', 'suspects');
    const suspects = analysis.suspects || [];
    if (!suspects.length) { s.appendChild(el('p', { cls: 'muted', text: 'No call site grew.' })); return; }
    const anyClass = suspects.some(x => classOf(x));
    const headers = ['#', 'kind', 'leak?'].concat(anyClass ? ['class'] : [],
      ['growth', 'blocks', 'rate', 'live', 'site', 'reason']);
    const rows = suspects.map(x => {
      const cells = [String(x.rank), x.kind, x.likely_leak ? 'LIKELY' : 'no'];
      if (anyClass) cells.push(classOf(x));
      cells.push(fmtSigned(x.growth_bytes), fmtCount(x.growth_blocks), rateText(x.bytes_per_minute),
        fmtBytes(x.live_bytes));
      const link = el('a', { href: '#suspect-' + x.rank, text: siteOf(x) });
      cells.push(link, reasonOf(x));
      return { cells: cells, cls: x.likely_leak ? 'likely' : '', cellCls: { 2: 'leak' } };
    });
    const siteColumn = headers.indexOf('site');
    s.appendChild(table(headers, rows, [siteColumn, siteColumn + 1]));
    suspects.slice(0, 10).forEach((x, i) => s.appendChild(renderSuspect(x, i)));
  }

  // Windows `!heap -s` dumps: heaps whose committed bytes grew, named by their handle.
  function renderHeapSuspects() {
    const heaps = analysis.heap_suspects || [];
    if (!heaps.length) return;
    const s = section('Heaps whose commit grew', 'heap-suspects');
    const headers = ['#', 'heap', 'leak?', 'committed first', 'committed last', 'growth', 'dumps', 'reason'];
    const rows = heaps.map(h => ({
      cells: [String(h.rank), h.heap, h.likely_leak ? 'LIKELY' : 'no', fmtBytes(h.committed_first),
        fmtBytes(h.committed_last), fmtSigned(h.growth_bytes), String(h.states), h.reason || ''],
      cls: h.likely_leak ? 'likely' : '', cellCls: { 2: 'leak' }
    }));
    s.appendChild(table(headers, rows, [1, 7]));
  }

  function renderSuspect(x, index) {
    const box = el('div', { cls: 'suspect', id: 'suspect-' + x.rank });
    const h = el('h3');
    const twoStates = x.verdict_class === 'two_state_growth';
    h.appendChild(el('span', { cls: 'badge ' + (x.likely_leak || twoStates ? 'leak' : 'ok'),
      text: x.likely_leak ? 'likely leak' : twoStates ? 'suspect (two states)' : 'not a leak' }));
    h.appendChild(el('span', { cls: 'badge', text: x.kind }));
    const cls = classOf(x);
    if (cls) h.appendChild(el('span', { cls: 'badge', text: cls }));
    h.appendChild(document.createTextNode('#' + x.rank + ' ' + siteOf(x)));
    box.appendChild(h);
    const facts = [fmtSigned(x.growth_bytes) + ' (' + fmtCount(x.growth_blocks) + ' blocks)',
      rateText(x.bytes_per_minute), fmtBytes(x.live_bytes) + ' live in ' + x.live_blocks + ' blocks',
      'grew in ' + x.intervals_grew + ' of ' + x.intervals + ' intervals',
      x.still_growing ? 'still growing at the end' : 'flat at the end'];
    if (x.survival !== null && x.survival !== undefined) facts.push(fmtPercent(x.survival) + ' of blocks survive an interval');
    if (x.exit_bytes !== null && x.exit_bytes !== undefined) facts.push(fmtBytes(x.exit_bytes) + ' never freed at exit');
    if (x.unreachable_blocks)
      facts.push('no longer referenced: ' + x.unreachable_blocks + ' blocks (' + fmtBytes(x.unreachable_bytes) + ')');
    if (x.indirect_blocks)
      facts.push(x.indirect_blocks + ' blocks (' + fmtBytes(x.indirect_bytes) + ') referenced only by lost blocks');
    if (x.held_by && x.held_by.text)
      facts.push('held by ' + x.held_by.text + ' (' + x.held_by.blocks + ' blocks)');
    box.appendChild(el('div', { cls: 'muted', text: facts.join(' · ') }));
    const reason = reasonOf(x);
    if (reason) box.appendChild(el('p', { text: reason }));

    const series = (data.suspect_series || [])[index];
    if (series && series.bytes.length > 1) {
      const charts = el('div', { cls: 'charts' });
      charts.appendChild(lineChart({ width: 420, height: 180, title: 'live bytes', xFormat: xFormat,
        series: [{ name: 'bytes', color: '#c62828', xs: seriesX, ys: series.bytes, dots: true }] }));
      charts.appendChild(lineChart({ width: 420, height: 180, title: 'live blocks', xFormat: xFormat,
        yFormat: v => String(Math.round(v)),
        series: [{ name: 'blocks', color: '#1565c0', xs: seriesX, ys: series.blocks, dots: true }] }));
      box.appendChild(charts);
    }

    const site = siteFrame(x);
    const stack = el('ul', { cls: 'stack mono' });
    for (const f of x.frames || []) {
      const isSite = site && f.address === site.address && f.function === site.function && f.line === site.line;
      const fn = shortName(f.function || '');
      const runtime = !isSite && (/^(operator new|operator delete|malloc|calloc|realloc|mmap|__|std::|_start)/.test(fn) ||
        /^(libc\.so|libstdc\+\+|ld-linux)/.test(f.module || ''));
      const li = el('li', { cls: isSite ? 'site' : runtime ? 'runtime' : '', title: f.function || '' });
      li.appendChild(document.createTextNode(frameText(f)));
      li.appendChild(el('span', { cls: 'where', text: frameWhere(f) }));
      stack.appendChild(li);
    }
    if (!(x.frames || []).length) stack.appendChild(el('li', { cls: 'runtime', text: '(no stack recorded)' }));
    box.appendChild(stack);

    const src = (data.sources || [])[index];
    if (src) {
      box.appendChild(el('div', { cls: 'muted', text: src.file }));
      const pre = el('pre', { cls: 'source' });
      src.lines.forEach((line, i) => {
        const no = src.first_line + i;
        const span = el('span', { cls: no === src.line ? 'hit' : '' });
        span.appendChild(el('span', { cls: 'no', text: String(no) }));
        span.appendChild(document.createTextNode(line));
        pre.appendChild(span);
      });
      box.appendChild(pre);
    }
    return box;
  }

  // ---- memory over time -------------------------------------------------------------------
  function renderMemory() {
    const s = section('Memory over time', 'memory');
    const extras = data.snapshot_extras || [];
    const xs = [], priv = [], rss = [], heap = [], mmap = [], tracker = [], markers = [];
    snapshots.forEach((snap, i) => {
      let x;
      if (hasTimes) x = snap.time_s;
      else if (snap.in_series) x = seriesSnaps.indexOf(snap) + 1;
      else return;
      xs.push(x);
      priv.push(snap.private_bytes);
      rss.push(snap.rss_bytes);
      heap.push(snap.heap_bytes);
      mmap.push(snap.mmap_bytes);
      tracker.push(extras[i] ? extras[i].tracker_bytes : null);
      markers.push({ x: x, label: 'snapshot ' + snap.sequence + ' (' + snap.trigger + ')' });
    });
    const known = a => a.some(v => v !== null && v !== undefined);
    const samples = data.samples && data.samples.t.length > 1 ? data.samples : null;
    // The process's figures and the tracked memory differ by orders of magnitude (code,
    // libraries, stacks), so each gets its own chart and scale.
    const process = [];
    if (known(priv)) process.push({ name: 'private bytes', color: '#6a1b9a', xs: xs, ys: priv, dots: true });
    if (known(rss)) process.push({ name: 'RSS', color: '#00838f', xs: xs, ys: rss, dots: true });
    // The tracker's own memory counts in the process's private bytes: shown beside them.
    if (known(tracker)) process.push({ name: "tracker's own", color: '#78909c', xs: xs, ys: tracker, dots: true });
    if (samples && samples.private.some(v => v > 0))
      process.push({ name: 'private bytes', color: '#6a1b9a', xs: samples.t, ys: samples.private, dashed: true, width: 1 });
    const tracked = [{ name: 'heap (live blocks)', color: '#c62828', xs: xs, ys: heap, dots: true }];
    if (mmap.some(v => v > 0)) tracked.push({ name: 'mmap regions', color: '#ef6c00', xs: xs, ys: mmap, dots: true });
    if (samples) tracked.push({ name: 'heap', color: '#c62828', xs: samples.t, ys: samples.heap, dashed: true, width: 1 });
    if (known(priv) || known(rss)) {
      s.appendChild(el('h3', { text: 'Process' }));
      s.appendChild(legend(process));
      s.appendChild(lineChart({ width: 1000, height: 260, series: process, markers: markers, xLabel: xLabel, xFormat: xFormat }));
    } else {
      s.appendChild(el('p', { cls: 'muted', text: 'No process figures (private bytes, RSS) were recorded.' }));
    }
    s.appendChild(el('h3', { text: 'Tracked memory' }));
    s.appendChild(legend(tracked));
    s.appendChild(lineChart({ width: 1000, height: 260, series: tracked, markers: markers, xLabel: xLabel, xFormat: xFormat }));
    const k = analysis.kinds || {};
    if (k.summary) s.appendChild(el('p', { text: 'Which kind grows: ' + k.summary }));
  }

  // ---- flame graphs (icicles) -------------------------------------------------------------
  // Node: [name, live, grow, change, blocks, block change, children].
  function flameGraph(container, tree, mode) {
    const names = tree.names;
    const W = 1200, rowH = 18;
    const valueOf = n => mode === 'growth' ? n[2] : n[1];
    const rootNode = tree.root;
    const parent = new Map();
    let maxDepth = 0;
    (function walk(n, d) {
      maxDepth = Math.max(maxDepth, d);
      for (const c of n[6]) { parent.set(c, n); walk(c, d + 1); }
    })(rootNode, 0);
    let focus = rootNode, query = '';

    const tools = el('div', { cls: 'flame-tools' });
    const search = el('input', { type: 'search', placeholder: 'search functions (text or /regex/)' });
    const reset = el('button', { type: 'button', text: 'reset zoom' });
    const status = el('span', { cls: 'muted' });
    tools.appendChild(search); tools.appendChild(reset); tools.appendChild(status);
    container.appendChild(tools);
    const svg = svgEl('svg', { class: 'flame' });
    container.appendChild(svg);

    function matcher() {
      if (!query) return null;
      const m = /^\/(.*)\/$/.exec(query);
      if (m) { try { const re = new RegExp(m[1], 'i'); return s => re.test(s); } catch (e) { return () => false; } }
      const q = query.toLowerCase();
      return s => s.toLowerCase().indexOf(q) >= 0;
    }
    function colour(n) {
      if (mode === 'growth') {
        const h = hash(names[n[0]]);
        return 'hsl(' + (h % 30) + ',' + (75 + h % 20) + '%,' + (52 + h % 12) + '%)';
      }
      // Differential: red for what grew since the first snapshot, blue for what shrank,
      // paler the smaller the change is against the frame's live bytes.
      const base = Math.max(n[1], Math.abs(n[3]), 1);
      const f = Math.min(1, Math.abs(n[3]) / base);
      if (n[3] > 0) return 'rgb(255,' + Math.round(235 - 170 * f) + ',' + Math.round(225 - 185 * f) + ')';
      if (n[3] < 0) return 'rgb(' + Math.round(225 - 185 * f) + ',' + Math.round(235 - 120 * f) + ',255)';
      return 'rgb(236,232,222)';
    }
    function hash(s) { let h = 0; for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0; return h; }
    function label(n) {
      const total = valueOf(rootNode) || 1;
      return names[n[0]] + '\nlive ' + fmtBytes(n[1]) + ' in ' + n[4] + ' blocks\nchange since the first snapshot ' +
        fmtSigned(n[3]) + ' (' + fmtCount(n[5]) + ' blocks)\n' +
        (mode === 'growth' ? 'growth ' + fmtBytes(n[2]) + ', ' : 'live ') + fmtPercent(valueOf(n) / total) + ' of all';
    }
    function draw() {
      while (svg.firstChild) svg.removeChild(svg.firstChild);
      const ancestors = [];
      for (let a = focus; a; a = parent.get(a)) ancestors.unshift(a);
      const match = matcher();
      let matched = 0;
      const rects = [];
      const focusValue = valueOf(focus) || 1;
      ancestors.forEach((a, d) => rects.push({ n: a, x: 0, w: W, d: d }));
      (function layout(n, x, d) {
        let cx = x;
        for (const c of n[6]) {
          const w = valueOf(c) / focusValue * W;
          if (w >= 0.5) { rects.push({ n: c, x: cx, w: w, d: d }); layout(c, cx, d + 1); }
          cx += Math.max(w, 0);
        }
      })(focus, 0, ancestors.length);
      const depth = rects.reduce((m, r) => Math.max(m, r.d), 0) + 1;
      const H = depth * rowH + 2;
      svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
      svg.setAttribute('height', H);
      const counted = new Set();
      for (const r of rects) {
        const g = svgEl('g');
        const rect = svgEl('rect', { x: r.x.toFixed(2), y: r.d * rowH, width: Math.max(r.w - 0.5, 0.5).toFixed(2), height: rowH - 1, fill: colour(r.n) });
        const name = names[r.n[0]];
        if (match && match(name)) {
          rect.setAttribute('class', 'match');
          // Count a match once, not again for matches nested inside it.
          let inside = false;
          for (let a = parent.get(r.n); a; a = parent.get(a)) if (counted.has(a)) { inside = true; break; }
          if (!inside) { counted.add(r.n); matched += valueOf(r.n); }
        }
        rect.addEventListener('click', () => { focus = r.n; draw(); });
        rect.addEventListener('mousemove', e => showTip(e, label(r.n)));
        rect.addEventListener('mouseleave', hideTip);
        g.appendChild(rect);
        const chars = Math.floor((r.w - 6) / 6.6);
        if (chars >= 3) g.appendChild(svgText(r.x + 3, r.d * rowH + 13, name.length > chars ? name.slice(0, chars - 1) + '…' : name));
        svg.appendChild(g);
      }
      status.textContent = match ? 'matched ' + fmtBytes(matched) + ' (' + fmtPercent(matched / (valueOf(rootNode) || 1)) + ')' :
        (focus === rootNode ? 'click a frame to zoom' : 'zoomed to ' + names[focus[0]]);
    }
    search.addEventListener('input', () => { query = search.value.trim(); draw(); });
    reset.addEventListener('click', () => { focus = rootNode; draw(); });
    draw();
  }

  function renderFlames() {
    const s = section('Flame graphs', 'flames');
    const tree = data.flame;
    if (!tree || !tree.root || !tree.root[6].length) {
      s.appendChild(el('p', { cls: 'muted', text: 'No live memory with stacks to draw.' }));
      return;
    }
    const live = el('div', { id: 'flame-live' });
    live.appendChild(el('h3', { text: 'Live bytes in the last snapshot' }));
    live.appendChild(el('p', { cls: 'muted', text: 'Width: live bytes. Colour: change since the first snapshot (red grew, blue shrank, beige unchanged). Callers on top, the allocating frame at the bottom.' }));
    s.appendChild(live);
    flameGraph(live, tree, 'live');
    const growth = el('div', { id: 'flame-growth' });
    growth.appendChild(el('h3', { text: 'Growth from the first to the last snapshot' }));
    if (tree.root[2] > 0) {
      growth.appendChild(el('p', { cls: 'muted', text: 'Width: bytes that grew (stacks that shrank are left out).' }));
      s.appendChild(growth);
      flameGraph(growth, tree, 'growth');
    } else {
      growth.appendChild(el('p', { cls: 'muted', text: 'Nothing grew between the first and the last snapshot.' }));
      s.appendChild(growth);
    }
  }

  // ---- VMMap view -------------------------------------------------------------------------
  function renderVmmap() {
    const s = section('Address space by memory type (VMMap)', 'vmmap');
    const extras = data.snapshot_extras || [];
    const withMap = [];
    snapshots.forEach((snap, i) => { if (extras[i] && extras[i].vmmap) withMap.push({ snap: snap, types: extras[i].vmmap }); });
    if (!withMap.length) {
      s.appendChild(el('p', { cls: 'muted', text: 'The snapshots recorded no address-space map (imported text, or /proc was not readable).' }));
      return;
    }
    const first = withMap[0], last = withMap[withMap.length - 1];
    const compare = withMap.length > 1;
    s.appendChild(el('p', { cls: 'muted', text: 'Snapshot ' + last.snap.sequence + (compare ? ', change since snapshot ' + first.snap.sequence : '') }));
    const maxPriv = Math.max(1, ...last.types.map(t => t.private));
    const maxChange = Math.max(1, ...last.types.map((t, i) => Math.abs(t.private - first.types[i].private)));
    const headers = ['type', 'size', 'committed', 'private', 'RSS', 'blocks', 'private bytes'];
    if (compare) headers.push('private change', '');
    const rows = last.types.map((t, i) => {
      const b = first.types[i];
      const bar = el('span', { cls: 'bar' }); bar.style.width = Math.round(t.private / maxPriv * 200) + 'px';
      const cells = [t.type, fmtBytes(t.size), fmtBytes(t.committed), fmtBytes(t.private), fmtBytes(t.rss), String(t.blocks), bar];
      if (compare) {
        const d = t.private - b.private;
        const gbar = el('span', { cls: 'bar grow' }); gbar.style.width = Math.round(Math.abs(d) / maxChange * 160) + 'px';
        if (d < 0) gbar.style.background = '#1565c0';
        cells.push(fmtSigned(d), gbar);
      }
      return { cells: cells };
    });
    s.appendChild(table(headers, rows, [0, 6, 8]));
  }

  // ---- heaps, sizes, exit -----------------------------------------------------------------
  function renderDetails() {
    const s = section('Heaps and block sizes', 'heaps');
    const heaps = analysis.heaps || [];
    if (heaps.length)
      s.appendChild(table(['heap', 'live first', 'live last', 'change', 'blocks change'],
        heaps.map(h => ({ cells: [h.heap, fmtBytes(h.old_bytes), fmtBytes(h.new_bytes), fmtSigned(h.growth_bytes), fmtCount(h.growth_blocks)] })), [0]));
    const sizes = analysis.sizes || [];
    if (sizes.length)
      s.appendChild(table(['block size', 'blocks first', 'blocks last', 'change', 'bytes change'],
        sizes.map(z => ({ cells: [String(z.size), String(z.old_blocks), String(z.new_blocks), fmtCount(z.growth_blocks), fmtSigned(z.growth_bytes)] })), []));
    const exit = analysis.exit;
    if (exit) {
      const e = section('Never freed at exit', 'exit');
      e.appendChild(el('p', { text: fmtBytes(exit.heap_bytes) + ' in ' + exit.heap_blocks + ' heap blocks and ' +
        fmtBytes(exit.mmap_bytes) + ' in ' + exit.mmap_regions + ' mmap regions were still live after static destructors.' }));
      const c = exit.classes;
      if (c) {
        const part = t => fmtBytes(t.bytes) + ' in ' + t.blocks + ' blocks';
        e.appendChild(el('p', { text: 'Heap blocks by reachability: unreachable (definitely lost) ' + part(c.unreachable) +
          ', indirect (lost behind them) ' + part(c.indirect) + ', possibly lost ' + part(c.possibly) + '.' }));
      }
      const classOfSite = (x, name) => x.classes ? String(x.classes[name].blocks) : '-';
      if ((exit.sites || []).length && c)
        e.appendChild(table(['kind', 'bytes', 'blocks', 'unreachable', 'indirect', 'possibly', 'site'],
          exit.sites.slice(0, 15).map(x => ({ cells: [x.kind, fmtBytes(x.bytes), String(x.blocks),
            classOfSite(x, 'unreachable'), classOfSite(x, 'indirect'), classOfSite(x, 'possibly'), siteOf(x)] })), [6]));
      else if ((exit.sites || []).length)
        e.appendChild(table(['kind', 'bytes', 'blocks', 'site'],
          exit.sites.slice(0, 15).map(x => ({ cells: [x.kind, fmtBytes(x.bytes), String(x.blocks), siteOf(x)] })), [3]));
    }
  }

  renderHeader();
  renderSuspects();
  renderHeapSuspects();
  renderMemory();
  renderFlames();
  renderVmmap();
  renderDetails();
  // A link to a section (report.html#flames) scrolls there once the section exists.
  if (location.hash) {
    const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target) target.scrollIntoView();
  }
  document.body.setAttribute('data-rendered', 'yes');
})();
