import "./guard";
import AxeBuilder from "@axe-core/playwright";
import { Browser, expect, Page, test, TestInfo } from "@playwright/test";
import { login, ready, watchConsole } from "./helpers";

// Accessibility of every main page, for each kind of user, with JavaScript on and off: axe-core finds
// no violation (WCAG 2.1 A/AA and axe's best practices) in light and in dark mode, and the page reflows
// without sideways scrolling at 320 CSS pixels wide (what 200 % zoom leaves of a small phone, and 400 %
// of a laptop).

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

// Every finding of one run, so that a failure lists all of them at once.
const findings: object[] = [];

async function checkPage(page: Page, testInfo: TestInfo, label: string) {
  await ready(page, testInfo);
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
    for (const v of violations) {
      findings.push({ page: label, colorScheme, rule: v.id, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5) });
    }
  }
  await page.emulateMedia({ colorScheme: "light" });
  // Reflow: nothing wider than the screen at 320 CSS pixels.
  const size = page.viewportSize()!;
  await page.setViewportSize({ width: 320, height: 640 });
  const overflow = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll("body *")]
      .filter((e) => {
        const r = e.getBoundingClientRect();
        // Scroll containers (tables) may scroll on their own; their contents are not the page's.
        return r.width > 0 && r.right > width + 1 && !e.closest(".table-scroll");
      })
      .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")}`);
    return { scroll: document.documentElement.scrollWidth - width, wide: wide.slice(0, 5) };
  });
  if (overflow.scroll > 0 || overflow.wide.length > 0) findings.push({ page: label, reflow: overflow });
  await page.setViewportSize(size);
}

async function signedIn(browser: Browser, testInfo: TestInfo, email: string) {
  const page = await (await browser.newContext()).newPage();
  const problems = watchConsole(page, testInfo);
  await login(page, testInfo, email);
  return { page, problems };
}

async function visit(page: Page, testInfo: TestInfo, url: string, label = url) {
  await page.goto(url);
  await checkPage(page, testInfo, label);
}

test("every main page passes axe-core, in dark mode too, and reflows at 320 px", async ({ browser, page }, testInfo) => {
  // axe-core and the layout measurements run as JavaScript in the page; without it the server sends
  // the same HTML (only the islands are missing), so the JS project covers both.
  test.skip(testInfo.project.name !== "js", "axe-core runs as JavaScript in the page");
  test.setTimeout(180_000);
  const problems = watchConsole(page, testInfo);
  await visit(page, testInfo, "/inloggen");
  await visit(page, testInfo, "/wachtwoord-vergeten");

  const parent = await signedIn(browser, testInfo, "ouder.jansen@example.nl");
  await visit(parent.page, testInfo, "/", "feed");
  const post = await parent.page.locator('a[href^="/bericht/"]').first().getAttribute("href");
  expect(post).toMatch(/^\/bericht\/\d+$/);
  await visit(parent.page, testInfo, post!, "post");
  await visit(parent.page, testInfo, `${post}/melden`, "report");
  await visit(parent.page, testInfo, "/groepen", "groups");
  await parent.page.getByRole("link", { name: "Groep 3" }).first().click();
  await checkPage(parent.page, testInfo, "group");
  await visit(parent.page, testInfo, "/mijn-kind", "album");
  await visit(parent.page, testInfo, "/toestemming", "my consent");
  await visit(parent.page, testInfo, "/account", "settings");
  await visit(parent.page, testInfo, "/meldingen", "notifications");
  await visit(parent.page, testInfo, "/meldingen/instellingen", "notification settings");
  await visit(parent.page, testInfo, "/nieuwsbrieven", "newsletters");
  await visit(parent.page, testInfo, "/afmelden?u=1&t=00", "unsubscribe");

  const teacher = await signedIn(browser, testInfo, "juf.sanne@regenboog.example");
  await visit(teacher.page, testInfo, "/bericht/nieuw", "composer");
  await visit(teacher.page, testInfo, "/groepen", "teacher groups");
  await teacher.page.getByRole("link", { name: "Groep 3" }).first().click();
  await teacher.page.getByRole("link", { name: "Wie mag op de foto?" }).click();
  await checkPage(teacher.page, testInfo, "group consent overview");

  const directie = await signedIn(browser, testInfo, "directie@regenboog.example");
  await visit(directie.page, testInfo, "/beheer", "admin");
  await visit(directie.page, testInfo, "/moderatie", "moderation");
  await visit(directie.page, testInfo, "/nieuwsbrief/nieuw", "newsletter form");
  await directie.page.goto("/beheer");
  await directie.page.getByRole("link", { name: "OBS De Regenboog" }).first().click();
  await checkPage(directie.page, testInfo, "school");
  await directie.page.locator('a[href^="/beheer/leerling/"]').first().click();
  await checkPage(directie.page, testInfo, "pupil");
  await directie.page.goBack();
  await directie.page.getByRole("link", { name: "Toestemming" }).click();
  await checkPage(directie.page, testInfo, "consent round");

  expect(findings).toEqual([]);
  for (const p of [problems, parent.problems, teacher.problems, directie.problems]) expect(p).toEqual([]);
});

/** Presses Tab until `target` has the focus (at most `max` times): only the keyboard moves. */
async function tabTo(page: Page, target: import("@playwright/test").Locator, max = 40) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    if (await target.evaluate((e) => e === document.activeElement).catch(() => false)) return;
  }
  throw new Error(`Tab never reached ${target}`);
}

// Keyboard only: sign in, skip to the content, post a message, and find it, without a mouse.
test("a teacher signs in and posts with the keyboard only", async ({ page }, testInfo) => {
  const problems = watchConsole(page, testInfo);
  await page.goto("/inloggen");
  await ready(page, testInfo);
  await tabTo(page, page.getByLabel("E-mailadres"));
  await page.keyboard.type("juf.sanne@regenboog.example");
  await tabTo(page, page.getByLabel("Wachtwoord"));
  await page.keyboard.type("kring-demo");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Berichten" })).toBeVisible();
  await ready(page, testInfo);

  // The first Tab reaches the skip link, which lands on the main content.
  await page.keyboard.press("Tab");
  const skip = page.locator("a.skip");
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();

  await tabTo(page, page.getByRole("link", { name: "Nieuw bericht" }).first());
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/bericht\/nieuw/);
  await ready(page, testInfo);
  const text = `Toetsenbord ${testInfo.project.name} ${Date.now()}`;
  await tabTo(page, page.getByLabel("Bericht", { exact: true }));
  await page.keyboard.type(text);
  await tabTo(page, page.getByRole("button", { name: "Plaatsen" }));
  await page.keyboard.press("Enter");
  await expect(page.getByText(text)).toBeVisible();
  // The focus ring is visible wherever the keyboard is.
  await tabTo(page, page.getByRole("link", { name: "Groepen" }).first());
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
  expect(outline).toBe("solid");
  expect(problems).toEqual([]);
});

// With reduced motion asked for, nothing on the page animates or slides.
test("reduced motion switches transitions and animations off", async ({ page }, testInfo) => {
  await page.emulateMedia({ reducedMotion: "reduce" });
  await login(page, testInfo, "ouder.bakker@example.nl");
  const moving = await page.evaluate(() =>
    [...document.querySelectorAll("*")]
      .map((e) => getComputedStyle(e))
      .filter((s) => parseFloat(s.transitionDuration) > 0 || (s.animationName !== "none" && parseFloat(s.animationDuration) > 0))
      .length,
  );
  expect(moving).toBe(0);
});
