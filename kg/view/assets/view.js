/* kg network views: search, filters, side panel, ego switching.
 * All text from the data goes into the page through textContent (never innerHTML), so a
 * paper title made of HTML markup shows as text. Positions come precomputed from
 * Python and physics is off: the first draw happens as soon as the data is parsed. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var info = new Map(Object.entries(data.info));
  var egos = new Set(data.egos);
  var styles = data.styles;
  var container = document.getElementById("network");
  var panel = document.getElementById("panel");
  var panelBody = document.getElementById("panel-body");
  var searchBox = document.getElementById("search");
  var results = document.getElementById("results");
  var noteBox = document.getElementById("note");
  var heading = document.getElementById("heading");
  var egoSelect = document.getElementById("ego-select");
  var dateFrom = document.getElementById("date-from");
  var dateTo = document.getElementById("date-to");

  var nodes = new vis.DataSet();
  var edges = new vis.DataSet();
  var current = null;       // key of the scene on show
  var adjacency = new Map(); // node id -> Set of neighbour ids in the scene

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function tooltip(node) {
    var d = info.get(node.id);
    var box = el("div", null, "tip");
    box.appendChild(el("strong", d ? d.title : node.label));
    box.appendChild(el("div", node.type + (node.date ? " · " + node.date : "") +
                       " · " + (adjacency.has(node.id) ? adjacency.get(node.id).size : 0) + " links here", "tip-meta"));
    return box;
  }

  function buildScene(key) {
    var scene = data.scenes[key];
    adjacency = new Map();
    scene.nodes.forEach(function (n) { adjacency.set(n.id, new Set()); });
    scene.edges.forEach(function (e) {
      adjacency.get(e.from).add(e.to);
      adjacency.get(e.to).add(e.from);
    });
    return {
      nodes: scene.nodes.map(function (n) {
        var copy = Object.assign({}, n);
        copy.title = tooltip(n);
        return copy;
      }),
      edges: scene.edges.map(function (e, i) { return Object.assign({id: "e" + i}, e); })
    };
  }

  function showScene(key) {
    if (!Object.prototype.hasOwnProperty.call(data.scenes, key)) return false;
    var scene = data.scenes[key];
    var built = buildScene(key);
    current = key;
    dimmed = false;
    nodes.clear();
    edges.clear();
    nodes.add(built.nodes);
    edges.add(built.edges);
    heading.textContent = data.kind === "ego" ? "Ego view: " + scene.title : data.title;
    noteBox.textContent = scene.note || "";
    noteBox.hidden = !scene.note;
    if (egoSelect) egoSelect.value = key;
    applyFilters();
    network.fit({animation: false});
    if (scene.center) {
      network.selectNodes([scene.center]);
      showPanel(scene.center);
    } else {
      hidePanel();
    }
    return true;
  }

  // ------------------------------------------------------------------ filters
  function checkedTypes() {
    var on = new Set();
    document.querySelectorAll("#legend input[type=checkbox]").forEach(function (box) {
      if (box.checked) on.add(box.value);
    });
    return on;
  }

  function inDates(node) {
    var from = dateFrom ? dateFrom.value : "";
    var to = dateTo ? dateTo.value : "";
    if (!from && !to) return true;
    if (!node.date) return true; // undated papers stay visible
    var month = node.date.slice(0, 7);
    return (!from || month >= from) && (!to || month <= to);
  }

  function applyFilters() {
    if (current === null) return;
    var types = checkedTypes();
    var dated = (dateFrom && dateFrom.value) || (dateTo && dateTo.value);
    var visible = new Set();
    var scene = data.scenes[current];
    scene.nodes.forEach(function (n) {
      if (n.type === "Paper" && types.has("Paper") && inDates(n)) visible.add(n.id);
    });
    scene.nodes.forEach(function (n) {
      if (n.type === "Paper" || !types.has(n.type)) return;
      if (!dated) { visible.add(n.id); return; }
      var keep = false;
      adjacency.get(n.id).forEach(function (m) { if (visible.has(m)) keep = true; });
      if (keep) visible.add(n.id);
    });
    var updates = [];
    scene.nodes.forEach(function (n) {
      updates.push({id: n.id, hidden: !visible.has(n.id)});
    });
    nodes.update(updates);
    window.kgView.visible = visible.size;
  }

  document.querySelectorAll("#legend input[type=checkbox]").forEach(function (box) {
    box.addEventListener("change", applyFilters);
  });
  if (dateFrom) dateFrom.addEventListener("change", applyFilters);
  if (dateTo) dateTo.addEventListener("change", applyFilters);

  // ------------------------------------------------------------------ panel
  function marked(text, marks) {
    // The text with each [start, end, type] span wrapped in <mark>: built node by node.
    var frag = document.createDocumentFragment();
    var at = 0;
    (marks || []).forEach(function (m) {
      if (m[0] < at || m[1] > text.length) return;
      frag.appendChild(document.createTextNode(text.slice(at, m[0])));
      var mark = el("mark", text.slice(m[0], m[1]), "m-" + m[2]);
      mark.title = m[2];
      frag.appendChild(mark);
      at = m[1];
    });
    frag.appendChild(document.createTextNode(text.slice(at)));
    return frag;
  }

  function nodeButton(id, label, type) {
    var symbol = styles[type] ? styles[type].symbol + " " : "";
    if (!adjacency.has(id)) {
      var span = el("span", symbol + label, "off-view");
      span.title = "not in this view";
      return span;
    }
    var b = el("button", symbol + label, "link");
    b.type = "button";
    b.addEventListener("click", function () { selectNode(id); });
    return b;
  }

  function egoLink(id) {
    var a = el("a", "Ego view of this node", "ego-link");
    a.href = (data.kind === "ego" ? "" : "ego.html") + "#" + encodeURIComponent(id);
    return a;
  }

  // Selecting a node dims everything but it and its neighbours.
  var dimmed = false;
  function highlight(id) {
    var keep = new Set([id]);
    adjacency.get(id).forEach(function (m) { keep.add(m); });
    nodes.update(data.scenes[current].nodes.map(function (n) {
      return keep.has(n.id) ? {id: n.id, opacity: 1, font: {color: "#1d2430"}}
                            : {id: n.id, opacity: 0.25, font: {color: "rgba(29,36,48,0.25)"}};
    }));
    dimmed = true;
  }

  function unhighlight() {
    if (!dimmed || current === null) return;
    nodes.update(data.scenes[current].nodes.map(function (n) {
      return {id: n.id, opacity: 1, font: {color: "#1d2430"}};
    }));
    dimmed = false;
  }

  // Reported results, in a paper's panel and in that of an entity they name:
  // "90.4% ◇ top-1 accuracy on ◆ ImageNet · ● ViT-22B", and in an entity's panel
  // " — ■ <paper title>" (row[4]); a stated change reads "+2.2% ◇ top-1 accuracy on
  // ◆ ImageNet · ● MR-MAE vs ● MAE" (row[5], its baseline); count is the number before
  // the cap.
  function resultsSection(rows, count) {
    if (!count) return;
    panelBody.appendChild(el("h3", "Results (" + count + ")"));
    var rl = el("ul", null, "results");
    rows.forEach(function (row) {
      var li = el("li");
      li.appendChild(el("span", row[0] + " ", "value"));
      li.appendChild(nodeButton(row[1][0], row[1][1], row[1][2]));
      // dataset, entity, baseline, paper: each a node button after its word, when there
      [[2, " on "], [3, " · "], [5, " vs "], [4, " — "]].forEach(function (part) {
        var node = row[part[0]];
        if (!node) return;
        li.appendChild(el("span", part[1]));
        li.appendChild(nodeButton(node[0], node[1], node[2]));
      });
      rl.appendChild(li);
    });
    if (count > rows.length) rl.appendChild(el("li", "… and " + (count - rows.length) + " more"));
    panelBody.appendChild(rl);
  }

  function showPanel(id) {
    var d = info.get(id);
    if (!d) return;
    if (adjacency.has(id)) highlight(id);
    panelBody.replaceChildren();
    var kind = el("p", (styles[d.type] ? styles[d.type].symbol + " " : "") + d.type, "kind");
    if (styles[d.type]) kind.style.color = styles[d.type].border;
    panelBody.appendChild(kind);
    var h = el("h2");
    h.id = "panel-title";
    if (d.type === "Paper") h.appendChild(marked(d.title, d.marks.title));
    else h.textContent = d.title;
    panelBody.appendChild(h);
    if (d.type === "Paper") {
      var meta = [d.date, d.org].filter(Boolean).join(" · ");
      if (meta) panelBody.appendChild(el("p", meta, "meta"));
      var abs = el("p", null, "abstract");
      abs.appendChild(marked(d.abstract || "", d.marks.abstract));
      panelBody.appendChild(abs);
      var safe = (d.urls || []).filter(function (u) { return /^https?:\/\//i.test(u); });
      if (safe.length) {
        var ul = el("ul", null, "urls");
        safe.forEach(function (u) {
          var li = el("li");
          var a = el("a", u);
          a.href = u;
          a.rel = "noopener noreferrer";
          a.target = "_blank";
          li.appendChild(a);
          ul.appendChild(li);
        });
        panelBody.appendChild(ul);
      }
      panelBody.appendChild(el("h3", "Entities (" + d.links.length + ")"));
      var list = el("ul", null, "links");
      d.links.forEach(function (row) {
        var li = el("li");
        li.appendChild(nodeButton(row[0], row[1], row[2]));
        li.appendChild(el("span", " " + row[3], "role"));
        list.appendChild(li);
      });
      panelBody.appendChild(list);
      resultsSection(d.results || [], (d.results || []).length);
    } else {
      if (d.aliases.length) {
        panelBody.appendChild(el("h3", "Aliases"));
        panelBody.appendChild(el("p", d.aliases.join(" · "), "aliases"));
      }
      resultsSection(d.results || [], d.result_count || 0);
      panelBody.appendChild(el("h3", "Papers (" + d.count + ")"));
      var papers = el("ul", null, "links");
      d.links.forEach(function (row) {
        var li = el("li");
        li.appendChild(nodeButton(row[0], row[1], "Paper"));
        li.appendChild(el("span", " " + row[2], "role"));
        if (row[3]) {
          var q = el("blockquote");
          q.appendChild(marked(row[3], row[4] >= 0 ? [[row[4], row[5], d.type]] : []));
          li.appendChild(q);
        }
        papers.appendChild(li);
      });
      if (d.count > d.links.length) papers.appendChild(el("li", "… and " + (d.count - d.links.length) + " more"));
      panelBody.appendChild(papers);
    }
    if (egos.has(id) && !(data.kind === "ego" && id === current)) panelBody.appendChild(egoLink(id));
    panel.hidden = false;
    panel.dataset.node = id;
  }

  function hidePanel() {
    unhighlight();
    panel.hidden = true;
    delete panel.dataset.node;
  }
  document.getElementById("panel-close").addEventListener("click", function () {
    network.unselectAll();
    hidePanel();
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && ev.target !== searchBox) {
      network.unselectAll();
      hidePanel();
    }
  });

  function selectNode(id) {
    if (!adjacency.has(id)) return false;
    var n = nodes.get(id);
    if (n && n.hidden) nodes.update({id: id, hidden: false});
    network.selectNodes([id]);
    network.focus(id, {scale: Math.max(network.getScale(), 0.9), animation: false});
    showPanel(id);
    return true;
  }

  // ------------------------------------------------------------------ search
  function matches(query) {
    var q = query.trim().toLowerCase();
    if (!q || current === null) return [];
    var found = [];
    data.scenes[current].nodes.forEach(function (n) {
      var d = info.get(n.id);
      var names = [n.label, d ? d.title : ""].concat(d && d.aliases ? d.aliases : [])
        .filter(function (name) { return name; });
      var best = -1;
      names.forEach(function (name) {
        var at = String(name).toLowerCase().indexOf(q);
        if (at >= 0) {
          var score = (at === 0 ? 2 : 1) + (String(name).length === q.length ? 2 : 0);
          if (score > best) best = score;
        }
      });
      if (best >= 0) found.push({node: n, score: best});
    });
    found.sort(function (a, b) {
      return b.score - a.score || b.node.degree - a.node.degree ||
        (a.node.id < b.node.id ? -1 : 1);
    });
    return found.slice(0, 12).map(function (f) { return f.node; });
  }

  function showResults() {
    var found = matches(searchBox.value);
    results.replaceChildren();
    found.forEach(function (n) {
      var li = el("li");
      var b = nodeButton(n.id, (info.get(n.id) || {}).title || n.label, n.type);
      b.addEventListener("click", function () { results.hidden = true; });
      li.appendChild(b);
      results.appendChild(li);
    });
    if (!found.length && searchBox.value.trim()) results.appendChild(el("li", "No match", "none"));
    results.hidden = !searchBox.value.trim();
    return found;
  }
  searchBox.addEventListener("input", showResults);
  searchBox.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      var found = showResults();
      if (found.length) { selectNode(found[0].id); results.hidden = true; }
    } else if (ev.key === "Escape") {
      results.hidden = true;
    }
  });

  // ------------------------------------------------------------------ start
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, data.options);
  window.kgView = {
    network: network, nodes: nodes, edges: edges, firstDrawMs: null, visible: 0,
    selectNode: selectNode, search: matches, showScene: showScene,
    scene: function () { return current; }
  };
  network.once("afterDrawing", function () {
    window.kgView.firstDrawMs = performance.now();
    document.body.dataset.ready = "1";
  });
  network.on("click", function (params) {
    if (params.nodes.length) showPanel(params.nodes[0]);
    else hidePanel();
  });

  if (egoSelect) {
    Object.keys(data.scenes).forEach(function (key) {
      var o = el("option", data.scenes[key].title);
      o.value = key;
      egoSelect.appendChild(o);
    });
    egoSelect.addEventListener("change", function () {
      location.hash = encodeURIComponent(egoSelect.value);
    });
  }

  function fromHash() {
    var key = "";
    try { key = decodeURIComponent(location.hash.slice(1)); } catch (e) { key = ""; }
    return key;
  }

  if (data.kind === "ego") {
    window.addEventListener("hashchange", function () { showScene(fromHash()) || showScene(data.default); });
    if (!showScene(fromHash())) showScene(data.default);
  } else {
    showScene(data.default);
    var wanted = fromHash();
    if (wanted) selectNode(wanted);
  }
})();
