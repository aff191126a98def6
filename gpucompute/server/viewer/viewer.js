// gpucompute viewer: one Leaflet tile layer per layer registered with the tile server, and a panel of
// controls for each (visibility, opacity, scales, colormap, autoscale, parameters) plus a pixel inspector.
// Plain script, no build step. It talks to the server's JSON endpoints only:
//   GET /viewer/config, GET /layers, PATCH /layers/{id}, GET /layers/{id}/autoscale, GET /inspect.
(function () {
  "use strict";

  var COLORMAPS = ["viridis", "magma", "inferno", "plasma", "cividis", "turbo", "gray", "terrain", "coolwarm",
                   "RdYlGn", "RdBu", "Greens", "Blues"];
  var viewer = { map: null, layers: {}, inspect: false, colormaps: COLORMAPS };
  window.gpucomputeViewer = viewer;  // handy in the browser console and for tests

  function $(id) { return document.getElementById(id); }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (key in node && key !== "list") node[key] = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function status(message, isError) {
    var line = $("status");
    line.textContent = message || "";
    line.className = isError ? "error" : "";
  }

  // fetch JSON; a failed request throws an Error carrying the server's "detail" message
  function api(path, options) {
    var init = options || {};
    if (init.body !== undefined) {
      init = Object.assign({ headers: { "Content-Type": "application/json" } }, init);
      init.body = JSON.stringify(init.body);
    }
    return fetch(path, init).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (ignored) { data = text; }
        if (!response.ok) {
          var detail = data && data.detail !== undefined ? data.detail : data;
          throw new Error(response.status + ": " + (typeof detail === "string" ? detail : JSON.stringify(detail)));
        }
        return data;
      });
    });
  }

  function tileUrl(info) {
    return info.tile_url || ("/tiles/" + info.id + "/{z}/{x}/{y}.png?v=" + info.version);
  }

  function bandCount(info) {
    if (Array.isArray(info.bands)) return info.bands.length;
    if (typeof info.bands === "number") return info.bands;
    if (Array.isArray(info.scales)) return info.scales.length;
    return null;
  }

  // parameters arrive as {name: value} or as [{name, value, type}, ...]
  function parameterList(parameters) {
    if (!parameters) return [];
    if (Array.isArray(parameters)) {
      return parameters.map(function (p) {
        return { name: p.name, value: p.value !== undefined ? p.value : p["default"], type: p.type };
      });
    }
    return Object.keys(parameters).map(function (name) {
      var value = parameters[name];
      if (value && typeof value === "object" && !Array.isArray(value) && "value" in value) {
        return { name: name, value: value.value, type: value.type };
      }
      return { name: name, value: value, type: null };
    });
  }

  // ---- one layer: its tile layer and its card in the panel ------------------------------------------------
  function applyInfo(entry, info) {
    // a new version has no band names until it is computed; show the previous ones meanwhile
    if (!Array.isArray(info.bands) && entry.info && Array.isArray(entry.info.bands)) {
      info = Object.assign({}, info, { bands: entry.info.bands });
    }
    entry.info = info;
    var url = tileUrl(info);
    if (entry.tiles._url !== url) entry.tiles.setUrl(url);
    entry.card.dataset.tileUrl = url;
    entry.card.dataset.version = info.version;
    renderControls(entry);
  }

  function patch(entry, changes) {
    status("Updating " + entry.info.name + "...");
    return api("/layers/" + encodeURIComponent(entry.info.id), { method: "PATCH", body: changes })
      .then(function (data) {
        if (data && data.id === entry.info.id) return data;
        return api("/layers").then(function (all) {
          return all.filter(function (l) { return l.id === entry.info.id; })[0];
        });
      })
      .then(function (info) { if (info) applyInfo(entry, info); status(""); })
      .catch(function (error) { status(entry.info.name + ": " + error.message, true); });
  }

  function autoscale(entry) {
    var map = viewer.map, b = map.getBounds(), size = map.getSize();
    var clamp = function (v, lim) { return Math.max(-lim, Math.min(lim, v)); };
    var bounds = [clamp(b.getWest(), 180), clamp(b.getSouth(), 85), clamp(b.getEast(), 180),
                  clamp(b.getNorth(), 85)].map(function (v) { return v.toFixed(6); }).join(",");
    status("Autoscaling " + entry.info.name + "...");
    var query = "?bounds=" + bounds + "&width=" + size.x + "&height=" + size.y;
    return api("/layers/" + encodeURIComponent(entry.info.id) + "/autoscale" + query)
      .then(function (data) {
        if (!data || !Array.isArray(data.scales) || !data.scales.length) {
          status(entry.info.name + ": no valid pixels in this view to autoscale on", true);
          return null;
        }
        return patch(entry, { scales: data.scales });
      })
      .catch(function (error) { status(entry.info.name + ": " + error.message, true); });
  }

  function numberInput(value, onChange) {
    var input = el("input", { type: "number", step: "any", value: value === null ? "" : value });
    input.addEventListener("change", onChange);
    return input;
  }

  function scaleRows(entry) {
    var info = entry.info, scales = info.scales;
    if (!Array.isArray(scales) || !scales.length) {
      return [el("div", { className: "row" }, [el("span", { text: "Scales" }),
                                              el("em", { text: "automatic (press Autoscale to set)" })])];
    }
    var inputs = [];
    var send = function () {
      var values = inputs.map(function (pair) { return [parseFloat(pair[0].value), parseFloat(pair[1].value)]; });
      var bad = values.some(function (p) { return !isFinite(p[0]) || !isFinite(p[1]); });
      if (bad) { status(info.name + ": every scale needs two numbers", true); return; }
      patch(entry, { scales: values });
    };
    var names = Array.isArray(info.bands) ? info.bands : null;
    return scales.map(function (pair, i) {
      var lo = numberInput(pair ? pair[0] : "", send), hi = numberInput(pair ? pair[1] : "", send);
      lo.className = "scale-lo"; hi.className = "scale-hi";
      inputs.push([lo, hi]);
      var label = names ? String(names[i]) : (scales.length === 1 ? "Scale" : "Band " + (i + 1));
      return el("div", { className: "row" }, [el("span", { text: label, title: label }), lo, hi]);
    });
  }

  function colormapRow(entry) {
    var info = entry.info;
    if (bandCount(info) !== 1 && !info.colormap) return null;
    var names = (info.colormaps || viewer.colormaps).slice();
    if (info.colormap && names.indexOf(info.colormap) < 0) names.unshift(info.colormap);
    var select = el("select", { className: "colormap" },
                    [el("option", { value: "", text: "(gray, none)" })].concat(names.map(function (name) {
                      return el("option", { value: name, text: name });
                    })));
    select.value = info.colormap || "";
    select.addEventListener("change", function () { patch(entry, { colormap: select.value || null }); });
    return el("div", { className: "row" }, [el("span", { text: "Colormap" }), select]);
  }

  function parameterRows(entry) {
    return parameterList(entry.info.parameters).map(function (p) {
      var isBool = typeof p.value === "boolean" || p.type === "Bool";
      var isNumber = !isBool && (typeof p.value === "number" || p.type === "Int" || p.type === "Float");
      var input = isBool ? el("input", { type: "checkbox", checked: !!p.value })
                         : el("input", { type: isNumber ? "number" : "text", step: "any",
                                         value: p.value === null || p.value === undefined ? "" : p.value });
      input.className = "param";
      input.dataset.param = p.name;
      input.addEventListener("change", function () {
        var value = isBool ? input.checked : (isNumber ? parseFloat(input.value) : input.value);
        if (isNumber && !isFinite(value)) { status(p.name + " needs a number", true); return; }
        var changes = {};
        changes[p.name] = value;
        patch(entry, { parameters: changes });
      });
      return el("div", { className: "row" }, [el("span", { text: p.name, title: p.name }), input]);
    });
  }

  function renderControls(entry) {
    var info = entry.info, box = entry.controls;
    box.textContent = "";
    scaleRows(entry).forEach(function (row) { box.appendChild(row); });
    var cmap = colormapRow(entry);
    if (cmap) box.appendChild(cmap);
    parameterRows(entry).forEach(function (row) { box.appendChild(row); });
    var checker = el("input", { type: "checkbox", checked: info.checkerboard !== false });
    checker.addEventListener("change", function () { patch(entry, { checkerboard: checker.checked }); });
    var auto = el("button", { type: "button", className: "autoscale", text: "Autoscale" });
    auto.addEventListener("click", function () { autoscale(entry); });
    box.appendChild(el("div", { className: "row" }, [auto, el("label", {}, [checker, document.createTextNode(
      " checkerboard where masked")])]));
  }

  function addLayer(info, index) {
    var tiles = L.tileLayer(tileUrl(info), { tileSize: 256, maxZoom: 22, zIndex: index + 1, opacity: 1 });
    tiles.on("tileerror", function () { status(info.name + ": a tile failed to render", true); });
    // band names are known once the server has computed the layer: fetch them after the first tiles
    tiles.on("load", function () {
      var entry = viewer.layers[info.id];
      if (!entry || entry.bandsChecked === entry.info.version) return;
      entry.bandsChecked = entry.info.version;
      api("/layers/" + encodeURIComponent(info.id)).then(function (fresh) {
        if (fresh && fresh.version === entry.info.version) applyInfo(entry, fresh);
      }).catch(function () { /* keep the generic labels */ });
    });
    tiles.addTo(viewer.map);
    var visible = el("input", { type: "checkbox", checked: true, className: "visible" });
    var opacity = el("input", { type: "range", min: 0, max: 1, step: 0.05, value: 1, className: "opacity" });
    var controls = el("div", { className: "controls" });
    var card = el("section", { className: "layer" }, [
      el("label", { className: "title" }, [visible, el("span", { text: info.name })]),
      el("div", { className: "row" }, [el("span", { text: "Opacity" }), opacity]),
      controls,
    ]);
    card.dataset.layerId = info.id;
    var entry = { info: info, tiles: tiles, card: card, controls: controls };
    visible.addEventListener("change", function () {
      if (visible.checked) tiles.addTo(viewer.map); else viewer.map.removeLayer(tiles);
    });
    opacity.addEventListener("input", function () { tiles.setOpacity(parseFloat(opacity.value)); });
    viewer.layers[info.id] = entry;
    $("layers").appendChild(card);
    applyInfo(entry, info);
  }

  function loadLayers() {
    return api("/layers").then(function (all) {
      var seen = {};
      $("layers").textContent = "";
      (all || []).forEach(function (info, i) {
        seen[info.id] = true;
        var entry = viewer.layers[info.id];
        if (entry) { $("layers").appendChild(entry.card); applyInfo(entry, info); } else addLayer(info, i);
      });
      Object.keys(viewer.layers).forEach(function (id) {
        if (!seen[id]) { viewer.map.removeLayer(viewer.layers[id].tiles); delete viewer.layers[id]; }
      });
      if (!all || !all.length) {
        $("layers").appendChild(el("p", { className: "empty", text:
          "No layers registered yet. Register some from Python (obj.visualize(...)), then press Reload layers." }));
      }
    }).catch(function (error) { status("Could not list layers: " + error.message, true); });
  }

  // ---- pixel inspector ---------------------------------------------------------------------------------------
  function formatValue(value) {
    if (value === null || value === undefined) return "masked";
    if (typeof value === "number") return String(Number(value.toPrecision(6)));
    return String(value);
  }

  function inspectTable(result) {
    var rows = [];
    (result.layers || []).forEach(function (layer) {
      var values = Array.isArray(layer.values) ? layer.values : [layer.values];
      var bands = Array.isArray(layer.bands) ? layer.bands : [];
      var text = layer.error ? ("error: " + layer.error) : values.map(function (v, i) {
        return (bands[i] !== undefined ? bands[i] + " " : "") + formatValue(v);
      }).join(", ");
      rows.push(el("tr", {}, [el("th", { text: layer.name }), el("td", { text: text })]));
    });
    if (!rows.length) rows.push(el("tr", {}, [el("td", { text: "no layers" })]));
    return el("div", { className: "inspect" }, [el("table", {}, rows)]);
  }

  function inspect(event) {
    if (!viewer.inspect) return;
    var ll = event.latlng.wrap();
    var popup = L.popup().setLatLng(event.latlng).setContent("Inspecting...").openOn(viewer.map);
    var query = "?lon=" + ll.lng.toFixed(7) + "&lat=" + ll.lat.toFixed(7) + "&zoom=" + viewer.map.getZoom();
    api("/inspect" + query)
      .then(function (result) { popup.setContent(inspectTable(result)); })
      .catch(function (error) { popup.setContent(el("span", { className: "error", text: error.message })); });
  }

  // ---- start --------------------------------------------------------------------------------------------------
  function start(config) {
    var params = new URLSearchParams(window.location.search);
    var center = config && config.center, zoom = config && config.zoom;
    if (params.has("lat") && params.has("lon")) {
      center = [parseFloat(params.get("lat")), parseFloat(params.get("lon"))];
    }
    if (params.has("zoom")) zoom = parseInt(params.get("zoom"), 10);
    var map = L.map("map", { center: center || [20, 0], zoom: center ? (zoom === null || zoom === undefined ? 12 : zoom) : 2,
                             maxZoom: 22, worldCopyJump: true });
    map.attributionControl.setPrefix("gpucompute | Leaflet");
    viewer.map = map;
    map.on("click", inspect);
    $("inspector").addEventListener("change", function () {
      viewer.inspect = $("inspector").checked;
      map.getContainer().style.cursor = viewer.inspect ? "crosshair" : "";
    });
    $("reload").addEventListener("click", loadLayers);
    return loadLayers();
  }

  api("/viewer/config").catch(function () { return {}; }).then(start);
})();
