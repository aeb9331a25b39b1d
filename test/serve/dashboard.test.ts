/**
 * The dashboard in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core, as in
 * test/report/chromium.test.ts): the page renders from the service alone (nothing fetched from
 * elsewhere), with no console errors; the live-streams table, the three charts and a user's
 * recommendations with their Q values and features are there. Set LIVEQ_DASHBOARD_SCREENSHOT=/path.png
 * to keep a screenshot.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { FEATURE_COUNT } from "../../src/serve/model/features.js";
import { createServer } from "../../src/serve/server.js";
import type { ServeEventInput } from "../../src/serve/event-schema.js";
import { AUTH, eid, smallConfig, startStreams } from "./helpers.js";

interface DomElement {
  getBoundingClientRect(): { width: number; height: number };
}
declare const document: { querySelectorAll(selector: string): ArrayLike<DomElement> };

const CHROMIUM = "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

test("the dashboard renders in headless Chromium", { timeout: 120_000 }, async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium (apt-get update && apt-get install -y chromium)`);
  const work = mkdtempSync(join(tmpdir(), "liveq-dashboard-"));
  const server = await createServer({ ...smallConfig(join(work, "data")), host: "127.0.0.1", port: 0 }, { warn: () => undefined });
  const context = await chromium.launchPersistentContext(join(work, "profile"), { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1366, height: 900 } });
  try {
    const events: ServeEventInput[] = startStreams(12);
    for (let u = 0; u < 20; u++) {
      events.push({ id: eid(), type: "impression", user: `viewer${u}`, streams: [`s${u % 12}`, `s${(u + 1) % 12}`] });
      events.push({ id: eid(), type: "click", user: `viewer${u}`, stream: `s${u % 12}` });
      events.push({ id: eid(), type: "watch", user: `viewer${u}`, stream: `s${u % 12}`, minutes: 20 });
    }
    const r = await server.app.inject({ method: "POST", url: "/v1/events", headers: AUTH, payload: { events } });
    assert.equal(r.statusCode, 200);
    server.service.timeline.sample();

    const page = context.pages()[0] ?? (await context.newPage());
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("request", (req) => {
      if (!req.url().startsWith(server.url) && !req.url().startsWith("data:")) problems.push(`fetched ${req.url()}`);
    });
    page.on("requestfailed", (req) => problems.push(`request failed: ${req.url()}`));

    await page.goto(`${server.url}/`, { waitUntil: "load" });
    assert.match(await page.title(), /liveq/);
    await page.waitForSelector("body[data-ready=true]", { timeout: 30_000 });

    assert.equal(await page.locator("#live-table tbody tr").count(), 12, "one row per live stream");
    assert.equal(await page.locator("#c-live").textContent(), "12");
    await page.waitForFunction(() => document.querySelectorAll("#rec-table tbody tr").length === 10, undefined, { timeout: 30_000 });
    const firstQ = await page.locator("#rec-table tbody tr").first().locator("td").nth(4).textContent();
    assert.ok(Number.isFinite(Number(firstQ)), `a Q value is shown (${firstQ})`);
    assert.equal(await page.locator("#feature-table tbody tr").count(), FEATURE_COUNT, "every feature is shown");

    const charts = await page.$$eval(".chart canvas", (canvases: DomElement[]) => canvases.map((c) => c.getBoundingClientRect()).map((b) => ({ w: b.width, h: b.height })));
    assert.equal(charts.length, 3, "three charts");
    for (const c of charts) assert.ok(c.w > 200 && c.h > 100, `a chart has a real size (${c.w}x${c.h})`);

    // choosing another user shows theirs
    await page.fill("#user-input", "newcomer-42");
    await page.click("#user-form button");
    await page.waitForFunction(() => document.querySelectorAll("#rec-table tbody tr").length === 10);
    assert.match((await page.locator("#user-summary").textContent()) ?? "", /cold start/);

    const shot = join(work, "dashboard.png");
    await page.screenshot({ path: shot, fullPage: true });
    if (process.env.LIVEQ_DASHBOARD_SCREENSHOT) copyFileSync(shot, process.env.LIVEQ_DASHBOARD_SCREENSHOT);
    assert.deepEqual(problems, [], "no console errors, page errors or outside requests");
  } finally {
    await context.close();
    await server.close();
    rmSync(work, { recursive: true, force: true });
  }
});
