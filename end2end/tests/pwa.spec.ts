import "./guard";
import { Browser, chromium, expect, Page, test, TestInfo } from "@playwright/test";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { login, ready, shot, watchConsole } from "./helpers";

// The files the service worker may keep: this build's hashed files, icons, the manifest and the offline page.
const STATIC = /^\/(pkg\/kring\.[0-9A-Za-z_-]+\.(js|wasm|css)|offline\.(html|css)|favicon\.svg|manifest\.webmanifest|icons\/[a-z0-9-]+\.png)$/;

const fixtures = path.join(__dirname, "..", "fixtures");

/** Everything in the site's caches: each entry's path, content type and, for HTML, its text. */
async function cached(page: Page): Promise<{ path: string; type: string; html: string }[]> {
  return page.evaluate(async () => {
    const out: { path: string; type: string; html: string }[] = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) {
        const response = await cache.match(request);
        const type = response?.headers.get("content-type") ?? "";
        const html = response && type.startsWith("text/html") ? await response.text() : "";
        out.push({ path: new URL(request.url).pathname, type, html });
      }
    }
    return out;
  });
}

async function cachedPaths(page: Page): Promise<string[]> {
  return (await cached(page)).map((e) => e.path);
}

/** Juf Sanne posts one photo to Groep 3 and waits until it is processed; answers the post's path. */
async function postPhoto(browser: Browser, testInfo: TestInfo, message: string): Promise<string> {
  const context = await browser.newContext();
  const teacher = await context.newPage();
  await login(teacher, testInfo, "juf.sanne@regenboog.example");
  await teacher.goto("/bericht/nieuw");
  await ready(teacher, testInfo);
  await teacher.getByLabel("Bericht", { exact: true }).fill(message);
  await teacher.getByLabel("Foto's of video's kiezen").setInputFiles(path.join(fixtures, "landscape.jpg"));
  await expect(teacher.locator(".upload.done")).toHaveCount(1);
  await teacher.getByRole("button", { name: "Plaatsen" }).click();
  await expect(teacher).toHaveURL(/\/bericht\/\d+$/);
  const post = new URL(teacher.url()).pathname;
  await expect(async () => {
    await teacher.reload();
    await expect(teacher.locator(".gallery img")).toHaveCount(1);
  }).toPass({ timeout: 30_000 });
  await context.close();
  return post;
}

// Installable (Chromium's own check), works offline with the offline page, keeps nothing personal (LD-03),
// and logging out tells the browser to forget the site's caches and storage.
test("Kring installs as an app and keeps nothing personal on the phone", async ({ browser }, testInfo) => {
  test.skip(testInfo.project.name !== "js", "a service worker needs JavaScript");
  // The photo this test browses is its own: the demo school has none, and other specs may not have run.
  const message = `Foto van het schoolplein (pwa-${Date.now()})`;
  const post = await postPhoto(browser, testInfo, message);
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

  // Browse a little (the post with its photo, opened in the viewer) with the service worker in
  // between, then look at everything it stored. The page must be controlled by the worker while the
  // photo loads, or a worker that kept photos would never have seen one.
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  const photos: string[] = [];
  page.on("response", (r) => {
    const p = new URL(r.url()).pathname;
    if (p.startsWith("/media/") && r.status() === 200) photos.push(p);
  });
  await page.goto(post);
  await ready(page, testInfo);
  await expect(page.getByText(message)).toBeVisible();
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  const img = page.locator(".gallery img");
  await expect(img).toHaveCount(1);
  await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0)).toBe(true);
  const src = (await img.getAttribute("src"))!;
  expect(src).toMatch(/^\/media\/[A-Za-z0-9_-]+\/feed$/);
  await img.click();
  const viewer = page.getByRole("dialog", { name: "Foto 1 van 1" });
  await expect(viewer).toBeVisible();
  await expect
    .poll(() => viewer.locator("img").evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0))
    .toBe(true);
  await page.keyboard.press("Escape");
  // The full size too, fetched by the page (through the worker) as a download would.
  const full = src.replace(/feed$/, "full");
  expect(await page.evaluate(async (url) => (await fetch(url)).status, full)).toBe(200);
  expect(photos).toEqual(expect.arrayContaining([src, full]));
  await page.goto("/groepen");
  await ready(page, testInfo);
  await expect.poll(async () => (await cachedPaths(page)).some((p) => p === "/offline.html")).toBe(true);
  const entries = await cached(page);
  expect(entries.filter((e) => e.path.startsWith("/media/") || e.type.startsWith("image/jpeg"))).toEqual([]);
  for (const entry of entries) {
    expect(entry.path).toMatch(STATIC);
    // The offline page is the one HTML kept; nothing of the post, the parent or the child is in it.
    for (const personal of [message, "Tom Bakker", "Lotte", "Juf Sanne", "Sanne Visser"]) {
      expect(entry.html).not.toContain(personal);
    }
  }

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
