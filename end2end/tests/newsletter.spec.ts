import "./guard";
import { expect, test } from "@playwright/test";
import { login, mailsTo, ready, shot, watchConsole } from "./helpers";

// The directie writes a newsletter on a phone with a section and a PDF, previews it (families do not
// see it yet), sends it, and a parent who asked for newsletters by e-mail at once gets exactly one
// e-mail; the parent then finds it in the archive and opens its PDF link.
test("a newsletter is written, previewed, sent and found in the archive", async ({ browser }, testInfo) => {
  const tag = `${testInfo.project.name}-${Date.now()}`;
  const title = `Nieuwsbrief ${tag}`;

  const parent = await (await browser.newContext()).newPage();
  const problems = watchConsole(parent, testInfo);
  await login(parent, testInfo, "ouder.bakker@example.nl");
  await parent.goto("/meldingen/instellingen");
  await ready(parent, testInfo);
  await parent.getByLabel("Meteen").check();
  await parent.getByLabel("Nieuwsbrief: E-mail").check();
  await parent.getByRole("button", { name: "Opslaan" }).click();
  await expect(parent.getByText("Je keuzes zijn opgeslagen.")).toBeVisible();

  const directie = await (await browser.newContext()).newPage();
  await login(directie, testInfo, "directie@regenboog.example");
  await directie.goto("/groepen");
  await ready(directie, testInfo);
  await directie.getByRole("link", { name: /Nieuwsbrieven/ }).click();
  await expect(directie.getByRole("heading", { name: "Nieuwsbrieven", level: 1 })).toBeVisible();
  await ready(directie, testInfo);
  await directie.getByRole("link", { name: "Nieuwe nieuwsbrief" }).click();
  await expect(directie.getByRole("heading", { name: "Nieuwe nieuwsbrief", level: 1 })).toBeVisible();
  await ready(directie, testInfo);
  await directie.getByLabel("Titel").fill(title);
  await directie.getByLabel("Inleiding").fill("Beste ouders, hier is het nieuws van deze week.");
  await directie.getByLabel("Kop van onderdeel 1").fill("Agenda");
  await directie.getByLabel("Tekst van onderdeel 1").fill("- vrijdag: kerstmarkt\n- maandag: studiedag");
  await directie.getByLabel("Kop van onderdeel 2").fill("Uit groep 3");
  await directie.getByLabel("Tekst van onderdeel 2").fill("We leren over de herfst.");
  await directie.getByLabel("Pdf's kiezen").setInputFiles({
    name: "jaarkalender.pdf",
    mimeType: "application/pdf",
    buffer: Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"),
  });
  await shot(directie, testInfo, "newsletter-form");
  await directie.getByRole("button", { name: "Opslaan en voorbeeld bekijken" }).click();
  await expect(directie).toHaveURL(/\/bericht\/\d+$/);
  const url = new URL(directie.url()).pathname;
  await ready(directie, testInfo);
  await expect(directie.getByRole("heading", { name: title, level: 1 })).toBeVisible();
  await expect(directie.getByRole("heading", { name: "Agenda", level: 2 })).toBeVisible();
  await expect(directie.getByRole("link", { name: "jaarkalender.pdf" })).toBeVisible();
  await expect(directie.getByText("Voorbeeld: zo zien ouders deze nieuwsbrief.")).toBeVisible();
  await shot(directie, testInfo, "newsletter-preview");

  // Not sent yet: the parent cannot open it.
  const early = await parent.goto(url);
  expect(early?.status()).toBe(404);

  await directie.getByRole("button", { name: "Nu versturen" }).click();
  await expect(directie.getByRole("heading", { name: "Versturen" })).toHaveCount(0);
  await expect(directie.getByText("Voorbeeld: zo zien ouders")).toHaveCount(0);

  await expect.poll(() => mailsTo("ouder.bakker@example.nl", tag).length, { timeout: 15_000 }).toBe(1);
  const mail = mailsTo("ouder.bakker@example.nl", tag)[0];
  expect(mail).toContain(url);
  expect(mail).not.toContain("/bijlage/");
  await new Promise((r) => setTimeout(r, 1000));
  expect(mailsTo("ouder.bakker@example.nl", tag)).toHaveLength(1);
  expect(mailsTo("ouder.smit@example.nl", tag)).toHaveLength(0);

  await parent.goto("/nieuwsbrieven");
  await ready(parent, testInfo);
  await expect(parent.getByRole("link", { name: "Nieuwe nieuwsbrief" })).toHaveCount(0);
  await shot(parent, testInfo, "newsletter-archive");
  await parent.getByRole("link", { name: new RegExp(title) }).click();
  await expect(parent.getByRole("heading", { name: title, level: 1 })).toBeVisible();
  await ready(parent, testInfo);
  const pdf = parent.getByRole("link", { name: "jaarkalender.pdf" });
  const href = await pdf.getAttribute("href");
  const answer = await parent.request.get(href!);
  expect(answer.status()).toBe(200);
  expect(answer.headers()["content-type"]).toBe("application/pdf");
  await shot(parent, testInfo, "newsletter-read");

  // In the feed it is a card with its title and a link to read it.
  await parent.goto("/");
  await ready(parent, testInfo);
  const card = parent.locator("article", { hasText: title });
  await expect(card.getByText("Nieuwsbrief", { exact: true })).toBeVisible();
  await expect(card.getByRole("link", { name: "Lees de nieuwsbrief" })).toBeVisible();
  expect(problems).toEqual([]);
});
