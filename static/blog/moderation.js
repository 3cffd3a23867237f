// « Tout sélectionner » on the moderation queue: ticks (or unticks) every box in place instead of
// loading the page again with every box ticked (what the link does without JavaScript). The two
// labels come from the page (data-label-on, data-label-off), in the reader's language.
(function () {
  'use strict';
  var toggle = document.querySelector('[data-select-all]');
  if (!toggle) { return; }
  var boxes = document.querySelectorAll('input[type=checkbox][form=bulk]');
  toggle.addEventListener('click', function (event) {
    var on = toggle.getAttribute('data-select-all') === 'on';
    event.preventDefault();
    for (var i = 0; i < boxes.length; i += 1) { boxes[i].checked = on; }
    toggle.setAttribute('data-select-all', on ? 'off' : 'on');
    toggle.textContent = toggle.getAttribute(on ? 'data-label-off' : 'data-label-on');
  });
}());
