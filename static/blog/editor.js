// The post editor, enhanced. Without JavaScript the photo picker's « Insérer » posts the form and
// it comes back with the photos' lines at the text's end; here they go in at the cursor, with no
// reload. Image files dropped on the text join the « Ajouter des photos » field (sent with the
// post, into the class's « Blog » album). French texts come from data-* attributes, translated
// server-side; file names and captions are only ever set as text, never as HTML.
(function () {
  'use strict';
  var form = document.querySelector('form.post-editor');
  if (!form) { return; }
  var body = form.querySelector('textarea[name=body]');
  var picker = form.querySelector('.photo-picker');

  function say(node, key, values) {
    return node.dataset[key].replace(/\{(\w+)\}/g, function (all, name) { return values[name]; });
  }

  function insertAtCursor(text) {
    var start = body.selectionStart, end = body.selectionEnd, value = body.value;
    var before = value.slice(0, start), after = value.slice(end);
    var lead = before === '' ? '' : /\n\n$/.test(before) ? '' : /\n$/.test(before) ? '\n' : '\n\n';
    var tail = after === '' ? '' : /^\n\n/.test(after) ? '' : /^\n/.test(after) ? '\n' : '\n\n';
    body.value = before + lead + text + tail + after;
    var cursor = (before + lead + text).length;
    body.focus();
    body.setSelectionRange(cursor, cursor);
    body.dispatchEvent(new Event('input', {bubbles: true}));
  }

  if (picker && body) {
    var status = picker.querySelector('.picker-status');
    var insert = picker.querySelector('.picker-insert');
    var cursor = null;                 // where the text's cursor was before the picker took focus
    body.addEventListener('blur', function () { cursor = [body.selectionStart, body.selectionEnd]; });
    if (insert) {
      insert.addEventListener('click', function (event) {
        event.preventDefault();
        var ticked = Array.prototype.slice.call(picker.querySelectorAll('input[name=pick]:checked'));
        if (!ticked.length) {
          status.textContent = say(picker, 'none', {});
          return;
        }
        var at = cursor || [body.value.length, body.value.length];   // never focused: at the end
        body.setSelectionRange(at[0], at[1]);
        insertAtCursor(ticked.map(function (box) { return box.dataset.ref; }).join('\n\n'));
        ticked.forEach(function (box) { box.checked = false; });
        status.textContent = say(picker, 'inserted', {num: ticked.length});
      });
    }
  }

  // Drag and drop of image files on the text: they join the photos field (teachers only). Where
  // there is no such field, a dropped file is ignored rather than opened in place of the form.
  var input = form.querySelector('input[type=file][name=photos]');
  var note = form.querySelector('.dropped-photos');
  if (!body) { return; }
  var takes = Boolean(input && note && window.DataTransfer);

  function hasFiles(event) {
    return event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, 'Files') >= 0;
  }

  function showChosen() {
    var names = Array.prototype.map.call(input.files, function (file) { return file.name; });
    note.textContent = names.length ? say(note, 'dropped', {names: names.join(', ')}) : '';
  }

  body.addEventListener('dragover', function (event) {
    if (!hasFiles(event)) { return; }
    event.preventDefault();
    event.dataTransfer.dropEffect = takes ? 'copy' : 'none';
    if (takes) { body.classList.add('drop-target'); }
  });
  body.addEventListener('dragleave', function () { body.classList.remove('drop-target'); });
  body.addEventListener('drop', function (event) {
    body.classList.remove('drop-target');
    if (!hasFiles(event)) { return; }
    event.preventDefault();
    if (!takes) { return; }
    var all = new DataTransfer();
    Array.prototype.forEach.call(input.files, function (file) { all.items.add(file); });
    Array.prototype.forEach.call(event.dataTransfer.files, function (file) {
      if (/^image\//.test(file.type)) { all.items.add(file); }
    });
    input.files = all.files;
    showChosen();
  });
  if (takes) { input.addEventListener('change', showChosen); }
}());
