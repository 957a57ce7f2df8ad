// Similar insights while the statement is typed: after a pause in typing (400 ms),
// fetch the fragment of engagement:insight-similar for the statement and the
// category chosen, and show it in #similar-insights (an aria-live region).
(function () {
  "use strict";
  const region = document.getElementById("similar-insights");
  const statement = document.getElementById("id_statement");
  if (!region || !statement) return;
  const category = document.getElementById("id_category");
  const url = region.dataset.similarUrl;
  let timer = null;
  let controller = null;
  let last = "";

  function refresh() {
    const text = statement.value.trim();
    const query = new URLSearchParams({ statement: text, category: category ? category.value : "" });
    if (region.dataset.similarExclude) query.set("exclude", region.dataset.similarExclude);
    const key = query.toString();
    if (key === last) return;
    last = key;
    if (text.split(/\s+/).length < 3) {
      region.replaceChildren();
      return;
    }
    if (controller) controller.abort();
    controller = new AbortController();
    fetch(url + "?" + key, {
      headers: { "HX-Request": "true" },
      credentials: "same-origin",
      signal: controller.signal,
    })
      .then((response) => (response.ok ? response.text() : ""))
      .then((html) => {
        region.innerHTML = html;
      })
      .catch(() => {});
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 400);
  }

  statement.addEventListener("input", later);
  if (category) category.addEventListener("change", later);
  if (statement.value.trim()) refresh();
})();
