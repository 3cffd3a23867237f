// Backups page while a backup runs: every 5 s, read the page again and put its status line in
// place of ours (the role="status" region announces it politely); once the backup has ended,
// reload the page once to show the new archive. Without JavaScript, the « Actualiser » link does it.
(function () {
  'use strict';
  var current = document.getElementById('backup-running');
  if (!current || !window.fetch || !window.DOMParser) { return; }
  function look() {
    fetch(window.location.href, {credentials: 'same-origin', cache: 'no-store'})
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('backup-running');
        if (!fresh) { window.location.reload(); return; }
        current.replaceChildren.apply(current, Array.prototype.slice.call(fresh.childNodes));
        window.setTimeout(look, 5000);
      })
      .catch(function () { window.setTimeout(look, 15000); });
  }
  window.setTimeout(look, 5000);
}());
