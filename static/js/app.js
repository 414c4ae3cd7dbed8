/* Behaviour of the server-rendered pages, bound by data attributes: the Content-Security-Policy allows scripts from
   this site's files only (no inline handlers), see execcenter/settings/base.py. */
(function () {
  "use strict";
  document.addEventListener("change", function (e) {
    var el = e.target.closest("[data-autosubmit]");
    if (el && el.form) el.form.submit();
  });
  document.addEventListener("click", function (e) {
    if (e.target.closest("[data-print]")) window.print();  // the printable month roster
  });
  document.addEventListener("click", function (e) {
    var btn = e.target.closest("[data-geolocate]");
    if (!btn || !navigator.geolocation) return;
    navigator.geolocation.getCurrentPosition(function (p) {
      document.getElementById(btn.dataset.lat).value = p.coords.latitude.toFixed(6);
      document.getElementById(btn.dataset.lng).value = p.coords.longitude.toFixed(6);
    });
  });
})();
