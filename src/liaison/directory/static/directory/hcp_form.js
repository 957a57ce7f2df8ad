// The HCP form's behaviour, on top of a form that works without it:
// * a long checkbox list (div.checklist: the specialties) gets a box that filters it by
//   what is typed; ticked boxes stay in view, and a status line says how many are shown;
// * the NPI fields (data-us-only) show for an HCP in the US, or one who already has an
//   NPI: the NPI is a US identifier (without scripts they always show, with their help).
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  function setUpChecklist(list) {
    if (!list.id || document.getElementById(list.id + "_filter")) return;
    var fieldset = list.closest("fieldset");
    var legend = fieldset && fieldset.querySelector("legend");
    var noun = legend ? legend.textContent.trim().toLowerCase() : "choices";
    var options = Array.prototype.slice.call(list.children);

    var wrap = document.createElement("div");
    wrap.className = "checklist-filter";
    var label = document.createElement("label");
    label.setAttribute("for", list.id + "_filter");
    label.textContent = "Filter the " + noun;
    var input = document.createElement("input");
    input.type = "search";
    input.id = list.id + "_filter";
    input.autocomplete = "off";
    input.setAttribute("aria-controls", list.id);
    var status = document.createElement("span");
    status.className = "helptext";
    status.id = list.id + "_filter_status";
    status.setAttribute("role", "status");
    input.setAttribute("aria-describedby", status.id);
    wrap.appendChild(label);
    wrap.appendChild(input);
    wrap.appendChild(status);
    list.parentNode.insertBefore(wrap, list);

    function update() {
      var query = fold(input.value);
      var shown = 0;
      var ticked = 0;
      options.forEach(function (option) {
        var box = option.querySelector("input[type=checkbox]");
        var checked = box && box.checked;
        var match = !query || fold(option.textContent).indexOf(query) !== -1;
        option.hidden = !(match || checked);
        if (!option.hidden) shown += 1;
        if (checked) ticked += 1;
      });
      status.textContent = (query ? shown + " of " + options.length + " shown" : options.length + " in the list") +
        (ticked ? ", " + ticked + " ticked" : "") + ".";
    }

    input.addEventListener("input", update);
    input.addEventListener("keydown", function (event) {
      // Enter in the filter box must not submit the whole form.
      if (event.key === "Enter") event.preventDefault();
    });
    list.addEventListener("change", update);
    update();
  }

  function setUpUsOnly(form) {
    var country = form.elements.namedItem("country");
    var fields = Array.prototype.slice.call(form.querySelectorAll("[data-us-only]"));
    if (!country || !fields.length) return;
    function update() {
      var held = fields.some(function (field) { return field.value.trim() !== ""; });
      var show = country.value === "US" || held;
      fields.forEach(function (field) {
        var box = field.closest(".field");
        if (box) box.hidden = !show;
      });
    }
    country.addEventListener("change", update);
    update();
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("div.checklist"), setUpChecklist);
    Array.prototype.forEach.call(document.querySelectorAll("form[method=post]"), setUpUsOnly);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
