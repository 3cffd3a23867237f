/* The service worker of ecole-ent (issue 20), served at /sw.js by ecole_ent/pwa/routes.py, which
   fills in SETTINGS: the layout's files under their hashed names (`shell`), the offline page, the
   names of the server's headers and a version (a new release is a new worker).

   - The shell is kept at installation; the previous release's shell goes at activation.
   - Pages (navigations): the network first. A response the server marks as keepable
     (`X-Ecole-Hors-Ligne: garder`, web/offline.py: a guardian's home, homework week, notes, blog
     posts) is kept; any other answer for that address drops what was kept for it, and the
     sign-in page drops everything (the session ended). Without network, the kept copy, its hidden
     « Hors ligne » note shown (the page says when it was made), else the offline page.
   - The home names the pages to fetch ahead (`X-Ecole-Hors-Ligne-Suite`): fetched when not kept
     yet or kept more than six hours ago, and kept only if they carry the header themselves. At
     its activation the worker fetches the home so (the page that registered it came before it).
   Nothing else is stored; the sign-out's `Clear-Site-Data` and static/pwa/pwa.js clear it all. */
'use strict';
const SETTINGS = /*SETTINGS*/{};
const SHELL = 'ecole-shell-' + SETTINGS.version;
const PAGES = 'ecole-pages';
const KEPT_AT = 'X-Ecole-Garde-Le';
const REFRESH_MS = 6 * 3600 * 1000;
const NOTE_HIDDEN = '<div id="hors-ligne" hidden>';
const NOTE_SHOWN = '<div id="hors-ligne" class="flash flash-warning" role="status">';

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(SETTINGS.shell)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((key) => key.startsWith('ecole-shell-') && key !== SHELL)
      .map((key) => caches.delete(key))))
    .then(() => self.clients.claim())
    .then(() => followAhead('/')));     // the page that registered it went by before it: keep the home now
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === 'navigate') {
    event.respondWith(page(request, event));
  } else if (SETTINGS.shell.includes(url.pathname)) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});

async function page(request, event) {
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    return fromCache(request.url);
  }
  if (isKeepable(response)) {
    event.waitUntil(keep(request.url, response.clone())
      .then(() => followAhead(response.headers.get(SETTINGS.follow))));
  } else if (new URL(response.url || request.url).pathname === '/connexion') {
    event.waitUntil(caches.delete(PAGES));
  } else {
    event.waitUntil(caches.open(PAGES).then((cache) => cache.delete(request.url)));
  }
  return response;
}

function isKeepable(response) {
  return response.ok && response.type === 'basic' && response.headers.get(SETTINGS.keep) === 'garder';
}

async function keep(url, response) {
  const headers = new Headers(response.headers);
  headers.set(KEPT_AT, String(Date.now()));
  const copy = new Response(await response.blob(), {status: response.status, headers: headers});
  const cache = await caches.open(PAGES);
  await cache.put(url, copy);
}

async function followAhead(list) {
  const cache = await caches.open(PAGES);
  for (const path of (list || '').split(' ').filter(Boolean)) {
    const url = new URL(path, self.location.origin).href;
    const kept = await cache.match(url);
    if (kept && Date.now() - Number(kept.headers.get(KEPT_AT) || 0) < REFRESH_MS) {
      continue;
    }
    try {
      const response = await fetch(url, {credentials: 'same-origin', redirect: 'manual'});
      if (isKeepable(response)) {
        const next = response.headers.get(SETTINGS.follow);
        await keep(url, response);
        if (next) {
          await followAhead(next);      // the home's own list: the week and the notes
        }
      }
    } catch (error) {
      return;           // the network went: the rest another time
    }
  }
}

async function fromCache(url) {
  const cache = await caches.open(PAGES);
  const hit = await cache.match(url);
  if (hit) {
    const html = (await hit.text()).replace(NOTE_HIDDEN, NOTE_SHOWN);
    const headers = new Headers(hit.headers);        // its Content-Security-Policy too
    headers.delete('Content-Length');
    return new Response(html, {headers: headers});
  }
  return (await caches.match(SETTINGS.offline)) || Response.error();
}
