/**
 * The lookahead oracle: the myopic oracle plus a one-step look at what each choice does to the
 * future, all from the hidden truth. The value of recommending stream s is
 *
 *     E[reward now] + P(follow) x V_follow(s) + P(session goes on | outcome) x V_next
 *                   + E[satisfaction score] x V_satisfaction
 *
 * where V_next, the value of the user's next decision in this session, is estimated by the best
 * immediate value on offer now; V_follow(s) is what a follow brings back: the chance of answering
 * a notification x the streams s will start in the next `horizonDays` days (its hidden schedule) x
 * the value of a viewing of s; and V_satisfaction is the first-order value of satisfaction through
 * faster returns and less churn (PlatformTruth.satisfactionValue). Under the multinomial logit the value of a slate is then
 * maximised as in the myopic oracle, with these values in place of the immediate rewards.
 *
 * It also coordinates the users of a tick: it counts the users it has already sent to a stream
 * (weighted by their chance of accepting) when it estimates crowding for the next user, so it does
 * not send everybody to the same stream.
 *
 * It is a heuristic planner, not the optimal policy: it bounds from below what planning can gain
 * over the myopic oracle in a given world. Each of its terms can be left out (`terms`), to see which
 * long-term effect the gain rests on (examples/planning-headroom.ts); with none of them and no
 * coordination it ranks as the myopic oracle does.
 */
import type { Platform } from "../../sim/platform.js";
import type { SimPolicy } from "../../sim/policy.js";
import { acceptProbability } from "../../sim/choice.js";
import { greedySlate } from "./slate.js";

export interface LookaheadOptions {
  /** Days over which a follow's returns are counted (default 7). */
  readonly horizonDays?: number;
  /** Count this tick's earlier assignments when estimating crowding (default true). */
  readonly coordinate?: boolean;
  /** Which long-term terms to value (each true by default). */
  readonly terms?: Partial<LookaheadTerms>;
}

/** The long-term terms of the lookahead value (see the file's comment). */
export interface LookaheadTerms {
  /** P(follow) x V_follow(s): the returns a follow brings. */
  readonly follow: boolean;
  /** (P(session goes on) - P(goes on after "no thanks")) x V_next. */
  readonly session: boolean;
  /** E[satisfaction score] x V_satisfaction: faster returns and less churn. */
  readonly satisfaction: boolean;
}

export class LookaheadOraclePolicy implements SimPolicy {
  readonly name = "lookahead-oracle";
  private readonly horizonDays: number;
  private readonly coordinate: boolean;
  private readonly terms: LookaheadTerms;
  private utility = new Float64Array(0);
  private reward = new Float64Array(0);
  private pFollow = new Float64Array(0);
  private goOn = new Float64Array(0);
  private score = new Float64Array(0);
  private value = new Float64Array(0);
  private joins = new Float64Array(0);
  private taken = new Uint8Array(0);

  constructor(options: LookaheadOptions = {}) {
    this.horizonDays = options.horizonDays ?? 7;
    this.coordinate = options.coordinate ?? true;
    this.terms = { follow: true, session: true, satisfaction: true, ...options.terms };
  }

  act(platform: Platform, actions: Int32Array): void {
    const truth = platform.truth;
    const live = platform.liveStreams, L = live.length, K = platform.slateSize, n = platform.nDeciding;
    const S = platform.catalogueSize;
    if (this.joins.length < S) {
      this.utility = new Float64Array(S);
      this.reward = new Float64Array(S);
      this.pFollow = new Float64Array(S);
      this.goOn = new Float64Array(S);
      this.score = new Float64Array(S);
      this.value = new Float64Array(S);
      this.joins = new Float64Array(S);
      this.taken = new Uint8Array(S);
    }
    const v0 = truth.noThanks();
    const notify = truth.notifyResponse();
    for (let j = 0; j < L; j++) this.joins[live[j]] = 0;
    for (let i = 0; i < n; i++) {
      let vNext = 0;
      for (let j = 0; j < L; j++) {
        const s = live[j];
        const a = truth.assess(i, s, this.coordinate ? Math.round(this.joins[s]) : 0);
        this.utility[j] = a.utility;
        this.reward[j] = a.reward;
        this.pFollow[j] = a.pFollow;
        this.goOn[j] = 1 - truth.sessionEndChance(i, false, a.score);
        this.score[j] = a.score;
        const q = acceptProbability(a.utility, v0) * a.reward;
        if (q > vNext) vNext = q;
      }
      const goOnAfterDecline = 1 - truth.sessionEndChance(i, true, 0);
      const { follow, session, satisfaction } = this.terms;
      const vSatisfaction = satisfaction ? truth.satisfactionValue(i, vNext, this.horizonDays) : 0;
      const vSession = session ? vNext : 0;
      for (let j = 0; j < L; j++) {
        const s = live[j];
        const vFollow = follow ? notify * truth.streamsAhead(s, this.horizonDays) * this.reward[j] : 0;
        // Relative to "no thanks", whose continuation value is the same for every slate.
        this.value[j] = this.reward[j] + this.pFollow[j] * vFollow + (this.goOn[j] - goOnAfterDecline) * vSession
          + this.score[j] * vSatisfaction;
      }
      greedySlate(live, this.utility, this.value, L, v0, K, actions, i, this.taken);
      if (this.coordinate) {
        for (let k = 0; k < K; k++) {
          const s = actions[i * K + k];
          if (s < 0) break;
          this.joins[s] += acceptProbability(this.utility[platform.liveRow[s]], v0) / K;
        }
      }
    }
  }
}
