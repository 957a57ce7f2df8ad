// The alerts inbox: keyboard shortcuts, "All on this page" and the count of selected
// alerts. Everything it does is also a button or a checkbox of the page, so the inbox
// works without it; the shortcuts press those buttons (the same htmx requests).
//
//   j / k   focus the next / previous alert (its checkbox: Space selects it)
//   r / x   mark the focused alert relevant / not relevant
//   m       mark it read, or unread
//   o       open what it is about
//   ?       show or hide the list of shortcuts (#shortcut-help); Esc hides it
//
// Keys never act while the user types in a field, nor with Ctrl, Alt or Meta held.
// After htmx swaps a row the focus returns to the same control of the new row, and the
// server's sentence in #inbox-status (a live region) says what was done.
(function () {
  "use strict";

  var TYPING = "input:not([type=checkbox]):not([type=radio]):not([type=button]):not([type=submit])" +
    ":not([type=reset]), textarea, select, [contenteditable]:not([contenteditable=false])";

  function inbox() {
    return document.querySelector("[data-inbox]");
  }

  function rows() {
    var box = inbox();
    return box ? Array.prototype.slice.call(box.querySelectorAll("[data-alert]")) : [];
  }

  function rowOf(element) {
    return element && element.closest ? element.closest("[data-alert]") : null;
  }

  function checkboxOf(row) {
    return row.querySelector(".alert-select input");
  }

  function say(text) {
    var status = document.getElementById("inbox-status");
    if (status) {
      status.innerHTML = "";
      var line = document.createElement("p");
      line.className = "message";
      line.textContent = text;
      status.appendChild(line);
    }
  }

  function focusRow(row) {
    checkboxOf(row).focus();
    row.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    var all = rows();
    if (!all.length) {
      return;
    }
    var index = all.indexOf(rowOf(document.activeElement));
    var next = index < 0 ? 0 : Math.min(all.length - 1, Math.max(0, index + step));
    focusRow(all[next]);
  }

  function press(selector, what) {
    var row = rowOf(document.activeElement);
    if (!row) {
      say("Move to an alert first: press j.");
      return;
    }
    var control = row.querySelector(selector);
    if (control) {
      control.click();
    } else if (what) {
      say(what);
    }
  }

  function toggleHelp(open) {
    var help = document.getElementById("shortcut-help");
    if (!help) {
      return;
    }
    help.open = open === undefined ? !help.open : open;
    if (help.open) {
      help.querySelector("summary").focus();
    }
  }

  // Which control of a row had the focus, to find it again in the row htmx swaps in.
  function controlKey(element) {
    if (element.matches(".alert-select input")) {
      return ".alert-select input";
    }
    if (element.matches("button[name=state]")) {
      return "button[name=state][value='" + element.value + "']";
    }
    if (element.matches("[aria-keyshortcuts=m]")) {
      return "[aria-keyshortcuts=m]";
    }
    return ".alert-select input";
  }

  var refocus = null;

  document.addEventListener("htmx:beforeRequest", function (event) {
    var row = rowOf(event.detail.elt);
    var active = document.activeElement;
    refocus = row && rowOf(active) === row ? { id: row.id, key: controlKey(active) } : null;
  });

  document.addEventListener("htmx:load", function (event) {
    var element = event.detail.elt;
    if (refocus && element.id === refocus.id) {
      var control = element.querySelector(refocus.key) || checkboxOf(element);
      refocus = null;
      control.focus();
    }
    start();
  });

  document.addEventListener("keydown", function (event) {
    if (!inbox() || event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey ||
        event.isComposing) {
      return;
    }
    var target = event.target;
    if (target.closest && target.closest(TYPING)) {
      return;
    }
    var actions = {
      j: function () { move(1); },
      k: function () { move(-1); },
      r: function () { press("button[name=state][value=relevant]"); },
      x: function () { press("button[name=state][value=not_relevant]"); },
      m: function () { press("[aria-keyshortcuts=m]"); },
      o: function () { press("[data-alert-open]", "This alert has no page to open."); },
      "?": function () { toggleHelp(); },
    };
    if (event.key === "Escape") {
      var help = document.getElementById("shortcut-help");
      if (help && help.open) {
        help.open = false;
        help.querySelector("summary").focus();
        event.preventDefault();
      }
      return;
    }
    var action = actions[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });

  // "All on this page" and "(2 selected)": both need the script, so both start hidden.
  function countSelected() {
    var boxes = rows().map(checkboxOf);
    var chosen = boxes.filter(function (box) { return box.checked; }).length;
    var count = document.querySelector("[data-selected-count]");
    if (count) {
      count.textContent = chosen ? " (" + chosen + ")" : "";
    }
    var all = document.querySelector("[data-select-page] input");
    if (all) {
      all.checked = boxes.length > 0 && chosen === boxes.length;
      all.indeterminate = chosen > 0 && chosen < boxes.length;
    }
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.closest("[data-select-page]")) {
      rows().forEach(function (row) {
        checkboxOf(row).checked = target.checked;
      });
    }
    if (target.closest("[data-select-page]") || target.closest(".alert-select")) {
      countSelected();
    }
  });

  function start() {
    var all = document.querySelector("[data-select-page]");
    if (all) {
      all.hidden = false;
    }
    countSelected();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
