/**
 * What the dashboard plots: one sample per second of the service's counters (events, recommendations,
 * learner updates, loss, replay, model version, mean reward of the decisions closed in that second),
 * kept for the last `capacity` seconds. Rates are differences of consecutive samples.
 */
export interface TimelineSample {
  /** Wall time, ms since 1970. */
  t: number;
  events: number;
  recommendations: number;
  updates: number;
  loss: number | null;
  meanQ: number | null;
  replaySize: number;
  servingVersion: number;
  liveStreams: number;
  /** Mean reward of the decisions closed since the previous sample (null when none closed). */
  reward: number | null;
  /** Decisions closed since the previous sample. */
  decisions: number;
}

export interface TimelineSource {
  events(): number;
  recommendations(): number;
  updates(): number;
  loss(): number;
  meanQ(): number;
  replaySize(): number;
  servingVersion(): number;
  liveStreams(): number;
  /** Decisions closed and their reward sum, totals so far. */
  decisions(): { closed: number; rewardSum: number };
}

const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);

export class Timeline {
  private readonly samples: TimelineSample[] = [];
  private last = { closed: 0, rewardSum: 0 };
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly source: TimelineSource, private readonly capacity = 600) {}

  start(everyMs = 1000): void {
    if (this.timer !== null) return;
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** Takes one sample now. */
  sample(now = Date.now()): TimelineSample {
    const s = this.source;
    const d = s.decisions();
    const closed = d.closed - this.last.closed;
    const sample: TimelineSample = {
      t: now,
      events: s.events(),
      recommendations: s.recommendations(),
      updates: s.updates(),
      loss: finiteOrNull(s.loss()),
      meanQ: finiteOrNull(s.meanQ()),
      replaySize: s.replaySize(),
      servingVersion: s.servingVersion(),
      liveStreams: s.liveStreams(),
      reward: closed > 0 ? (d.rewardSum - this.last.rewardSum) / closed : null,
      decisions: closed,
    };
    this.last = { ...d };
    this.samples.push(sample);
    if (this.samples.length > this.capacity) this.samples.shift();
    return sample;
  }

  /** Samples taken after time `since` (all by default), oldest first. */
  since(since = 0): TimelineSample[] {
    return this.samples.filter((x) => x.t > since);
  }
}
