/**
 * The live service under load, on loopback only (127.0.0.1), in bounded time.
 *
 *   npm run --silent bench:serve -- --json [--users 100000] [--streams 5000] [--rate 1000] [--duration 10]
 *   npm run --silent bench:serve -- --soak [--soak-minutes 10]          (on demand, not in CI)
 *
 * `liveq serve` runs as a child process on a fresh data directory, with durability on (every
 * commit fsynced) and the learner training in its worker thread. This process then
 *  1. ingests the platform over HTTP: `users` user_upsert events, `streams` stream_start events and
 *     a first round of feedback, in batches of 500 from 8 concurrent senders: events_per_s;
 *  2. keeps feedback flowing (impressions, clicks, watches: the learner keeps learning) while
 *     autocannon asks GET /v1/recommend?user=<random>&k=10 at a fixed `rate` for `duration`
 *     seconds: p50_ms and p99_ms, from the response times autocannon reports per request (sub-ms
 *     resolution; autocannon's own summary rounds to whole milliseconds and is shown beside);
 *     then the same rate spread evenly (paced: one request every 1000 / rate ms, each timed from
 *     when it was due): paced_p50_ms, paced_p99_ms (see paced() for how the two differ);
 *  3. the same for GET /healthz at the same rate, the reference: the service's own floor; and for
 *     a bare node:http server in a child process that answers every request with a constant
 *     (no framework, no work), the machine's floor: what autocannon measures here, with the same
 *     connections and rate and the same background (the service's learner and the feedback
 *     sender still running), for a server that does nothing (reference_bare_node_p99_ms);
 *  4. a short search for the highest fixed rate whose p99 stays <= 5 ms: max_rps_p99_under_5ms.
 * Step 2 also reports the service's own latency histogram over the same window (request start to
 * reply written, as a bucket bound: server_side_p50/p99_bucket_ms), which leaves out the network
 * and the load generator's own delays; and CPU time (Linux, from /proc), which depends less on
 * whatever else the machine runs than latencies do: the service's main thread per request
 * (service_main_cpu_ms_per_request: what every request and event costs the thread that answers
 * them), all of the service's threads, and the load generators (this process with autocannon,
 * and the feedback sender), each as a share of one core; and how long the main thread waited,
 * runnable, for a core (service_main_runqueue_wait_share, Linux schedstat): on a machine busy with
 * other work this is where the latency tails come from, whatever the service does.
 * Rate limiting is off in the child (one client sends everything here).
 *
 * --soak runs step 2 for `soak-minutes` and samples the child's resident memory every 10 s: no
 * error, and memory flat within 10% after the first minute.
 *
 * Experiments: LIVEQ_BENCH_NODE_FLAGS (Node flags for the service), LIVEQ_BENCH_CONFIG (JSON merged
 * into its config), LIVEQ_BENCH_SERVICE_LOG (a file for its output), and LIVEQ_STALL_TRACE (passed
 * on: the service's stall tracer, src/serve/debug/stall-tracer.ts).
 *
 * Progress goes to stderr; the last line of stdout is one JSON object.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { Agent, get } from "node:http";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { Command } from "commander";
import { Rng } from "../src/core/random/rng.js";

const program = new Command()
  .option("--json", "print only the JSON line on stdout")
  .option("--users <n>", "known users", "100000")
  .option("--streams <n>", "live streams", "5000")
  .option("--rate <n>", "fixed request rate for p50/p99", "1000")
  .option("--duration <s>", "seconds per latency measurement", "10")
  .option("--soak", "run the soak instead (10 minutes by default)")
  .option("--soak-minutes <n>", "soak length", "10")
  .parse(process.argv);
const opts = program.opts<{ json?: boolean; users: string; streams: string; rate: string; duration: string; soak?: boolean; soakMinutes: string }>();
const USERS = Number(opts.users), STREAMS = Number(opts.streams), RATE = Number(opts.rate), DURATION = Number(opts.duration);
const TOKEN = "bench-token-0123456789";
const note = (line: string) => process.stderr.write(`${line}\n`);
/** LIVEQ_BENCH_NODE_FLAGS: Node flags for the service (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"). */
const NODE_FLAGS = (process.env.LIVEQ_BENCH_NODE_FLAGS ?? "").split(" ").filter((f) => f !== "");

function startService(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const config = join(dir, "config.json");
  // LIVEQ_BENCH_CONFIG merges more config into the service's, for experiments (e.g. '{"learner":{"maxUpdatesPerSecond":1}}')
  const extra = JSON.parse(process.env.LIVEQ_BENCH_CONFIG ?? "{}") as Record<string, unknown>;
  writeFileSync(config, JSON.stringify({ logLevel: "silent", rateLimit: false, catalogue: { slots: 8192 }, store: { fsync: true }, ...extra }));
  const child = spawn(process.execPath, [...NODE_FLAGS, "--import", "tsx", "src/cli/main.ts", "serve", "--config", config, "--data", join(dir, "data"), "--port", "0", "--host", "127.0.0.1", "--token", TOKEN], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "", err = "";
    // LIVEQ_BENCH_SERVICE_LOG copies the service's output to a file (e.g. with --trace-gc in LIVEQ_BENCH_NODE_FLAGS)
    const log = process.env.LIVEQ_BENCH_SERVICE_LOG;
    if (log !== undefined && log !== "") writeFileSync(log, "");
    const keep = (d: Buffer) => {
      if (log !== undefined && log !== "") appendFileSync(log, d);
    };
    child.stderr!.on("data", keep);
    child.stdout!.on("data", (d: Buffer) => {
      keep(d);
      out = out.slice(-1000) + d.toString(); // the line with the address, whatever else is printed
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    child.on("exit", (code) => reject(new Error(`liveq serve exited (${code}): ${err}`)));
  });
}

async function post(url: string, events: unknown[]): Promise<void> {
  const res = await fetch(`${url}/v1/events`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ events }) });
  if (!res.ok) throw new Error(`POST /v1/events: HTTP ${res.status} ${await res.text()}`);
  await res.body?.cancel();
}

let nextId = 0;
const id = () => `b${(nextId++).toString(36)}`;

/** A round of feedback for `n` random users: impression of 10 streams, a click and a watch on one. */
function feedback(rng: Rng, n: number): unknown[] {
  const events: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const user = `u${rng.int(USERS)}`;
    const shown = Array.from({ length: 10 }, () => `s${rng.int(STREAMS)}`);
    events.push({ id: id(), type: "impression", user, streams: shown });
    if (rng.float() < 0.6) {
      const stream = shown[rng.int(10)];
      events.push({ id: id(), type: "click", user, stream });
      events.push({ id: id(), type: "watch", user, stream, minutes: Math.round(rng.exponential(20) * 10) / 10 });
    }
  }
  return events;
}

/** Posts `batches` with `concurrency` senders; returns events per second. */
async function ingest(url: string, batches: unknown[][], concurrency: number): Promise<number> {
  const total = batches.reduce((n, b) => n + b.length, 0);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < batches.length) await post(url, batches[next++]);
  }));
  return total / ((performance.now() - t0) / 1000);
}

interface LoadResult {
  rate: number;
  achievedRps: number;
  p50: number;
  p99: number;
  max: number;
  autocannonP99: number;
  errors: number;
  non2xx: number;
}

/** CPU seconds used so far by a process, or by one of its threads (Linux /proc; NaN elsewhere). */
function cpuSeconds(pid: number, tid?: number): number {
  try {
    const stat = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // utime + stime
  } catch {
    return NaN;
  }
}
/**
 * Seconds a thread has waited, runnable, for a CPU so far (Linux schedstat: its run-queue delay;
 * NaN elsewhere): time the service's main thread had work but no core to do it on.
 */
function runQueueSeconds(pid: number, tid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[1]) / 1e9;
  } catch {
    return NaN;
  }
}
/** Kernel clock ticks per second (USER_HZ), 100 on Linux. */
const CLOCK_TICKS = 100;

/** CPU used by the service (main thread, all threads) and the load generators while `work` runs. */
async function cpuDuring<T>(service: number, feedback: number, work: () => Promise<T>): Promise<{ result: T; seconds: number; main: number; mainWaiting: number; service: number; generators: number }> {
  const t0 = performance.now(), mine0 = process.cpuUsage();
  const main0 = cpuSeconds(service, service), all0 = cpuSeconds(service), fb0 = cpuSeconds(feedback), wait0 = runQueueSeconds(service, service);
  const result = await work();
  const mine = process.cpuUsage(mine0);
  return {
    result,
    seconds: (performance.now() - t0) / 1000,
    main: cpuSeconds(service, service) - main0,
    mainWaiting: runQueueSeconds(service, service) - wait0,
    service: cpuSeconds(service) - all0,
    generators: (mine.user + mine.system) / 1e6 + (cpuSeconds(feedback) - fb0),
  };
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function load(url: string, path: (rng: Rng) => string, rate: number, seconds: number, seed: number): Promise<LoadResult> {
  const rng = new Rng(seed);
  const times: number[] = [];
  let done: (r: autocannon.Result) => void = () => undefined, failed: (e: Error) => void = () => undefined;
  const finished = new Promise<autocannon.Result>((resolve, reject) => ((done = resolve), (failed = reject)));
  const instance = autocannon({
    url,
    connections: Math.max(10, Math.min(100, Math.ceil(rate / 100))),
    overallRate: rate,
    duration: seconds,
    requests: [{ method: "GET", setupRequest: (req) => ({ ...req, path: path(rng) }) }],
  }, (err, result) => (err ? failed(err) : done(result)));
  instance.on("response", (_client: unknown, status: number, _bytes: number, responseTime: number) => {
    if (status === 200) times.push(responseTime);
  });
  const r = await finished;
  times.sort((a, b) => a - b);
  return {
    rate,
    achievedRps: r.requests.total / r.duration,
    p50: quantile(times, 0.5),
    p99: quantile(times, 0.99),
    max: times.at(-1) ?? NaN,
    autocannonP99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
  };
}

/**
 * GET requests at an even pace: one every 1000 / rate ms, over keep-alive connections, each timed
 * from the moment it was due (so a stall also counts against the requests it delayed: no
 * coordinated omission). autocannon's `overallRate` (load above) is a quota per second instead:
 * each connection sends back to back until it has made its share of the second, then waits for
 * the next, so the service sees the second's requests as a burst at the start of it, 10 in flight
 * at a time; this measures the same rate spread evenly, as "1,000 requests per second" usually means.
 */
async function paced(url: string, path: (rng: Rng) => string, rate: number, seconds: number, seed: number): Promise<{ p50: number; p99: number; max: number; achievedRps: number; errors: number }> {
  const rng = new Rng(seed);
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const base = new URL(url);
  const times: number[] = [];
  let errors = 0, inFlight = 0, sent = 0;
  const interval = 1000 / rate, total = Math.round(rate * seconds);
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const finish = () => {
      if (sent === total && inFlight === 0) resolve();
    };
    const send = (due: number) => {
      inFlight++;
      const req = get({ host: base.hostname, port: base.port, path: path(rng), agent }, (res) => {
        res.resume();
        res.on("end", () => {
          if (res.statusCode === 200) times.push(performance.now() - due);
          else errors++;
          inFlight--;
          finish();
        });
      });
      req.on("error", () => {
        errors++;
        inFlight--;
        finish();
      });
    };
    const tick = () => {
      const now = performance.now();
      while (sent < total && t0 + sent * interval <= now) send(t0 + sent++ * interval);
      if (sent < total) setTimeout(tick, Math.max(0, t0 + sent * interval - performance.now()));
      else finish();
    };
    tick();
  });
  const elapsed = (performance.now() - t0) / 1000;
  agent.destroy();
  times.sort((a, b) => a - b);
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99), max: times.at(-1) ?? NaN, achievedRps: times.length / elapsed, errors };
}

/**
 * Feedback at about `eventsPerSecond` until stopped, from a separate process (so that building and
 * sending it does not disturb the latency measurements of this one): impressions of 10 streams,
 * and for 60% of them a click and a watch, for random users. Keeps the learner learning.
 */
const FEEDBACK_SCRIPT = `
const [url, token, users, streams, rate, seed] = process.argv.slice(1);
let x = Number(seed) >>> 0, sent = 0, n = 0, running = true;
const rnd = (m) => { x = (Math.imul(x, 1664525) + 1013904223) >>> 0; return x % m; };
process.on("SIGTERM", () => { running = false; });
(async () => {
  while (running) {
    const t0 = Date.now(), events = [];
    while (events.length < Number(rate) / 10) {
      const user = "u" + rnd(Number(users)), shown = Array.from({ length: 10 }, () => "s" + rnd(Number(streams)));
      events.push({ id: "fb" + seed + "-" + n++, type: "impression", user, streams: shown });
      if (rnd(10) < 6) {
        const stream = shown[rnd(10)];
        events.push({ id: "fb" + seed + "-" + n++, type: "click", user, stream });
        events.push({ id: "fb" + seed + "-" + n++, type: "watch", user, stream, minutes: 1 + rnd(60) });
      }
    }
    const res = await fetch(url + "/v1/events", { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer " + token }, body: JSON.stringify({ events }) });
    if (!res.ok) { console.error("feedback: HTTP " + res.status); process.exit(1); }
    await res.arrayBuffer();
    sent += events.length;
    await new Promise((r) => setTimeout(r, Math.max(0, 100 - (Date.now() - t0))));
  }
  console.log(sent);
})();
`;

function backgroundFeedback(url: string, eventsPerSecond: number, seed: number): { pid: number; stop: () => Promise<number> } {
  const child = spawn(process.execPath, ["-e", FEEDBACK_SCRIPT, url, TOKEN, String(USERS), String(STREAMS), String(eventsPerSecond), String(seed)], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    pid: child.pid ?? -1,
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
      return Number(out.trim()) || 0;
    },
  };
}

/**
 * The machine's floor: a bare node:http server (a child process, loopback) that answers every
 * request with the same small JSON. Whatever latency autocannon measures against it comes from
 * the load generator, the kernel and the scheduler, not from any server.
 */
const BARE_SERVER = `
const srv = require("node:http").createServer((req, res) => { res.setHeader("content-type", "application/json"); res.end('{"ok":true}'); });
srv.listen(0, "127.0.0.1", () => console.log("listening on http://127.0.0.1:" + srv.address().port));
`;

async function bareServerFloor(rate: number, seconds: number): Promise<LoadResult> {
  const child = spawn(process.execPath, ["-e", BARE_SERVER], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.once("exit", (code) => reject(new Error(`bare reference server exited (${code})`)));
    });
    await load(url, () => "/", 200, 1, 91); // warm-up
    return await load(url, () => "/", rate, seconds, 8);
  } finally {
    child.kill("SIGKILL");
  }
}

/** Cumulative counts of the service's own latency histogram for GET /v1/recommend, by bucket bound (seconds). */
async function serverHistogram(url: string): Promise<Map<number, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const counts = new Map<number, number>();
  const re = /^liveq_http_request_duration_seconds_bucket\{([^}]*)\} ([0-9.e+-]+)$/gm;
  for (const m of text.matchAll(re)) {
    if (!m[1].includes('route="/v1/recommend"') || !m[1].includes('status="200"')) continue;
    const le = /le="([^"]+)"/.exec(m[1])![1];
    counts.set(le === "+Inf" ? Infinity : Number(le), Number(m[2]));
  }
  return counts;
}

/**
 * The service's own view of a window (request start to reply written, without the network and the
 * load generator): the smallest bucket bound, in ms, under which a fraction q of its requests fell.
 */
function serverQuantileBound(before: Map<number, number>, after: Map<number, number>, q: number): number {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  for (const le of bounds) if ((after.get(le) ?? 0) - (before.get(le) ?? 0) >= q * total) return le * 1000;
  return NaN;
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, "m").exec(text);
  return m ? Number(m[1]) : NaN;
}

const recommendPath = (rng: Rng) => `/v1/recommend?user=u${rng.int(USERS)}&k=10`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "liveq-bench-serve-"));
  let child: ChildProcess | null = null;
  try {
    note(`bench:serve: starting liveq serve (8192 slots, fsync on, learner in a worker)`);
    const svc = await startService(dir);
    child = svc.child;
    const url = svc.url;

    // 1. the platform, over HTTP: events per second with durability on
    const rng = new Rng(1);
    const batches: unknown[][] = [];
    let batch: unknown[] = [];
    const push = (e: unknown) => {
      batch.push(e);
      if (batch.length === 500) {
        batches.push(batch);
        batch = [];
      }
    };
    for (let s = 0; s < STREAMS; s++) push({ id: id(), type: "stream_start", stream: `s${s}`, streamer: `c${s}`, category: `cat${s % 12}` });
    for (let u = 0; u < USERS; u++) push({ id: id(), type: "user_upsert", user: `u${u}` });
    for (const e of feedback(rng, Math.round(USERS / 2))) push(e);
    if (batch.length > 0) batches.push(batch);
    const totalEvents = batches.reduce((n, b) => n + b.length, 0);
    note(`bench:serve: ingesting ${totalEvents} events (${STREAMS} streams, ${USERS} users, feedback) in batches of 500, 8 senders`);
    const eventsPerSecond = await ingest(url, batches, 8);
    note(`bench:serve: ${eventsPerSecond.toFixed(0)} events/s with fsync`);

    if (opts.soak) return await soak(url, Number(opts.soakMinutes));

    // 2. and 3. fixed-rate latency while learning online, and the /healthz reference
    const fb = backgroundFeedback(url, 2000, 2);
    note(`bench:serve: GET /v1/recommend k=10 at ${RATE}/s for ${DURATION}s (feedback ~2000 events/s in the background)`);
    await load(url, recommendPath, 200, 2, 90); // warm-up
    const histogramBefore = await serverHistogram(url);
    const measured = await cpuDuring(child.pid ?? -1, fb.pid, () => load(url, recommendPath, RATE, DURATION, 3));
    const histogramAfter = await serverHistogram(url);
    const main = measured.result;
    note(`bench:serve: p50 ${main.p50.toFixed(3)} ms, p99 ${main.p99.toFixed(3)} ms (autocannon: ${main.autocannonP99} ms), ${main.achievedRps.toFixed(0)} req/s, errors ${main.errors + main.non2xx}`);
    const even = await paced(url, recommendPath, RATE, DURATION, 6);
    note(`bench:serve: paced (evenly spread) at ${RATE}/s: p50 ${even.p50.toFixed(3)} ms, p99 ${even.p99.toFixed(3)} ms, max ${even.max.toFixed(3)} ms, ${even.achievedRps.toFixed(0)} req/s, errors ${even.errors}`);
    const ref = await load(url, () => "/healthz", RATE, Math.max(3, Math.round(DURATION / 2)), 4);
    note(`bench:serve: reference GET /healthz at ${RATE}/s: p50 ${ref.p50.toFixed(3)} ms, p99 ${ref.p99.toFixed(3)} ms`);
    const bare = await bareServerFloor(RATE, Math.max(3, Math.round(DURATION / 2)));
    note(`bench:serve: reference bare node:http server at ${RATE}/s (the machine's floor): p50 ${bare.p50.toFixed(3)} ms, p99 ${bare.p99.toFixed(3)} ms`);

    // 4. the highest fixed rate with p99 <= 5 ms: doubling up from `rate` while it holds (halving down
    // while it fails), then two bisection steps
    const search: { rate: number; p99: number; achieved: number }[] = [];
    const holds = async (rate: number) => {
      const r = await load(url, recommendPath, rate, 5, 5 + rate);
      const ok = r.p99 <= 5 && r.errors + r.non2xx === 0 && r.achievedRps >= 0.95 * rate;
      search.push({ rate, p99: Number(r.p99.toFixed(3)), achieved: Math.round(r.achievedRps) });
      note(`bench:serve: search ${rate}/s: p99 ${r.p99.toFixed(3)} ms, achieved ${r.achievedRps.toFixed(0)}/s -> ${ok ? "holds" : "fails"}`);
      return ok;
    };
    let lo = 0, hi = 0;
    if (await holds(RATE)) {
      lo = RATE;
      for (let rate = RATE * 2; rate <= 64_000; rate *= 2) {
        if (!(await holds(rate))) {
          hi = rate;
          break;
        }
        lo = rate;
      }
    } else {
      hi = RATE;
      for (let rate = Math.round(RATE / 2); rate >= 125; rate = Math.round(rate / 2)) {
        if (await holds(rate)) {
          lo = rate;
          break;
        }
        hi = rate;
      }
    }
    for (let step = 0; step < 2 && hi > 0 && lo > 0; step++) {
      const mid = Math.round((lo + hi) / 2 / 25) * 25;
      if (mid === lo || mid === hi) break;
      if (await holds(mid)) lo = mid;
      else hi = mid;
    }
    const feedbackEvents = await fb.stop();

    const updates = await metric(url, "liveq_learner_updates");
    const version = await metric(url, "liveq_model_version");
    const updatesPerSecond = await metric(url, "liveq_learner_updates_per_second");
    const replay = await metric(url, "liveq_replay_size");
    const result = {
      bench: "serve",
      users: USERS,
      live_streams: STREAMS,
      rate_rps: RATE,
      achieved_rps: Math.round(main.achievedRps),
      p50_ms: Number(main.p50.toFixed(3)),
      p99_ms: Number(main.p99.toFixed(3)),
      max_ms: Number(main.max.toFixed(3)),
      autocannon_p99_ms: main.autocannonP99,
      errors: main.errors + main.non2xx,
      goal_p99_ms: 5,
      p99_goal_ratio: Number((main.p99 / 5).toFixed(3)),
      paced_p50_ms: Number(even.p50.toFixed(3)),
      paced_p99_ms: Number(even.p99.toFixed(3)),
      paced_max_ms: Number(even.max.toFixed(3)),
      paced_achieved_rps: Math.round(even.achievedRps),
      paced_errors: even.errors,
      reference_healthz_p50_ms: Number(ref.p50.toFixed(3)),
      reference_healthz_p99_ms: Number(ref.p99.toFixed(3)),
      p99_vs_healthz: Number((main.p99 / ref.p99).toFixed(2)),
      reference_bare_node_p50_ms: Number(bare.p50.toFixed(3)),
      reference_bare_node_p99_ms: Number(bare.p99.toFixed(3)),
      p99_vs_bare_node: Number((main.p99 / bare.p99).toFixed(2)),
      server_side_p50_bucket_ms: serverQuantileBound(histogramBefore, histogramAfter, 0.5),
      server_side_p99_bucket_ms: serverQuantileBound(histogramBefore, histogramAfter, 0.99),
      service_main_cpu_ms_per_request: Number(((measured.main * 1000) / (main.achievedRps * measured.seconds)).toFixed(3)),
      service_main_cpu_share: Number((measured.main / measured.seconds).toFixed(3)),
      service_main_runqueue_wait_share: Number((measured.mainWaiting / measured.seconds).toFixed(3)),
      service_all_threads_cpu_share: Number((measured.service / measured.seconds).toFixed(3)),
      load_generators_cpu_share: Number((measured.generators / measured.seconds).toFixed(3)),
      max_rps_p99_under_5ms: lo,
      search,
      events_per_s: Math.round(eventsPerSecond),
      events_goal_ratio: Number((eventsPerSecond / 20_000).toFixed(2)),
      events_ingested: totalEvents,
      background_feedback_events: feedbackEvents,
      learner_updates: updates,
      learner_updates_per_s: updatesPerSecond,
      replay_size: replay,
      model_version: version,
      node_flags: NODE_FLAGS.join(" "),
      durability: "fsync per commit (SQLite WAL, synchronous=FULL)",
      cpus: cpus().length,
      load_average_1min: Number(loadavg()[0].toFixed(2)),
    };
    process.stdout.write(`${opts.json ? "" : JSON.stringify(result, null, 2) + "\n"}${JSON.stringify(result)}\n`);
  } finally {
    if (child !== null) {
      const exited = new Promise((r) => child!.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      child.kill("SIGKILL");
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

async function soak(url: string, minutes: number): Promise<void> {
  const fb = backgroundFeedback(url, 2000, 7);
  const rss: { t: number; mb: number }[] = [];
  const sampler = setInterval(async () => rss.push({ t: Date.now(), mb: (await metric(url, "process_resident_memory_bytes")) / 2 ** 20 }), 10_000);
  let errors = 0, requests = 0;
  const t0 = Date.now();
  while (Date.now() - t0 < minutes * 60_000) {
    const r = await load(url, recommendPath, RATE, 30, Date.now());
    errors += r.errors + r.non2xx;
    requests += Math.round(r.achievedRps * 30);
    note(`soak: ${((Date.now() - t0) / 60_000).toFixed(1)} min, p99 ${r.p99.toFixed(3)} ms, rss ${rss.at(-1)?.mb.toFixed(0) ?? "?"} MB, errors ${errors}`);
  }
  clearInterval(sampler);
  const sent = await fb.stop();
  const steady = rss.filter((x) => x.t - t0 > 60_000);
  const first = steady[0]?.mb ?? NaN, last = steady.at(-1)?.mb ?? NaN;
  const peak = Math.max(...steady.map((x) => x.mb));
  const growth = (last - first) / first;
  const result = {
    bench: "serve-soak", minutes, rate_rps: RATE, requests, feedback_events: sent, errors,
    rss_after_1min_mb: Number(first.toFixed(1)), rss_end_mb: Number(last.toFixed(1)), rss_peak_mb: Number(peak.toFixed(1)),
    rss_growth: Number(growth.toFixed(4)), flat_within_10pct: Math.abs(growth) <= 0.1 && (peak - first) / first <= 0.1, ok: errors === 0 && Math.abs(growth) <= 0.1,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench:serve: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
