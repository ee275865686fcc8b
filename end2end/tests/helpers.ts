import { expect, Page, TestInfo } from "@playwright/test";
import * as fs from "fs";
import * as path from "path";

export const PASSWORD = process.env.KRING_DEMO_PASSWORD ?? "kring-demo";

/** With JavaScript on, prove the islands hydrated and fail on any hydration or island warning or error. */
export function watchConsole(page: Page, testInfo: TestInfo): string[] {
  const problems: string[] = [];
  page.on("console", (msg) => {
    const text = msg.text();
    // A 4xx answer to a form (wrong password) is logged by the browser itself; that is not an app error.
    if (/Failed to load resource: the server responded with a status of 4\d\d/.test(text)) return;
    if (msg.type() === "error" || /hydrat|island/i.test(text)) problems.push(`${msg.type()}: ${text}`);
  });
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
  return problems;
}

export async function ready(page: Page, testInfo: TestInfo) {
  if (testInfo.project.name === "js") {
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  }
}

export async function login(page: Page, testInfo: TestInfo, email: string, password = PASSWORD) {
  await page.goto("/inloggen");
  await ready(page, testInfo);
  await page.getByLabel("E-mailadres").fill(email);
  await page.getByLabel("Wachtwoord").fill(password);
  await page.getByRole("button", { name: "Inloggen" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { name: "Berichten" })).toBeVisible();
}

export async function shot(page: Page, testInfo: TestInfo, name: string) {
  const dir = path.join(__dirname, "..", "screenshots");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${testInfo.project.name}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: "image/png" });
}

function decodeQuotedPrintable(raw: string): string {
  const joined = raw.replace(/=\r?\n/g, "");
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const m = /^=([0-9A-F]{2})/.exec(joined.slice(i, i + 3));
    if (m) {
      bytes.push(parseInt(m[1], 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i], "utf8"));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

/** Waits for the demo's outbox (no SMTP configured) to hold a mail to `to`, and returns its link. */
export async function mailedLink(to: string, pathPart: string): Promise<string> {
  const outbox = process.env.KRING_OUTBOX;
  if (!outbox) throw new Error("KRING_OUTBOX is not set");
  for (let attempt = 0; attempt < 100; attempt++) {
    if (fs.existsSync(outbox)) {
      for (const file of fs.readdirSync(outbox)) {
        const text = decodeQuotedPrintable(fs.readFileSync(path.join(outbox, file), "utf8"));
        if (text.includes(to) && text.includes(pathPart)) {
          const m = new RegExp(`https?://[^\\s"<]*${pathPart.replace(/[?]/g, "\\?")}[^\\s"<]*`).exec(text);
          if (m) return m[0];
        }
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no mail to ${to} with ${pathPart}`);
}

/** The mails in the demo's outbox to `to` whose text contains `needle` (quoted-printable decoded). */
export function mailsTo(to: string, needle: string): string[] {
  const outbox = process.env.KRING_OUTBOX;
  if (!outbox) throw new Error("KRING_OUTBOX is not set");
  if (!fs.existsSync(outbox)) return [];
  return fs
    .readdirSync(outbox)
    .map((file) => decodeQuotedPrintable(fs.readFileSync(path.join(outbox, file), "utf8")))
    .filter((text) => new RegExp(`^To: .*${to.replace(/[.]/g, "\\.")}`, "mi").test(text) && text.includes(needle));
}
