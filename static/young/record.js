/* The young pupils' writing page (templates/young/write.html): record the voice with the
   microphone (MediaRecorder), big « Parler » / « Stop » buttons, a visible timer, a limit on the
   duration (data-max-seconds: the recorder stops by itself) and on the size (data-max-bytes); the
   recording goes into the form's file input « voice ». The form is then sent by fetch: a refused
   post shows its errors while the photo, the recording and the words stay in the page. Without
   this script the page says the voice needs JavaScript; photo and words still work. */
(function () {
  'use strict';
  var form = document.querySelector('.young-form');
  if (!form) { return; }
  var box = form.querySelector('[data-recorder]');
  var input = form.querySelector('[data-voice-input]');
  var photo = form.querySelector('#f-photo');
  var preview = form.querySelector('[data-photo-preview]');
  var voice = null;          // the last recording, a Blob

  function setup() {
    if (!box) { return; }
    if (!window.MediaRecorder || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      // no recorder here (an old browser, or a page in plain http: browsers give the microphone to
      // https pages and localhost only): say so instead of « il faut JavaScript »
      box.querySelector('[data-nojs]').textContent = box.getAttribute('data-no-recorder');
      return;
    }
    var controls = box.querySelector('[data-controls]');
    var record = box.querySelector('[data-record]');
    var stop = box.querySelector('[data-stop]');
    var timer = box.querySelector('[data-timer]');
    var status = box.querySelector('[data-status]');
    var playback = box.querySelector('[data-playback]');
    var maxSeconds = parseInt(box.getAttribute('data-max-seconds'), 10) || 60;
    var maxBytes = parseInt(box.getAttribute('data-max-bytes'), 10) || 2097152;
    var recorder = null, ticking = null, seconds = 0;
    box.querySelector('[data-nojs]').hidden = true;
    controls.hidden = false;

    function chosenType() {
      // AAC in MP4 first: Safari records it and every browser plays it (Safari records WebM since
      // 18.4 but does not play it back); then Opus in WebM (Chromium, Firefox) or Ogg.
      var types = ['audio/mp4;codecs=mp4a.40.2', 'audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/mp4',
                   'audio/webm'];
      for (var i = 0; i < types.length; i++) {
        if (MediaRecorder.isTypeSupported(types[i])) { return types[i]; }
      }
      return '';
    }

    function finish() {
      if (recorder && recorder.state !== 'inactive') { recorder.stop(); }
    }

    record.addEventListener('click', function () {
      navigator.mediaDevices.getUserMedia({audio: true}).then(function (stream) {
        var type = chosenType();
        var parts = [];
        recorder = new MediaRecorder(stream, type ? {mimeType: type, audioBitsPerSecond: 32000} : {});
        recorder.addEventListener('dataavailable', function (event) {
          if (event.data && event.data.size) { parts.push(event.data); }
        });
        recorder.addEventListener('stop', function () {
          clearInterval(ticking);
          stream.getTracks().forEach(function (track) { track.stop(); });
          record.hidden = false;
          stop.hidden = true;
          record.focus();
          var blob = new Blob(parts, {type: (recorder.mimeType || type || 'audio/webm').split(';')[0]});
          if (blob.size > maxBytes) {
            status.textContent = box.getAttribute('data-too-big');
            return;
          }
          keep(blob);
          playback.src = URL.createObjectURL(blob);
          playback.hidden = false;
          status.textContent = box.getAttribute('data-recorded');
        });
        seconds = 0;
        timer.textContent = '0';
        recorder.start(1000);
        status.textContent = box.getAttribute('data-recording');
        record.hidden = true;
        stop.hidden = false;
        stop.focus();
        ticking = setInterval(function () {
          seconds += 1;
          timer.textContent = String(seconds);
          if (seconds >= maxSeconds) { finish(); }
        }, 1000);
      }, function () {
        status.textContent = box.getAttribute('data-denied');
      });
    });
    stop.addEventListener('click', finish);
  }

  function extension(type) {
    return type.indexOf('ogg') >= 0 ? 'ogg' : type.indexOf('mp4') >= 0 ? 'm4a' : 'webm';
  }

  function keep(blob) {
    voice = new File([blob], 'voix.' + extension(blob.type), {type: blob.type});
    try {                    // also in the file input, for a plain submit
      var transfer = new DataTransfer();
      transfer.items.add(voice);
      input.files = transfer.files;
    } catch (error) { /* fetch below sends it anyway */ }
  }

  if (photo && preview) {
    preview.addEventListener('error', function () { preview.hidden = true; });
    photo.addEventListener('change', function () {
      if (photo.files && photo.files[0]) {
        preview.src = URL.createObjectURL(photo.files[0]);
        preview.hidden = false;
      } else {
        preview.hidden = true;
      }
    });
  }

  function showErrors(html) {
    var page = new DOMParser().parseFromString(html, 'text/html');
    var fresh = page.getElementById('young-errors');
    var errors = document.getElementById('young-errors');
    if (fresh && fresh.children.length) {
      errors.innerHTML = fresh.innerHTML;
    } else {
      errors.innerHTML = '<div role="alert"><ul><li></li></ul></div>';
      errors.querySelector('li').textContent = form.getAttribute('data-failed');
    }
    errors.hidden = false;
    errors.focus();
  }

  form.addEventListener('submit', function (event) {
    if (!window.fetch || !window.FormData) { return; }
    event.preventDefault();
    var data = new FormData(form);
    if (voice) { data.set('voice', voice, voice.name); }
    var button = form.querySelector('.young-send');
    button.disabled = true;
    fetch(form.action, {method: 'POST', body: data, credentials: 'same-origin', redirect: 'manual'})
      .then(function (response) {
        if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
          window.location.assign(form.getAttribute('data-after'));
          return null;
        }
        return response.text().then(showErrors);
      }, function () { showErrors(''); })
      .then(function () { button.disabled = false; });
  });

  setup();
}());
