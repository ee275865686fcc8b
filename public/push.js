// Push notifications on this device, for the notification settings page. The browser is asked for
// permission only after a tap on "Meldingen aan", never on page load. The words on the page come
// from the server (translated); this file only wires the buttons.
(function () {
  "use strict";
  const on = document.getElementById("push-on");
  const off = document.getElementById("push-off");
  if (!on || !off) return;
  const show = (state) =>
    document.querySelectorAll("[data-push-state]").forEach((el) => {
      el.hidden = el.dataset.pushState !== state;
    });
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    show("unsupported");
    return;
  }
  show("off");
  const post = (endpoint, data) =>
    fetch("/api/" + endpoint, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams(data),
    }).then((r) => {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r;
    });
  const base64url = (buffer) =>
    btoa(String.fromCharCode(...new Uint8Array(buffer)))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
  const bytes = (text) => {
    const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  };
  const save = (sub) =>
    post("push_subscribe", {
      endpoint: sub.endpoint,
      p256dh: base64url(sub.getKey("p256dh")),
      auth: base64url(sub.getKey("auth")),
    });
  const render = (sub) => {
    const denied = Notification.permission === "denied";
    show(denied ? "denied" : sub ? "on" : "off");
    on.hidden = Boolean(sub) || denied;
    off.hidden = !sub;
  };
  navigator.serviceWorker.ready.then(async (registration) => {
    const current = await registration.pushManager.getSubscription();
    // A visit confirms the subscription, so it is not pruned as stale.
    if (current) await save(current).catch(() => undefined);
    render(current);
    on.addEventListener("click", async () => {
      on.disabled = true;
      try {
        if ((await Notification.requestPermission()) !== "granted") return render(null);
        const key = await post("push_key", {}).then((r) => r.json());
        const sub = await registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: bytes(key),
        });
        await save(sub);
        location.reload();
      } catch (e) {
        render(null);
      } finally {
        on.disabled = false;
      }
    });
    off.addEventListener("click", async () => {
      const sub = await registration.pushManager.getSubscription();
      if (sub) {
        await post("push_unsubscribe", { endpoint: sub.endpoint }).catch(() => undefined);
        await sub.unsubscribe();
      }
      location.reload();
    });
  });
})();
