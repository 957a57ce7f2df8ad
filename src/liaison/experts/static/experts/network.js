// Co-authorship drawings (experts/network_*.html): the SVG is drawn by the server;
// this adds highlighting of a node's ties on hover and focus (with a tooltip), zoom
// (wheel, buttons) and pan (drag), and a community filter from the legend.
// No dependency, no inline script (the CSP allows only 'self').
(function () {
  "use strict";

  var MIN_SCALE = 0.5;
  var MAX_SCALE = 12;

  function setUp(svg) {
    var viewport = svg.querySelector(".network-viewport");
    var frame = svg.closest(".network-frame") || svg.parentNode;
    var tooltip = frame.querySelector(".network-tooltip");
    var nodes = {};
    var neighbours = {};
    var incident = {};
    svg.querySelectorAll(".network-node").forEach(function (node) {
      nodes[node.dataset.id] = node;
      neighbours[node.dataset.id] = [];
      incident[node.dataset.id] = [];
    });
    svg.querySelectorAll("line[data-source]").forEach(function (line) {
      var a = line.dataset.source;
      var b = line.dataset.target;
      if (!nodes[a] || !nodes[b]) return;
      neighbours[a].push(b);
      neighbours[b].push(a);
      incident[a].push(line);
      incident[b].push(line);
    });

    // --- highlighting -------------------------------------------------------------
    function clear() {
      svg.classList.remove("focused");
      svg.querySelectorAll(".lit").forEach(function (el) {
        el.classList.remove("lit");
      });
      if (tooltip) tooltip.hidden = true;
    }

    function light(id, at) {
      clear();
      var node = nodes[id];
      if (!node) return;
      svg.classList.add("focused");
      node.classList.add("lit");
      neighbours[id].forEach(function (other) {
        nodes[other].classList.add("lit");
      });
      incident[id].forEach(function (line) {
        line.classList.add("lit");
      });
      if (tooltip) {
        tooltip.textContent = node.dataset.label + " · " + neighbours[id].length + " tie" +
          (neighbours[id].length === 1 ? "" : "s") + " drawn";
        tooltip.hidden = false;
        var box = frame.getBoundingClientRect();
        var spot = at || node.getBoundingClientRect();
        var left = (at ? at.clientX : spot.left + spot.width / 2) - box.left + 12;
        var top = (at ? at.clientY : spot.top + spot.height / 2) - box.top + 12;
        tooltip.style.left = Math.min(left, Math.max(box.width - 260, 0)) + "px";
        tooltip.style.top = top + "px";
      }
    }

    Object.keys(nodes).forEach(function (id) {
      var node = nodes[id];
      node.addEventListener("mouseenter", function (event) { light(id, event); });
      node.addEventListener("mousemove", function (event) { light(id, event); });
      node.addEventListener("mouseleave", clear);
      node.addEventListener("focus", function () { light(id, null); });
      node.addEventListener("blur", clear);
      node.addEventListener("click", function (event) {
        if (dragged) event.preventDefault();  // the end of a pan is no click
      });
    });

    // Rows of the table view light their node (the table's rows carry data-id).
    document.querySelectorAll("tr[data-id]").forEach(function (row) {
      row.addEventListener("mouseenter", function () { light(row.dataset.id, null); });
      row.addEventListener("mouseleave", clear);
    });

    // --- community filter from the legend ----------------------------------------
    document.querySelectorAll(".legend-item[data-community]").forEach(function (button) {
      button.addEventListener("click", function () {
        var pressed = button.getAttribute("aria-pressed") === "true";
        document.querySelectorAll(".legend-item[data-community]").forEach(function (other) {
          other.setAttribute("aria-pressed", "false");
        });
        clear();
        svg.classList.remove("filtered");
        if (pressed) return;
        button.setAttribute("aria-pressed", "true");
        svg.classList.add("filtered");
        var wanted = button.dataset.community === "10" ? "community-other" : "community-" + button.dataset.community;
        Object.keys(nodes).forEach(function (id) {
          if (nodes[id].classList.contains(wanted)) {
            nodes[id].classList.add("lit");
            incident[id].forEach(function (line) {
              var a = nodes[line.dataset.source];
              var b = nodes[line.dataset.target];
              if (a.classList.contains(wanted) && b.classList.contains(wanted)) line.classList.add("lit");
            });
          }
        });
      });
    });

    // --- zoom and pan -------------------------------------------------------------
    if (!viewport) return;
    var view = { k: 1, x: 0, y: 0 };
    var dragged = false;

    function apply() {
      viewport.setAttribute("transform", "translate(" + view.x + " " + view.y + ") scale(" + view.k + ")");
      svg.dataset.scale = view.k.toFixed(3);
    }

    function toDrawing(clientX, clientY) {
      var matrix = svg.getScreenCTM();
      if (!matrix) return { x: 0, y: 0 };
      var point = svg.createSVGPoint();
      point.x = clientX;
      point.y = clientY;
      var p = point.matrixTransform(matrix.inverse());
      return { x: p.x, y: p.y };
    }

    function zoom(factor, centre) {
      var k = Math.min(MAX_SCALE, Math.max(MIN_SCALE, view.k * factor));
      factor = k / view.k;
      view.x = centre.x - (centre.x - view.x) * factor;
      view.y = centre.y - (centre.y - view.y) * factor;
      view.k = k;
      apply();
    }

    function middle() {
      var size = svg.viewBox.baseVal;
      return { x: size.width / 2, y: size.height / 2 };
    }

    svg.addEventListener("wheel", function (event) {
      event.preventDefault();
      zoom(event.deltaY < 0 ? 1.2 : 1 / 1.2, toDrawing(event.clientX, event.clientY));
    }, { passive: false });

    var start = null;
    svg.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) return;
      start = { point: toDrawing(event.clientX, event.clientY), x: view.x, y: view.y, id: event.pointerId };
      dragged = false;
    });
    svg.addEventListener("pointermove", function (event) {
      if (!start || event.pointerId !== start.id) return;
      var now = toDrawing(event.clientX, event.clientY);
      var dx = now.x - start.point.x;
      var dy = now.y - start.point.y;
      if (!dragged && Math.abs(dx) + Math.abs(dy) < 6) return;
      if (!dragged) {
        dragged = true;
        svg.setPointerCapture(event.pointerId);
        svg.classList.add("panning");
      }
      view.x = start.x + dx;
      view.y = start.y + dy;
      apply();
    });
    function stop(event) {
      if (!start || event.pointerId !== start.id) return;
      start = null;
      svg.classList.remove("panning");
      // The click that ends a drag comes after pointerup: forget the drag just after it.
      window.setTimeout(function () { dragged = false; }, 0);
    }
    svg.addEventListener("pointerup", stop);
    svg.addEventListener("pointercancel", stop);

    document.querySelectorAll("[data-network-zoom][aria-controls='" + svg.id + "']").forEach(function (button) {
      button.addEventListener("click", function () {
        var action = button.dataset.networkZoom;
        if (action === "in") zoom(1.5, middle());
        else if (action === "out") zoom(1 / 1.5, middle());
        else {
          view = { k: 1, x: 0, y: 0 };
          apply();
        }
      });
    });
  }

  function init() {
    document.querySelectorAll("svg[data-network]").forEach(setUp);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
