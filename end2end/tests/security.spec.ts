import "./guard";
import { expect, Page, test } from "@playwright/test";
import { login, mailedLink, mailsTo, ready, shot, watchConsole } from "./helpers";

// Findings of the attack on a running Kring, as a user meets them.

// XS-02: a title that closes <title> and opens a meta refresh stays text. Reached by following a link,
// the page's document.title is the raw name (no "&lt;" shown) and the browser stays on Kring.
test("a hostile post title is shown as text and never redirects", async ({ page }, testInfo) => {
  const problems = watchConsole(page, testInfo);
  const run = `${testInfo.project.name}-${Date.now()}`;
  const hostile = `</title><meta http-equiv="refresh" content="0;url=https://evil.example/"> ${run}`;
  await login(page, testInfo, "juf.sanne@regenboog.example");
  await page.getByRole("link", { name: "Nieuw bericht" }).first().click();
  await ready(page, testInfo);
  await page.getByLabel("Titel (mag leeg)").fill(hostile);
  await page.getByLabel("Bericht", { exact: true }).fill(`Gewoon een bericht (${run})`);
  await page.getByRole("button", { name: "Plaatsen" }).click();
  await expect(page).toHaveURL(/\/bericht\/\d+$/);
  const postUrl = page.url();
  await page.goto("/");
  await ready(page, testInfo);
  // A long word wraps: the page never grows wider than the phone (the bottom menu stays reachable).
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.getByRole("link", { name: hostile }).first().click();
  await expect(page).toHaveURL(postUrl);
  expect(await page.title()).toBe(`${hostile} · Kring`);
  expect(await page.title()).not.toContain("&lt;");
  await expect(page.locator('head meta[http-equiv="refresh"]')).toHaveCount(0);
  await page.waitForTimeout(1500);
  expect(page.url()).toBe(postUrl);
  await shot(page, testInfo, "hostile-title");
  expect(problems).toEqual([]);
});

// AC-06: an address that already has an account is invited, never linked at once; its owner accepts
// with the account's own password and then sees the second child's group.
test("an existing account accepts a second child's invitation with its own password", async ({ browser }, testInfo) => {
  const run = `${testInfo.project.name}-${Date.now()}`;
  const email = `ouder.twee.${run}@example.nl`;
  const password = "een eigen lange zin";
  const directie = await (await browser.newContext()).newPage();
  const problems = watchConsole(directie, testInfo);
  await login(directie, testInfo, "directie@regenboog.example");
  const invite = async (child: string) => {
    await directie.goto("/beheer");
    await ready(directie, testInfo);
    await directie.getByRole("link", { name: "OBS De Regenboog" }).first().click();
    await directie.getByRole("link", { name: child }).click();
    await expect(directie.getByRole("heading", { name: child })).toBeVisible();
    await ready(directie, testInfo);
    await directie.getByLabel("Naam", { exact: true }).fill("Kim Twee");
    await directie.getByLabel("E-mailadres").fill(email);
    await directie.getByRole("button", { name: "Uitnodiging sturen" }).click();
    await expect(directie.getByText("De uitnodiging is verstuurd.")).toBeVisible();
  };

  // First child: a new account.
  await invite("Lotte Bakker");
  const parent = await (await browser.newContext()).newPage();
  const parentProblems = watchConsole(parent, testInfo);
  await parent.goto(await mailedLink(email, "/uitnodiging?token="));
  await ready(parent, testInfo);
  await parent.getByLabel("Nieuw wachtwoord").fill(password);
  await parent.getByLabel("Herhaal het wachtwoord").fill(password);
  await parent.getByRole("button", { name: "Account maken" }).click();
  await expect(parent).toHaveURL(/\/$/);
  // Whether Sam's group is readable shows on the groups page (the feed may be long by now).
  const groupOfSam = async (page: Page) => {
    await page.goto("/groepen");
    await ready(page, testInfo);
    return page.getByRole("link", { name: "Groep 5/6" });
  };
  await expect(await groupOfSam(parent)).toHaveCount(0);

  // Second child: the same address, now with an account. Nothing changes before acceptance.
  await invite("Sam de Vries");
  await shot(directie, testInfo, "invited-existing");
  await expect(await groupOfSam(parent)).toHaveCount(0);
  let mails: string[] = [];
  for (let i = 0; i < 100 && mails.length < 2; i++) {
    mails = mailsTo(email, "/uitnodiging?token=");
    await parent.waitForTimeout(100);
  }
  expect(mails.length).toBe(2);
  const second = /https?:\/\/[^\s"<]*\/uitnodiging\?token=[^\s"<]*/.exec(
    mails.find((m) => m.includes("al een account")) ?? "",
  );
  expect(second).not.toBeNull();
  const guest = await (await browser.newContext()).newPage();
  await guest.goto(second![0]);
  await ready(guest, testInfo);
  await expect(guest.getByText("Je hebt al een account")).toBeVisible();
  await shot(guest, testInfo, "invitation-existing");
  await guest.getByLabel("Wachtwoord").fill("niet mijn wachtwoord");
  await guest.getByRole("button", { name: "Uitnodiging accepteren" }).click();
  await expect(guest.getByRole("alert")).toHaveText("Dit e-mailadres en wachtwoord horen niet bij elkaar.");
  await guest.getByLabel("Wachtwoord").fill(password);
  await guest.getByRole("button", { name: "Uitnodiging accepteren" }).click();
  await expect(guest).toHaveURL(/\/$/);
  await expect(await groupOfSam(guest)).toBeVisible();
  expect(problems).toEqual([]);
  expect(parentProblems).toEqual([]);
});
