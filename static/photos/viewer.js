// Album page, enhanced: a thumbnail opens the photo full screen in a modal dialog, where the
// reader moves with the buttons, a swipe (pointer or touch), the arrow keys (both mirrored in
// right-to-left languages), Home and End, and
// closes with « Fermer », Escape or the phone's back button; focus goes back to the thumbnail.
// It only shows what the page already rendered for this reader (the .photo-link thumbnails,
// each with its display-size URL in data-src), and its French texts come from the page's
// <template>. Without JavaScript each thumbnail is a plain link to the photo's page.
(function () {
  'use strict';
  var template = document.getElementById('photo-viewer-template');
  var links = Array.prototype.slice.call(document.querySelectorAll('.photo-grid a.photo-link'));
  if (!template || !links.length || !window.HTMLDialogElement) { return; }

  var SWIPE = 40;                       // px a finger must travel sideways to turn the page
  var dialog = template.content.firstElementChild.cloneNode(true);
  var image = dialog.querySelector('.viewer-image');
  var caption = dialog.querySelector('.viewer-caption');
  var position = dialog.querySelector('.viewer-position');
  var previous = dialog.querySelector('.viewer-previous');
  var next = dialog.querySelector('.viewer-next');
  var page = dialog.querySelector('.viewer-page');
  var stage = dialog.querySelector('.viewer-stage');
  var current = 0;
  var opener = null;
  var inHistory = false;
  document.body.appendChild(dialog);

  function say(count) {
    return dialog.dataset.position.replace('{num}', count).replace('{total}', links.length);
  }

  function preload(index) {
    if (index >= 0 && index < links.length) { new Image().src = links[index].dataset.src; }
  }

  function show(index) {
    current = Math.max(0, Math.min(links.length - 1, index));
    var link = links[current];
    image.removeAttribute('src');         // no stale photo under the new caption while it loads
    image.width = +link.dataset.width;
    image.height = +link.dataset.height;
    image.alt = link.dataset.alt;
    image.src = link.dataset.src;
    caption.textContent = link.dataset.alt;
    position.textContent = say(current + 1);
    page.href = link.href;
    previous.setAttribute('aria-disabled', String(current === 0));
    next.setAttribute('aria-disabled', String(current === links.length - 1));
    preload(current + 1);
    preload(current - 1);
  }

  function open(index) {
    opener = links[index];
    show(index);
    document.documentElement.classList.add('viewer-open');
    dialog.showModal();
    next.focus();
    if (window.history && history.pushState) {   // the phone's back button closes the viewer
      history.pushState({photoViewer: true}, '');
      inHistory = true;
    }
  }

  function close(fromHistory) {
    if (!dialog.open) { return; }
    dialog.close();
    document.documentElement.classList.remove('viewer-open');
    image.removeAttribute('src');
    // Back on the thumbnail of the photo last shown, so the reader continues from there.
    (links[current] || opener).focus();
    if (inHistory && !fromHistory) { history.back(); }
    inHistory = false;
  }

  links.forEach(function (link, index) {
    link.addEventListener('click', function (event) {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
      event.preventDefault();
      open(index);
    });
  });

  previous.addEventListener('click', function () { show(current - 1); });
  next.addEventListener('click', function () { show(current + 1); });
  dialog.querySelector('.viewer-close').addEventListener('click', function () { close(false); });
  dialog.addEventListener('cancel', function (event) { event.preventDefault(); close(false); });
  window.addEventListener('popstate', function () { inHistory = false; close(true); });

  dialog.addEventListener('keydown', function (event) {
    var back = document.documentElement.dir === 'rtl' ? 1 : -1;      // right to left: the previous photo is on the right
    var moves = {ArrowLeft: current + back, ArrowRight: current - back, Home: 0, End: links.length - 1};
    if (event.key === 'Escape') {
      event.preventDefault();
      close(false);
    } else if (event.key in moves && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      show(moves[event.key]);
    }
  });

  // Swipe: where the finger went down and where it came up; a mostly sideways move turns the page
  // (the stage lets the browser pan vertically and pinch-zoom, and leaves sideways moves to us).
  var start = null;
  function down(x, y) { start = {x: x, y: y}; }
  function up(x, y) {
    if (!start) { return; }
    var dx = x - start.x;
    var dy = y - start.y;
    start = null;
    // A finger moving towards the start of the line brings the next photo: leftwards, or
    // rightwards when the page reads from the right (dir="rtl"), as the arrow keys.
    var forward = document.documentElement.dir === 'rtl' ? dx > 0 : dx < 0;
    if (Math.abs(dx) >= SWIPE && Math.abs(dx) > Math.abs(dy)) { show(current + (forward ? 1 : -1)); }
  }
  if (window.PointerEvent) {
    stage.addEventListener('pointerdown', function (e) { if (e.isPrimary) { down(e.clientX, e.clientY); } });
    stage.addEventListener('pointerup', function (e) { if (e.isPrimary) { up(e.clientX, e.clientY); } });
    stage.addEventListener('pointercancel', function () { start = null; });
  } else {
    stage.addEventListener('touchstart', function (e) {
      if (e.touches.length === 1) { down(e.touches[0].clientX, e.touches[0].clientY); } else { start = null; }
    }, {passive: true});
    stage.addEventListener('touchend', function (e) {
      up(e.changedTouches[0].clientX, e.changedTouches[0].clientY);
    });
  }
  image.addEventListener('dragstart', function (e) { e.preventDefault(); });
}());
