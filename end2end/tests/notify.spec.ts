import "./guard";
import { expect, test } from "@playwright/test";
import { login, mailsTo, ready, shot, watchConsole } from "./helpers";

// A parent changes the notification settings on a phone; the teacher's post then produces exactly the
// e-mails those settings imply: at once for the parent who asked for it, nothing for the parent who
// muted the group, nothing for a parent of another group.
test("preferences decide which e-mails a teacher's post produces", async ({ browser }, testInfo) => {
  const run = `${testInfo.project.name}-${Date.now()}`;
  // Two posts of this run, each with a word of its own (neither contains the other).
  const tag = `musical-${run}`;
  const control = `gymzaal-${run}`;

  const devries = await (await browser.newContext()).newPage();
  const problems = watchConsole(devries, testInfo);
  await login(devries, testInfo, "ouder.devries@example.nl");
  await devries.goto("/meldingen/instellingen");
  await ready(devries, testInfo);
  await expect(devries.getByRole("heading", { name: "Meldingen instellen", level: 1 })).toBeVisible();
  await devries.getByLabel("Meteen").check();
  await devries.getByLabel("Nieuw bericht in een groep: E-mail").check();
  await shot(devries, testInfo, "notify-settings");
  await devries.getByRole("button", { name: "Opslaan" }).click();
  await expect(devries.getByText("Je keuzes zijn opgeslagen.")).toBeVisible();
  await expect(devries.getByLabel("Meteen")).toBeChecked();

  // Jansen wants e-mail at once too, but mutes Groep 5/6.
  const jansen = await (await browser.newContext()).newPage();
  await login(jansen, testInfo, "ouder.jansen@example.nl");
  await jansen.goto("/meldingen/instellingen");
  await ready(jansen, testInfo);
  await jansen.getByLabel("Meteen").check();
  await jansen.getByRole("group", { name: "Groepen stilzetten" }).getByLabel("Groep 5/6").check();
  await jansen.getByRole("button", { name: "Opslaan" }).click();
  await expect(jansen.getByText("Je keuzes zijn opgeslagen.")).toBeVisible();

  const teacher = await (await browser.newContext()).newPage();
  await login(teacher, testInfo, "meester.ahmed@regenboog.example");
  await teacher.goto("/bericht/nieuw");
  await ready(teacher, testInfo);
  const message = `De musical is verplaatst naar dinsdag (${tag}).`;
  await teacher.getByLabel("Bericht", { exact: true }).fill(message);
  await teacher.getByRole("button", { name: "Plaatsen" }).click();
  await expect(teacher).toHaveURL(/\/bericht\/\d+$/);

  // De Vries gets one e-mail at once, with a link to the post and an unsubscribe link.
  await expect.poll(() => mailsTo("ouder.devries@example.nl", tag).length, { timeout: 15_000 }).toBe(1);
  const mail = mailsTo("ouder.devries@example.nl", tag)[0];
  expect(mail).toContain("/bericht/");
  expect(mail).toContain("List-Unsubscribe");

  // Before counting what did not come, make sure the queue is past everything the musical post queued
  // (waiting a fixed time would pass whenever the queue is slow). A positive control that is queued
  // after it: Juf Sanne posts in Groep 3, which Jansen (e-mail at once) has not muted. The runners
  // take jobs in order, and this mail is queued only once the fan-out of Sanne's post ran, after
  // every mail of the musical post was taken; it also shows that Jansen's "at once" works, so her
  // missing musical mail is the mute at work and not a setting that failed.
  const sanne = await (await browser.newContext()).newPage();
  await login(sanne, testInfo, "juf.sanne@regenboog.example");
  await sanne.goto("/bericht/nieuw");
  await ready(sanne, testInfo);
  await sanne.getByLabel("Bericht", { exact: true }).fill(`Morgen gymles in de grote zaal (${control}).`);
  await sanne.getByRole("button", { name: "Plaatsen" }).click();
  await expect(sanne).toHaveURL(/\/bericht\/\d+$/);
  await expect.poll(() => mailsTo("ouder.jansen@example.nl", control).length, { timeout: 15_000 }).toBe(1);
  expect(mailsTo("ouder.jansen@example.nl", tag)).toHaveLength(0);
  expect(mailsTo("ouder.bakker@example.nl", tag)).toHaveLength(0);
  expect(mailsTo("ouder.devries@example.nl", tag)).toHaveLength(1);

  // The bell shows it, and the in-app list has it (for the muted parent too).
  await devries.goto("/");
  await ready(devries, testInfo);
  await devries.locator("a.bell").click();
  await expect(devries).toHaveURL(/\/meldingen$/);
  await expect(devries.locator(".notification", { hasText: tag })).toBeVisible();
  await shot(devries, testInfo, "notify-list");
  await jansen.goto("/meldingen");
  await expect(jansen.locator(".notification", { hasText: tag })).toBeVisible();
  expect(problems).toEqual([]);
});
