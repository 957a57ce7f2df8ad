// The insight form's HCP type-ahead: a search box (added here, so the form works
// without scripts through the HCP's number) that asks engagement:pick-hcps as the
// user types and offers the matches in a datalist; choosing one fills the HCP
// number field and says whom it names.
(function () {
  "use strict";
  const box = document.querySelector("[data-hcp-picker]");
  const number = document.getElementById("id_hcp");
  if (!box || !number) return;
  const url = box.dataset.url;

  const label = document.createElement("label");
  label.htmlFor = "hcp-search";
  label.textContent = "Find the HCP by name or NPI";
  const search = document.createElement("input");
  search.type = "search";
  search.id = "hcp-search";
  search.autocomplete = "off";
  search.setAttribute("list", "hcp-options");
  const options = document.createElement("datalist");
  options.id = "hcp-options";
  const chosen = document.createElement("p");
  chosen.className = "helptext";
  chosen.setAttribute("role", "status");
  box.prepend(label, search, options, chosen);

  let found = new Map();
  let timer = null;
  let controller = null;

  function ask() {
    const text = search.value.trim();
    if (found.has(text)) {
      number.value = found.get(text);
      chosen.textContent = "Chosen: " + text;
      return;
    }
    if (text.length < 2) return;
    if (controller) controller.abort();
    controller = new AbortController();
    fetch(url + "?" + new URLSearchParams({ q: text }), {
      credentials: "same-origin",
      signal: controller.signal,
    })
      .then((response) => (response.ok ? response.json() : { results: [] }))
      .then((data) => {
        found = new Map();
        options.replaceChildren();
        for (const item of data.results || []) {
          const text = item.detail ? item.label + " (" + item.detail + ")" : item.label;
          found.set(text, String(item.id));
          const option = document.createElement("option");
          option.value = text;
          options.append(option);
        }
      })
      .catch(() => {});
  }

  search.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 250);
  });
  search.addEventListener("change", ask);
})();

// The strategic questions of the therapeutic area chosen (all when none is): the
// others are hidden, and unticked so a hidden choice is never sent.
(function () {
  "use strict";
  const area = document.getElementById("id_therapeutic_area");
  const boxes = document.querySelectorAll("input[name='strategic_questions'][data-area]");
  if (!area || !boxes.length) return;

  function show() {
    for (const box of boxes) {
      const item = box.closest("div") || box.parentElement;
      const shown = !area.value || box.dataset.area === area.value;
      if (item) item.hidden = !shown;
      if (!shown) box.checked = false;
    }
  }

  area.addEventListener("change", show);
  show();
})();
