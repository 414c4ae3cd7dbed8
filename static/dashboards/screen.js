/* Big-screen client: scale the design canvas to the wall, poll the snapshot every second with
   If-None-Match (an unchanged poll is a 304 from the web process's memory; a change reaches the wall
   within a poll of its snapshot, issue 17; the browser decodes the stored brotli/gzip body itself),
   render modules with reused ECharts instances, never go blank.
   Memory stays flat over days: one chart instance per module for the page's life, setOption with
   notMerge (no series pile-up), modules re-rendered only when their JSON changed, fixed-size DOM. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("screen-config").textContent);
  // The screen follows the page's language like every page: its own words come translated in the config (the
  // template renders them through gettext), and the modules' data — computed once, in Chinese, for every screen —
  // is looked up in the English catalogue (Django's JavaScriptCatalog, loaded only for a language other than
  // Chinese). A string without an entry (a court's name, a case number) is shown as it is.
  var T = cfg.text || {};
  var catalog = (window.django && window.django.catalog) || {};
  function tr(s) { var x = catalog[s]; return typeof x === "string" && x ? x : s; }
  function translated(v) {
    if (typeof v === "string") return tr(v);
    if (Array.isArray(v)) return v.map(translated);
    if (v && typeof v === "object") { var o = {}; Object.keys(v).forEach(function (k) { o[k] = translated(v[k]); }); return o; }
    return v;
  }
  var translating = Object.keys(catalog).length > 0;
  var params = new URLSearchParams(location.search);
  var pollMs = Math.max(100, parseInt(params.get("poll") || cfg.pollMs, 10));
  var stage = document.getElementById("stage");
  var pagesEl = document.getElementById("pages");
  var banner = document.getElementById("stale-banner");
  var state = { etag: null, token: cfg.token, asOf: null, lag: null, stale: false, failures: 0, polls: 0, ok: 0, notModified: 0,
                layoutKey: null, page: 0, pageTimer: null, seen: {}, charts: {}, cards: {}, mapReady: false, pending: null };
  window.__screen = state;  // read by the browser test and by an operator's console

  // ---- scaling: fill any aspect ratio (16:9 monitors, 6656×1792 LED walls) without bitmap stretching ----
  function fit() {
    var W = window.innerWidth, H = window.innerHeight, w, h, s;
    if (W / H >= 1920 / 1080) { h = 1080; w = Math.round(1080 * W / H); s = H / 1080; }
    else { w = 1920; h = Math.round(1920 * H / W); s = W / 1920; }
    stage.style.width = w + "px"; stage.style.height = h + "px";
    stage.style.transform = "scale(" + s + ")";
    Object.keys(state.charts).forEach(function (k) { state.charts[k].resize(); });
    document.querySelectorAll("#stage .card").forEach(function (card) { fitRows(card); });
  }
  var fitTimer = null;
  window.addEventListener("resize", function () { clearTimeout(fitTimer); fitTimer = setTimeout(fit, 150); });
  fit();

  // ---- clock (Asia/Shanghai whatever the machine's zone) ----
  var fmtTime = new Intl.DateTimeFormat(cfg.locale || "zh-CN", { timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
  var fmtDate = new Intl.DateTimeFormat(cfg.locale || "zh-CN", { timeZone: "Asia/Shanghai", year: "numeric", month: "long", day: "numeric", weekday: "long" });
  function tick() {
    var now = new Date();
    document.getElementById("clock").textContent = fmtTime.format(now);
    document.getElementById("date").textContent = fmtDate.format(now);
  }
  setInterval(tick, 1000); tick();

  function hhmmss(iso) { return iso ? fmtTime.format(new Date(iso)) : "—"; }
  function field(root, name) { return root.querySelector('[data-field="' + name + '"]'); }
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; }
  var UNIT_SEP = /^zh/.test(cfg.locale || "zh-CN") ? "" : " ";  // 11.8亿元 / 1.18B yuan
  var compact = new Intl.NumberFormat(cfg.locale || "zh-CN", { notation: "compact", maximumFractionDigits: 2 });
  function yuan(v) {
    var n = Number(v);
    if (!isFinite(n)) return "—";
    // 万 / 亿 in Chinese, K / M / B in English: the locale's own compact notation.
    return n >= 1e4 ? compact.format(n) : n.toFixed(2);
  }
  // A chart's box changes size without a window resize: the stale banner appearing or going pushes the body up or
  // down by its height, and a chart drawn at the old size ran out of its card (module 29's axis below the card on
  // a basic court's 6656×1792 wall). Every chart follows its own box, and its card's rows are fitted again.
  var boxWatch = window.ResizeObserver ? new ResizeObserver(function (entries) {
    entries.forEach(function (e) {
      var c = echarts.getInstanceByDom(e.target), card = e.target.closest(".card");
      if (c && !c.isDisposed() && Math.abs(c.getHeight() - e.target.clientHeight) + Math.abs(c.getWidth() - e.target.clientWidth) > 1) c.resize();
      if (card) fitRows(card);
    });
  }) : null;
  function chartFor(code, holder) {
    var c = state.charts[code];
    if (!c) { c = echarts.init(holder, null, { renderer: "svg" }); state.charts[code] = c; if (boxWatch) boxWatch.observe(holder); }
    return c;
  }
  // 隆德 and 泾源, two small southern counties, have label anchors (the map's "cp") too close for both names:
  // each anchor moved away from the other inside its own county (degrees of longitude, latitude), as printed maps do.
  var MAP_LABEL_NUDGE = { "宁0423": [-0.07, 0.05], "宁0424": [0.02, -0.08] };
  function niceStep(max, parts) {
    // The value axis step that shows about `parts` labels up to `max` (1, 2 or 5 × a power of ten, at least 1).
    var raw = Math.max(max, 1) / Math.max(parts, 1), p = Math.pow(10, Math.floor(Math.log10(raw))), f = raw / p;
    return Math.max(1, (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p);
  }
  var AXIS = { axisLabel: { color: "#9cc3ea", fontSize: 15, hideOverlap: true }, axisLine: { lineStyle: { color: "#1d4a7a" } }, splitLine: { lineStyle: { color: "#12335a" } } };
  var COLORS = ["#38bdf8", "#fbbf24", "#34d399", "#f472b6", "#a78bfa", "#fb923c", "#f87171"];

  // ---- stale banner and badges ----
  function setStale(on) {
    state.stale = on;
    banner.hidden = !on;
    // Stale because the read replica lags past the limit (the poll itself answered), or because polls fail.
    var lagging = on && state.failures === 0 && state.lag != null && state.lag > cfg.lagLimit;
    field(banner, "stale-connection").hidden = lagging;
    field(banner, "stale-lag").hidden = !lagging;
    if (on) field(banner, "stale-since").textContent = state.asOf ? hhmmss(state.asOf) : "—";
    if (lagging) {
      field(banner, "stale-lag-seconds").textContent = Math.round(state.lag);
      field(banner, "stale-lag-since").textContent = hhmmss(state.asOf);
    }
    Object.keys(state.cards).forEach(function (code) { badge(code); });
    badge("m38"); badge("m39"); badge("m40");
  }
  function badge(code) {
    var card = cardEl(code); if (!card) return;
    var b = card.querySelector("[data-badge]"); if (!b) return;
    var m = state.seen[code] && state.seen[code].module;
    if (m && m.error) { b.textContent = T.stayed + " " + (m.error.last_ok_at ? hhmmss(m.error.last_ok_at) : "—"); b.className = "badge stale"; b.title = m.error.message; }
    else if (state.stale) { b.textContent = T.expired + " " + hhmmss(state.asOf); b.className = "badge stale"; }
    else { b.textContent = hhmmss(state.asOf); b.className = "badge"; }
  }
  function cardEl(code) { return state.cards[code] || document.querySelector('[data-module="' + code + '"]'); }

  // ---- carousel pages: built once per layout; charts of a replaced layout are disposed ----
  function buildPages(layout, modules) {
    Object.keys(state.cards).forEach(function (code) {
      if (state.charts[code]) { if (boxWatch) boxWatch.unobserve(state.charts[code].getDom()); state.charts[code].dispose(); delete state.charts[code]; }
    });
    state.cards = {}; state.seen = {}; pagesEl.replaceChildren();
    var dots = document.getElementById("page-dots"); dots.replaceChildren();
    layout.pages.forEach(function (page, i) {
      var p = el("div", "page" + (i === 0 ? " on" : "")); p.dataset.title = page.title;
      page.modules.forEach(function (code) {
        var m = modules[code]; if (!m) return;
        var card = el("div", "card"); card.dataset.module = code;
        var hd = el("div", "card-hd"); hd.appendChild(el("span", "card-title", m.title));
        var b = el("span", "badge"); b.setAttribute("data-badge", ""); hd.appendChild(b); card.appendChild(hd);
        card.appendChild(el("div", "kpis")).setAttribute("data-kpis", "");
        if (["bar", "line", "pie", "funnel", "gauge"].indexOf(m.chart) >= 0) { var c = el("div", "chart"); c.setAttribute("data-chart", ""); card.appendChild(c); }
        var t = el("div", "tbl-wrap"); t.setAttribute("data-table", ""); card.appendChild(t);
        // The incident module (37) has a province map under its table: the incidents listed and each dispatched
        // team's last reported position.
        if (code === "m37") card.appendChild(el("div", "inc-map")).setAttribute("data-incident-map", "");
        card.appendChild(el("div", "err")).setAttribute("data-error", "");
        p.appendChild(card); state.cards[code] = card;
      });
      pagesEl.appendChild(p); dots.appendChild(el("span", i === 0 ? "on" : ""));
    });
    state.page = 0; showPage(0);
    clearInterval(state.pageTimer);
    if (layout.pages.length > 1) state.pageTimer = setInterval(function () { showPage((state.page + 1) % layout.pages.length); }, layout.page_seconds * 1000);
  }
  function showPage(i) {
    var pages = pagesEl.children, dots = document.getElementById("page-dots").children;
    for (var k = 0; k < pages.length; k++) { pages[k].classList.toggle("on", k === i); if (dots[k]) dots[k].classList.toggle("on", k === i); }
    state.page = i;
    document.getElementById("page-title").textContent = pages[i] ? pages[i].dataset.title : "";
  }

  // ---- renderers per chart kind ----
  function wrap(text, width) {
    // A long indicator name on two lines (at most), split where it fits; the rest elided.
    text = String(text || "");
    if (text.length <= width) return text;
    var second = text.slice(width);
    return text.slice(0, width) + "\n" + (second.length > width ? second.slice(0, width - 1) + "…" : second);
  }
  function fitRows(card) {
    // Rows a card cannot show in full are left out, not cut in half at its bottom edge.
    var wrap = card.querySelector("[data-table]"); if (!wrap) return;
    var bottom = wrap.getBoundingClientRect().bottom + 1;
    wrap.querySelectorAll("tbody tr").forEach(function (tr) {
      tr.style.display = "";
      if (tr.getBoundingClientRect().bottom > bottom) tr.style.display = "none";
    });
  }
  function renderKpis(card, data) {
    var box = card.querySelector("[data-kpis]"); if (!box) return;
    box.replaceChildren();
    (data.items || []).forEach(function (it) {
      var k = el("div", "kpi"), v = el("div", "v");
      var money = it.unit === "元" || it.unit === T.yuan;  // the unit as computed, or already translated
      v.textContent = it.value == null ? "—" : (it.display || (money ? yuan(it.value) : it.value));
      if (it.unit) v.appendChild(el("span", "u", money ? T.yuan : it.unit));
      k.appendChild(v); k.appendChild(el("div", "l", it.label)); box.appendChild(k);
    });
  }
  function renderTable(card, data) {
    var box = card.querySelector("[data-table]"); if (!box) return;
    box.replaceChildren();
    if (!data.columns || !data.rows) return;
    var t = el("table", "tbl"), tr = el("tr");
    data.columns.forEach(function (c) { tr.appendChild(el("th", null, c)); });
    t.appendChild(el("thead")).appendChild(tr);
    var tb = el("tbody");
    data.rows.slice(0, 12).forEach(function (r) { var row = el("tr"); r.forEach(function (c) { row.appendChild(el("td", null, c == null ? "—" : c)); }); tb.appendChild(row); });
    t.appendChild(tb); box.appendChild(t);
    fitRows(card);
  }
  function chartOption(m, d, height) {
    var base = { animation: false, color: COLORS, textStyle: { fontFamily: "Noto Sans CJK SC, Microsoft YaHei, sans-serif" },
                 grid: { left: 60, right: 20, top: 36, bottom: 40 }, tooltip: { trigger: m.chart === "pie" ? "item" : "axis" },
                 legend: { top: 0, textStyle: { color: "#cfe3fa", fontSize: 15 } } };
    if (m.chart === "pie") {
      base.legend = { show: false };
      base.series = [{ type: "pie", radius: ["30%", "58%"], center: ["50%", "52%"], labelLayout: { hideOverlap: true },
                       label: { color: "#cfe3fa", fontSize: 15, lineHeight: 21, formatter: "{b}\n{c} ({d}%)" },
                       data: (d.slices || []).filter(function (i) { return Number(i.value) > 0; }).map(function (i) { return { name: i.name, value: Number(i.value) }; }) }];
      return base;
    }
    if (m.chart === "funnel") {
      // Stages as horizontal bars in life-cycle order: readable even when one stage dwarfs the others.
      base.legend = { show: false }; base.grid = { left: 96, right: 56, top: 8, bottom: 8 };
      base.yAxis = Object.assign({ type: "category", inverse: true, data: d.categories }, AXIS);
      base.xAxis = Object.assign({ type: "value", axisLabel: { show: false } }, AXIS);
      base.series = [{ type: "bar", data: d.series[0].values.map(Number), barMaxWidth: 22, label: { show: true, position: "right", color: "#fde68a", fontSize: 15 },
                       itemStyle: { color: new echarts.graphic.LinearGradient(0, 0, 1, 0, [{ offset: 0, color: "#0ea5e9" }, { offset: 1, color: "#38bdf8" }]) } }];
      return base;
    }
    if (m.chart === "gauge") {
      // Up to four gauges in a 2×2 grid (in one row they shrank to an 89-pixel strip and their titles ran into
      // each other); each title wrapped to two lines under its own dial.
      base.series = (d.items || []).slice(0, 4).map(function (it, i, all) {
        var cols = all.length > 2 ? 2 : all.length, rows = Math.ceil(all.length / cols);
        return { type: "gauge", min: 0, max: 100, radius: (rows > 1 ? 30 : 42) + "%",
                 center: [(100 * ((i % cols) + 0.5) / cols) + "%", (100 * (Math.floor(i / cols) + 0.5) / rows - (rows > 1 ? 6 : 8)) + "%"],
                 detail: { formatter: it.value == null ? "—" : "{value}%", color: "#fde68a", fontSize: 18, offsetCenter: [0, "10%"] },
                 title: { color: "#9cc3ea", fontSize: 13, lineHeight: 19, offsetCenter: [0, rows > 1 ? "92%" : "82%"] },
                 axisLine: { lineStyle: { width: 10, color: [[(Number(it.target) || 0) / 100, "#f87171"], [1, "#34d399"]] } },
                 splitLine: { show: false }, axisTick: { show: false }, axisLabel: { show: false },
                 data: [{ name: wrap(it.label, 12), value: it.value == null ? 0 : Number(it.value) }] };
      });
      delete base.tooltip; return base;
    }
    base.xAxis = Object.assign({}, AXIS, { type: "category", data: d.categories || [],
                               axisLabel: { color: "#9cc3ea", fontSize: 14, interval: 0, rotate: (d.categories || []).length > 4 ? 30 : 0 } });
    // As many value labels as the chart's height holds (a short chart crowded 0, 0.5, 1 … into each other);
    // counts in whole steps.
    var peak = Math.max.apply(null, [0].concat.apply([], (d.series || []).map(function (s) { return s.values.map(Number); })));
    base.yAxis = Object.assign({ type: "value", interval: niceStep(peak, Math.max(1, Math.min(5, Math.floor((height || 200) / 45)))) }, AXIS);
    base.series = (d.series || []).map(function (s) {
      return { type: m.chart === "line" ? "line" : "bar", name: s.name, data: s.values.map(Number), smooth: m.chart === "line", barMaxWidth: 28 };
    });
    return base;
  }
  function renderModule(code, m) {
    var card = cardEl(code); if (!card) return;
    var err = card.querySelector("[data-error]");
    if (err) err.textContent = m.error ? T.moduleFailed + m.error.message : "";
    var d = m.data; if (!d) return;
    if (code === "m38") return renderMap(card, d);
    if (code === "m39") return renderDuty(card, d);
    if (code === "m40") return renderTicker(card, d);
    if (m.chart !== "gauge") renderKpis(card, d);  // a gauge shows its numbers on its dials
    if (d.columns) renderTable(card, d);  // before the chart: the chart is then drawn into the height the table leaves
    if (code === "m37") renderIncidentMap(card, d.map);
    var holder = card.querySelector("[data-chart]");
    if (holder) {
      var chart = chartFor(code, holder);
      chart.setOption(chartOption(m, d, holder.clientHeight), { notMerge: true });
      if (code === "m02" && !chart.__drill) {
        chart.__drill = true;  // bind once: drill down from a bar to that court's screen
        chart.on("click", function (p) { var codes = state.seen.m02.module.data.court_codes; var c = codes && codes[p.dataIndex]; if (c && c !== cfg.court) location.href = cfg.screenUrl.replace("CODE", encodeURIComponent(c)); });
      }
      if (Math.abs(chart.getHeight() - holder.clientHeight) > 1) chart.resize();
    }
  }
  function renderMap(card, d) {
    field(card, "open").textContent = d.open;
    field(card, "recovered").textContent = yuan(d.recovered) + UNIT_SEP + T.yuan;
    if (!state.mapReady) { state.pendingMap = d; return; }
    var chart = chartFor("m38", card.querySelector("[data-chart]"));
    var names = {}; (d.items || []).forEach(function (i) { names[i.court_code] = i.name; });
    var max = Math.max.apply(null, [1].concat((d.items || []).map(function (i) { return i.open; })));
    chart.setOption({
      animation: false,
      tooltip: { formatter: function (p) { var it = p.data; return it ? it.court + "<br>" + T.openCases + " " + it.value + " " + T.cases + "<br>" + T.recoveredThisYear + " " + yuan(it.recovered) + UNIT_SEP + T.yuan : p.name; } },
      visualMap: { min: 0, max: max, left: 10, bottom: 10, calculable: false, itemHeight: 90, textStyle: { color: "#9cc3ea" }, inRange: { color: ["#0c3a66", "#0ea5e9", "#fbbf24"] } },
      series: [{ type: "map", map: "ningxia", nameProperty: "court_code", roam: false, selectedMode: false,
                 labelLayout: { hideOverlap: true },  // Yinchuan's six districts are too close for six names
                 label: { show: true, color: "#e0f2fe", fontSize: 11, formatter: function (p) {
                   // 原州 / 彭阳, 隆德 / 泾源: the place without 区/县/市, as on printed maps (the full names collide).
                   var n = (names[p.name] || "").replace("人民法院", "").replace("法院", "");
                   return n.length >= 3 ? n.replace(/[区县市]$/, "") : n; } },
                 itemStyle: { borderColor: "#7dd3fc", areaColor: "#0c2a4d" }, emphasis: { itemStyle: { areaColor: "#f59e0b" }, label: { color: "#04101f" } },
                 data: (d.items || []).map(function (i) { return { name: i.court_code, value: i.open, recovered: i.recovered, court: i.name }; }) }]
    }, { notMerge: true });
    if (!chart.__drill) {
      chart.__drill = true;
      chart.on("click", function (p) { if (p.name && p.name !== cfg.court) location.href = cfg.screenUrl.replace("CODE", encodeURIComponent(p.name)); });
    }
  }
  var SEVERITY_COLOURS = { high: "#f87171", medium: "#fbbf24", low: "#38bdf8" };
  function renderIncidentMap(card, m) {
    // Module 37's map: the districts without names (the rail's big map names them), each listed incident as a
    // pulsing dot in its severity's colour, each dispatched team's last reported position as a labelled dot
    // ("西夏一组 14:05"); labels that would overlap are left out.
    var holder = card.querySelector("[data-incident-map]"); if (!holder || !m) return;
    if (!state.mapReady) { state.pendingIncidentMap = m; return; }
    var chart = chartFor("m37", holder);
    chart.setOption({
      animation: false,
      geo: { map: "ningxia", roam: false, silent: true, layoutCenter: ["50%", "50%"], layoutSize: "92%", label: { show: false },
             itemStyle: { areaColor: "#0c2a4d", borderColor: "#1d4a7a" } },
      series: [
        { type: "effectScatter", coordinateSystem: "geo", symbolSize: 12, rippleEffect: { scale: 3 }, label: { show: false },
          data: (m.incidents || []).map(function (i) { return { name: i.name, value: i.value, itemStyle: { color: SEVERITY_COLOURS[i.severity] || "#38bdf8" } }; }) },
        // Teams at one incident stand a few pixels apart on a province map: their labels go right and left in
        // turn so two read side by side; a third that would overlap is left out (the table lists every team).
        { type: "scatter", coordinateSystem: "geo", symbol: "diamond", symbolSize: 10, itemStyle: { color: "#34d399" },
          labelLayout: { hideOverlap: true },
          label: { show: true, position: "right", color: "#d1fae5", fontSize: 13, formatter: "{b}" },
          data: (m.teams || []).map(function (t, i) { return { name: t.name, value: t.value, label: { position: i % 2 ? "left" : "right" } }; }) }
      ]
    }, { notMerge: true });
    if (Math.abs(chart.getHeight() - holder.clientHeight) > 1) chart.resize();
  }
  function post(label, p) {
    var box = el("div", "post" + (p && p.name ? "" : " missing"));
    box.appendChild(el("div", "label", label));
    box.appendChild(el("div", "name", p && p.name ? p.name : T.vacant));
    if (p && p.name) box.appendChild(el("div", p.checked_in ? "checked" : "unchecked", p.checked_in ? T.checkedIn + " " + p.checked_in_at : T.notCheckedIn));
    return box;
  }
  function renderDuty(card, d) {
    var box = card.querySelector("[data-duty]"); box.replaceChildren();
    if (!d.centre) { box.appendChild(el("p", "muted", T.noRoster)); return; }
    var cur = d.current;
    box.appendChild(post(T.postA, cur && cur.A)); box.appendChild(post(T.postB, cur && cur.B));
    var l1 = el("div", "line"); l1.textContent = cur ? T.currentShift + cur.name + " " + cur.starts + " — " + cur.ends : T.noShift; box.appendChild(l1);
    var n = d.next, l2 = el("div", "line");
    l2.textContent = n ? T.nextShift + n.name + " " + n.starts + "  " + T.postAShort + " " + (n.A.name || T.vacant) + " · " + T.postBShort + " " + (n.B.name || T.vacant) : T.nextUnscheduled; box.appendChild(l2);
    if (d.handover) { var l3 = el("div", "line"); l3.textContent = T.handoverPending + d.handover.from + " (" + d.handover.by + ")" + (d.handover.open_items ? " " + T.openItems + d.handover.open_items : ""); box.appendChild(l3); }
  }
  function renderTicker(card, d) {
    var counts = card.querySelector("[data-counts]"); counts.replaceChildren();
    var c = el("b", "crit", String(d.open.critical || 0)), w = el("b", "warn", String(d.open.warning || 0));
    counts.append(T.critical + " ", c, "  " + T.warning + " ", w, "  " + T.pending);
    var track = card.querySelector("[data-track]"); track.replaceChildren();
    var rows = (d.rows || []).filter(function (r) { return r.status === "open"; });
    if (!rows.length) { track.appendChild(el("span", "muted", T.noAlerts)); track.style.animation = "none"; return; }
    track.style.animation = "";
    for (var rep = 0; rep < 2; rep++) {  // two copies: the track scrolls by half its width and loops seamlessly
      rows.forEach(function (r) { track.appendChild(el("span", r.severity, "【" + r.court + "】" + r.title + " " + r.at + (r.escalated ? " ⬆" + T.escalated : ""))); });
    }
    track.style.setProperty("--ticker-seconds", Math.max(20, rows.length * 8) + "s");
  }

  // ---- applying a bundle: only modules whose JSON changed are redrawn ----
  function apply(bundle) {
    if (translating) bundle = translated(bundle);  // titles, labels, units, series names of every module
    var key = JSON.stringify(bundle.layout);
    if (key !== state.layoutKey) { state.layoutKey = key; buildPages(bundle.layout, bundle.modules); document.getElementById("title").textContent = bundle.layout.title; }
    Object.keys(bundle.modules).forEach(function (code) {
      var m = bundle.modules[code], s = JSON.stringify(m);
      if (!state.seen[code] || state.seen[code].json !== s) { state.seen[code] = { json: s, module: m }; renderModule(code, m); }
      badge(code);
    });
  }
  function headers(res) {
    state.brokerDown = res.headers.get("X-Broker") === "down";
    document.getElementById("broker-banner").hidden = !state.brokerDown;
    var asOf = res.headers.get("X-Snapshot-As-Of");
    if (asOf) { state.asOf = asOf; field(document, "as-of").textContent = hhmmss(asOf); }
    // The replica's lag beside the data time, from a second up (under a second the time says it all).
    var lag = res.headers.get("X-Snapshot-Lag"), lagEl = field(document, "lag");
    state.lag = lag ? parseFloat(lag) : null;
    lagEl.hidden = !(state.lag >= 1);
    if (state.lag >= 1) lagEl.textContent = "(" + T.lag + " " + Math.round(state.lag) + " " + T.seconds + ")";
    return res.headers.get("X-Snapshot-Stale") === "1";
  }

  // ---- polling: one request at a time, chained timeouts (no overlap, no timer pile-up) ----
  function renewToken() {
    return fetch(cfg.tokenUrl, { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      // 401/403: the login session that issued the token has ended (logout, deactivation, role change).
      if (r.status === 401 || r.status === 403) return r.json().then(sessionEnded, function () { sessionEnded({}); });
      return r.ok ? r.json().then(function (j) { if (j && j.token) state.token = j.token; }) : null;
    });
  }
  function sessionEnded(j) {
    // Polling stops and the wall asks for a duty login instead of showing "reconnecting" for ever.
    state.ended = true;
    var box = document.getElementById("login-prompt");
    if (j && j.login_url) box.querySelector("a").href = j.login_url;
    box.hidden = false;
  }
  function poll() {
    state.polls++;
    var ctrl = new AbortController(), timer = setTimeout(function () { ctrl.abort(); }, Math.max(4000, pollMs - 200));
    var h = { "X-Screen-Token": state.token || "" }; if (state.etag) h["If-None-Match"] = state.etag;
    fetch(cfg.snapshotUrl, { headers: h, cache: "no-store", credentials: "same-origin", signal: ctrl.signal })
      .then(function (res) {
        if (res.status === 304) { state.notModified++; return { stale: headers(res) }; }
        if (res.status === 401) { return renewToken().then(function () { throw new Error("token renewed"); }); }
        if (!res.ok) throw new Error("HTTP " + res.status);
        var stale = headers(res), etag = res.headers.get("ETag");
        return res.json().then(function (b) { apply(b); state.etag = etag; return { stale: stale }; });
      })
      .then(function (r) { state.ok++; state.failures = 0; setStale(r.stale); },
            function () { state.failures++; setStale(true); })
      .then(function () { clearTimeout(timer); if (!state.ended) setTimeout(poll, pollMs); });
  }

  fetch(cfg.mapUrl).then(function (r) { return r.json(); }).then(function (geo) {
    (geo.features || []).forEach(function (f) {
      var nudge = MAP_LABEL_NUDGE[f.properties.court_code], cp = f.properties.cp;
      if (nudge && cp) f.properties.cp = [cp[0] + nudge[0], cp[1] + nudge[1]];
    });
    echarts.registerMap("ningxia", geo); state.mapReady = true;
    if (state.pendingMap) { renderMap(document.querySelector('[data-module="m38"]'), state.pendingMap); state.pendingMap = null; }
    if (state.pendingIncidentMap && cardEl("m37")) { renderIncidentMap(cardEl("m37"), state.pendingIncidentMap); state.pendingIncidentMap = null; }
  }).catch(function () { /* the map card keeps its figures; the district drawing waits for the next page load */ });
  setInterval(function () { if (!state.ended) renewToken(); }, 6 * 3600 * 1000);
  poll();
})();
