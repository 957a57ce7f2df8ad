/* The meeting form's type-ahead pickers (HCPs, pre-reads): an ARIA combobox with a
   listbox, keyboard first (Down/Up to move, Enter to add, Escape to close), over
   the pick endpoints the interaction form uses. Each chosen record becomes a chip
   holding a hidden input of its id. No inline scripts or styles (CSP). */
(function () {
  "use strict";

  var form = document.getElementById("meeting-form");
  if (!form) { return; }
  var statusBox = document.getElementById("meeting-form-status");

  function say(text) {
    if (statusBox) { statusBox.textContent = text; }
  }

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
      if (!options.length || !results.length) { return; }
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
      label.textContent = item.label + (item.detail && name === "pre_reads" ? " (" + item.detail + ")" : "");
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
      say(item.label + " added");
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
      say(text + " removed");
    });
  }

  Array.prototype.forEach.call(form.querySelectorAll("[data-picker]"), setupPicker);
})();
