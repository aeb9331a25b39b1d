/**
 * Opens the rendered report in headless Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core) and checks that a person would see it: no console errors, nothing fetched from
 * outside, every plot drawn with a real size, the table visible and fitting a laptop screen, text
 * set in the font the charts were laid out for, and every standalone SVG file parsing as SVG.
 * Set LIVEQ_REPORT_SCREENSHOT=/path.png to keep the full-page screenshot.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { renderComparisonReport } from "../../src/report/render.js";
import { arialTextWidth } from "../../src/report/charts/textWidth.js";
import { sampleReportData } from "./sampleData.js";

// The checks below partly run inside the page. This project compiles without the DOM library, so
// the few browser APIs they use are declared here, as narrowly as they are used.
interface Box {
  width: number;
  height: number;
}
interface DomElement {
  textContent: string | null;
  parentElement: DomElement;
  localName: string;
  namespaceURI: string | null;
  scrollWidth: number;
  clientWidth: number;
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  getElementsByTagName(name: string): ArrayLike<DomElement>;
  getBoundingClientRect(): Box;
  getBBox(): Box;
  getComputedTextLength(): number;
}
interface DomDocument {
  documentElement: DomElement;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  getElementsByTagName(name: string): ArrayLike<DomElement>;
}
declare const document: DomDocument;
declare const window: { innerWidth: number };
declare const DOMParser: new () => { parseFromString(text: string, type: string): DomDocument };
declare function getComputedStyle(element: DomElement): { fontWeight: string };

const CHROMIUM = "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

test("the report renders in headless Chromium", { timeout: 120_000 }, async (t) => {
  assert.ok(
    existsSync(CHROMIUM),
    `${CHROMIUM} is missing: install Debian's chromium (apt-get update && apt-get install -y chromium); CI installs it in .ci/run`,
  );
  const work = mkdtempSync(join(tmpdir(), "liveq-chromium-"));
  const data = sampleReportData();
  const report = await renderComparisonReport(data, { outDir: join(work, "report") });

  // playwright refuses --user-data-dir in args; a persistent context on a fresh temp dir is the same thing.
  const context = await chromium.launchPersistentContext(join(work, "profile"), {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1366, height: 900 },
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("request", (r) => {
      if (!r.url().startsWith("file:")) problems.push(`fetched ${r.url()}`);
    });
    page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));

    await page.goto(pathToFileURL(report.indexHtml).href, { waitUntil: "load" });
    assert.equal(await page.title(), data.title);

    // Every plot is there, with a real size, and its marks are drawn.
    const plots = await page.$$eval("figure.chart > svg", (svgs: DomElement[]) =>
      svgs.map((svg) => {
        const r = svg.getBoundingClientRect();
        const marks = Array.from(svg.querySelectorAll('[aria-roledescription="bar"], [aria-roledescription="line mark"]')).map((m) => m.getBBox());
        return { label: svg.parentElement!.getAttribute("aria-label")!, width: r.width, height: r.height, marks: marks.length, emptyMarks: marks.filter((b) => b.width <= 0 && b.height <= 0).length };
      }),
    );
    assert.equal(plots.length, data.metrics.length + 4, "one plot per metric and per curve series");
    for (const p of plots) {
      assert.ok(p.width > 200 && p.height > 150, `${p.label} has a real size: ${p.width}x${p.height}`);
      assert.ok(p.marks > 0, `${p.label} draws marks`);
      assert.equal(p.emptyMarks, 0, `${p.label}: every mark has a size`);
    }

    // The table and the summary are visible; the best of a row is bold; nothing overflows a laptop screen.
    const table = page.locator("table.results");
    assert.ok(await table.isVisible(), "results table visible");
    assert.equal(await table.locator("tbody tr").count(), data.metrics.length);
    const bestWeight = await table.locator("td.best").first().evaluate((td: DomElement) => getComputedStyle(td).fontWeight);
    assert.ok(Number(bestWeight) >= 700, `best cells are bold (${bestWeight})`);
    assert.ok(await page.getByText("so this is a clear win", { exact: false }).isVisible(), "summary visible");
    const fit = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      viewport: window.innerWidth,
      table: document.querySelector("table.results")!.scrollWidth,
      wrap: document.querySelector(".table-wrap")!.clientWidth,
    }));
    assert.ok(fit.page <= fit.viewport, `no horizontal scrolling at 1366 px (${fit.page} > ${fit.viewport})`);
    assert.ok(fit.table <= fit.wrap, `the table fits its card (${fit.table} > ${fit.wrap})`);

    // Text is set in the Arial-metric font the charts were laid out for, not a fallback.
    const cdp = await context.newCDPSession(page);
    await cdp.send("DOM.enable");
    await cdp.send("CSS.enable");
    const { root } = await cdp.send("DOM.getDocument", { depth: -1 });
    for (const selector of ["h1", "figure.chart svg text"]) {
      const { nodeId } = await cdp.send("DOM.querySelector", { nodeId: root.nodeId, selector });
      const { fonts } = await cdp.send("CSS.getPlatformFontsForNode", { nodeId });
      const used = fonts.map((f) => f.familyName);
      t.diagnostic(`${selector} renders in ${used.join(", ")}`);
      assert.ok(used.some((f) => f === "Liberation Sans" || f === "Arial"), `${selector} renders in Liberation Sans or Arial, got ${used.join(", ")} (install fonts-liberation)`);
    }
    const texts = await page.$$eval("figure.chart svg text", (els: DomElement[]) =>
      els
        .map((el) => ({ text: el.textContent ?? "", fontSize: Number(el.getAttribute("font-size")?.replace("px", "") ?? 11), fontWeight: el.getAttribute("font-weight") ?? undefined, width: el.getComputedTextLength() }))
        .filter((x) => x.text.trim().length >= 3),
    );
    const ratios = texts.map((x) => x.width / arialTextWidth({ fontSize: x.fontSize, fontWeight: x.fontWeight }, x.text)).sort((a, b) => a - b);
    const median = ratios[Math.floor(ratios.length / 2)]!;
    t.diagnostic(`${texts.length} chart labels: Chromium width / laid-out width median ${median.toFixed(3)}, range ${ratios[0]!.toFixed(3)}..${ratios.at(-1)!.toFixed(3)}`);
    assert.ok(median > 0.97 && median < 1.03, `laid-out text widths match Chromium's (median ratio ${median})`);
    assert.ok(ratios[0]! > 0.85 && ratios.at(-1)! < 1.15, `no label is far off (${ratios[0]}..${ratios.at(-1)})`);

    // Every standalone SVG file parses as SVG and holds its marks.
    for (const file of report.svgFiles) {
      const parsed = await page.evaluate((text) => {
        const doc = new DOMParser().parseFromString(text, "image/svg+xml");
        return {
          root: doc.documentElement.localName,
          ns: doc.documentElement.namespaceURI,
          errors: doc.getElementsByTagName("parsererror").length,
          marks: doc.querySelectorAll('[aria-roledescription="bar"], [aria-roledescription="line mark"]').length,
        };
      }, readFileSync(file, "utf8"));
      assert.deepEqual({ root: parsed.root, ns: parsed.ns, errors: parsed.errors }, { root: "svg", ns: "http://www.w3.org/2000/svg", errors: 0 }, file);
      assert.ok(parsed.marks > 0, `${file} has marks`);
    }

    const shot = join(work, "report.png");
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok(statSync(shot).size > 50_000, "the screenshot shows something");
    if (process.env.LIVEQ_REPORT_SCREENSHOT) copyFileSync(shot, process.env.LIVEQ_REPORT_SCREENSHOT);
    t.diagnostic(`screenshot: ${process.env.LIVEQ_REPORT_SCREENSHOT ?? "(set LIVEQ_REPORT_SCREENSHOT to keep it)"}`);

    // A standalone SVG opens on its own too.
    await page.goto(pathToFileURL(report.svgFiles[0]!).href);
    const size = await page.$eval("svg", (svg: DomElement) => svg.getBoundingClientRect().width * svg.getBoundingClientRect().height);
    assert.ok(size > 10_000, "standalone SVG has a size");

    assert.deepEqual(problems, [], "no console errors, page errors or outside requests");
  } finally {
    await context.close();
    rmSync(work, { recursive: true, force: true });
  }
});
