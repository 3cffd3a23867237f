// Upload form, enhanced: a progress bar while the photos travel (phones on mobile data), then
// what was added and what was refused, and why. Without JavaScript the form posts as usual.
// The French texts come from the form's data-* attributes, rendered (and translated) server-side.
(function () {
  'use strict';
  var form = document.querySelector('form.upload-form');
  if (!form || !window.FormData || !window.XMLHttpRequest) { return; }
  var status = form.querySelector('.upload-status');
  var button = form.querySelector('button[type=submit]');

  function say(key, values) {
    return form.dataset[key].replace(/\{(\w+)\}/g, function (all, name) { return values[name]; });
  }

  function text(tag, content, className) {
    var node = document.createElement(tag);
    node.textContent = content;           // never innerHTML: file names are untrusted
    if (className) { node.className = className; }
    return node;
  }

  function show(nodes) {
    status.textContent = '';
    nodes.forEach(function (node) { status.appendChild(node); });
  }

  function finished(request, input) {
    button.disabled = false;
    var report = null;
    try { report = JSON.parse(request.responseText); } catch (e) { report = null; }
    if (request.status !== 200 || !report) {
      show([text('p', say(request.status === 413 ? 'tooLarge' : 'failed', {}), 'form-error')]);
      return;
    }
    if (report.error) {                  // the description was refused: nothing was added
      show([text('p', report.error, 'form-error')]);
      return;
    }
    var nodes = [text('p', say('added', {num: report.added}))];
    if (report.refused.length) {
      var list = document.createElement('ul');
      report.refused.forEach(function (item) {
        list.appendChild(text('li', say('refused', item), 'form-error'));
      });
      nodes.push(list);
    }
    if (report.added) {
      var link = text('a', say('see', {}));
      link.href = window.location.pathname;
      nodes.push(link);
    }
    show(nodes);
    input.value = '';
    if (report.added && !report.refused.length) { window.location.reload(); }
  }

  form.addEventListener('submit', function (event) {
    var input = form.querySelector('input[type=file]');
    if (!input.files.length) { return; }  // the browser's own "required" message
    event.preventDefault();
    var bar = document.createElement('progress');
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute('aria-label', say('progress', {}));
    show([text('p', say('sending', {num: input.files.length})), bar]);
    button.disabled = true;
    var request = new XMLHttpRequest();
    request.open('POST', form.action);
    request.setRequestHeader('Accept', 'application/json');
    request.upload.addEventListener('progress', function (e) {
      if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); }
    });
    request.addEventListener('load', function () { finished(request, input); });
    request.addEventListener('error', function () {
      button.disabled = false;
      show([text('p', say('offline', {}), 'form-error')]);
    });
    request.send(new FormData(form));
  });
}());
