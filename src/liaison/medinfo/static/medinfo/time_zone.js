/* Medical information's forms with a date and time: the browser's IANA time zone in
   each empty hidden time_zone field (a field the server filled keeps its zone: the
   times shown are in it), so what is typed is read in the user's own time. Each
   [data-time-zone-label] says the zone in use. No inline scripts (CSP). */
(function () {
  "use strict";

  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
  var inputs = document.querySelectorAll("input[data-browser-time-zone]");
  for (var i = 0; i < inputs.length; i++) {
    if (!inputs[i].value && zone) { inputs[i].value = zone; }
    var form = inputs[i].form;
    var label = form ? form.querySelector("[data-time-zone-label]") : null;
    if (label && inputs[i].value) { label.textContent = inputs[i].value; }
  }
})();
