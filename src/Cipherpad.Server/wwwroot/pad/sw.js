// The pad's service worker: keeps the app shell so the pad opens and answers with no network. Pages of the pad are
// fetched fresh when the network is there (so an update arrives at once) and taken from the cache when it is not.
// Nothing else is cached: API calls and the rest of the site always go to the server.
const cacheName = 'cipherpad-pad-v1';
const shell = ['./', 'index.html', 'app.js', 'protocol.js', 'store.js', 'pad.css', 'manifest.webmanifest', 'icon.svg', 'icon-192.png', 'icon-512.png', 'icon-maskable-512.png', 'vendor/jsqr-1.4.0/jsQR.js'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(cacheName).then((cache) => cache.addAll(shell)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((name) => name.startsWith('cipherpad-pad-') && name !== cacheName).map((name) => caches.delete(name))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin || !url.pathname.startsWith(new URL('./', self.location).pathname)) {
    return;
  }
  event.respondWith(fetch(event.request)
    .then((response) => {
      if (response.ok) {
        const copy = response.clone();
        event.waitUntil(caches.open(cacheName).then((cache) => cache.put(event.request, copy)));
      }
      return response;
    })
    .catch(() => caches.match(event.request, { ignoreSearch: true })
      .then((cached) => cached ?? caches.match('index.html'))));
});
