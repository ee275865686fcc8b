import "./guard";
import { expect, test } from "@playwright/test";
import * as path from "path";
import { login, ready, shot, watchConsole } from "./helpers";

const fixtures = path.join(__dirname, "..", "fixtures");

/** Width and height from a JPEG's start-of-frame marker, read from the bytes the server sent. */
function jpegSize(bytes: Buffer): [number, number] {
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) throw new Error("not a JPEG segment");
    const marker = bytes[i + 1];
    const length = bytes.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xc2) return [bytes.readUInt16BE(i + 7), bytes.readUInt16BE(i + 5)];
    i += 2 + length;
  }
  throw new Error("no frame header");
}

// A teacher posts real JPEG photos (one with GPS EXIF and a rotation) and a video with visible progress; a parent
// of the group sees them upright, without any metadata; a parent of another group gets 404 on the URL.
test("a teacher posts photos that only the group's families can see", async ({ browser }, testInfo) => {
  const js = testInfo.project.name === "js";
  const message = `Foto's van de kinderboerderij (${testInfo.project.name}-${Date.now()})`;

  const teacher = await (await browser.newContext()).newPage();
  const teacherProblems = watchConsole(teacher, testInfo);
  await login(teacher, testInfo, "juf.sanne@regenboog.example");
  await teacher.goto("/bericht/nieuw");
  await ready(teacher, testInfo);
  await teacher.getByLabel("Bericht", { exact: true }).fill(message);
  await teacher.getByLabel("Foto's of video's kiezen").setInputFiles([
    path.join(fixtures, "rotated-gps.jpg"),
    path.join(fixtures, "landscape.jpg"),
    path.join(fixtures, "clip.mp4"),
  ]);
  if (js) {
    // Each file has its own row with a progress bar; both finish before the form can be sent.
    await expect(teacher.locator(".upload")).toHaveCount(3);
    await expect(teacher.locator(".upload progress")).toHaveCount(3);
    await expect(teacher.locator(".upload.done")).toHaveCount(3);
    await expect(teacher.getByText("3 van 3 bestanden geüpload")).toBeVisible();
  }
  await shot(teacher, testInfo, "compose-photos");
  await teacher.getByRole("button", { name: "Plaatsen" }).click();
  await expect(teacher).toHaveURL(/\/bericht\/\d+$/);
  const postUrl = new URL(teacher.url()).pathname;
  // The photos are processed in the background; the post appears with them once they are ready.
  await expect(async () => {
    await teacher.reload();
    await expect(teacher.locator(".gallery img")).toHaveCount(2);
    await expect(teacher.locator(".gallery video")).toHaveCount(1);
  }).toPass({ timeout: 30_000 });
  await shot(teacher, testInfo, "post-photos-teacher");
  expect(teacherProblems).toEqual([]);

  const parentContext = await browser.newContext();
  const parent = await parentContext.newPage();
  const parentProblems = watchConsole(parent, testInfo);
  await login(parent, testInfo, "ouder.bakker@example.nl");
  await expect(parent.locator("article", { hasText: message }).locator(".gallery img")).toHaveCount(3);
  await shot(parent, testInfo, "feed-photos-parent");
  await parent.goto(postUrl);
  await ready(parent, testInfo);
  const images = parent.locator(".gallery img");
  await expect(images).toHaveCount(2);
  const video = parent.locator(".gallery video");
  await expect(video).toHaveCount(1);
  await expect(parent.getByText("Alle rechten op tekst en beeld liggen bij de school")).toBeVisible();
  await shot(parent, testInfo, "post-photos-parent");
  // ... and can comment on them.
  const reaction = `Wat een mooie foto's! (${testInfo.project.name})`;
  await parent.getByLabel("Jouw reactie").fill(reaction);
  await parent.getByRole("button", { name: "Plaats reactie" }).click();
  await expect(parent.locator(".comment", { hasText: reaction })).toBeVisible();
  if (js) {
    // The full-screen viewer: opens on a tap, pages with the arrow keys, closes with Escape.
    await images.first().click();
    const viewer = parent.getByRole("dialog", { name: "Foto 1 van 2" });
    await expect(viewer).toBeVisible();
    await expect(parent.getByRole("button", { name: "Sluiten" })).toBeFocused();
    await shot(parent, testInfo, "viewer");
    await parent.keyboard.press("ArrowRight");
    await expect(parent.getByRole("dialog", { name: "Foto 2 van 2" })).toBeVisible();
    await parent.keyboard.press("Escape");
    await expect(parent.getByRole("dialog")).toHaveCount(0);
  } else {
    // Without JavaScript a photo opens on its own, in full size.
    await expect(images.first().locator("xpath=..")).toHaveAttribute("href", /\/media\/[A-Za-z0-9_-]+\/full$/);
  }
  const src = await images.first().getAttribute("src");
  expect(src).toMatch(/^\/media\/[A-Za-z0-9_-]+\/feed$/);
  const photo = await parent.request.get(src!);
  expect(photo.status()).toBe(200);
  const bytes = await photo.body();
  const [width, height] = jpegSize(bytes);
  expect(height).toBeGreaterThan(width); // turned upright by its EXIF orientation
  for (const canary of ["CANARY-GPS", "CANARY-CAMERA", "CANARY-MAKE", "Exif"]) {
    expect(bytes.includes(Buffer.from(canary))).toBe(false);
  }
  const clip = await parent.request.get((await video.getAttribute("src"))!, { headers: { range: "bytes=0-1023" } });
  expect(clip.status()).toBe(206);
  expect(clip.headers()["content-type"]).toBe("video/mp4");
  expect(parentProblems).toEqual([]);

  const other = await (await browser.newContext()).newPage();
  await login(other, testInfo, "ouder.devries@example.nl");
  expect((await other.request.get(src!)).status()).toBe(404);
  expect((await other.request.get(src!.replace(/feed$/, "full"))).status()).toBe(404);
  await expect(other.getByText(message)).toHaveCount(0);
});
