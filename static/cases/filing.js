// Party look-up on the filing form: asks /cases/parties/lookup/?id_number=… and fills in the name on record.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("filing-form");
  if (!form) return;
  var url = form.getAttribute("data-lookup-url");
  form.querySelectorAll(".party-lookup").forEach(function (button) {
    button.addEventListener("click", function () {
      var prefix = button.getAttribute("data-row");
      var idInput = form.querySelector("[name='" + prefix + "-id_number']");
      var nameInput = form.querySelector("[name='" + prefix + "-name']");
      var kindInput = form.querySelector("[name='" + prefix + "-kind']");
      var out = document.getElementById(prefix + "-lookup");
      fetch(url + "?id_number=" + encodeURIComponent(idInput.value), {credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (data.found) {
            nameInput.value = data.name;
            if (kindInput) kindInput.value = data.kind;
            out.textContent = out.getAttribute("data-found") || "✔";
          } else {
            out.textContent = data.error || "—";
          }
        });
    });
  });
});
