// The field app's shell, kept for a dead zone: the page opens without the network; what the
// user does meanwhile waits in the page's outbox (IndexedDB) until the network is back.
const SHELL = "field-shell-v3";
const FILES = ["./", "index.html", "app.js", "app.css", "manifest.webmanifest", "icon.svg", "config.json"];
self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});
self.addEventListener("activate", (event) => { event.waitUntil(self.clients.claim()); });
self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || !url.pathname.startsWith("/field/")) return;
  // The network first (a new version wins), the shell when there is none.
  event.respondWith(
    fetch(event.request)
      .then((answer) => { const copy = answer.clone(); caches.open(SHELL).then((c) => c.put(event.request, copy)); return answer; })
      .catch(() => caches.match(event.request))
  );
});
