/**
 * Memory of a full replay buffer against the raw bytes of the transitions it stores.
 *
 *   npm run --silent bench:replay-memory -- [--json] [--capacity 1000000] [--obs 64] [--actions 100]
 *
 * Each case runs in a fresh child process (so one case's garbage cannot blur the next one's RSS):
 * it allocates the buffer, fills it to capacity through add(), and reports the growth of process
 * RSS, V8 heap and ArrayBuffer memory, next to the buffer's own byteLength and the raw bytes
 * (rawTransitionBytes * capacity). The requirement: uniform buffers within 10% of the raw bytes.
 * Human-readable lines go to stdout (only with no --json); the last stdout line is one JSON object.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import cliProgress from "cli-progress";
import { Rng } from "../src/core/random/rng.js";
import { createReplayBuffer, type ReplayConfig } from "../src/core/replay/create.js";
import { replayMemoryReport } from "../src/core/replay/memory.js";
import type { ReplayBuffer } from "../src/core/replay/types.js";

interface CaseResult {
  name: string;
  kind: "uniform" | "prioritized";
  maskSize: number;
  capacity: number;
  obsSize: number;
  byteLength: number;
  rawBytes: number;
  /** byteLength / rawBytes */
  byteLengthRatio: number;
  rssDeltaBytes: number;
  /** rssDelta / rawBytes */
  rssRatio: number;
  heapUsedDeltaBytes: number;
  arrayBuffersDeltaBytes: number;
  fillSeconds: number;
  addsPerSecond: number;
  /** Whether byteLength and the RSS growth are both within 10% of the raw bytes. */
  withinTenPercent: boolean;
}

const CASES = [
  { name: "uniform", kind: "uniform", masks: false },
  { name: "uniform+masks", kind: "uniform", masks: true },
  { name: "prioritized", kind: "prioritized", masks: false },
] as const;

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(args[i + 1]);
  if (!Number.isInteger(v) || v <= 0) throw new RangeError(`replay-memory: ${name} must be a positive integer, got ${args[i + 1]}`);
  return v;
}

/** Rows the fill cycles through (random, so no page of the buffer can be shared or compressed). */
const SOURCE_ROWS = 4096;

function fill(buf: ReplayBuffer, count: number, rng: Rng, onProgress?: (done: number) => void): void {
  const { obsSize, numActions, maskSize } = buf.spec;
  const obs = Float32Array.from({ length: (SOURCE_ROWS + 1) * obsSize }, () => rng.normal());
  const masks = new Uint8Array(SOURCE_ROWS * Math.max(maskSize, 1));
  for (let i = 0; i < masks.length; i++) masks[i] = rng.bernoulli(0.7) ? 1 : 0;
  for (let r = 0; r < SOURCE_ROWS; r++) masks[r * Math.max(maskSize, 1)] = 1;
  const rewards = Float32Array.from({ length: SOURCE_ROWS }, () => rng.normal());
  for (let t = 0; t < count; t++) {
    const r = t % SOURCE_ROWS;
    // Consecutive rows of `obs` serve as state and next state, as in a recorded trajectory.
    buf.add(obs, r * obsSize, t % numActions, rewards[r], obs, (r + 1) * obsSize, r % 50 === 49, 0.99, maskSize > 0 ? masks : null, r * maskSize);
    if (onProgress !== undefined && (t & 0xffff) === 0) onProgress(t);
  }
}

function runCase(name: string, capacity: number, obsSize: number, numActions: number): CaseResult {
  const c = CASES.find((x) => x.name === name);
  if (c === undefined) throw new RangeError(`replay-memory: unknown case ${name}`);
  const maskSize = c.masks ? numActions : 0;
  const config: ReplayConfig = { kind: c.kind, capacity, obsSize, numActions, maskSize };
  const gc = (globalThis as { gc?: () => void }).gc;
  // Warm up the add path on a small buffer so JIT code and source rows exist before the baseline.
  // It stays referenced until after the last reading, so its freeing cannot shrink the delta.
  const warm = createReplayBuffer({ ...config, capacity: 10_000 });
  fill(warm, 20_000, new Rng(1));
  gc?.();
  const before = process.memoryUsage();
  const buf = createReplayBuffer(config);
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: `fill ${name} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}`, hideCursor: true, fps: 5 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(capacity, 0);
  const started = process.hrtime.bigint();
  fill(buf, capacity, new Rng(2), (done) => bar.update(done));
  const fillSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  bar.update(capacity);
  bar.stop();
  gc?.();
  const after = process.memoryUsage();
  if (warm.size !== 10_000) throw new Error("replay-memory: warm-up buffer not full");
  const report = replayMemoryReport(buf);
  if (buf.size !== capacity) throw new Error(`replay-memory: buffer holds ${buf.size} rows after filling ${capacity}`);
  const rssDelta = after.rss - before.rss;
  return {
    name,
    kind: c.kind,
    maskSize,
    capacity,
    obsSize,
    byteLength: report.byteLength,
    rawBytes: report.rawBytes,
    byteLengthRatio: report.byteLength / report.rawBytes,
    rssDeltaBytes: rssDelta,
    rssRatio: rssDelta / report.rawBytes,
    heapUsedDeltaBytes: after.heapUsed - before.heapUsed,
    arrayBuffersDeltaBytes: after.arrayBuffers - before.arrayBuffers,
    fillSeconds,
    addsPerSecond: capacity / fillSeconds,
    withinTenPercent: report.byteLength <= 1.1 * report.rawBytes && rssDelta <= 1.1 * report.rawBytes,
  };
}

function main(): void {
  const args = process.argv.slice(2);
  const capacity = option(args, "--capacity", 1_000_000);
  const obsSize = option(args, "--obs", 64);
  const numActions = option(args, "--actions", 100);
  const child = args.indexOf("--child");
  if (child >= 0) {
    console.log(JSON.stringify(runCase(args[child + 1], capacity, obsSize, numActions)));
    return;
  }
  const json = args.includes("--json");
  const self = fileURLToPath(import.meta.url);
  const results: CaseResult[] = [];
  for (const c of CASES) {
    const r = spawnSync(
      process.execPath,
      [...process.execArgv, "--expose-gc", self, "--child", c.name, "--capacity", String(capacity), "--obs", String(obsSize), "--actions", String(numActions)],
      { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8", maxBuffer: 1 << 20 },
    );
    if (r.status !== 0) throw new Error(`replay-memory: case ${c.name} failed with status ${r.status}`);
    const lines = r.stdout.trim().split("\n");
    const result = JSON.parse(lines[lines.length - 1]) as CaseResult;
    results.push(result);
    if (!json) {
      const mib = (b: number) => (b / 1048576).toFixed(1);
      console.log(
        `${result.name.padEnd(14)} raw ${mib(result.rawBytes)} MiB | byteLength ${mib(result.byteLength)} MiB (x${result.byteLengthRatio.toFixed(4)}) | ` +
          `RSS +${mib(result.rssDeltaBytes)} MiB (x${result.rssRatio.toFixed(4)}) | heap +${mib(result.heapUsedDeltaBytes)} MiB | ` +
          `${(result.addsPerSecond / 1e6).toFixed(2)} M adds/s | ${result.withinTenPercent ? "within 10%" : "OVER 10%"}`,
      );
    }
  }
  const uniformWithin = results.filter((r) => r.kind === "uniform").every((r) => r.withinTenPercent);
  console.log(JSON.stringify({ bench: "replay-memory", capacity, obsSize, numActions, uniformWithinTenPercent: uniformWithin, cases: results }));
}

main();
