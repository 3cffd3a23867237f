/* Picture passwords, progressive enhancement of /images: the pupil taps 3 pictures on one page
   and the form sends itself after the third (without JavaScript, each tap is a page). */
(function () {
  'use strict';
  var form = document.querySelector('.pictures-form');
  if (!form) { return; }
  var length = parseInt(form.getAttribute('data-length'), 10) || 3;
  var slots = form.querySelectorAll('.pictures-slot');
  var before = form.getAttribute('data-chosen');
  var chosen = before ? before.split(',') : [];
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

  form.addEventListener('click', function (event) {
    var button = event.target.closest('.pictures-button');
    if (!button) { return; }
    event.preventDefault();
    if (sent || chosen.length >= length) { return; }
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
