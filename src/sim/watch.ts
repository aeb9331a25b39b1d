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
 * uniform draw u01: is u01 < 1 - exp(-expected)? The exponential is needed only for draws near
 * that threshold, which the first terms of its series bound: for x >= 0,
 *
 *     x - x^2/2  <=  1 - exp(-x)  <=  x - x^2/2 + x^3/6  <=  x,
 *
 * and the computed values (Math.exp's and these polynomials') are within 1e-15 of the true ones at
 * the x where they decide anything (x <= 2), so a draw 1e-12 below the lower bound is a "yes", and
 * one 1e-12 above an upper bound a "no", without computing the exponential: the same answer, bit
 * for bit. Where events are rare (small x) the band between the bounds is narrow (x^3/6 wide), so
 * nearly every draw is settled without it. (Negative, infinite and NaN x fall through to the exact comparison
 * or to a "no" that it would also give.)
 */
export function eventHappens(u01: number, expected: number): boolean {
  if (!(u01 < expected + 1e-12)) return false;
  const lower = expected * (1 - 0.5 * expected);
  if (u01 < lower - 1e-12) return true;
  if (u01 >= lower + (expected * expected * expected) / 6 + 1e-12) return false;
  return u01 < 1 - Math.exp(-expected);
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
