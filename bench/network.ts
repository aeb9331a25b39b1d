/**
 * Network-level DQN update benchmark: liveq's network engine (WebAssembly SIMD and reference
 * backends) against PyTorch single-threaded (bench/torch_update.py), in alternating rounds of the
 * same run, medians reported with the ratios.
 *
 * One update, identical on both sides: sample a batch with a uniform index per row from a random
 * replay held in preallocated buffers, target forward on the next states, max over next actions,
 * y = r + gamma (1 - done) max, online forward, Huber (or MSE) TD loss at the taken actions,
 * backward, Adam, hard target sync every `sync` updates. Inference: forward + argmax at batch 1
 * and 256.
 *
 *   npm run --silent bench:network -- --json                  # standard case, 5 rounds
 *   npm run --silent bench:network -- --rounds 3 --seconds 1  # quicker
 *   flags: --state --hidden 128,64 --actions --head --batch --loss --lr --gamma --sync --clip
 *          --no-torch --no-reference --python /usr/bin/python3
 *
 * The lead's bench/dqn.ts reuses runTorchUpdate() and the case type from here.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { Adam } from "../src/core/nn/adam.js";
import { createQNetwork } from "../src/core/nn/create-network.js";
import { tdLoss, tdLossChosen } from "../src/core/nn/loss.js";
import type { BackendKind, HeadKind, LossKind, QNetwork } from "../src/core/nn/types.js";
import { Rng } from "../src/core/random/rng.js";

/** The parameters of one DQN update case (the same names as torch_update.py's flags). */
export interface UpdateCase {
  readonly state: number;
  readonly hidden: readonly number[];
  readonly actions: number;
  readonly head: HeadKind;
  readonly batch: number;
  readonly loss: LossKind;
  readonly lr: number;
  readonly gamma: number;
  /** Hard target sync every `sync` updates. */
  readonly sync: number;
  /** Max gradient norm, 0 for no clipping. */
  readonly clip: number;
  /** Transitions in the random replay. */
  readonly replay: number;
}

/** The standard case: 64 -> 128 -> 64 -> 100, batch 64, Huber, Adam 1e-3, gamma 0.99, sync 100. */
export const STANDARD_CASE: UpdateCase = {
  state: 64,
  hidden: [128, 64],
  actions: 100,
  head: "linear",
  batch: 64,
  loss: "huber",
  lr: 1e-3,
  gamma: 0.99,
  sync: 100,
  clip: 0,
  replay: 10000,
};

export interface TorchResult {
  readonly torch_updates_per_s: number;
  /** Updates per second of process CPU time. */
  readonly torch_updates_per_cpu_s: number;
  readonly infer_b1_us: number;
  readonly infer_b256_us: number;
  readonly torch_version: string;
  readonly threads: number;
  /** Which torch.optim.Adam implementation ran ("single" or "foreach"). */
  readonly adam: string;
}

export interface TorchOptions {
  /** Python with torch; default $LIVEQ_PYTHON, else /usr/bin/python3 (Debian's python3-torch). */
  readonly python?: string;
  readonly seconds?: number;
  readonly rounds?: number;
  /** "auto" (default: picks the faster), "single" or "foreach". */
  readonly adam?: string;
}

const TORCH_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "torch_update.py");

export function defaultPython(): string {
  return process.env.LIVEQ_PYTHON ?? (existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3");
}

/**
 * Runs bench/torch_update.py for a case and returns its JSON result. Throws with the script's
 * stderr if it fails (e.g. no torch: install python3-torch and libopenblas0-pthread).
 */
export function runTorchUpdate(c: UpdateCase, options: TorchOptions = {}): TorchResult {
  const args = [
    TORCH_SCRIPT,
    "--state", String(c.state), "--hidden", c.hidden.join(","), "--actions", String(c.actions),
    "--head", c.head, "--batch", String(c.batch), "--loss", c.loss, "--lr", String(c.lr),
    "--gamma", String(c.gamma), "--sync", String(c.sync), "--clip", String(c.clip),
    "--replay", String(c.replay), "--seconds", String(options.seconds ?? 2), "--rounds", String(options.rounds ?? 1),
    "--adam", options.adam ?? "auto",
  ];
  const python = options.python ?? defaultPython();
  const r = spawnSync(python, args, { encoding: "utf8" });
  if (r.error) throw new Error(`runTorchUpdate: cannot run ${python}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`runTorchUpdate: ${python} ${TORCH_SCRIPT} exited with ${r.status}:\n${r.stderr}`);
  const last = r.stdout.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(last) as TorchResult;
  } catch {
    throw new Error(`runTorchUpdate: the script's last line is not JSON: ${last}`);
  }
}

/**
 * A random replay in preallocated arrays. States, next states and the two batch buffers share one
 * Float32Array so that gathering a row is one copyWithin (a memcpy, no allocation).
 */
export interface Replay {
  readonly size: number;
  readonly stateSize: number;
  readonly batch: number;
  /** [states (size * S) | next states (size * S) | batch states (batch * S) | batch next states]. */
  readonly floats: Float32Array;
  readonly actions: Int32Array;
  readonly rewards: Float32Array;
  readonly dones: Float32Array;
}

export function randomReplay(c: UpdateCase, rng: Rng): Replay {
  const n = c.replay, S = c.state;
  const floats = new Float32Array(2 * n * S + 2 * c.batch * S);
  for (let i = 0; i < 2 * n * S; i++) floats[i] = rng.normal();
  const actions = new Int32Array(n);
  const rewards = new Float32Array(n);
  const dones = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    actions[i] = rng.int(c.actions);
    rewards[i] = rng.normal();
    dones[i] = rng.bernoulli(0.05) ? 1 : 0;
  }
  return { size: n, stateSize: S, batch: c.batch, floats, actions, rewards, dones };
}

/** How the gradient reaches the network: "chosen" = tdLossChosen + backwardChosen, "dense" = tdLoss + backward. */
export type BackwardMode = "chosen" | "dense";

/** Builds one DQN update closure over preallocated buffers (nothing is allocated per update). */
export function makeUpdate(c: UpdateCase, backend: BackendKind, mode: BackwardMode, replay: Replay, seed: number): () => number {
  const spec = { inputSize: c.state, hidden: c.hidden, actions: c.actions, head: c.head };
  const online = createQNetwork(spec, { backend, rng: Rng.derive(seed, 1) });
  const target = createQNetwork(spec, { backend, rng: Rng.derive(seed, 2) });
  target.copyFrom(online);
  const adam = new Adam(online, { lr: c.lr });
  const rng = Rng.derive(seed, 3);
  const B = c.batch, S = c.state, N = c.replay;
  const buf = replay.floats;
  const sAt = 2 * N * S, s2At = sAt + B * S;
  const s = buf.subarray(sAt, sAt + B * S), s2 = buf.subarray(s2At, s2At + B * S);
  const a = new Int32Array(B), r = new Float32Array(B), d = new Float32Array(B);
  const nextMax = new Float32Array(B), y = new Float32Array(B);
  const gradChosen = new Float32Array(B), td = new Float32Array(B), dQ = new Float32Array(B * c.actions);
  let t = 0;
  return () => {
    for (let row = 0; row < B; row++) {
      const i = rng.int(N);
      buf.copyWithin(sAt + row * S, i * S, i * S + S);
      buf.copyWithin(s2At + row * S, (N + i) * S, (N + i + 1) * S);
      a[row] = replay.actions[i];
      r[row] = replay.rewards[i];
      d[row] = replay.dones[i];
    }
    target.maxQ(s2, B, nextMax);
    for (let row = 0; row < B; row++) y[row] = r[row] + c.gamma * (1 - d[row]) * nextMax[row];
    const q = online.forward(s, B);
    let loss: number;
    if (mode === "chosen") {
      loss = tdLossChosen(c.loss, B, q, a, y, null, gradChosen, td);
      online.backwardChosen(a, gradChosen);
    } else {
      loss = tdLoss(c.loss, B, q, a, y, null, dQ, td);
      online.backward(dQ);
    }
    if (c.clip > 0) adam.clipAndStep(c.clip);
    else adam.step();
    if (++t % c.sync === 0) target.copyFrom(online);
    return loss;
  };
}

/** Calls per second of fn over about `seconds` (after a warm-up of about a tenth of that), by the
 * wall clock and by this process's CPU time (which a busy shared machine disturbs less). */
function rate(fn: () => unknown, seconds: number): { wall: number; cpu: number } {
  const now = (): number => Number(process.hrtime.bigint()) / 1e9;
  const cpuNow = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const warmEnd = now() + Math.max(0.05, seconds / 10);
  do fn();
  while (now() < warmEnd);
  let count = 0;
  const start = now();
  const cpuStart = cpuNow();
  const deadline = start + seconds;
  for (;;) {
    fn();
    count++;
    if ((count & 7) === 0 || seconds < 0.5) {
      const t = now();
      if (t >= deadline) return { wall: count / (t - start), cpu: count / (cpuNow() - cpuStart) };
    }
  }
}

export interface EngineResult {
  /** Updates per second of wall-clock time. */
  readonly updates_per_s: number;
  /** Updates per second of process CPU time. */
  readonly updates_per_cpu_s: number;
  /** Mean latency of forward + argmax for one state, microseconds. */
  readonly infer_b1_us: number;
  /** Mean latency of forward + argmax for 256 states, microseconds. */
  readonly infer_b256_us: number;
}

/** Measures updates/s and greedy inference latency of one backend. */
export function measureEngine(c: UpdateCase, backend: BackendKind, mode: BackwardMode, replay: Replay, seconds: number, seed: number): EngineResult {
  const update = makeUpdate(c, backend, mode, replay, seed);
  const updates = rate(update, seconds);
  const net: QNetwork = createQNetwork({ inputSize: c.state, hidden: c.hidden, actions: c.actions, head: c.head }, { backend, rng: new Rng(seed) });
  const x1 = replay.floats.slice(0, c.state);
  const x256 = new Float32Array(256 * c.state);
  for (let i = 0; i < x256.length; i++) x256[i] = replay.floats[i % (c.replay * c.state)];
  const g1 = new Int32Array(1), g256 = new Int32Array(256);
  const b1 = rate(() => net.greedy(x1, 1, g1), seconds / 4);
  const b256 = rate(() => net.greedy(x256, 256, g256), seconds / 4);
  return { updates_per_s: updates.wall, updates_per_cpu_s: updates.cpu, infer_b1_us: 1e6 / b1.wall, infer_b256_us: 1e6 / b256.wall };
}

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function positive(name: string, v: string | undefined, fallback: number, integer = true): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!(n > 0) || (integer && !Number.isInteger(n))) throw new RangeError(`--${name} must be a positive ${integer ? "integer" : "number"}, got ${v}`);
  return n;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      json: { type: "boolean", default: false },
      rounds: { type: "string" },
      seconds: { type: "string" },
      state: { type: "string" },
      hidden: { type: "string" },
      actions: { type: "string" },
      head: { type: "string" },
      batch: { type: "string" },
      loss: { type: "string" },
      lr: { type: "string" },
      gamma: { type: "string" },
      sync: { type: "string" },
      clip: { type: "string" },
      python: { type: "string" },
      "no-torch": { type: "boolean", default: false },
      "no-reference": { type: "boolean", default: false },
      seed: { type: "string" },
    },
  });
  const head = values.head ?? STANDARD_CASE.head;
  if (head !== "linear" && head !== "dueling") throw new RangeError(`--head must be linear or dueling, got ${head}`);
  const loss = values.loss ?? STANDARD_CASE.loss;
  if (loss !== "huber" && loss !== "mse") throw new RangeError(`--loss must be huber or mse, got ${loss}`);
  const hidden = values.hidden === undefined ? STANDARD_CASE.hidden : values.hidden.split(",").filter((h) => h.trim() !== "").map((h) => positive("hidden", h, 1));
  const c: UpdateCase = {
    ...STANDARD_CASE,
    state: positive("state", values.state, STANDARD_CASE.state),
    hidden,
    actions: positive("actions", values.actions, STANDARD_CASE.actions),
    head,
    batch: positive("batch", values.batch, STANDARD_CASE.batch),
    loss,
    lr: positive("lr", values.lr, STANDARD_CASE.lr, false),
    gamma: values.gamma === undefined ? STANDARD_CASE.gamma : Number(values.gamma),
    sync: positive("sync", values.sync, STANDARD_CASE.sync),
    clip: values.clip === undefined ? 0 : Number(values.clip),
  };
  if (!(c.gamma >= 0 && c.gamma <= 1)) throw new RangeError(`--gamma must be in [0, 1], got ${values.gamma}`);
  if (!(c.clip >= 0)) throw new RangeError(`--clip must be >= 0, got ${values.clip}`);
  const rounds = positive("rounds", values.rounds, 5);
  const seconds = positive("seconds", values.seconds, 1.5, false);
  const seed = positive("seed", values.seed, 1);
  const withTorch = !values["no-torch"];
  const withReference = !values["no-reference"];

  const replay = randomReplay(c, new Rng(seed));
  type Row = Record<string, EngineResult | TorchResult>;
  const perRound: Row[] = [];
  let torchAdam = "auto";
  for (let round = 0; round < rounds; round++) {
    const row: Row = {};
    const runs: Array<[string, () => EngineResult | TorchResult]> = [
      ["wasm", () => measureEngine(c, "wasm", "chosen", replay, seconds, seed + round)],
      ["wasm_dense", () => measureEngine(c, "wasm", "dense", replay, seconds, seed + round)],
    ];
    if (withReference) runs.push(["reference", () => measureEngine(c, "reference", "chosen", replay, seconds, seed + round)]);
    if (withTorch) {
      runs.push([
        "torch",
        () => {
          const t = runTorchUpdate(c, { python: values.python, seconds, adam: torchAdam });
          torchAdam = t.adam;
          return t;
        },
      ]);
    }
    // Rotate the order every round so no engine always runs right after another one.
    for (let k = 0; k < runs.length; k++) {
      const [name, run] = runs[(k + round) % runs.length];
      row[name] = run();
    }
    perRound.push(row);
    const w = row.wasm as EngineResult;
    const t = row.torch as TorchResult | undefined;
    process.stderr.write(
      `round ${round + 1}/${rounds}: wasm ${w.updates_per_s.toFixed(0)} upd/s (${w.updates_per_cpu_s.toFixed(0)} per cpu-s)` +
        (t
          ? `, torch ${t.torch_updates_per_s.toFixed(0)} upd/s (${t.torch_updates_per_cpu_s.toFixed(0)} per cpu-s), ratio ${(w.updates_per_s / t.torch_updates_per_s).toFixed(2)}`
          : "") +
        "\n",
    );
  }

  const engines = ["wasm", "wasm_dense", ...(withReference ? ["reference"] : [])];
  const summary: Record<string, unknown> = {};
  for (const e of engines) {
    const rs = perRound.map((r) => r[e] as EngineResult);
    summary[e] = {
      updates_per_s: median(rs.map((x) => x.updates_per_s)),
      updates_per_cpu_s: median(rs.map((x) => x.updates_per_cpu_s)),
      infer_b1_us: median(rs.map((x) => x.infer_b1_us)),
      infer_b256_us: median(rs.map((x) => x.infer_b256_us)),
    };
  }
  const result: Record<string, unknown> = {
    bench: "network",
    case: c,
    rounds,
    seconds_per_measurement: seconds,
    ...summary,
  };
  if (withTorch) {
    const ts = perRound.map((r) => r.torch as TorchResult);
    result.torch = {
      updates_per_s: median(ts.map((x) => x.torch_updates_per_s)),
      updates_per_cpu_s: median(ts.map((x) => x.torch_updates_per_cpu_s)),
      infer_b1_us: median(ts.map((x) => x.infer_b1_us)),
      infer_b256_us: median(ts.map((x) => x.infer_b256_us)),
      version: ts[0].torch_version,
      threads: ts[0].threads,
      adam: ts[0].adam,
    };
    const ratio = (e: string, f: (r: Row) => number): number => median(perRound.map((r) => f(r)));
    for (const e of engines) {
      result[`${e}_vs_torch`] = {
        updates: ratio(e, (r) => (r[e] as EngineResult).updates_per_s / (r.torch as TorchResult).torch_updates_per_s),
        updates_cpu: ratio(e, (r) => (r[e] as EngineResult).updates_per_cpu_s / (r.torch as TorchResult).torch_updates_per_cpu_s),
        infer_b1_speedup: ratio(e, (r) => (r.torch as TorchResult).infer_b1_us / (r[e] as EngineResult).infer_b1_us),
        infer_b256_speedup: ratio(e, (r) => (r.torch as TorchResult).infer_b256_us / (r[e] as EngineResult).infer_b256_us),
      };
    }
  }
  result.per_round = perRound;
  if (!values.json) {
    const fmt = (n: number, d = 1): string => n.toFixed(d).padStart(10);
    console.log(`case: ${JSON.stringify(c)}; ${rounds} rounds of ${seconds} s, medians`);
    console.log(`${"engine".padEnd(12)}${"upd/s".padStart(10)}${"upd/cpu-s".padStart(10)}${"b1 us".padStart(10)}${"b256 us".padStart(10)}`);
    for (const e of engines) {
      const s = summary[e] as EngineResult;
      console.log(`${e.padEnd(12)}${fmt(s.updates_per_s, 0)}${fmt(s.updates_per_cpu_s, 0)}${fmt(s.infer_b1_us, 2)}${fmt(s.infer_b256_us, 1)}`);
    }
    if (withTorch) {
      const t = result.torch as EngineResult;
      console.log(`${"torch".padEnd(12)}${fmt(t.updates_per_s, 0)}${fmt(t.updates_per_cpu_s, 0)}${fmt(t.infer_b1_us, 2)}${fmt(t.infer_b256_us, 1)}`);
      for (const e of engines) console.log(`${e} vs torch: ${JSON.stringify(result[`${e}_vs_torch`])}`);
    }
  }
  console.log(JSON.stringify(result));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
