// Fills the HCP form from the NPI Registry match the user picked (see directory/views/nppes.py).
// Nothing is saved: the user checks the fields and saves the form. Names and credentials
// are filled only where empty, so an existing HCP keeps the directory's spelling.
(function () {
  "use strict";

  function setField(form, name, value, onlyIfEmpty) {
    var field = form.elements.namedItem(name);
    if (!field || value === undefined || value === "") return;
    if (onlyIfEmpty && field.value) return;
    field.value = value;
    field.dispatchEvent(new Event("change", { bubbles: true }));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-nppes-fill]");
    if (!button) return;
    var npiInput = document.querySelector("form[method=post] input[name=npi]");
    if (!npiInput) return;
    var form = npiInput.form;
    var data = button.dataset;
    setField(form, "npi", data.npi, false);
    setField(form, "npi_source", "NPI Registry", false);
    setField(form, "country", data.country, false);
    setField(form, "region", data.region, false);
    setField(form, "city", data.city, false);
    setField(form, "given_name", data.givenName, true);
    setField(form, "family_name", data.familyName, true);
    setField(form, "credentials", data.credentials, true);
    // The specialties: one checkbox each (a multiple select is handled too).
    if (data.specialty) {
      Array.prototype.forEach.call(form.querySelectorAll("[name=specialties]"), function (input) {
        if (input.options) {
          Array.prototype.forEach.call(input.options, function (option) {
            if (option.value === data.specialty) option.selected = true;
          });
        } else if (input.value === data.specialty && !input.checked) {
          input.checked = true;
          input.dispatchEvent(new Event("change", { bubbles: true }));
        }
      });
    }
    var status = document.getElementById("nppes-status");
    if (status) {
      status.textContent = "Filled in from NPI " + data.npi + ": check the fields, then save.";
    }
    npiInput.focus();
  });
})();
