/**
 * A diagnostic for latency tails: what held up the main thread when a request was slow.
 *
 * Off unless the environment names a file (LIVEQ_STALL_TRACE=/tmp/stalls.json); then it records,
 * on the main thread:
 *   - spans: named stretches of work (an event-apply slice, a model swap, a batch of
 *     recommendations, ...) with their start and end, in a ring buffer;
 *   - gaps: a 1 ms heartbeat timer that fired late by more than GAP_MS, with how much of the gap the
 *     thread ran and how much it waited for a CPU (Linux schedstat: run time and run-queue delay);
 *   - GC pauses (PerformanceObserver "gc" entries);
 *   - slow requests (over SLOW_MS from Fastify's onRequest to onResponse),
 * and writes, when the service closes, a JSON summary: each slow request and each gap with the spans and
 * GC pauses that overlapped it, and totals by cause. Disabled, every call is one branch; enabled,
 * the heartbeat and the bookkeeping cost the main thread several percent more CPU (compare runs
 * with the tracer on against each other only). One tracer per process: the first service closed
 * writes it.
 */
import { closeSync, openSync, readSync, writeFileSync } from "node:fs";
import { PerformanceObserver, monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";

const GAP_MS = 3;
const SLOW_MS = 4;
const RING = 1 << 20;
/** Gaps, GC pauses and slow requests kept (the newest). */
const KEEP = 100_000;

function pushCapped<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > 2 * KEEP) list.splice(0, list.length - KEEP);
}

interface Interval {
  name: string;
  start: number;
  end: number;
}

interface Gap {
  start: number;
  end: number;
  /** Of the gap: ms this thread ran, and ms it was runnable but waited for a CPU. */
  runMs: number;
  waitMs: number;
}

export class StallTracer {
  readonly enabled: boolean;
  private readonly names: string[] = [];
  private readonly spanName: Int32Array;
  private readonly spanStart: Float64Array;
  private readonly spanEnd: Float64Array;
  private spanCount = 0;
  private readonly gcs: Interval[] = [];
  private readonly gaps: Gap[] = [];
  private readonly slow: Interval[] = [];
  private requests = 0;
  private readonly schedFd: number;
  private readonly schedBuf = Buffer.alloc(128);
  private lastBeat = 0;
  private lastRun = 0;
  private lastWait = 0;
  private readonly loopDelay: IntervalHistogram | null = null;
  private observer: PerformanceObserver | null = null;
  private beatTimer: NodeJS.Timeout | null = null;

  constructor(private readonly file: string | undefined) {
    this.enabled = file !== undefined && file !== "";
    this.schedFd = -1;
    const ring = this.enabled ? RING : 0;
    this.spanName = new Int32Array(ring);
    this.spanStart = new Float64Array(ring);
    this.spanEnd = new Float64Array(ring);
    if (!this.enabled) return;
    try {
      this.schedFd = openSync(`/proc/${process.pid}/task/${process.pid}/schedstat`, "r");
    } catch {
      this.schedFd = -1;
    }
    this.loopDelay = monitorEventLoopDelay({ resolution: 1 });
    this.loopDelay.enable();
    this.observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0;
        pushCapped(this.gcs, { name: `gc${kind}`, start: e.startTime, end: e.startTime + e.duration });
      }
    });
    this.observer.observe({ entryTypes: ["gc"] });
    const [run, wait] = this.sched();
    this.lastBeat = performance.now();
    this.lastRun = run;
    this.lastWait = wait;
    const beat = () => {
      const now = performance.now();
      const [r, w] = this.sched();
      if (now - this.lastBeat > GAP_MS + 1) {
        pushCapped(this.gaps, { start: this.lastBeat, end: now, runMs: (r - this.lastRun) / 1e6, waitMs: (w - this.lastWait) / 1e6 });
      }
      this.lastBeat = now;
      this.lastRun = r;
      this.lastWait = w;
      if (this.beatTimer !== null) this.beatTimer = setTimeout(beat, 1).unref();
    };
    this.beatTimer = setTimeout(beat, 1).unref();
  }

  /** Records a span that started at t0 (performance.now()) and ends now. */
  span(name: string, t0: number): void {
    if (!this.enabled) return;
    let id = this.names.indexOf(name);
    if (id < 0) id = this.names.push(name) - 1;
    const i = this.spanCount++ & (RING - 1);
    this.spanName[i] = id;
    this.spanStart[i] = t0;
    this.spanEnd[i] = performance.now();
  }

  /** A request that ran from t0 to now (kept when slow; what overlapped it is worked out in summary()). */
  request(route: string, t0: number): void {
    if (!this.enabled) return;
    this.requests++;
    const t1 = performance.now();
    if (t1 - t0 >= SLOW_MS) pushCapped(this.slow, { name: route, start: t0, end: t1 });
  }

  private sched(): [number, number] {
    if (this.schedFd < 0) return [0, 0];
    const n = readSync(this.schedFd, this.schedBuf, 0, 128, 0);
    const [run, wait] = this.schedBuf.toString("latin1", 0, n).split(" ");
    return [Number(run), Number(wait)];
  }

  /** The summary so far (see the file comment). */
  summary(): object {
    const round = (x: number) => Math.round(x * 1000) / 1000;
    // spans are recorded as they end, so their ends rise through the ring: find the first that
    // ends after `start` by bisection, then walk on until they end well after `end`
    const n = Math.min(this.spanCount, RING), first = this.spanCount - n;
    const at = (k: number) => (first + k) & (RING - 1);
    const spansIn = (start: number, end: number) => {
      const out: Record<string, number> = {};
      let lo = 0, hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.spanEnd[at(mid)] < start) lo = mid + 1;
        else hi = mid;
      }
      for (let k = lo; k < n && this.spanEnd[at(k)] < end + 1000; k++) {
        const i = at(k), o = Math.min(end, this.spanEnd[i]) - Math.max(start, this.spanStart[i]);
        if (o > 0) out[this.names[this.spanName[i]]] = round((out[this.names[this.spanName[i]]] ?? 0) + o);
      }
      return out;
    };
    const gcIn = (start: number, end: number) => {
      const out: Record<string, number> = {};
      for (const g of this.gcs) {
        const o = Math.min(end, g.end) - Math.max(start, g.start);
        if (o > 0) out[g.name] = round((out[g.name] ?? 0) + o);
      }
      return out;
    };
    const gaps = this.gaps.map((g) => ({ at: round(g.start), ms: round(g.end - g.start), runMs: round(g.runMs), waitMs: round(g.waitMs), spans: spansIn(g.start, g.end), gc: gcIn(g.start, g.end) }));
    const gcTotals: Record<string, { n: number; ms: number; max: number; p50: number }> = {};
    for (const g of this.gcs) {
      const t = (gcTotals[g.name] ??= { n: 0, ms: 0, max: 0, p50: 0 });
      t.n++;
      t.ms = round(t.ms + g.end - g.start);
      t.max = round(Math.max(t.max, g.end - g.start));
    }
    for (const [name, t] of Object.entries(gcTotals)) {
      const d = this.gcs.filter((g) => g.name === name).map((g) => g.end - g.start).sort((a, b) => a - b);
      t.p50 = round(d[d.length >> 1]);
    }
    const spanTotals: Record<string, { n: number; ms: number; max: number }> = {};
    for (let i = 0; i < n; i++) {
      const t = (spanTotals[this.names[this.spanName[i]]] ??= { n: 0, ms: 0, max: 0 });
      const d = this.spanEnd[i] - this.spanStart[i];
      t.n++;
      t.ms = round(t.ms + d);
      t.max = round(Math.max(t.max, d));
    }
    const ld = this.loopDelay;
    return {
      requests: this.requests,
      slowRequests: this.slow.length,
      loopDelayMs: ld === null ? null : { p50: ld.percentile(50) / 1e6, p99: ld.percentile(99) / 1e6, max: ld.max / 1e6 },
      gapCount: gaps.length,
      gapMs: round(gaps.reduce((s, g) => s + g.ms, 0)),
      gapRunMs: round(gaps.reduce((s, g) => s + g.runMs, 0)),
      gapWaitMs: round(gaps.reduce((s, g) => s + g.waitMs, 0)),
      gcTotals,
      spanTotals,
      gaps: gaps.slice(-1000),
      slow: this.slow.slice(-1000).map((r) => {
        let runMs = 0, waitMs = 0;
        for (const g of this.gaps) {
          const f = Math.max(0, Math.min(r.end, g.end) - Math.max(r.start, g.start)) / (g.end - g.start);
          runMs += f * g.runMs;
          waitMs += f * g.waitMs;
        }
        const gc = Object.values(gcIn(r.start, r.end)).reduce((a, b) => a + b, 0);
        return { route: r.name, at: round(r.start), ms: round(r.end - r.start), spans: spansIn(r.start, r.end), gc: round(gc), gapRunMs: round(runMs), gapWaitMs: round(waitMs) };
      }),
    };
  }

  write(): void {
    if (!this.enabled) return;
    writeFileSync(this.file!, JSON.stringify(this.summary(), null, 1));
  }

  /** Writes the summary and stops recording. */
  close(): void {
    if (!this.enabled || this.beatTimer === null) return;
    this.write();
    clearTimeout(this.beatTimer);
    this.beatTimer = null;
    this.observer?.disconnect();
    this.loopDelay?.disable();
    if (this.schedFd >= 0) closeSync(this.schedFd);
  }
}

/** The process's tracer (see the file comment); disabled unless LIVEQ_STALL_TRACE names a file. */
export const stallTracer = new StallTracer(process.env.LIVEQ_STALL_TRACE);
