// Benchmark, not a test: what a signed-in parent's phone downloads on a first visit to the feed.
// Chromium (Debian's) loads the feed with an empty cache until the app has hydrated; then every file it
// fetched is fetched again the way a browser on HTTPS asks for it (brotli, and gzip for comparison),
// counting the bytes on the wire. Prints one line per file and the totals against the budget.
// Usage: KRING_URL=http://127.0.0.1:3000 node bench/first-load.mjs email password
import { chromium } from "@playwright/test";
import http from "node:http";

const base = process.env.KRING_URL ?? "http://127.0.0.1:3000";
const [email, password] = process.argv.slice(2);
const BUDGET = 250 * 1000;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
});
const context = await browser.newContext({
  baseURL: base, viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
  locale: "nl-NL",
});
const login = await context.request.post("/api/login", { form: { email, password }, headers: { origin: base } });
if (!login.ok()) throw new Error(`login failed: ${login.status()}`);
const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");

const page = await context.newPage();
const pending = [];
page.on("requestfinished", (request) => {
  pending.push(request.sizes().then((sizes) => ({
    url: request.url(), type: request.resourceType(), wire: sizes.responseBodySize + sizes.responseHeadersSize,
  })));
});
await page.goto("/");
await page.waitForSelector("body[data-hydrated=true]", { timeout: 30_000 });
await page.waitForLoadState("networkidle");
const fetched = await Promise.all(pending);
await browser.close();

/** Bytes of the body as sent with `Accept-Encoding: encoding` (not decompressed). */
function bodyBytes(url, encoding) {
  return new Promise((resolve, reject) => {
    http.get(url, { headers: { "accept-encoding": encoding, cookie } }, (res) => {
      let n = 0;
      res.on("data", (chunk) => (n += chunk.length));
      res.on("end", () => resolve({ bytes: n, encoding: res.headers["content-encoding"] ?? "none" }));
    }).on("error", reject);
  });
}

const kind = (f) => {
  const path = new URL(f.url).pathname;
  if (f.type === "document") return "html";
  if (path.endsWith(".wasm")) return "wasm";
  if (path.endsWith(".js")) return "js";
  if (path.endsWith(".css")) return "css";
  return "other";
};
const totals = { br: {}, gzip: {}, chromium: {} };
console.log("file".padEnd(48), "brotli".padStart(9), "gzip".padStart(9), "chromium".padStart(9));
for (const f of fetched) {
  const k = kind(f);
  const br = await bodyBytes(f.url, "br");
  const gz = await bodyBytes(f.url, "gzip");
  for (const [t, n] of [["br", br.bytes], ["gzip", gz.bytes], ["chromium", f.wire]]) totals[t][k] = (totals[t][k] ?? 0) + n;
  const name = `${k} ${new URL(f.url).pathname}`.slice(0, 48);
  console.log(name.padEnd(48), `${br.bytes}`.padStart(9), `${gz.bytes}`.padStart(9), `${f.wire}`.padStart(9),
    br.encoding === "br" ? "" : `(brotli asked, got ${br.encoding})`);
}
const sum = (t) => ["html", "css", "js", "wasm"].reduce((a, k) => a + (t[k] ?? 0), 0);
for (const t of ["br", "gzip", "chromium"]) {
  const parts = ["html", "css", "js", "wasm", "other"].map((k) => `${k} ${((totals[t][k] ?? 0) / 1000).toFixed(1)}`).join(", ");
  console.log(`${t.padEnd(8)} HTML+CSS+JS+WASM: ${(sum(totals[t]) / 1000).toFixed(1)} kB  (${parts} kB)`);
}
const total = sum(totals.br);
console.log(`budget: ${(BUDGET / 1000).toFixed(0)} kB compressed; brotli total ${(total / 1000).toFixed(1)} kB: ${total <= BUDGET ? "within budget" : "OVER BUDGET"}`);
process.exitCode = total <= BUDGET ? 0 : 1;
