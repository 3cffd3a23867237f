// The hall's kiosk (templates/kiosk/): the visible countdown of the automatic sign-out, the print
// buttons, and links that leave no page in the history.
//
// The server ends a kiosk session after kiosk.inactivity_seconds without a request
// (accounts.service.session_user); this script only shows it and acts first. Every tap, key or
// scroll starts the countdown again and, at most every PING_MS, tells the server
// (POST /kiosque/presence) so that its expiry slides too. At 0 it posts the sign-out and goes back
// to the kiosk's sign-in with location.replace (the next family cannot go back). Links of a kiosk
// page replace the current history entry instead of adding one. Without JavaScript the text says
// after how long the session ends, and the server's expiry applies.
(function () {
  'use strict';
  var PING_MS = 2000;
  var LATE_S = 10;

  function csrfToken() {
    var input = document.querySelector('input[name="csrf_token"]');
    return input ? input.value : '';
  }

  function post(path) {
    if (!window.fetch) { return Promise.resolve(); }
    var body = new URLSearchParams();
    body.set('csrf_token', csrfToken());
    return fetch(path, {method: 'POST', body: body, credentials: 'same-origin', redirect: 'manual',
                        headers: {'X-CSRF-Token': csrfToken()}}).catch(function () {});
  }

  function countdown(box) {
    var total = parseInt(box.dataset.kioskSeconds, 10);
    if (!(total > 0)) { return; }
    var live = box.querySelector('.kiosk-countdown-live');
    var text = box.querySelector('.kiosk-countdown-text');
    var shown = box.querySelector('.kiosk-seconds');
    var stay = box.querySelector('.kiosk-countdown-stay');
    var deadline = Date.now() + total * 1000;
    var lastPing = Date.now();
    var over = false;
    text.hidden = true;
    live.hidden = false;

    function tick() {
      if (over) { return; }
      var left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
      shown.textContent = String(left);
      box.classList.toggle('kiosk-countdown-soon', left <= LATE_S);
      stay.hidden = left > LATE_S;      // the last seconds say how to stay
      if (left === 0) {
        over = true;
        post(box.dataset.kioskExit).then(function () { location.replace(box.dataset.kioskStart); });
      }
    }

    function active() {
      if (over) { return; }
      deadline = Date.now() + total * 1000;
      if (Date.now() - lastPing >= PING_MS) {
        lastPing = Date.now();
        post(box.dataset.kioskPresence);
      }
      tick();
    }

    ['pointerdown', 'keydown', 'touchstart', 'wheel', 'scroll'].forEach(function (name) {
      window.addEventListener(name, active, {passive: true});
    });
    setInterval(tick, 250);
    tick();
  }

  function replaceLinks() {
    document.addEventListener('click', function (event) {
      var link = event.target.closest && event.target.closest('a[href]');
      if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey
          || event.shiftKey || link.target || link.origin !== location.origin
          || link.getAttribute('href').charAt(0) === '#') { return; }
      event.preventDefault();
      location.replace(link.href);
    });
  }

  function printButtons() {
    Array.prototype.forEach.call(document.querySelectorAll('[data-kiosk-print]'), function (button) {
      button.hidden = false;
      button.addEventListener('click', function () { window.print(); });
    });
  }

  function start() {
    var box = document.querySelector('.kiosk-countdown');
    if (box) { countdown(box); }
    replaceLinks();
    printButtons();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
