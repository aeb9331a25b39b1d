/**
 * The hidden truth of a platform, for the oracle policies only: what each live stream is really
 * worth to a user of the current batch (utility, expected watch time, events and reward), the
 * session and satisfaction dynamics, and the streamers' hidden schedules. A learner must not use it.
 */
import { churnChance, dissatisfiedEndChance, returnRateFactor, updatedSatisfaction } from "./effects/satisfaction.js";
import { giftFactor, satisfactionFactor } from "./effects/pressure.js";
import { notifyResponse } from "./effects/repeat.js";
import type { Platform } from "./platform.js";
import { TICKS_PER_DAY, TICK_MINUTES } from "./time.js";
import { PATIENCE, SATISFACTION, SESSION_DECISIONS, SESSION_RATE } from "./users.js";
import { ExpectedWatch, expectedWatch } from "./watch.js";

/**
 * What an oracle knows of a user's taste for a streamer: "everything"; "tastes" (all but the pair's
 * idiosyncratic appeal); "interests" (the user's category interests, the streamer's quality,
 * familiarity and fatigue, but neither the latent tastes' match nor the pair's own appeal: what
 * could be learned about the user and the streamer each on their own). See Platform.pairTerms.
 */
export type OracleKnowledge = "everything" | "tastes" | "interests";

/** What a stream is really worth to a user now (hidden truth); see PlatformTruth.assess. */
export class StreamAssessment extends ExpectedWatch {
  /** Utility as the user sees it (choice model): taste, quality, familiarity, social proof, minus fatigue. */
  utility = 0;
  /** Experienced match: the utility without social proof, minus crowding. */
  match = 0;
}

/**
 * The hidden truth, for the oracle policies only: what each stream is really worth to a user in
 * the batch. A learner must not call these.
 */
export class PlatformTruth {
  private readonly a = new StreamAssessment();
  constructor(private readonly p: Platform) {}

  /** Utility of stream s for decision i, as the user sees it (choice model), with the viewers now. */
  utility(i: number, s: number): number {
    return this.p.evaluate(this.p.userOf(i), s) + this.p.socialProofOf(s);
  }

  /** Utility of "no thanks". */
  noThanks(): number {
    return this.p.noThanksUtility();
  }

  /**
   * Everything the user of decision i would get from stream s, if `joining` other users join s in
   * this tick too: utility, and the expected minutes, events and reward of watching it, as an
   * oracle that `knows` so much would estimate them. Returns a reused object: read it before the
   * next call.
   */
  assess(i: number, s: number, joining = 0, knows: OracleKnowledge = "everything"): StreamAssessment {
    const p = this.p, U = p.users, S = p.streamers, a = this.a;
    const u = p.userOf(i);
    let base = p.evaluate(u, s);
    if (knows !== "everything") {
      // A term it does not know is taken at its mean over pairs, 0 (the pair noise is centred and
      // tastes are drawn around the origin): the same for every stream, so it ranks by what it knows.
      const t = p.pairTerms(u, s);
      base -= t.idiosyncratic;
      if (knows === "interests") base -= t.latent;
    }
    const entry = U.findHistory(u, s);
    const canFollow = (entry < 0 || !U.historyFollowed(entry)) && U.canFollowMore(u);
    a.utility = base + p.socialProofOf(s);
    a.match = base - p.crowdingAt(S.viewers[s] + joining + 1);
    expectedWatch(
      p.watch, a.match, U.get(u, PATIENCE), (S.liveEnd[s] - p.tick) * TICK_MINUTES, canFollow,
      giftFactor(S.pressure[s], p.pressureFx), satisfactionFactor(S.pressure[s], p.pressureFx), a,
    );
    return a;
  }

  /** Satisfaction of the user of decision i. */
  satisfaction(i: number): number {
    return this.p.users.get(this.p.userOf(i), SATISFACTION);
  }

  /** Chance that decision i's session ends after an outcome of the given score (0 = "no thanks"). */
  sessionEndChance(i: number, declined: boolean, score: number): number {
    const p = this.p, U = p.users;
    const u = p.userOf(i);
    const fx = p.config.session;
    const s = updatedSatisfaction(U.get(u, SATISFACTION), score, p.satisfactionFx);
    return Math.min(1, fx.endBase + fx.endPerDecision * U.get(u, SESSION_DECISIONS) + (declined ? fx.endAfterDecline : 0) + dissatisfiedEndChance(s, p.satisfactionFx));
  }

  /** Expected number of streams streamer s starts in the next `days` days (hidden schedule), within the run. */
  streamsAhead(s: number, days: number): number {
    const S = this.p.streamers;
    const left = Math.min(days, (this.p.horizon - this.p.tick) / TICKS_PER_DAY, (S.retireTick[s] - this.p.tick) / TICKS_PER_DAY);
    return Math.max(0, left) * (S.streamsPerWeek[s] / 7) * (1 - this.p.config.streamer.skipProbability);
  }

  /**
   * First-order value, for the user of decision i, of one unit of outcome score (the satisfaction
   * score of a viewing, 0..1) against a "no thanks", given vNext, the value of one of the user's
   * viewings. A score y moves satisfaction by learningRate x y more than a "no thanks" does, and
   * the gap fades by (1 - learningRate) a decision, so it lasts about 1 / learningRate decisions:
   * - returns come faster by a factor exp(returnDelay x gap) meanwhile, worth about
   *   returnDelay x vNext per unit score (the learning rate cancels);
   * - churn at the end of the session falls by churn x P(churn) per unit of satisfaction, and a
   *   user kept is worth their reward per day over the next `horizonDays` days.
   * Zero when satisfaction is switched off.
   */
  satisfactionValue(i: number, vNext: number, horizonDays: number): number {
    const p = this.p, fx = p.satisfactionFx, U = p.users;
    if (!fx.enabled) return 0;
    const u = p.userOf(i);
    const s = U.get(u, SATISFACTION);
    const viewingsPerSession = 1 / Math.max(0.05, this.sessionEndChance(i, false, s));
    const rewardPerDay = U.get(u, SESSION_RATE) * returnRateFactor(s, fx) * viewingsPerSession * vNext;
    const daysLeft = Math.min(horizonDays, (p.horizon - p.tick) / TICKS_PER_DAY);
    return fx.returnDelay * vNext + fx.learningRate * fx.churn * churnChance(s, fx) * rewardPerDay * daysLeft;
  }

  /** Chance a followed streamer going live brings a user back. */
  notifyResponse(): number {
    return notifyResponse(this.p.repeatFx);
  }
}
