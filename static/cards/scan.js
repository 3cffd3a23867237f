// Reading a pupil's QR card with the device's camera (/carte, the kiosk).
//
// Contract: a form containing <div class="qr-scan" data-qr-field="NAME" hidden> and this script
// (defer). Without JavaScript the div stays hidden and the typed-code field is the way in. With it,
// the div shows a « Utiliser la caméra » button (made here unless the page rendered a
// .qr-scan-start); the camera (the rear one preferred) films the card, and the first frame that
// reads as a card (a URL with #jeton=… or ?jeton=…, or a bare code) puts the token in the form's
// input named NAME (made hidden if the form has none) and submits the form. No camera, permission
// refused, insecure page: the button says so, the status line explains in French, and the focus goes
// to the typed-code field. The camera is stopped once a card is read, on « Arrêter la caméra », and
// when the page is hidden or left.
// With data-qr-hash, a token in the page's own fragment (/carte#jeton=…: what new cards encode, as
// a fragment never reaches a server, a proxy or a log) is submitted the same way, once, after the
// fragment has been cleared from the address bar and the history.
// The texts are the div's data-qr-text-* attributes, rendered translated by
// templates/directory/card_scan.html (the one place they are written: include it, never a bare div).
// The decoder, jsQR (static/cards/vendor/, see its README), is loaded on the first click only:
// 250 KB that a pupil typing their code never downloads.
(function () {
  'use strict';
  var script = document.currentScript;
  var base = script && script.src ? script.src : location.href;
  var version = base.indexOf('?') >= 0 ? base.slice(base.indexOf('?')) : '';
  // The page names the decoder and the styles under their hashed names (templates/directory/card_scan.html).
  var named = document.querySelector('.qr-scan[data-qr-decoder]');
  var DECODER = named ? named.getAttribute('data-qr-decoder') : new URL('vendor/jsQR.js', base).href.split('?')[0] + version;
  var STYLES = named ? named.getAttribute('data-qr-styles') : new URL('scan.css', base).href.split('?')[0] + version;
  var TOKEN = /^[A-Za-z0-9]{4,40}$/;
  var PRINTED = /^[A-Za-z0-9]+([ -][A-Za-z0-9]+)?$/;     // as printed: 'abcd 2345' (one separator)
  var EDGE = 640;                 // frames are decoded at most this wide: a printed card reads well
  var EVERY_MS = 150;             // a frame decoded every 150 ms: the page stays responsive

  function say(box, key) {
    var name = 'qrText' + key.charAt(0).toUpperCase() + key.slice(1);
    return box.dataset[name] || '';
  }

  // The card's token in what a QR code (or a fragment) holds, or null.
  function tokenOf(text) {
    text = String(text || '').trim();
    var match = /[#?&]jeton=([^&#\s]*)/.exec(text);
    var token = match ? match[1] : text;
    try { token = decodeURIComponent(token); } catch (e) { return null; }
    if (!PRINTED.test(token)) { return null; }
    token = token.replace(/[ -]/, '');
    return TOKEN.test(token) ? token : null;
  }

  function inputOf(form, name) {
    var input = form.elements.namedItem(name);
    if (!input || input.tagName !== 'INPUT') {
      input = document.createElement('input');
      input.type = 'hidden';
      input.name = name;
      form.appendChild(input);
    }
    return input;
  }

  function submitWith(form, name, token) {
    inputOf(form, name).value = token;
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  }

  var decoder = null;
  function loadDecoder() {
    if (!decoder) {
      decoder = new Promise(function (resolve, reject) {
        if (window.jsQR) { resolve(window.jsQR); return; }
        var tag = document.createElement('script');
        tag.src = DECODER;
        tag.onload = function () { if (window.jsQR) { resolve(window.jsQR); } else { reject(new Error('jsQR')); } };
        tag.onerror = function () { decoder = null; reject(new Error('jsQR')); };
        document.head.appendChild(tag);
      });
    }
    return decoder;
  }

  function ensureStyles() {
    if (document.querySelector('link[href*="cards/scan."]')) { return; }
    var link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = STYLES;
    document.head.appendChild(link);
  }

  function part(box, selector, make) {
    var node = box.querySelector(selector);
    if (!node) {
      node = make();
      box.appendChild(node);
    }
    return node;
  }

  function Scanner(box) {
    var form = box.closest('form');
    if (!form) { return; }
    var self = this;
    this.box = box;
    this.form = form;
    this.field = box.dataset.qrField || 'jeton';
    this.button = part(box, '.qr-scan-start', function () {
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'qr-scan-start';
      button.textContent = say(box, 'start');
      return button;
    });
    this.status = part(box, '.qr-scan-status', function () {
      var status = document.createElement('p');
      status.className = 'qr-scan-status';
      status.setAttribute('role', 'status');
      return status;
    });
    this.video = part(box, 'video', function () {
      var video = document.createElement('video');
      video.className = 'qr-scan-video';
      video.hidden = true;
      return video;
    });
    this.video.muted = true;
    this.video.setAttribute('playsinline', '');
    this.video.setAttribute('aria-label', say(box, 'video'));
    this.stream = null;
    this.timer = null;
    this.canvas = document.createElement('canvas');
    box.hidden = false;
    if (box.hasAttribute('data-qr-hash') && this.fromFragment()) { return; }
    if (!window.isSecureContext) {
      this.refuse('insecure');
    } else if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      this.refuse('noCamera');
    }
    this.button.addEventListener('click', function () {
      if (self.stream || self.starting) { self.stop(); self.idle(); } else { self.start(); }
    });
    window.addEventListener('pagehide', function () { self.stop(); });
    window.addEventListener('pageshow', function (event) {    // back to a page kept in memory
      if (event.persisted && !self.refused) { self.button.disabled = false; self.idle(); }
    });
    document.addEventListener('visibilitychange', function () {
      if (document.hidden && self.stream) { self.stop(); self.idle(); }
    });
  }

  Scanner.prototype.tell = function (key) {
    this.status.textContent = say(this.box, key);
  };

  Scanner.prototype.fromFragment = function () {
    if (/[?&]jeton=/.test(location.search)) {     // an older card's address: out of the history too
      history.replaceState(history.state, '', location.pathname + location.hash);
    }
    if (!/jeton=/.test(location.hash)) { return false; }
    var token = tokenOf(location.hash);
    history.replaceState(history.state, '', location.pathname);
    if (!token) { return false; }
    this.button.disabled = true;
    this.tell('read');
    submitWith(this.form, this.field, token);
    return true;
  };

  Scanner.prototype.idle = function () {
    this.button.textContent = say(this.box, 'start');
    this.status.textContent = '';
  };

  // No camera here: the button says so, the typed-code field takes the focus.
  Scanner.prototype.refuse = function (key) {
    var focused = document.activeElement === this.button;
    this.refused = true;
    this.stop();
    this.button.textContent = say(this.box, 'unavailable');
    this.button.disabled = true;
    this.box.classList.add('qr-scan-refused');
    this.tell(key);
    var typed = this.form.querySelector('input:not([type=hidden])');
    if (typed && focused) { typed.focus(); }
  };

  Scanner.prototype.start = function () {
    var self = this;
    this.starting = true;
    this.button.textContent = say(this.box, 'stop');
    this.tell('starting');
    ensureStyles();
    var camera = navigator.mediaDevices.getUserMedia({
      audio: false,
      video: {facingMode: {ideal: 'environment'}, width: {ideal: 1280}, height: {ideal: 720}}
    });
    Promise.all([camera, loadDecoder()]).then(function (got) {
      if (!self.starting) { got[0].getTracks().forEach(function (t) { t.stop(); }); return; }
      self.starting = false;
      self.stream = got[0];
      self.video.srcObject = got[0];
      // A camera facing the pupil (a laptop's webcam) films as a mirror does, as video calls show
      // it: moving the card left moves it left on screen. The decoder reads the unmirrored frames.
      var track = got[0].getVideoTracks()[0];
      var facing = track && track.getSettings ? track.getSettings().facingMode : '';
      self.video.classList.toggle('qr-scan-mirror', facing !== 'environment');
      self.video.hidden = false;
      return self.video.play().then(function () {
        self.tell('aim');
        self.scan(got[1]);
      });
    }).catch(function (error) {
      camera.then(function (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }, function () {});
      self.starting = false;
      var name = error && error.name;
      self.refuse(name === 'NotAllowedError' || name === 'SecurityError' ? 'denied'
        : name === 'NotFoundError' || name === 'OverconstrainedError' ? 'noCamera'
          : name === 'NotReadableError' ? 'busy' : 'failed');
    });
  };

  Scanner.prototype.scan = function (jsQR) {
    var self = this;
    var video = this.video;
    var context = this.canvas.getContext('2d', {willReadFrequently: true});
    var misread = null;
    function frame() {
      self.timer = null;
      if (!self.stream) { return; }
      if (video.readyState >= 2 && video.videoWidth) {
        var scale = Math.min(1, EDGE / Math.max(video.videoWidth, video.videoHeight));
        var width = Math.round(video.videoWidth * scale);
        var height = Math.round(video.videoHeight * scale);
        self.canvas.width = width;
        self.canvas.height = height;
        context.drawImage(video, 0, 0, width, height);
        var code = jsQR(context.getImageData(0, 0, width, height).data, width, height,
          {inversionAttempts: 'dontInvert'});
        if (code && code.data) {
          var token = tokenOf(code.data);
          if (token) {
            self.stop();
            self.button.disabled = true;
            self.tell('read');
            submitWith(self.form, self.field, token);
            return;
          }
          if (misread !== code.data) { misread = code.data; self.tell('notCard'); }
        }
      }
      self.timer = setTimeout(frame, EVERY_MS);
    }
    frame();
  };

  Scanner.prototype.stop = function () {
    this.starting = false;
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    if (this.stream) {
      this.stream.getTracks().forEach(function (track) { track.stop(); });
      this.stream = null;
    }
    this.video.pause();
    this.video.srcObject = null;
    this.video.hidden = true;
  };

  Array.prototype.forEach.call(document.querySelectorAll('.qr-scan'), function (box) {
    box.qrScanner = new Scanner(box);
  });
  window.ecoleQrScan = {tokenOf: tokenOf};
}());
