// The calendar feed page: a "Copy the address" button (shown only where the
// clipboard is available; the address stays selectable by hand everywhere).
(function () {
  "use strict";
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy-target"));
    var status = button.parentElement.querySelector("[data-copy-status]");
    if (!source || !navigator.clipboard) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.value).then(
        function () {
          if (status) status.textContent = "Address copied.";
        },
        function () {
          source.select();
          if (status) status.textContent = "Select the address and copy it (Ctrl+C).";
        }
      );
    });
  });
})();
