import "./guard";
import { expect, Page, test, TestInfo } from "@playwright/test";
import { login, mailedLink, PASSWORD, ready, shot, watchConsole } from "./helpers";

// The core loop of the foundation issue: a teacher invites a parent, the parent accepts via the
// e-mailed link, sets a password and sees the teacher's new post; a parent of another group does not,
// while seeing their own group's post on that page.
test("a teacher invites a parent who then reads the teacher's new post; other groups do not", async ({ browser }, testInfo) => {
  const run = `${testInfo.project.name}-${Date.now()}`;
  const message = `Morgen knutselen we met herfstbladeren (${run})`;
  const parentEmail = `ouder.${run}@example.nl`;

  // The teacher posts and invites.
  const teacherContext = await browser.newContext();
  const teacher = await teacherContext.newPage();
  const teacherProblems = watchConsole(teacher, testInfo);
  await login(teacher, testInfo, "juf.sanne@regenboog.example");
  await shot(teacher, testInfo, "feed-teacher");
  await teacher.getByRole("link", { name: "Nieuw bericht" }).first().click();
  await expect(teacher.getByRole("heading", { name: "Nieuw bericht" })).toBeVisible();
  await ready(teacher, testInfo);
  await teacher.getByLabel("Bericht", { exact: true }).fill(message);
  await shot(teacher, testInfo, "compose");
  await teacher.getByRole("button", { name: "Plaatsen" }).click();
  await expect(teacher).toHaveURL(/\/bericht\/\d+$/);
  await expect(teacher.getByText(message)).toBeVisible();
  await shot(teacher, testInfo, "post");

  await teacher.goto("/beheer");
  await ready(teacher, testInfo);
  await teacher.getByRole("link", { name: "OBS De Regenboog" }).first().click();
  await expect(teacher.getByRole("heading", { name: "OBS De Regenboog" })).toBeVisible();
  await teacher.getByRole("link", { name: "Lotte Bakker" }).click();
  await expect(teacher.getByRole("heading", { name: "Lotte Bakker" })).toBeVisible();
  await ready(teacher, testInfo);
  await teacher.getByLabel("Naam", { exact: true }).fill("Rosa Bakker");
  await teacher.getByLabel("E-mailadres").fill(parentEmail);
  await teacher.getByRole("button", { name: "Uitnodiging sturen" }).click();
  await expect(teacher.getByText("De uitnodiging is verstuurd.")).toBeVisible();
  await shot(teacher, testInfo, "pupil-invited");
  expect(teacherProblems).toEqual([]);

  // The parent accepts the invitation from the e-mail.
  const link = await mailedLink(parentEmail, "/uitnodiging?token=");
  const parentContext = await browser.newContext();
  const parent = await parentContext.newPage();
  const parentProblems = watchConsole(parent, testInfo);
  await parent.goto(link);
  await ready(parent, testInfo);
  await expect(parent.getByRole("heading", { name: "Welkom, Rosa Bakker" })).toBeVisible();
  await shot(parent, testInfo, "invitation");
  await parent.getByLabel("Nieuw wachtwoord").fill("een eigen lange zin");
  await parent.getByLabel("Herhaal het wachtwoord").fill("een eigen lange zin");
  await parent.getByRole("button", { name: "Account maken" }).click();
  await expect(parent).toHaveURL(/\/$/);
  await expect(parent.getByText(message)).toBeVisible();
  await shot(parent, testInfo, "feed-new-parent");
  expect(parentProblems).toEqual([]);

  // A parent of Groep 5/6 sees their own group's post but not this one.
  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  const otherProblems = watchConsole(other, testInfo);
  await login(other, testInfo, "ouder.devries@example.nl");
  await expect(other.getByRole("link", { name: "Spreekbeurten" })).toBeVisible();
  await expect(other.getByText(message)).toHaveCount(0);
  await shot(other, testInfo, "feed-other-parent");
  expect(otherProblems).toEqual([]);
});

test("wrong credentials show a Dutch message and reveal nothing", async ({ page }, testInfo) => {
  const problems = watchConsole(page, testInfo);
  await page.goto("/inloggen");
  await ready(page, testInfo);
  await shot(page, testInfo, "login");
  await page.getByLabel("E-mailadres").fill("ouder.bakker@example.nl");
  await page.getByLabel("Wachtwoord").fill("helemaal verkeerd");
  await page.getByRole("button", { name: "Inloggen" }).click();
  await expect(page.getByRole("alert")).toHaveText("Dit e-mailadres en wachtwoord horen niet bij elkaar.");
  await shot(page, testInfo, "login-error");
  expect(problems).toEqual([]);
});

test("a parent with children in two groups reads both and opens a post", async ({ page }, testInfo) => {
  const problems = watchConsole(page, testInfo);
  await login(page, testInfo, "ouder.jansen@example.nl", PASSWORD);
  // Other specs post to these groups too: the seed's posts may be on a later page of the feed.
  for (const title of ["Gymles verplaatst", "Spreekbeurten", "Studiedag 4 december"]) {
    await expect(await inFeed(page, testInfo, title)).toBeVisible();
  }
  await page.getByRole("link", { name: "Groepen" }).click();
  await expect(page.getByRole("link", { name: "Groep 5/6" })).toBeVisible();
  await shot(page, testInfo, "groups");
  await page.getByRole("link", { name: "Groep 5/6" }).click();
  await expect(page.getByRole("heading", { name: "Groep 5/6" })).toBeVisible();
  await expect(page.getByText("Gymles verplaatst")).toHaveCount(0);
  await page.getByRole("link", { name: "Spreekbeurten" }).click();
  await expect(page.getByText("Alle rechten op tekst en beeld liggen bij de school")).toBeVisible();
  await shot(page, testInfo, "post-parent");
  await page.getByRole("link", { name: "Account" }).click();
  await ready(page, testInfo);
  await shot(page, testInfo, "account");
  await page.getByRole("button", { name: "Uitloggen", exact: true }).click();
  await expect(page).toHaveURL(/\/inloggen$/);
  expect(problems).toEqual([]);
});

/** The link to a post in the home feed, following "Oudere berichten" until it shows. */
async function inFeed(page: Page, testInfo: TestInfo, title: string) {
  await page.goto("/");
  await ready(page, testInfo);
  const link = page.getByRole("link", { name: title });
  for (let i = 0; i < 10 && (await link.count()) === 0; i++) {
    const more = page.getByRole("link", { name: "Oudere berichten" });
    if ((await more.count()) === 0) break;
    await more.click();
    await ready(page, testInfo);
  }
  return link;
}
