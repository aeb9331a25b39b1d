/**
 * Import speed of liveq's log parser against the obvious reference (node:readline, String.split and
 * a Map per id column), on the same generated file in the Twitch format of Rappaz et al.:
 *
 *   npm run --silent bench:import -- [--json] [--rows 1000000] [--rounds 2]
 *
 * Both build the same columns (dense user and streamer indices, start, stop); the check at the end
 * asserts they agree. Last line: {"rows", "bytes", "liveq_rows_per_s", "reference_rows_per_s",
 * "speedup", "liveq_ms", "reference_ms"} with the best time of each over the rounds.
 */
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { readInteractionLog } from "../src/data/read-log.js";
import { Rng } from "../src/core/random/rng.js";

const { values } = parseArgs({
  options: { json: { type: "boolean", default: false }, rows: { type: "string", default: "1000000" }, rounds: { type: "string", default: "2" } },
});
const rows = Number(values.rows), rounds = Number(values.rounds);
if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`--rows must be a positive integer, got "${values.rows}"`);
if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`--rounds must be a positive integer, got "${values.rounds}"`);

/** The reference: what one writes first with Node's own tools. */
async function referenceImport(path: string) {
  const users = new Map<string, number>(), streamers = new Map<string, number>();
  const user: number[] = [], streamer: number[] = [], start: number[] = [], stop: number[] = [];
  const intern = (m: Map<string, number>, id: string) => {
    let i = m.get(id);
    if (i === undefined) m.set(id, (i = m.size));
    return i;
  };
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    if (line === "") continue;
    const f = line.split(",");
    user.push(intern(users, f[0]));
    streamer.push(intern(streamers, f[2]));
    start.push(Number(f[3]));
    stop.push(Number(f[4]));
  }
  return { n: user.length, user: Int32Array.from(user), streamer: Int32Array.from(streamer), start: Int32Array.from(start), stop: Int32Array.from(stop) };
}

const dir = mkdtempSync(join(tmpdir(), "liveq-bench-import-"));
try {
  const path = join(dir, "twitch.csv");
  const rng = new Rng(1);
  const parts: string[] = [];
  for (let i = 0; i < rows; i++) {
    const s = rng.int(6000);
    parts.push(`${rng.int(100_000)},${34_000_000_000 + i},ch_${rng.int(20_000).toString(36)},${s},${s + 1 + rng.int(12)}\n`);
  }
  const text = parts.join("");
  writeFileSync(path, text);
  let ours = Infinity, ref = Infinity;
  let last: { ours: Awaited<ReturnType<typeof readInteractionLog>>["log"]; ref: Awaited<ReturnType<typeof referenceImport>> } | null = null;
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    const a = await readInteractionLog(path);
    ours = Math.min(ours, performance.now() - t);
    t = performance.now();
    const b = await referenceImport(path);
    ref = Math.min(ref, performance.now() - t);
    last = { ours: a.log, ref: b };
    process.stderr.write(`round ${r + 1}: liveq ${ours.toFixed(0)} ms, reference ${ref.toFixed(0)} ms (best so far)\n`);
  }
  const { ours: a, ref: b } = last!;
  for (const k of ["user", "streamer", "start"] as const) if (a[k].some((v, i) => v !== b[k][i])) throw new Error(`the two imports disagree on ${k}`);
  if (a.stop!.some((v, i) => v !== b.stop[i])) throw new Error("the two imports disagree on stop");
  const result = {
    rows,
    bytes: Buffer.byteLength(text),
    liveq_ms: Math.round(ours),
    reference_ms: Math.round(ref),
    liveq_rows_per_s: Math.round(rows / (ours / 1000)),
    reference_rows_per_s: Math.round(rows / (ref / 1000)),
    speedup: Number((ref / ours).toFixed(2)),
  };
  if (!values.json) console.log(`liveq ${result.liveq_rows_per_s.toLocaleString("en-US")} rows/s, reference ${result.reference_rows_per_s.toLocaleString("en-US")} rows/s: ${result.speedup}x`);
  console.log(JSON.stringify(result));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
