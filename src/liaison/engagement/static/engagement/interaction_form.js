/* The interaction form: the browser's time zone, type-ahead pickers (ARIA
   combobox with a listbox, keyboard first), inline insights and follow-ups, and
   the draft saved on the server as the MSL types (about a second after the last
   key). No inline scripts or styles (CSP). */
(function () {
  "use strict";

  var form = document.getElementById("interaction-form");
  if (!form) { return; }

  // --- time zone: the browser's, unless the form already has one ------------
  var zoneInput = document.getElementById("field-time_zone");
  var zoneLabel = document.getElementById("time-zone-label");
  if (zoneInput && !zoneInput.value) {
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
    zoneInput.value = zone || form.getAttribute("data-default-time-zone") || "UTC";
    if (zoneLabel) { zoneLabel.textContent = zoneInput.value; }
    // A new form's "now" was the server's: say it in the browser's own time.
    var when = document.getElementById("field-occurred_at");
    if (zone && when) {
      var now = new Date();
      var pad = function (number) { return (number < 10 ? "0" : "") + number; };
      when.value = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate()) +
        "T" + pad(now.getHours()) + ":" + pad(now.getMinutes());
    }
  }

  // --- the draft --------------------------------------------------------------
  var draftUrl = form.getAttribute("data-draft-url");
  var draftInput = document.getElementById("field-draft");
  var statusBox = document.getElementById("draft-status");
  var timer = null;
  var inFlight = null;
  var dirty = false;
  var submitting = false;

  function csrfToken() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function saveDraft() {
    timer = null;
    if (!draftUrl || submitting) { return Promise.resolve(); }
    if (inFlight) { dirty = true; return inFlight; }
    dirty = false;
    var body = new FormData(form);
    inFlight = fetch(draftUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (data) {
      if (draftInput && data.draft) { draftInput.value = String(data.draft); }
      if (statusBox) { statusBox.textContent = data.message || "Draft saved"; }
    }).catch(function () {
      if (statusBox) { statusBox.textContent = "The draft could not be saved; your typing is still here."; }
    }).then(function () {
      inFlight = null;
      if (dirty && !submitting) { schedule(); }
    });
    return inFlight;
  }

  // --- off-label, said as HCPs, products and areas are picked -------------------
  var findingsBox = document.getElementById("off-label-findings");
  var findingsTimer = null;
  var findingsAsked = 0;

  function refreshFindings() {
    if (!findingsBox) { return; }
    var query = new URLSearchParams();
    ["hcps", "products", "therapeutic_areas"].forEach(function (name) {
      Array.prototype.forEach.call(
        form.querySelectorAll("input[name=" + name + "]"),
        function (input) {
          if (input.type !== "checkbox" || input.checked) { query.append(name, input.value); }
        }
      );
    });
    var number = ++findingsAsked;
    fetch(findingsBox.getAttribute("data-url") + "?" + query.toString(), {
      credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (response) { return response.json(); })
      .then(function (data) {
        if (number !== findingsAsked) { return; }
        findingsBox.textContent = "";
        var findings = data.findings || [];
        if (!findings.length) { return; }
        var line = document.createElement("p");
        var strong = document.createElement("strong");
        strong.textContent = "Off-label:";
        line.appendChild(strong);
        line.appendChild(document.createTextNode(" " + findings.join("; ") + "."));
        findingsBox.appendChild(line);
      }).catch(function () { return null; });
  }

  function findingsLater() {
    if (findingsTimer) { window.clearTimeout(findingsTimer); }
    findingsTimer = window.setTimeout(refreshFindings, 200);
  }

  form.addEventListener("change", function (event) {
    if (event.target && event.target.name === "therapeutic_areas") { findingsLater(); }
  });

  function schedule() {
    if (!draftUrl || submitting) { return; }
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(saveDraft, 1000);
  }

  form.addEventListener("input", function (event) {
    if (event.target && event.target.getAttribute("role") === "combobox") { return; }
    schedule();
  });
  form.addEventListener("change", function (event) {
    if (event.target && event.target.getAttribute("role") === "combobox") { return; }
    schedule();
  });

  // Submitting waits for a draft save under way, so the draft it names is deleted.
  form.addEventListener("submit", function (event) {
    if (timer) { window.clearTimeout(timer); timer = null; }
    if (inFlight && !submitting) {
      event.preventDefault();
      submitting = true;
      inFlight.then(function () { form.submit(); });
      return;
    }
    submitting = true;
  });

  // --- pickers (combobox + listbox) ----------------------------------------------
  function setupPicker(box) {
    var name = box.getAttribute("data-picker");
    var url = box.getAttribute("data-url");
    var input = box.querySelector("[role=combobox]");
    var listbox = box.querySelector("[role=listbox]");
    var chosen = box.querySelector(".picker-chosen");
    var active = -1;
    var results = [];
    var fetchTimer = null;
    var asked = 0;

    function chosenIds() {
      return Array.prototype.map.call(
        chosen.querySelectorAll("input[type=hidden]"), function (item) { return item.value; }
      );
    }

    function close() {
      listbox.hidden = true;
      listbox.textContent = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
      results = [];
    }

    function highlight(index) {
      var options = listbox.querySelectorAll("[role=option]");
      if (!options.length) { return; }
      active = (index + options.length) % options.length;
      Array.prototype.forEach.call(options, function (option, i) {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }

    function render() {
      listbox.textContent = "";
      var taken = chosenIds();
      results = results.filter(function (item) { return taken.indexOf(String(item.id)) < 0; });
      if (!results.length) {
        var empty = document.createElement("li");
        empty.className = "picker-empty";
        empty.textContent = "Nothing found";
        empty.setAttribute("aria-disabled", "true");
        empty.setAttribute("role", "option");
        empty.id = name + "-option-none";
        listbox.appendChild(empty);
      }
      results.forEach(function (item, i) {
        var option = document.createElement("li");
        option.setAttribute("role", "option");
        option.id = name + "-option-" + i;
        option.setAttribute("aria-selected", "false");
        option.textContent = item.label + (item.detail ? " (" + item.detail + ")" : "");
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(i);
        });
        listbox.appendChild(option);
      });
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }

    function lookUp() {
      var text = input.value.trim();
      if (!text) { close(); return; }
      var number = ++asked;
      fetch(url + "?q=" + encodeURIComponent(text), {
        credentials: "same-origin", headers: { "Accept": "application/json" }
      }).then(function (response) { return response.json(); })
        .then(function (data) {
          if (number !== asked) { return; }
          results = data.results || [];
          render();
        }).catch(function () { close(); });
    }

    function choose(index) {
      var item = results[index];
      if (!item) { return; }
      var chip = document.createElement("li");
      chip.className = "chip";
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = name;
      hidden.value = String(item.id);
      var label = document.createElement("span");
      label.textContent = item.label;
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "chip-remove";
      remove.setAttribute("aria-label", "Remove " + item.label);
      remove.textContent = "\u00d7";
      chip.appendChild(hidden);
      chip.appendChild(label);
      chip.appendChild(document.createTextNode(" "));
      chip.appendChild(remove);
      chosen.appendChild(chip);
      input.value = "";
      close();
      input.focus();
      if (statusBox) { statusBox.textContent = item.label + " added"; }
      findingsLater();
      schedule();
    }

    input.addEventListener("input", function () {
      if (fetchTimer) { window.clearTimeout(fetchTimer); }
      fetchTimer = window.setTimeout(lookUp, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (listbox.hidden) { lookUp(); } else { highlight(active + 1); }
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (!listbox.hidden) { highlight(active - 1); }
      } else if (event.key === "Enter") {
        // Enter in a picker adds the highlighted suggestion; it never submits the form.
        event.preventDefault();
        if (!listbox.hidden && results.length) { choose(active < 0 ? 0 : active); }
      } else if (event.key === "Escape") {
        if (!listbox.hidden) { event.preventDefault(); close(); }
      }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 150); });
    chosen.addEventListener("click", function (event) {
      var button = event.target.closest(".chip-remove");
      if (!button) { return; }
      var chip = button.closest(".chip");
      var text = chip.querySelector("span") ? chip.querySelector("span").textContent : "";
      chip.parentNode.removeChild(chip);
      input.focus();
      if (statusBox) { statusBox.textContent = text + " removed"; }
      findingsLater();
      schedule();
    });
  }

  Array.prototype.forEach.call(form.querySelectorAll("[data-picker]"), setupPicker);

  // --- inline insights and follow-ups ------------------------------------------
  function addRow(kind) {
    var template = document.getElementById(kind + "-template");
    var rows = document.getElementById(kind + "-rows");
    if (!template || !rows) { return; }
    var index = parseInt(rows.getAttribute("data-next") || "0", 10);
    rows.setAttribute("data-next", String(index + 1));
    var html = template.innerHTML.split("__index__").join(String(index));
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var row = holder.firstElementChild;
    while (holder.firstElementChild) { rows.appendChild(holder.firstElementChild); }
    var first = row && row.querySelector("textarea, input, select");
    if (first) { first.focus(); }
    schedule();
  }

  form.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add-row]");
    if (add) { addRow(add.getAttribute("data-add-row")); return; }
    var remove = event.target.closest("[data-remove-row]");
    if (remove) {
      var row = remove.closest("[data-row]");
      var set = row && row.closest(".inline-set");
      if (row) { row.parentNode.removeChild(row); }
      var button = set && set.querySelector("[data-add-row]");
      if (button) { button.focus(); }
      schedule();
    }
  });

  // --- after a refused save: the list of errors first ------------------------------
  var summary = document.getElementById("form-errors");
  if (summary) { summary.focus(); }
})();
