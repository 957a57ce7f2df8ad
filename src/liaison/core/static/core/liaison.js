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

  // A form with data-confirm="question" asks before submitting (deletes, revokes).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }, true);
})();
