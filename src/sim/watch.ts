/**
 * What happens once a user starts watching: how long they stay and what they do.
 *
 * Duration: exponential with mean meanMinutes * patience * exp(matchSensitivity * e), where e is the
 * experienced match (taste, quality, familiarity, minus fatigue and crowding), cut at the end of
 * the stream. While watching, likes, comments, gifts and a follow each happen at least once with
 * chance 1 - exp(-rate * hours), each rate growing as exp(eventSensitivity * e) (and the gift rate
 * with the streamer's monetisation pressure, effects/pressure.ts). The reward is the
 * weighted sum of minutes and events (weights in config.reward).
 *
 * expectedWatch gives the same quantities in expectation, in closed form; the oracles use it.
 */
import type { UniformSource } from "./uniform-buffer.js";
import type { SimConfig } from "./config.js";

/** Bit flags of what happened in a viewing (StepResult.events). */
export const EVENT_LIKE = 1;
export const EVENT_COMMENT = 2;
export const EVENT_GIFT = 4;
export const EVENT_FOLLOW = 8;
/** The user had watched this streamer before. */
export const EVENT_REPEAT = 16;

export interface WatchModel {
  readonly meanMinutes: number;
  readonly matchSensitivity: number;
  readonly eventSensitivity: number;
  /** Rates per minute. */
  readonly likeRate: number;
  readonly commentRate: number;
  readonly giftRate: number;
  readonly followRate: number;
  readonly wMinute: number;
  readonly wLike: number;
  readonly wComment: number;
  readonly wGift: number;
  readonly wFollow: number;
}

export function watchModel(config: SimConfig): WatchModel {
  const w = config.watch, r = config.reward;
  return {
    meanMinutes: w.meanMinutes,
    matchSensitivity: w.matchSensitivity,
    eventSensitivity: w.eventSensitivity,
    likeRate: w.likesPerHour / 60,
    commentRate: w.commentsPerHour / 60,
    giftRate: w.giftsPerHour / 60,
    followRate: w.followsPerHour / 60,
    wMinute: r.watchMinute,
    wLike: r.like,
    wComment: r.comment,
    wGift: r.gift,
    wFollow: r.follow,
  };
}

/** One sampled viewing (a single instance is reused). */
export class WatchOutcome {
  minutes = 0;
  /** EVENT_* flags. */
  events = 0;
  reward = 0;
}

/** Mean watch minutes before the stream's end cuts it. */
export function uncutMeanMinutes(m: WatchModel, e: number, patience: number): number {
  return m.meanMinutes * patience * Math.exp(m.matchSensitivity * e);
}

/**
 * Does an event expected `expected` times (a rate times a duration) happen at least once, for the
 * uniform draw u01: is u01 < 1 - exp(-expected)? As 1 - exp(-x) <= x for every x, and the computed
 * value is within 3e-16 of the true one, a draw at or above expected + 1e-12 is a "no" without
 * computing the exponential: the same answer, bit for bit, and most draws are such (events are
 * rare), so most viewings skip most of their four exponentials.
 */
export function eventHappens(u01: number, expected: number): boolean {
  return u01 < expected + 1e-12 && u01 < 1 - Math.exp(-expected);
}

/** Samples a viewing of experienced match e with `remaining` minutes of stream left. */
export function sampleWatch(
  m: WatchModel, e: number, patience: number, remaining: number, canFollow: boolean, giftFactor: number, rng: UniformSource, out: WatchOutcome,
): void {
  const mu = uncutMeanMinutes(m, e, patience);
  let minutes = -mu * Math.log(1 - rng.float());
  if (minutes > remaining) minutes = remaining;
  const g = Math.exp(m.eventSensitivity * e) * minutes;
  let events = 0;
  let reward = m.wMinute * minutes;
  if (eventHappens(rng.float(), m.likeRate * g)) { events |= EVENT_LIKE; reward += m.wLike; }
  if (eventHappens(rng.float(), m.commentRate * g)) { events |= EVENT_COMMENT; reward += m.wComment; }
  if (eventHappens(rng.float(), m.giftRate * giftFactor * g)) { events |= EVENT_GIFT; reward += m.wGift; }
  // The draw is taken whether or not the user can follow, so the stream of draws does not depend on it.
  const followDraw = rng.float();
  if (canFollow && eventHappens(followDraw, m.followRate * g)) { events |= EVENT_FOLLOW; reward += m.wFollow; }
  out.minutes = minutes;
  out.events = events;
  out.reward = reward;
}

/** Expected values of a viewing (a single instance is reused). */
export class ExpectedWatch {
  minutes = 0;
  reward = 0;
  pLike = 0;
  pComment = 0;
  pGift = 0;
  pFollow = 0;
  /** The expected satisfaction score of the viewing (see effects/satisfaction.ts and effects/pressure.ts). */
  score = 0;
}

/**
 * E[1 - exp(-a D)] for D = min(Exponential(mean mu), R): the chance that an event of rate a per
 * minute happens at least once during the watch.
 */
function chanceDuring(a: number, mu: number, R: number): number {
  if (a <= 0) return 0;
  const b = a + 1 / mu;
  const tail = Math.exp(-b * R);
  return 1 - ((1 / mu) / b) * (1 - tail) - tail;
}

/** The expected outcome of a viewing, in closed form (same model as sampleWatch). */
export function expectedWatch(
  m: WatchModel, e: number, patience: number, remaining: number, canFollow: boolean, giftFactor: number, scoreFactor: number, out: ExpectedWatch,
): void {
  const mu = uncutMeanMinutes(m, e, patience);
  const g = Math.exp(m.eventSensitivity * e);
  out.minutes = mu * (1 - Math.exp(-remaining / mu));
  out.pLike = chanceDuring(m.likeRate * g, mu, remaining);
  out.pComment = chanceDuring(m.commentRate * g, mu, remaining);
  out.pGift = chanceDuring(m.giftRate * giftFactor * g, mu, remaining);
  out.pFollow = canFollow ? chanceDuring(m.followRate * g, mu, remaining) : 0;
  out.score = scoreFactor * chanceDuring(1 / m.meanMinutes, mu, remaining);
  out.reward = m.wMinute * out.minutes + m.wLike * out.pLike + m.wComment * out.pComment + m.wGift * out.pGift + m.wFollow * out.pFollow;
}
