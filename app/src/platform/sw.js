// Kring's service worker. It keeps only this build's static files and the offline page; pages,
// server-function answers and photos always come from the network, so nothing personal stays on
// the phone and a lost right to see something counts at once. Filled in by app/src/server/pwa.rs.
const VERSION = "__VERSION__";
const PRECACHE = ["__PRECACHE__"];
const CACHE = "kring-" + VERSION;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      // One missing file must not stop the rest (and the offline page) from being kept.
      Promise.all(PRECACHE.map((url) => cache.add(url).catch(() => undefined))),
    ),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// The page asks a waiting new version to take over once the user chose "vernieuwen".
self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (PRECACHE.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((hit) => hit || fetch(request)));
  } else if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.match("/offline.html")));
  }
});

// A push carries no names or texts (PR-06): only a neutral title and the notification's number.
// The words are fetched from Kring with this person's own session; without a session (logged
// out, or the item is gone) a generic text is shown.
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (e) {
    data = {};
  }
  const generic = { title: data.title || "Kring", body: "", url: "/meldingen" };
  const words = fetch("/api/push_text", {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: new URLSearchParams({ id: String(data.id || "") }),
  })
    .then((r) => (r.ok ? r.json() : generic))
    .catch(() => generic);
  event.waitUntil(
    words.then((w) =>
      self.registration.showNotification(w.title, {
        body: w.body,
        icon: "/icons/icon-192.png",
        badge: "/icons/icon-192.png",
        tag: "kring-" + (data.id || "new"),
        data: { url: w.url || "/meldingen" },
      }),
    ),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  if (url.origin !== self.location.origin) return;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((list) => {
      const open = list.find((c) => "focus" in c);
      if (open) return open.navigate(url.href).then((c) => (c || open).focus());
      return self.clients.openWindow(url.href);
    }),
  );
});

// The browser renewed the subscription: tell Kring the new one (the session cookie goes along).
self.addEventListener("pushsubscriptionchange", (event) => {
  const options = event.oldSubscription && event.oldSubscription.options;
  if (!options) return;
  event.waitUntil(
    self.registration.pushManager.subscribe(options).then((sub) => {
      const json = sub.toJSON();
      return fetch("/api/push_subscribe", {
        method: "POST",
        credentials: "same-origin",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ endpoint: sub.endpoint, p256dh: json.keys.p256dh, auth: json.keys.auth }),
      });
    }),
  );
});
