import "./guard";
import { chromium, expect, test } from "@playwright/test";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { login, ready, shot, watchConsole } from "./helpers";

// The files the service worker may keep: this build's hashed files, icons, the manifest and the offline page.
const STATIC = /^\/(pkg\/kring\.[0-9A-Za-z_-]+\.(js|wasm|css)|offline\.(html|css)|favicon\.svg|manifest\.webmanifest|icons\/[a-z0-9-]+\.png)$/;

async function cachedPaths(page: import("@playwright/test").Page): Promise<string[]> {
  return page.evaluate(async () => {
    const out: string[] = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) out.push(new URL(request.url).pathname);
    }
    return out;
  });
}

// Installable (Chromium's own check), works offline with the offline page, keeps nothing personal (LD-03),
// and logging out tells the browser to forget the site's caches and storage.
test("Kring installs as an app and keeps nothing personal on the phone", async ({}, testInfo) => {
  test.skip(testInfo.project.name !== "js", "a service worker needs JavaScript");
  // A real profile: Chromium never offers to install from an incognito context (Playwright's default).
  const use = testInfo.project.use;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "kring-pwa-"));
  const context = await chromium.launchPersistentContext(profile, {
    ...use.launchOptions,
    viewport: use.viewport,
    deviceScaleFactor: use.deviceScaleFactor,
    isMobile: use.isMobile,
    hasTouch: use.hasTouch,
    locale: use.locale,
    baseURL: use.baseURL,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems = watchConsole(page, testInfo);
  await login(page, testInfo, "ouder.bakker@example.nl");
  await page.goto("/");
  await ready(page, testInfo);
  await page.evaluate(() => navigator.serviceWorker.ready);
  const cdp = await context.newCDPSession(page);
  const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
  expect(installabilityErrors).toEqual([]);
  const { url, errors } = await cdp.send("Page.getAppManifest");
  expect(url).toMatch(/\/manifest\.webmanifest$/);
  expect(errors).toEqual([]);

  // LD-03: hashed build files are kept for a year, pages never.
  const wasm = await page.evaluate(() =>
    performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname).find((p) => p.endsWith(".wasm")),
  );
  expect(wasm).toMatch(/^\/pkg\/kring\.[0-9A-Za-z_-]+\.wasm$/);
  expect((await page.request.get(wasm!)).headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
  expect((await page.request.get("/")).headers()["cache-control"]).toBe("private, no-store");
  expect((await page.request.get("/sw.js")).headers()["cache-control"]).toBe("no-cache");

  // Browse a little (a post with its photos), then look at everything the service worker stored.
  await page.goto("/groepen");
  await ready(page, testInfo);
  await expect.poll(async () => (await cachedPaths(page)).some((p) => p === "/offline.html")).toBe(true);
  for (const path of await cachedPaths(page)) expect(path).toMatch(STATIC);

  // Without a network, a page shows the offline page instead of the browser's error.
  await context.setOffline(true);
  await page.goto("/groepen").catch(() => undefined);
  await expect(page.getByRole("heading", { name: "Geen verbinding" })).toBeVisible();
  await shot(page, testInfo, "offline");
  await context.setOffline(false);
  // The browser reports the cut itself; that is the point of this step, not a problem.
  problems.splice(0, problems.length, ...problems.filter((p) => !p.includes("ERR_INTERNET_DISCONNECTED")));

  // Logging out sends Clear-Site-Data.
  await page.goto("/account");
  await ready(page, testInfo);
  const logout = page.waitForResponse((r) => r.url().includes("/api/logout"));
  await page.getByRole("button", { name: "Uitloggen", exact: true }).click();
  expect((await (await logout).allHeaders())["clear-site-data"]).toBe('"cache", "storage"');
  await expect(page).toHaveURL(/\/inloggen/);
  expect(problems).toEqual([]);
  await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
});
