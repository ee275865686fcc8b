// Benchmark, not a test: Lighthouse 12 with its default mobile emulation (a mid-range phone on slow 4G,
// simulated) on the feed of a signed-in parent, in Debian's Chromium. Prints the scores and the main
// performance figures; exits non-zero when a score is under budget.
// Usage: KRING_URL=http://127.0.0.1:3000 node lighthouse.mjs email password [path, default /]
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

const base = process.env.KRING_URL ?? "http://127.0.0.1:3000";
const [email, password, path = "/"] = process.argv.slice(2);
const BUDGET = { performance: 95, accessibility: 100, "best-practices": 95 };

const login = await fetch(`${base}/api/login`, {
  method: "POST",
  headers: { origin: base, "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams({ email, password }),
  redirect: "manual",
});
const cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
if (!login.ok || !cookie) throw new Error(`login failed: ${login.status}`);

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
    "--disable-quic"],
});
let failed = false;
try {
  const result = await lighthouse(`${base}${path}`, {
    port: chrome.port,
    output: "json",
    logLevel: "error",
    onlyCategories: Object.keys(BUDGET),
    extraHeaders: { Cookie: cookie },
  });
  const { categories, audits } = result.lhr;
  for (const [id, min] of Object.entries(BUDGET)) {
    const score = Math.round(categories[id].score * 100);
    if (score < min) failed = true;
    console.log(`${categories[id].title.padEnd(16)} ${String(score).padStart(3)}  (budget ≥ ${min})${score < min ? "  UNDER BUDGET" : ""}`);
  }
  for (const id of ["first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift", "speed-index", "interactive"]) {
    console.log(`  ${audits[id].title.padEnd(28)} ${audits[id].displayValue}`);
  }
  // Whatever cost points, so the next person knows where to look.
  for (const [id, cat] of Object.entries(categories)) {
    for (const ref of cat.auditRefs) {
      const audit = audits[ref.id];
      if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
        console.log(`  [${id}] ${audit.id}: ${audit.title}${audit.displayValue ? ` (${audit.displayValue})` : ""}`);
      }
    }
  }
} finally {
  await chrome.kill();
}
process.exitCode = failed ? 1 : 0;
