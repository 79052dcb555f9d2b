// The cvkg view: tooltips, search, focus on a neighbourhood, legend toggles, date range (graph/render.py).
// Every text from the graph goes into the page through textContent, never as markup.
(function () {
  "use strict";
  var data = CVKG_DATA;
  var SVG = "http://www.w3.org/2000/svg";
  var DIM = 0.12;
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function httpUrl(u) { return typeof u === "string" && /^https?:\/\//i.test(u) ? u : ""; }
  function tipElement(sections) {
    var box = el("div", null, "tip");
    sections.forEach(function (s) {
      if (s.h) box.appendChild(el("h3", s.h));
      if (s.rows && s.rows.length) {
        var t = el("table");
        s.rows.forEach(function (r) {
          var tr = el("tr"); tr.appendChild(el("td", r[0], "k")); tr.appendChild(el("td", r[1])); t.appendChild(tr);
        });
        box.appendChild(t);
      }
      (s.quotes || []).forEach(function (q) { box.appendChild(el("blockquote", q)); });
      if (s.links && s.links.length) {
        var ul = el("ul");
        s.links.forEach(function (l) {
          var li = el("li"), url = httpUrl(l[1]);
          if (url) {
            var a = el("a", l[0]); a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer";
            li.appendChild(a);
          } else { li.textContent = l[0]; }
          ul.appendChild(li);
        });
        box.appendChild(ul);
      }
    });
    return box;
  }

  // what each element looks like when nothing is dimmed, and which edges touch which node
  var tips = {}, info = {}, around = {};
  data.nodes.forEach(function (n) {
    tips[n.id] = n.tip; n.title = tipElement(n.tip); delete n.tip;
    info[n.id] = { cls: n.cls, names: n.names, badge: n.badge, font: n.font, size: n.size };
    around[n.id] = [];
    delete n.names;
  });
  var smallGraph = data.edges.length <= 80;
  var edgeFont = smallGraph ? 10 : 0;
  data.edges.forEach(function (e) {
    tips[e.id] = e.tip; e.title = tipElement(e.tip); delete e.tip;
    info[e.id] = { color: e.color, periods: e.periods, from: e.from, to: e.to, label: e.label };
    delete e.periods;
    around[e.from].push(e.id); around[e.to].push(e.id);
  });
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);

  // the side panel: heading, notes and the legend, whose entries show and hide classes and relations
  var side = document.getElementById("side");
  var details = document.getElementById("details"), body = document.getElementById("details-body");
  document.getElementById("heading").textContent = data.heading;
  var items = document.getElementById("legend-items");
  data.notes.forEach(function (n) {
    items.appendChild(el("div", n, /^cut /.test(n) ? "note cut" : "note"));
  });
  function shapeIcon(shape, colour) {
    var s = document.createElementNS(SVG, "svg"); s.setAttribute("width", "14"); s.setAttribute("height", "14");
    s.setAttribute("viewBox", "-7 -7 14 14"); s.style.flex = "none";
    var pts = {
      star: "0,-6.5 1.6,-2 6.2,-2 2.5,0.8 3.9,5.3 0,2.6 -3.9,5.3 -2.5,0.8 -6.2,-2 -1.6,-2",
      diamond: "0,-6.5 6.5,0 0,6.5 -6.5,0", triangle: "0,-6 6,5 -6,5", triangleDown: "0,6 6,-5 -6,-5",
      square: "-5.5,-5.5 5.5,-5.5 5.5,5.5 -5.5,5.5", hexagon: "-6,0 -3,-5.2 3,-5.2 6,0 3,5.2 -3,5.2"
    };
    var shapeEl;
    if (pts[shape]) {
      shapeEl = document.createElementNS(SVG, "polygon"); shapeEl.setAttribute("points", pts[shape]);
    } else { shapeEl = document.createElementNS(SVG, "circle"); shapeEl.setAttribute("r", "5.5"); }
    shapeEl.setAttribute("fill", colour);
    s.appendChild(shapeEl);
    return s;
  }
  var classOff = {}, relationOff = {};
  function toggleRow(kind, name, icon, count, off) {
    var row = el("label", null, "row"), box = el("input");
    box.type = "checkbox"; box.checked = true;
    row.setAttribute("data-" + kind, name);
    row.title = "show or hide the " + (kind === "class" ? "entities of class " : "relation ") + name;
    row.appendChild(box); row.appendChild(icon); row.appendChild(el("span", name)); row.appendChild(el("span", count, "n"));
    box.addEventListener("change", function () {
      off[name] = !box.checked;
      row.classList.toggle("off", !box.checked);
      applyFilters();
    });
    return row;
  }
  if (data.legend.classes.length) items.appendChild(el("h2", "entities"));
  var classBox = el("div");
  data.legend.classes.forEach(function (c) {
    classBox.appendChild(toggleRow("class", c[0], shapeIcon(c[2], c[1]), c[3], classOff));
  });
  items.appendChild(classBox);
  if (data.legend.relations.length) items.appendChild(el("h2", "relations"));
  var relationBox = el("div");
  data.legend.relations.forEach(function (r) {
    var ln = el("span", null, "ln"); ln.style.background = r[1];
    relationBox.appendChild(toggleRow("relation", r[0], ln, r[2], relationOff));
  });
  items.appendChild(relationBox);
  items.appendChild(el("div", data.legend.size, "note"));
  if (data.nodes.some(function (n) { return info[n.id].badge; })) {
    var badgeNote = el("div", null, "note row"); badgeNote.style.cursor = "default";
    badgeNote.appendChild(el("span", "n", "badge"));
    badgeNote.appendChild(el("span", "figures (market share, revenue…) in the tooltip"));
    items.appendChild(badgeNote);
  }
  items.appendChild(el("div", "Hover for details; click a node to focus on its neighbours, the background to restore.", "note"));
  var fold = document.getElementById("fold");
  function setFolded(folded) {
    side.classList.toggle("folded", folded);
    fold.setAttribute("aria-expanded", folded ? "false" : "true");
    fold.textContent = folded ? "legend ▸" : "legend ▾";
  }
  fold.addEventListener("click", function () { setFolded(!side.classList.contains("folded")); });
  setFolded(window.innerWidth < 1000 || window.innerHeight < 520);

  // the date range: months from the earliest to the latest dated relation; undated relations always show
  var months = [], range = null;
  if (data.dates) {
    var y = +data.dates[0].slice(0, 4), m = +data.dates[0].slice(5, 7);
    var last = data.dates[1];
    for (;;) {
      var key = y + "-" + (m < 10 ? "0" : "") + m;
      months.push(key);
      if (key >= last || months.length > 2400) break;
      m += 1; if (m > 12) { m = 1; y += 1; }
    }
  }
  var from = document.getElementById("date-from"), to = document.getElementById("date-to");
  if (months.length < 2) {
    document.getElementById("dates").style.display = "none";
  } else {
    [from, to].forEach(function (input) { input.min = 0; input.max = months.length - 1; input.step = 1; });
    from.value = 0; to.value = months.length - 1;
  }
  function dateInput(moved) {
    var lo = +from.value, hi = +to.value;
    if (lo > hi) { if (moved === from) { to.value = lo; hi = lo; } else { from.value = hi; lo = hi; } }
    document.getElementById("date-from-text").textContent = months[lo];
    document.getElementById("date-to-text").textContent = months[hi];
    range = lo === 0 && hi === months.length - 1 ? null : [months[lo] + "-01", months[hi] + "-31"];
    applyFilters();
  }
  if (months.length >= 2) {
    from.addEventListener("input", function () { dateInput(from); });
    to.addEventListener("input", function () { dateInput(to); });
    document.getElementById("date-from-text").textContent = months[0];
    document.getElementById("date-to-text").textContent = months[months.length - 1];
  }

  // which elements the legend and the date range leave visible
  var hiddenNow = {};
  function edgeShown(id) {
    var e = info[id];
    if (relationOff[e.label] || classOff[info[e.from].cls] || classOff[info[e.to].cls]) return false;
    if (!range || !e.periods.length) return true;
    return e.periods.some(function (p) { return p[0] <= range[1] && p[1] >= range[0]; });
  }
  function applyFilters() {
    var shownEdges = {}, nodeUpdates = [], edgeUpdates = [];
    data.edges.forEach(function (e) {
      var shown = edgeShown(e.id);
      shownEdges[e.id] = shown;
      if (!shown !== !!hiddenNow[e.id]) { hiddenNow[e.id] = !shown; edgeUpdates.push({ id: e.id, hidden: !shown }); }
    });
    data.nodes.forEach(function (n) {
      var shown = !classOff[info[n.id].cls] &&
        (!around[n.id].length || around[n.id].some(function (id) { return shownEdges[id]; }));
      if (!shown !== !!hiddenNow[n.id]) { hiddenNow[n.id] = !shown; nodeUpdates.push({ id: n.id, hidden: !shown }); }
    });
    if (nodeUpdates.length) nodes.update(nodeUpdates);
    if (edgeUpdates.length) edges.update(edgeUpdates);
    if (focused !== null && hiddenNow[focused]) unfocus(); else if (focused !== null) focusOn(focused);
    window.cvkgShown = { nodes: data.nodes.length - count(hiddenNow, nodes), edges: data.edges.length - count(hiddenNow, edges) };
  }
  function count(hidden, set) { return set.getIds().filter(function (id) { return hidden[id]; }).length; }

  // focus: a selected node's neighbourhood stays, everything else is dimmed
  var focused = null, nearNow = {};
  function dimColour(c, alpha) {
    return { color: c.color, highlight: c.highlight, hover: c.hover, opacity: alpha };
  }
  function focusOn(id) {
    focused = id;
    var near = {}; near[id] = true;
    nearNow = near;
    var edgeUpdates = data.edges.map(function (e) {
      var touches = (e.from === id || e.to === id) && !hiddenNow[e.id];
      if (touches) { near[e.from] = true; near[e.to] = true; }
      return { id: e.id, color: dimColour(info[e.id].color, touches ? 1 : DIM), font: { size: touches ? 11 : 0 } };
    });
    // the neighbours' labels are drawn at least 11 screen pixels high, whatever the zoom
    var legible = Math.min(Math.ceil(11 / Math.max(network.getScale(), 0.05)), 60);
    var nodeUpdates = data.nodes.map(function (n) {
      var on = !!near[n.id], size = info[n.id].font.size;
      return { id: n.id, opacity: on ? 1 : DIM,
               font: { size: on ? Math.max(size, legible) : size, color: on ? "#222" : "rgba(34,34,34," + DIM + ")" } };
    });
    nodes.update(nodeUpdates); edges.update(edgeUpdates);
    window.cvkgFocus = { id: id, near: Object.keys(near) };
  }
  function unfocus() {
    focused = null;
    nodes.update(data.nodes.map(function (n) {
      return { id: n.id, opacity: 1, font: { size: info[n.id].font.size, color: "#222" } };
    }));
    edges.update(data.edges.map(function (e) {
      return { id: e.id, color: dimColour(info[e.id].color, 1), font: { size: edgeFont } };
    }));
    window.cvkgFocus = null;
  }

  var big = data.nodes.length > 250;
  var options = {
    nodes: {
      borderWidth: 1.5,
      font: { size: 14, face: "system-ui, sans-serif", color: "#222", strokeWidth: 4, strokeColor: "#f7f7f5" },
      // labels smaller than this many screen pixels are not drawn: hubs stay legible when the graph is fitted
      scaling: { label: { drawThreshold: 8, maxVisible: 26 } }
    },
    edges: {
      width: 1.6, arrows: { to: { enabled: true, scaleFactor: 0.55 } },
      font: { size: edgeFont, align: "middle", color: "#555", strokeWidth: 3, strokeColor: "#f7f7f5" },
      smooth: { type: "continuous", roundness: 0.35 }
    },
    layout: { improvedLayout: data.nodes.length <= 150, randomSeed: 7 },
    physics: {
      solver: "forceAtlas2Based",
      forceAtlas2Based: { gravitationalConstant: -70, springLength: 120, springConstant: 0.06, avoidOverlap: 0.6 },
      stabilization: { iterations: big ? 400 : 900, updateInterval: 50, fit: true }
    },
    interaction: { hover: true, tooltipDelay: 120, hideEdgesOnDrag: big, navigationButtons: false }
  };
  var network = new vis.Network(document.getElementById("graph"), { nodes: nodes, edges: edges }, options);
  network.once("stabilizationIterationsDone", function () {
    network.setOptions({ physics: false });
    fitBesideLegend();
    window.cvkgReady = true;
  });
  function sideWidth() { return side.offsetWidth + 20; }
  function fitInto(ids, maxScale, animate) {
    // like network.fit(), but into the part of the window between the side panel and the details panel
    var pos = network.getPositions(ids);
    if (!ids.length) return;
    var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    ids.forEach(function (id) {
      x0 = Math.min(x0, pos[id].x); x1 = Math.max(x1, pos[id].x);
      y0 = Math.min(y0, pos[id].y); y1 = Math.max(y1, pos[id].y);
    });
    var left = sideWidth(), right = details.style.display === "block" ? details.offsetWidth + 20 : 0;
    var width = Math.max(window.innerWidth - left - right, window.innerWidth / 3) - 30, height = window.innerHeight - 30;
    var scale = Math.min(width / (x1 - x0 + 160), height / (y1 - y0 + 140), maxScale);
    network.moveTo({
      position: { x: (x0 + x1) / 2, y: (y0 + y1) / 2 }, scale: scale,
      offset: { x: (left - right) / 2, y: 0 },
      animation: animate ? { duration: 300, easingFunction: "easeInOutQuad" } : false
    });
  }
  function fitBesideLegend() {
    fitInto(data.nodes.map(function (n) { return n.id; }).filter(function (id) { return !hiddenNow[id]; }), 1.25, false);
  }
  document.getElementById("fit").addEventListener("click", fitBesideLegend);

  // badges: how many figures (market shares, results…) the tooltip lists for a node
  network.on("afterDrawing", function (ctx) {
    var ids = data.nodes.filter(function (n) { return info[n.id].badge && !hiddenNow[n.id]; }).map(function (n) { return n.id; });
    if (!ids.length) return;
    var pos = network.getPositions(ids), k = 1 / Math.max(network.getScale(), 0.35);  // the same size on screen
    ids.forEach(function (id) {
      var r = info[id].size, x = pos[id].x + r * 0.75, y = pos[id].y - r * 0.75;
      ctx.save();
      ctx.globalAlpha = focused !== null && !nearNow[id] ? DIM : 1;
      ctx.beginPath(); ctx.arc(x, y, 7 * k, 0, 2 * Math.PI); ctx.fillStyle = "#333"; ctx.fill();
      ctx.lineWidth = 1.5 * k; ctx.strokeStyle = "#fff"; ctx.stroke();
      ctx.fillStyle = "#fff"; ctx.font = "bold " + 9 * k + "px system-ui, sans-serif";
      ctx.textAlign = "center"; ctx.textBaseline = "middle";
      ctx.fillText(String(info[id].badge), x, y + 0.5 * k);
      ctx.restore();
    });
  });

  function show(id) {
    while (body.firstChild) body.removeChild(body.firstChild);
    body.appendChild(tipElement(tips[id]));
    details.style.display = "block";
  }
  document.getElementById("close").addEventListener("click", function () { details.style.display = "none"; });
  network.on("click", function (p) {
    if (p.nodes.length) {
      focusOn(p.nodes[0]); show(p.nodes[0]);
      // a node under a panel is brought into the free part of the window, at no closer zoom
      var at = network.canvasToDOM(network.getPositions([p.nodes[0]])[p.nodes[0]]);
      if (at.x < sideWidth() || at.x > window.innerWidth - details.offsetWidth - 30) {
        fitInto(Object.keys(nearNow).filter(function (n) { return !hiddenNow[n]; }), network.getScale(), true);
      }
    }
    else if (p.edges.length) show(p.edges[0]);
    else { details.style.display = "none"; if (focused !== null) unfocus(); }
  });

  // search: a name or alias (any case; whole name first, then a prefix, then a part) selects and centres the node
  var names = document.getElementById("names"), note = document.getElementById("search-note");
  data.nodes.forEach(function (n) { names.appendChild(el("option", info[n.id].names[0])); });
  function find(text) {
    var q = text.trim().toLowerCase();
    if (!q) return null;
    var tests = [
      function (s) { return s === q; },
      function (s) { return s.indexOf(q) === 0; },
      function (s) { return s.indexOf(q) >= 0; }
    ];
    for (var t = 0; t < tests.length; t++) {
      var hit = data.nodes.filter(function (n) {
        return info[n.id].names.some(function (s) { return tests[t](String(s).toLowerCase()); });
      });
      if (hit.length) {
        hit.sort(function (a, b) { return !!hiddenNow[a.id] - !!hiddenNow[b.id] || around[b.id].length - around[a.id].length; });
        return hit[0].id;
      }
    }
    return null;
  }
  function search(text) {
    var id = find(text);
    if (id === null) { note.textContent = text.trim() ? "no entity matches \u201c" + text.trim() + "\u201d" : ""; return null; }
    note.textContent = hiddenNow[id] ? info[id].names[0] + " is hidden by the legend or the dates" : "";
    network.selectNodes([id]);
    focusOn(id);
    show(id);
    fitInto(Object.keys(nearNow).filter(function (n) { return !hiddenNow[n]; }).concat([id]), 0.9, true);
    return id;
  }
  var searchBox = document.getElementById("search"), searched = null;
  function searchOnce() {
    if (searchBox.value === searched) return;
    searched = searchBox.value;
    search(searched);
  }
  searchBox.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { searched = null; searchOnce(); } });
  searchBox.addEventListener("change", searchOnce);

  var refocus = null;
  function refocusLater() {
    // labels follow the zoom; once the wheel or the animation has stopped
    if (focused === null) return;
    clearTimeout(refocus);
    refocus = setTimeout(function () { if (focused !== null) focusOn(focused); }, 120);
  }
  network.on("zoom", refocusLater);
  network.on("animationFinished", refocusLater);

  window.cvkgNetwork = network;
  window.cvkgNodes = nodes;
  window.cvkgEdges = edges;
  window.cvkgNodeCount = nodes.length;
  window.cvkgFocus = null;
  window.cvkgShown = { nodes: data.nodes.length, edges: data.edges.length };
})();
