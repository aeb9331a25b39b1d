/**
 * The DQN agent's speed, side by side with PyTorch:
 *
 *   npm run --silent bench:dqn -- [--json] [--seconds S] [--rounds R] [--no-torch] [--no-memory]
 *
 * The standard case: state 64 -> 128 -> 64 -> 100 actions, batch 64, gamma 0.99, Huber loss, Adam
 * lr 1e-3, uniform replay of 10,000, hard target sync every 100 updates, no Double DQN, no
 * clipping. What is timed is DqnAgent.update() end to end (replay sampling, target network,
 * targets, loss, backward, Adam, target sync); PyTorch runs the same step (bench/torch_update.py,
 * one thread), alternating with liveq round by round in the same run; medians are reported.
 * Greedy inference latency at batch 1 and 256 is DqnAgent.greedy(). Also: the memory of a
 * 1,000,000-transition replay of 64-float states against the raw bytes it stores.
 *
 * Last line: one JSON object with updates_per_s, infer_b1_us, infer_b256_us, torch_updates_per_s
 * and ratio (when torch ran), replay_1m.
 */
import { parseArgs } from "node:util";
import { DqnAgent } from "../src/core/dqn/agent.js";
import { Rng } from "../src/core/random/rng.js";
import { UniformReplay } from "../src/core/replay/uniform.js";
import { replayMemoryReport } from "../src/core/replay/memory.js";
import { runTorchUpdate, STANDARD_CASE, type TorchResult } from "./network.js";

const { values } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    seconds: { type: "string", default: "1.5" },
    rounds: { type: "string", default: "5" },
    "no-torch": { type: "boolean", default: false },
    "no-memory": { type: "boolean", default: false },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
if (!(seconds > 0)) throw new RangeError(`--seconds must be > 0, got ${values.seconds}`);
if (!(Number.isInteger(rounds) && rounds > 0)) throw new RangeError(`--rounds must be a positive integer, got ${values.rounds}`);
const log = (s: string) => process.stderr.write(s + "\n");

const c = STANDARD_CASE;
const agent = new DqnAgent({
  obsSize: c.state, actions: c.actions, network: { hidden: [...c.hidden], head: c.head },
  gamma: c.gamma, loss: c.loss, optimizer: { lr: c.lr }, maxGradNorm: null, batchSize: c.batch,
  replay: { kind: "uniform", capacity: c.replay }, target: { kind: "hard", every: c.sync },
  doubleDqn: false, seed: 1,
});
{
  const rng = new Rng(2);
  const s = new Float32Array(c.state), s2 = new Float32Array(c.state);
  for (let i = 0; i < c.replay; i++) {
    for (let j = 0; j < c.state; j++) { s[j] = rng.normal(); s2[j] = rng.normal(); }
    agent.observe(0, s, 0, rng.int(c.actions), rng.normal(), s2, 0, rng.float() < 0.05);
  }
}

function timeUpdates(): { perS: number; perCpuS: number } {
  for (let i = 0; i < 50; i++) agent.update(); // warm-up
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < seconds * 1000) {
    for (let i = 0; i < 20; i++) agent.update();
    n += 20;
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { perS: n / wall, perCpuS: n / ((cpu.user + cpu.system) / 1e6) };
}

function timeInference(batch: number): number {
  const rng = new Rng(3);
  const obs = new Float32Array(batch * c.state).map(() => rng.normal());
  const out = new Int32Array(batch);
  for (let i = 0; i < 200; i++) agent.greedy(obs, batch, null, out);
  const iters = batch === 1 ? 20_000 : 400;
  const t0 = performance.now();
  for (let i = 0; i < iters; i++) agent.greedy(obs, batch, null, out);
  return ((performance.now() - t0) * 1000) / iters;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ours: number[] = [], oursCpu: number[] = [], torch: TorchResult[] = [], ratios: number[] = [];
let torchError: string | null = null;
for (let r = 0; r < rounds; r++) {
  const u = timeUpdates();
  ours.push(u.perS);
  oursCpu.push(u.perCpuS);
  let line = `round ${r + 1}/${rounds}: liveq ${u.perS.toFixed(0)} updates/s`;
  if (!values["no-torch"] && torchError === null) {
    try {
      const t = runTorchUpdate(c, { seconds });
      torch.push(t);
      ratios.push(u.perS / t.torch_updates_per_s);
      line += `, torch ${t.torch_updates_per_s.toFixed(0)} updates/s, ratio ${(u.perS / t.torch_updates_per_s).toFixed(2)}`;
    } catch (err) {
      torchError = (err as Error).message.split("\n")[0];
      line += ` (torch not run: ${torchError})`;
    }
  }
  log(line);
}
const infer1 = timeInference(1);
const infer256 = timeInference(256);

let replay1m: Record<string, number> | null = null;
if (!values["no-memory"]) {
  const before = process.memoryUsage().rss;
  const buf = new UniformReplay({ capacity: 1_000_000, obsSize: 64, numActions: 100, maskSize: 0 });
  const rep = replayMemoryReport(buf);
  // Touch every page so resident memory is real.
  const st = buf.getState();
  for (const v of Object.values(st)) if (ArrayBuffer.isView(v)) new Uint8Array(v.buffer).fill(1);
  const rss = process.memoryUsage().rss - before;
  replay1m = { raw_bytes: rep.rawBytes, byte_length: rep.byteLength, byte_ratio: rep.byteLength / rep.rawBytes, rss_delta_bytes: rss, rss_ratio: rss / rep.rawBytes };
}

const result: Record<string, unknown> = {
  case: "64->128->64->100, batch 64, huber, adam 1e-3, uniform replay 10k, hard sync 100",
  updates_per_s: median(ours),
  updates_per_cpu_s: median(oursCpu),
  infer_b1_us: infer1,
  infer_b256_us: infer256,
  rounds,
  seconds_per_round: seconds,
};
if (torch.length > 0) {
  result.torch_updates_per_s = median(torch.map((t) => t.torch_updates_per_s));
  result.torch_updates_per_cpu_s = median(torch.map((t) => t.torch_updates_per_cpu_s));
  result.torch_infer_b1_us = median(torch.map((t) => t.infer_b1_us));
  result.torch_infer_b256_us = median(torch.map((t) => t.infer_b256_us));
  result.ratio = median(ratios);
  result.ratio_cpu = (result.updates_per_cpu_s as number) / (result.torch_updates_per_cpu_s as number);
  result.torch_version = torch[0].torch_version;
} else if (torchError) {
  result.torch_error = torchError;
}
if (replay1m) result.replay_1m = replay1m;
if (!values.json) {
  log(`liveq: ${median(ours).toFixed(0)} updates/s; greedy ${infer1.toFixed(1)} us at batch 1, ${infer256.toFixed(0)} us at batch 256`);
  if (result.ratio) log(`torch: ${(result.torch_updates_per_s as number).toFixed(0)} updates/s; ratio ${(result.ratio as number).toFixed(2)}`);
}
console.log(JSON.stringify(result));
