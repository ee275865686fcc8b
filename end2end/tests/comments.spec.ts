import "./guard";
import { expect, Page, test, TestInfo } from "@playwright/test";
import { login, ready, shot, watchConsole } from "./helpers";

async function signedIn(browser: import("@playwright/test").Browser, testInfo: TestInfo, email: string) {
  const page = await (await browser.newContext()).newPage();
  const problems = watchConsole(page, testInfo);
  await login(page, testInfo, email);
  return { page, problems };
}

async function open(page: Page, testInfo: TestInfo, url: string) {
  await page.goto(url);
  await ready(page, testInfo);
}

// A parent of the group comments; the teacher removes another parent's comment with a reason; a parent reports
// the post and the directie finds it in the moderation queue and handles it.
test("families comment, the teacher removes a comment, a report reaches the directie", async ({ browser }, testInfo) => {
  const js = testInfo.project.name === "js";
  const tag = `${testInfo.project.name}-${Date.now()}`;
  const message = `Wie helpt er mee met de kerstmarkt? (${tag})`;

  const teacher = await signedIn(browser, testInfo, "juf.sanne@regenboog.example");
  await open(teacher.page, testInfo, "/bericht/nieuw");
  await teacher.page.getByLabel("Bericht", { exact: true }).fill(message);
  // Comments are on by default for a post to one group.
  await expect(teacher.page.getByLabel("Ouders mogen reageren")).toBeChecked();
  await teacher.page.getByRole("button", { name: "Plaatsen" }).click();
  await expect(teacher.page).toHaveURL(/\/bericht\/\d+$/);
  const postUrl = new URL(teacher.page.url()).pathname;

  const parent = await signedIn(browser, testInfo, "ouder.bakker@example.nl");
  await open(parent.page, testInfo, postUrl);
  const mine = `Ik help graag met de kraam! (${tag})`;
  await parent.page.getByLabel("Jouw reactie").fill(mine);
  await parent.page.getByRole("button", { name: "Plaats reactie" }).click();
  await expect(parent.page.locator(".comment", { hasText: mine })).toBeVisible();
  await expect(parent.page.locator(".comment", { hasText: mine })).toContainText("Tom Bakker");
  if (js) await expect(parent.page.getByLabel("Jouw reactie")).toHaveValue("");
  await shot(parent.page, testInfo, "comments-parent");

  const other = await signedIn(browser, testInfo, "ouder.jansen@example.nl");
  await open(other.page, testInfo, postUrl);
  const unwanted = `Bel me op 06-12345678 (${tag})`;
  await other.page.getByLabel("Jouw reactie").fill(unwanted);
  await other.page.getByRole("button", { name: "Plaats reactie" }).click();
  await expect(other.page.locator(".comment", { hasText: unwanted })).toBeVisible();

  // The teacher removes it, with a reason for the log; it is gone for everyone.
  await open(teacher.page, testInfo, postUrl);
  const row = teacher.page.locator(".comment", { hasText: unwanted });
  await row.getByText("Verwijderen", { exact: true }).click();
  await row.getByLabel("Waarom?").fill(`Telefoonnummer hoort hier niet (${tag})`);
  await shot(teacher.page, testInfo, "comments-remove");
  await row.getByRole("button", { name: "Reactie verwijderen" }).click();
  await expect(teacher.page.locator(".comment", { hasText: unwanted })).toHaveCount(0);
  await expect(teacher.page.locator(".comment", { hasText: mine })).toBeVisible();
  await open(parent.page, testInfo, postUrl);
  await expect(parent.page.locator(".comment", { hasText: mine })).toBeVisible();
  await expect(parent.page.getByText(unwanted)).toHaveCount(0);
  // A placeholder keeps its place (trial finding 10), and its author is told why.
  await expect(parent.page.locator(".comment.removed")).toContainText("Reactie verwijderd door de school");
  await expectNotice(other.page, testInfo, `De school heeft je reactie verwijderd. Reden: Telefoonnummer hoort hier niet (${tag})`);
  await shot(other.page, testInfo, "moderation-notice");

  // The parent reports the post and is told it was received.
  await parent.page.getByRole("link", { name: "Bericht melden" }).click();
  await expect(parent.page).toHaveURL(/\/melden$/);
  await ready(parent.page, testInfo);
  await expect(parent.page.locator(".snapshot")).toContainText(message);
  await parent.page.getByLabel("Er staat een kind op dat er niet op mag").check();
  await parent.page.getByLabel(/Toelichting/).fill(`Mijn dochter staat op de foto (${tag})`);
  await shot(parent.page, testInfo, "report-form");
  await parent.page.getByRole("button", { name: "Melding versturen" }).click();
  await expect(parent.page.getByText("Je melding is ontvangen")).toBeVisible();
  const kept = "Je melding is bekeken: het bericht blijft staan.";
  const keptBefore = await noticeCount(parent.page, testInfo, kept);

  // The directie sees it in the queue, with the snapshot and who reported it, and keeps the post with a note.
  const directie = await signedIn(browser, testInfo, "directie@regenboog.example");
  await open(directie.page, testInfo, "/beheer");
  await directie.page.getByRole("link", { name: "Gemelde berichten bekijken" }).click();
  await expect(directie.page).toHaveURL(/\/moderatie$/);
  await ready(directie.page, testInfo);
  const report = directie.page.locator("article.report", { hasText: message });
  await expect(report).toBeVisible();
  await expect(report).toContainText("Er staat een kind op dat er niet op mag");
  await expect(report).toContainText("door Tom Bakker");
  await expect(report).toContainText(`Mijn dochter staat op de foto (${tag})`);
  await shot(directie.page, testInfo, "moderation-queue");
  await report.getByLabel("Laten staan").check();
  await report.getByLabel("Notitie (waarom)").fill("Besproken met de ouder; foto is vervangen");
  await report.getByRole("button", { name: "Afhandelen" }).click();
  await expect(directie.page.locator("article.report", { hasText: message })).toHaveCount(0);
  await expect(directie.page.locator(".handled")).toContainText("Besproken met de ouder; foto is vervangen");
  // The reporter hears the outcome, not the staff's note.
  await expectNotice(parent.page, testInfo, kept, keptBefore + 1);
  await expect(parent.page.getByText("Besproken met de ouder")).toHaveCount(0);

  for (const who of [teacher, parent, other, directie]) expect(who.problems).toEqual([]);
});

/** The notification list shows `text` once the server's job runner has written it. */
/** With `count`: exactly that many such lines (an outcome line has no tag of its own to find). */
async function expectNotice(page: Page, testInfo: TestInfo, text: string, count?: number) {
  await expect(async () => {
    await open(page, testInfo, "/meldingen");
    if (count === undefined) await expect(page.getByText(text)).toBeVisible({ timeout: 1_000 });
    else await expect(page.getByText(text)).toHaveCount(count, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
}

async function noticeCount(page: Page, testInfo: TestInfo, text: string) {
  await open(page, testInfo, "/meldingen");
  return page.getByText(text).count();
}
