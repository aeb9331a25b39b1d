/**
 * `liveq serve --simulate`: the simulator's users use the service over HTTP, as an app would.
 *
 * Each simulated tick (ten minutes of platform time):
 *   1. streams that started or ended in the simulator are reported (stream_start, stream_end);
 *   2. every user who needs something to watch asks GET /v1/recommend (k = the slate size), and
 *      the slate the service returns is what the simulated user sees;
 *   3. the simulator plays the tick (who picks what, how long they watch, likes, gifts, follows,
 *      who leaves), and all of it is reported with POST /v1/events: an impression per slate
 *      (with the recommendation's id), then click, watch, like, comment, gift, follow, leave.
 * Event times are the simulated times, so the service's clock follows the simulation. The service
 * learns from this feedback as it would from a real app, and its dashboard moves.
 */
import { Platform } from "../sim/platform.js";
import { parseSimConfig, categoryName, type SimConfigInput } from "../sim/config.js";
import { EVENT_COMMENT, EVENT_FOLLOW, EVENT_GIFT, EVENT_LIKE } from "../sim/watch.js";
import type { ServeEventInput } from "./event-schema.js";

export interface SimulationOptions {
  /** Base URL of the service, e.g. http://127.0.0.1:8080. */
  url: string;
  token: string;
  seed: number;
  /** Simulator config overrides (users, streamers, days, slateSize, ...). */
  sim?: SimConfigInput;
  /** Stop after this many ticks (default: the simulator's whole horizon). */
  maxTicks?: number;
  /** Wall-clock pause between ticks in ms, so that a person can watch the dashboard move. */
  tickDelayMs?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Called after each tick. */
  onTick?: (report: SimulationReport) => void;
  /** Stops the run at the next tick. */
  signal?: AbortSignal;
}

export interface SimulationReport {
  ticks: number;
  decisions: number;
  /** Decisions where the user picked a stream. */
  accepted: number;
  /** Sum of the simulator's rewards (its own weights, not the service's). */
  reward: number;
  recommendations: number;
  events: number;
  /** Mean simulator reward per decision, per simulated day. */
  rewardPerDecisionByDay: number[];
  /** Recommended streams the simulator did not have live (must stay 0). */
  notLive: number;
}

/** Monday 5 January 2026, 00:00 UTC: tick 0 of the simulated time. */
const EPOCH = Date.UTC(2026, 0, 5);
const TICK_MS = 10 * 60_000;

export async function runSimulation(o: SimulationOptions): Promise<SimulationReport> {
  const config = parseSimConfig({ users: 500, streamers: 150, days: 7, slateSize: 5, ...o.sim });
  const p = new Platform(config, o.seed);
  const S = p.streamers;
  const K = p.slateSize;
  const concurrency = o.concurrency ?? 16;
  const headers = { "content-type": "application/json", authorization: `Bearer ${o.token}` };
  const report: SimulationReport = { ticks: 0, decisions: 0, accepted: 0, reward: 0, recommendations: 0, events: 0, rewardPerDecisionByDay: [], notLive: 0 };
  const dayReward: number[] = [], dayDecisions: number[] = [];
  const streamOf = new Map<number, string>(); // streamer -> id of its live stream, as reported
  const streamerOf = new Map<string, number>();
  let eventId = 0;
  const id = () => `sim${o.seed}-${(eventId++).toString(36)}`;

  const post = async (events: ServeEventInput[]) => {
    for (let i = 0; i < events.length; i += 1000) {
      const res = await fetch(`${o.url}/v1/events`, { method: "POST", headers, body: JSON.stringify({ events: events.slice(i, i + 1000) }) });
      if (!res.ok) throw new Error(`POST /v1/events: HTTP ${res.status} ${await res.text()}`);
      await res.body?.cancel();
    }
    report.events += events.length;
  };

  while (!p.done && report.ticks < (o.maxTicks ?? Infinity) && !o.signal?.aborted) {
    const ts = EPOCH + p.tick * TICK_MS;

    // 1. the live set, as the simulator has it now
    const platformEvents: ServeEventInput[] = [];
    for (const [s, stream] of streamOf) {
      if (p.liveMask[s] === 0) {
        platformEvents.push({ id: id(), type: "stream_end", ts, stream });
        streamOf.delete(s);
        streamerOf.delete(stream);
      }
    }
    const live = p.liveStreams;
    for (let j = 0; j < p.nLive; j++) {
      const s = live[j];
      if (streamOf.has(s)) continue;
      const stream = `st${s}-${S.liveStart[s]}`;
      streamOf.set(s, stream);
      streamerOf.set(stream, s);
      platformEvents.push({ id: id(), type: "stream_start", ts, stream, streamer: `sr${s}`, category: categoryName(S.category[s]) });
    }
    if (platformEvents.length > 0) await post(platformEvents);

    // 2. a recommendation for every deciding user
    const n = p.nDeciding, deciding = p.deciding;
    const actions = p.actions();
    const recIds: string[] = new Array(n);
    const shown: string[][] = new Array(n);
    await forEachLimited(n, concurrency, async (i) => {
      const res = await fetch(`${o.url}/v1/recommend?user=u${deciding[i]}&k=${K}`);
      if (!res.ok) throw new Error(`GET /v1/recommend: HTTP ${res.status} ${await res.text()}`);
      const rec = (await res.json()) as { rec: string; items: { stream: string }[] };
      recIds[i] = rec.rec;
      shown[i] = [];
      let m = 0;
      for (const item of rec.items) {
        const s = streamerOf.get(item.stream);
        if (s === undefined || p.liveMask[s] === 0) {
          report.notLive++;
          continue;
        }
        if (m < K) {
          actions[i * K + m++] = s;
          shown[i].push(item.stream);
        }
      }
      if (m === 0 && p.nLive > 0) {
        actions[i * K + m++] = live[0]; // nothing usable came back: show something live
        shown[i].push(streamOf.get(live[0])!);
      }
      for (; m < K; m++) actions[i * K + m] = -1;
    });
    report.recommendations += n;

    // 3. play the tick and report what the users did
    const r = p.step(actions);
    const events: ServeEventInput[] = [];
    const day = Math.floor((r.tick * TICK_MS) / 86_400_000);
    for (let i = 0; i < r.n; i++) {
      const user = `u${r.users[i]}`;
      events.push({ id: id(), type: "impression", ts, user, streams: shown[i], rec: recIds[i] });
      const s = r.chosen[i];
      if (s >= 0) {
        const stream = streamOf.get(s)!;
        report.accepted++;
        events.push({ id: id(), type: "click", ts, user, stream, rec: recIds[i] });
        events.push({ id: id(), type: "watch", ts, user, stream, minutes: Math.min(1440, r.minutes[i]) });
        const f = r.events[i];
        if (f & EVENT_LIKE) events.push({ id: id(), type: "like", ts, user, stream });
        if (f & EVENT_COMMENT) events.push({ id: id(), type: "comment", ts, user, stream });
        if (f & EVENT_GIFT) events.push({ id: id(), type: "gift", ts, user, stream, value: 1 });
        if (f & EVENT_FOLLOW) events.push({ id: id(), type: "follow", ts, user, stream });
      }
      if (r.sessionEnded[i] === 1) events.push({ id: id(), type: "leave", ts, user });
      report.reward += r.reward[i];
      dayReward[day] = (dayReward[day] ?? 0) + r.reward[i];
      dayDecisions[day] = (dayDecisions[day] ?? 0) + 1;
    }
    report.decisions += r.n;
    await post(events);
    report.ticks++;
    report.rewardPerDecisionByDay = dayReward.map((x, d) => x / Math.max(1, dayDecisions[d]));
    o.onTick?.(report);
    if (o.tickDelayMs) await new Promise((resolve) => setTimeout(resolve, o.tickDelayMs));
  }
  return report;
}

/** Runs f(0 .. n-1) with at most `limit` calls pending at once. */
async function forEachLimited(n: number, limit: number, f: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await f(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
}
