// Liaison: the little behaviour pages need beyond htmx. Loaded from our own origin
// (the CSP forbids inline scripts and handlers), so everything is wired here.
(function () {
  "use strict";

  // A button with data-copy="<element id>" copies that element's text.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) {
      return;
    }
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) {
      return;
    }
    navigator.clipboard.writeText(source.textContent.trim()).then(function () {
      var status = document.getElementById(button.getAttribute("data-copy-status") || "");
      if (status) {
        status.textContent = "Copied to the clipboard.";
      }
    });
  });

  // Searches send only the filters in use, so the URLs htmx pushes into the
  // history stay short and readable ("?q=muller", not "?q=muller&country=&...").
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.verb !== "get") {
      return;
    }
    var params = event.detail.parameters;
    Object.keys(params).forEach(function (key) {
      if (params[key] === "") {
        delete params[key];
      }
    });
  });

  // Wide tables: every table sits in a .table-wrap that scrolls sideways. A wrap whose
  // table is wider than it gets a visible hint above it, a shadow at each edge with
  // columns behind it, and becomes a labelled region a keyboard can focus and scroll;
  // a wrap that fits loses all of that again (on resize, and after htmx swaps).
  var hintCount = 0;

  function tableLabel(wrap) {
    var caption = wrap.querySelector("caption");
    var text = caption ? caption.textContent.trim() : "";
    if (!text) {
      var section = wrap.closest("section");
      var heading = section && section.querySelector("h1, h2, h3");
      text = heading ? heading.textContent.trim() : "Table";
    }
    return text;
  }

  function scrollHint(wrap) {
    var id = wrap.getAttribute("aria-describedby");
    var hint = id && document.getElementById(id);
    if (!hint) {
      hintCount += 1;
      hint = document.createElement("p");
      hint.className = "scroll-hint";
      hint.id = "scroll-hint-" + hintCount;
      hint.textContent = "Scroll sideways for more columns";
      hint.hidden = true;
      wrap.parentNode.insertBefore(hint, wrap);
    }
    return hint;
  }

  function markScrolling(wrap) {
    var overflow = wrap.scrollWidth - wrap.clientWidth > 1;
    var hint = overflow ? scrollHint(wrap) : document.getElementById(wrap.getAttribute("aria-describedby") || "");
    wrap.classList.toggle("is-scrollable", overflow);
    wrap.classList.toggle("can-scroll-left", overflow && wrap.scrollLeft > 1);
    wrap.classList.toggle("can-scroll-right", overflow && wrap.scrollLeft + wrap.clientWidth < wrap.scrollWidth - 1);
    if (hint) {
      hint.hidden = !overflow;
    }
    if (overflow) {
      wrap.setAttribute("role", "region");
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("aria-label", tableLabel(wrap) + " (scrolls sideways)");
      wrap.setAttribute("aria-describedby", hint.id);
    } else {
      wrap.removeAttribute("role");
      wrap.removeAttribute("tabindex");
      wrap.removeAttribute("aria-label");
    }
  }

  var resizeObserver = window.ResizeObserver ? new ResizeObserver(function (entries) {
    entries.forEach(function (entry) {
      var wrap = entry.target.closest(".table-wrap");
      if (wrap) {
        markScrolling(wrap);
      }
    });
  }) : null;

  function watchTables(root) {
    var wraps = root.matches && root.matches(".table-wrap") ? [root] : [];
    Array.prototype.push.apply(wraps, root.querySelectorAll ? root.querySelectorAll(".table-wrap") : []);
    wraps.forEach(function (wrap) {
      markScrolling(wrap);
      if (resizeObserver) {
        resizeObserver.observe(wrap);
        var table = wrap.querySelector("table");
        if (table) {
          resizeObserver.observe(table);
        }
      }
    });
  }

  document.addEventListener("scroll", function (event) {
    var wrap = event.target;
    if (wrap.classList && wrap.classList.contains("table-wrap")) {
      markScrolling(wrap);
    }
  }, true);
  document.addEventListener("htmx:load", function (event) {
    watchTables(event.detail.elt);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      watchTables(document);
    });
  } else {
    watchTables(document);
  }

  // A form with data-confirm="question" asks before submitting (deletes, revokes).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }, true);
})();
