// The pad's service worker: keeps the app shell so the pad opens and answers with no network. Pages of the pad are
// fetched fresh when the network is there (so an update arrives at once) and taken from the cache when it is not.
// Nothing else is cached: API calls and the rest of the site always go to the server.
const cacheName = 'cipherpad-pad-v4';
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
  event.respondWith(fetch(event.request, { cache: 'no-cache' })
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

// A push says that a request waits for approval. The worker cannot check it (the keys are sealed under the PIN in the
// page), so the notification names no site and no amount: it only says to open the pad, which fetches the request,
// checks its tag and shows it verified.
self.addEventListener('push', (event) => {
  let notice = {};
  try {
    notice = event.data?.json() ?? {};
  } catch {
    // not ours: still tell the person to look
  }
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    windows.forEach((client) => client.postMessage({ type: 'approval-request', challengeId: notice.challengeId }));
    await self.registration.showNotification('Cipherpad: a request waits for you', {
      body: 'Open the cipher pad to see who asks, and approve or refuse.',
      tag: notice.challengeId ?? 'cipherpad-request',
      icon: 'icon-192.png',
      requireInteraction: true,
    });
  })());
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const open = windows.find((client) => new URL(client.url).pathname.startsWith(new URL('./', self.location).pathname));
    if (open) {
      await open.focus();
      open.postMessage({ type: 'approval-request' });
    } else {
      await self.clients.openWindow('./');
    }
  })());
});
