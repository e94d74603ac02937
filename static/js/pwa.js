/* Registers the service worker (static/js/sw.js, served at the root for its scope; views/pwa.py).
 * Its URL comes from this script tag's data-sw: the Content-Security-Policy allows no inline script. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !("serviceWorker" in navigator)) return;
  var register = function () {
    navigator.serviceWorker.register(script.dataset.sw, { scope: "/" }).catch(function () {});
  };
  if (document.readyState === "complete") register();
  else window.addEventListener("load", register);
})();
