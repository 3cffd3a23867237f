/* The installable app's page side (issue 20): registers the service worker (static/pwa/sw.js) for
   a user whose pages may be kept offline (data-worker="on", web/render.py); on any other page
   (signed out, a staff member, a pupil) removes any worker and everything it kept, so that
   nothing of one user stays in the browser. Not loaded on the kiosk. */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!('serviceWorker' in navigator) || !script) {
    return;
  }
  if (script.getAttribute('data-worker') === 'on') {
    navigator.serviceWorker.register('/sw.js', {scope: '/'});
    return;
  }
  navigator.serviceWorker.getRegistrations().then(function (registrations) {
    registrations.forEach(function (registration) { registration.unregister(); });
  });
  if (window.caches) {
    caches.keys().then(function (keys) {
      keys.forEach(function (key) { caches.delete(key); });
    });
  }
}());
