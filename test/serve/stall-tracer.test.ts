import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StallTracer, stallTracer } from "../../src/serve/debug/stall-tracer.js";

test("the stall tracer is off unless LIVEQ_STALL_TRACE names a file, and then records nothing", () => {
  assert.equal(new StallTracer(undefined).enabled, false);
  assert.equal(new StallTracer("").enabled, false);
  if (process.env.LIVEQ_STALL_TRACE === undefined) assert.equal(stallTracer.enabled, false);
  const off = new StallTracer(undefined);
  off.span("apply", performance.now() - 20);
  off.request("/v1/recommend", performance.now() - 20);
  assert.deepEqual((off.summary() as { slowRequests: number }).slowRequests, 0);
});

test("a slow request is reported with the spans that overlapped it", () => {
  const dir = mkdtempSync(join(tmpdir(), "liveq-stall-"));
  const file = join(dir, "stalls.json");
  const tracer = new StallTracer(file);
  try {
    const t0 = performance.now() - 20;
    tracer.span("apply", t0 + 5); // from 15 ms ago to now: inside the request
    tracer.request("/v1/recommend", t0); // 20 ms: slow
    tracer.request("/healthz", performance.now()); // 0 ms: not slow
  } finally {
    tracer.close();
  }
  const s = JSON.parse(readFileSync(file, "utf8")) as {
    requests: number; slowRequests: number; spanTotals: Record<string, { n: number }>;
    slow: { route: string; ms: number; spans: Record<string, number> }[];
  };
  rmSync(dir, { recursive: true, force: true });
  assert.equal(s.requests, 2);
  assert.equal(s.slowRequests, 1);
  assert.equal(s.slow[0].route, "/v1/recommend");
  assert.ok(s.slow[0].ms >= 20);
  assert.ok(s.slow[0].spans.apply >= 14, JSON.stringify(s.slow[0]));
  assert.equal(s.spanTotals.apply.n, 1);
});
