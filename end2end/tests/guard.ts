// Imported by every spec: any console error (a script error, a failed hydration) or Content
// Security Policy violation in any page of a test fails that test. An init script turns each
// `securitypolicyviolation` event into a console error, so inline styles or scripts that the
// CSP blocks cannot pass unnoticed.
import { BrowserContext, expect, test } from "@playwright/test";

const problems: string[] = [];
const REPORT_VIOLATIONS = `document.addEventListener("securitypolicyviolation", (e) =>
  console.error("CSP violation: " + e.violatedDirective + " " + (e.blockedURI || "") + " " + (e.sample || "")));`;
const armed = new WeakSet<BrowserContext>();

async function arm(context: BrowserContext) {
  if (armed.has(context)) return;
  armed.add(context);
  await context.addInitScript({ content: REPORT_VIOLATIONS });
  context.on("console", (msg) => {
    // A 4xx answer to a form (a wrong password) is logged by the browser itself; not an app error.
    if (/Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text())) return;
    if (msg.type() === "error") problems.push(msg.text());
  });
  context.on("weberror", (e) => problems.push(`pageerror: ${e.error().message}`));
}

test.beforeEach(async ({ context, browser }) => {
  problems.length = 0;
  await arm(context);
  const b = browser as unknown as { __armed?: boolean; newContext: typeof browser.newContext };
  if (!b.__armed) {
    b.__armed = true;
    const original = browser.newContext.bind(browser);
    b.newContext = async (...args: Parameters<typeof browser.newContext>) => {
      const context = await original(...args);
      await arm(context);
      return context;
    };
  }
});

test.afterEach(() => {
  expect(problems, "console errors and CSP violations in the browser").toEqual([]);
});
