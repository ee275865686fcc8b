import { defineConfig } from "@playwright/test";

// Kring end-to-end: Debian's Chromium (never a downloaded browser), a phone viewport, and every flow
// twice: with JavaScript (hydrated) and without (server-rendered HTML and plain forms).
const phone = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: "nl-NL",
  baseURL: process.env.KRING_URL ?? "http://127.0.0.1:3210",
  launchOptions: {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  },
};

export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [["list"]],
  outputDir: "test-results",
  projects: [
    { name: "js", use: { ...phone, javaScriptEnabled: true } },
    { name: "nojs", use: { ...phone, javaScriptEnabled: false } },
  ],
});
