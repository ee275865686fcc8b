// Issue 20: a school starts on Kring in one sitting. The office (administratie) imports its LAS
// export on a laptop: a file with an error first, then the corrected one, applies it and sees the
// invitations go out; a parent accepts on a phone and reads the class group. With and without
// JavaScript; every run uses its own pupil numbers and addresses.
import "./guard";
import { expect, Page, test, TestInfo } from "@playwright/test";
import { mailedLink, PASSWORD, ready, shot, watchConsole } from "./helpers";

const OFFICE = "administratie@regenboog.example";
const HEADER =
  "leerlingnummer;roepnaam;tussenvoegsel;achternaam;groep;verzorger1_naam;verzorger1_email;verzorger1_telefoon;verzorger2_naam;verzorger2_email;verzorger2_telefoon";

async function signIn(page: Page, testInfo: TestInfo, email: string) {
  await page.goto("/inloggen");
  await ready(page, testInfo);
  await page.getByLabel("E-mailadres").fill(email);
  await page.getByLabel("Wachtwoord").fill(PASSWORD);
  await page.getByRole("button", { name: "Inloggen" }).click();
  await expect(page).toHaveURL(/\/$/);
}

async function upload(page: Page, testInfo: TestInfo, name: string, text: string) {
  await page.getByLabel("Bestand met leerlingen").setInputFiles({
    name,
    mimeType: "text/csv",
    buffer: Buffer.from(text, "utf8"),
  });
  await page.getByRole("button", { name: "Bekijk wat er verandert" }).click();
  await expect(page).toHaveURL(/\/beheer\/import\/\d+$/);
  await ready(page, testInfo);
}

test("the office imports its LAS export, fixes an error, applies, and a parent accepts on a phone", async ({ browser }, testInfo) => {
  const run = `${testInfo.project.name}${Date.now()}`;
  const key = (n: number) => `${run}-${n}`;
  const parentEmail = `ouder.import.${run}@example.nl`;
  const rows = (secondEmail: string) =>
    [
      HEADER,
      `${key(1)};Mirthe;van;Leeuwen;Groep 3;Sophie van Leeuwen;${parentEmail};0612345678;;;`,
      `${key(2)};Bram;;Hendriks;Groep 3;Karin Hendriks;${secondEmail};;;;`,
    ].join("\n") + "\n";

  // The office works on a laptop.
  const office = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  const problems = watchConsole(office, testInfo);
  await signIn(office, testInfo, OFFICE);
  // The administratie reads no posts: its start page is the administration.
  await expect(office.getByRole("link", { name: "OBS De Regenboog" }).first()).toBeVisible();
  await shot(office, testInfo, "import-office-home");
  await office.getByRole("link", { name: "OBS De Regenboog" }).first().click();
  await ready(office, testInfo);
  await office.getByRole("link", { name: "Leerlingen importeren" }).click();
  await expect(office.getByRole("heading", { name: "Importeren uit de leerlingadministratie" })).toBeVisible();
  await ready(office, testInfo);
  await shot(office, testInfo, "import-upload");

  // A first export with a wrong address: only that row is held back, and the page says why.
  await upload(office, testInfo, "leerlingen.csv", rows("karin.hendriks-at-voorbeeld.nl"));
  await expect(office.getByRole("heading", { name: "Regels met fouten" })).toBeVisible();
  await expect(office.getByText(`${key(2)}: verzorger1_email is geen geldig e-mailadres`)).toBeVisible();
  await expect(office.getByRole("row").filter({ hasText: key(1) }).filter({ hasText: "Mirthe van Leeuwen, Groep 3" })).toBeVisible();
  await shot(office, testInfo, "import-preview-errors");

  // Corrected in the LAS and exported again.
  await office.getByRole("link", { name: "Ander bestand kiezen" }).first().click();
  await ready(office, testInfo);
  await upload(office, testInfo, "leerlingen.csv", rows(`karin.${run}@example.nl`));
  await expect(office.getByRole("heading", { name: "Regels met fouten" })).toHaveCount(0);
  await expect(office.getByRole("row").filter({ hasText: key(2) }).filter({ hasText: "Bram Hendriks, Groep 3" })).toBeVisible();
  await shot(office, testInfo, "import-preview");
  await office.getByRole("button", { name: "Toepassen" }).click();
  await expect(office.getByRole("heading", { name: "De import is klaar" })).toBeVisible({ timeout: 20_000 });
  await shot(office, testInfo, "import-applied");
  expect(problems).toEqual([]);

  // The invitation goes out; the parent accepts on a phone and reads the class group.
  const link = await mailedLink(parentEmail, "/uitnodiging?token=");
  const parent = await (await browser.newContext()).newPage();
  await parent.goto(link);
  await ready(parent, testInfo);
  await expect(parent.getByRole("heading", { name: "Welkom, Sophie van Leeuwen" })).toBeVisible();
  await parent.getByLabel("Nieuw wachtwoord").fill("een eigen lange zin");
  await parent.getByLabel("Herhaal het wachtwoord").fill("een eigen lange zin");
  await parent.getByRole("button", { name: "Account maken" }).click();
  await expect(parent).toHaveURL(/\/$/);
  await shot(parent, testInfo, "import-parent-feed");
  // The child's class group and the school group, nothing else.
  await parent.goto("/groepen");
  await ready(parent, testInfo);
  await expect(parent.getByRole("link", { name: /Groep 3/ })).toHaveCount(1);
  await expect(parent.getByRole("link", { name: /Groep 5\/6/ })).toHaveCount(0);
});
