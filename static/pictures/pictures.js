/* Picture passwords, progressive enhancement of /images: the pupil taps 3 pictures on one page
   and the form sends itself after the third (without JavaScript, each tap is a page). A big
   « Recommencer » clears the pictures chosen so far; the first tap hides a refusal's banner. */
(function () {
  'use strict';
  var form = document.querySelector('.pictures-form');
  if (!form) { return; }
  var length = parseInt(form.getAttribute('data-length'), 10) || 3;
  var slots = form.querySelectorAll('.pictures-slot');
  var empty = slots[slots.length - 1].innerHTML;     // fewer than 3 chosen: the last slot is empty
  var before = form.getAttribute('data-chosen');
  var chosen = before ? before.split(',') : [];
  var reset = form.querySelector('.pictures-reset');
  var refused = document.querySelector('.pictures-refused');
  var sent = false;

  function show(button) {
    var slot = slots[chosen.length - 1];
    var image = button.querySelector('img').cloneNode(true);
    image.removeAttribute('width');
    image.removeAttribute('height');
    slot.textContent = '';
    slot.appendChild(image);
    slot.classList.add('pictures-slot-done');
  }

  function restart() {
    if (sent) { return; }
    chosen = [];
    Array.prototype.forEach.call(slots, function (slot) {
      slot.innerHTML = empty;
      slot.classList.remove('pictures-slot-done');
    });
    var first = form.querySelector('.pictures-button');
    if (first) { first.focus(); }
  }

  if (reset) {
    reset.hidden = false;
    reset.addEventListener('click', restart);
  }

  form.addEventListener('click', function (event) {
    var button = event.target.closest('.pictures-button');
    if (!button) { return; }
    event.preventDefault();
    if (sent || chosen.length >= length) { return; }
    if (refused) { refused.hidden = true; }
    chosen.push(button.getAttribute('data-picture'));
    show(button);
    if (chosen.length === length) {
      sent = true;
      var field = document.createElement('input');
      field.type = 'hidden';
      field.name = 'images';
      field.value = chosen.join(',');
      form.appendChild(field);
      form.submit();
    }
  });
})();
