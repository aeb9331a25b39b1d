/**
 * What a trained DQN's scores know of the hidden truth: serve a model of `liveq train` greedily on
 * validation weeks (the agents as one, as `liveq compare --model` serves them) and, at every
 * decision, regress the scores it ranked the established live streams by on the three parts of
 * each stream's hidden utility for the user (src/sim/platform.ts, evaluate):
 *
 *   latent         the match of the user's and the streamer's hidden taste vectors,
 *   idiosyncratic  the pair's own fixed like or dislike,
 *   rest           the user's interest in the category, the streamer's quality, familiarity, fatigue.
 *
 * Within each decision, scores and terms are centred (only the differences between streams rank
 * them), then pooled into one least-squares fit. The same fit of what a stream is truly worth to
 * the user (the myopic oracle's expected reward, times the chance the user accepts) says how much
 * each term should weigh; latent/rest and idiosyncratic/rest compare the two shapes whatever the
 * scale of the scores. Newcomers (streamers who debuted in the week) are left out: what their
 * score knows is the cold-start measure's question. The social proof of a stream's viewers (part
 * of the utility the user sees, not of the stream's appeal to them) is not a regressor: in both
 * fits it is left to the residual, or to "rest" as far as it goes with quality.
 *
 * A wider fit follows, of the log of each stream's worth (the scale of the scores of the default
 * "poisson" loss) and of the scores, on every term of the utility on its own (Platform.utilityTerms:
 * interest, latent, idiosyncratic, quality, familiarity - fatigue) and on what the moment adds:
 * the log of the minutes the stream has left (hidden: its schedule), the crowding its viewers
 * bring and their social proof. Each weight of the scores is divided by the truth's and by the
 * slope of the scores on the log worth (their scale): 1 means weighed as the truth weighs it. Each
 * term's share of the truth's variance (the R2 the fit loses without it) says how much it matters.
 *
 * It also prints the reward per user-day and the new streamers' parities of each week (as
 * examples/dqn-validation.ts does for checkpoints it trains). It reads the hidden truth: a
 * diagnostic, like the partial oracles, never a policy input.
 *
 *   npx tsx examples/dqn-score-anatomy.ts --model DIR [--weeks 2001,2002,2003,2004,2005] [--bonus X]
 */
import { Command } from "commander";
import {
  Platform, PlatformDqnEnsemblePolicy, PlatformDqnPolicy, TICK_MINUTES, evaluationRun, loadPlatformModel, restorePlatformDqn, withServingSettings, foldsInNewUsers,
  type SimPolicy,
} from "../src/index.js";

const o = new Command()
  .requiredOption("--model <dir>", "a model of liveq train")
  .option("--weeks <list>", "validation weeks", "2001,2002,2003,2004,2005")
  .option("--bonus <x>", "serve with this cold-start bonus instead of the model's")
  .parse(process.argv)
  .opts<{ model: string; weeks: string; bonus?: string }>();

const weeks = o.weeks.split(",").map(Number);
for (const w of weeks) if (!Number.isInteger(w)) throw new Error(`--weeks: "${o.weeks}" is not a list of integers`);
const bonus = o.bonus === undefined ? undefined : Number(o.bonus);
if (bonus !== undefined && !(bonus >= 0)) throw new Error(`--bonus: expected a number >= 0, got "${o.bonus}"`);

/** Normal equations of a least-squares fit without intercept (the rows are centred). */
class LeastSquares {
  private readonly xtx: Float64Array;
  private readonly xty: Float64Array;
  private yy = 0;
  constructor(private readonly k: number) {
    this.xtx = new Float64Array(k * k);
    this.xty = new Float64Array(k);
  }
  add(x: ArrayLike<number>, y: number): void {
    const k = this.k;
    for (let a = 0; a < k; a++) {
      this.xty[a] += x[a] * y;
      for (let b = 0; b < k; b++) this.xtx[a * k + b] += x[a] * x[b];
    }
    this.yy += y * y;
  }
  /**
   * The coefficients and the share of the variance they explain (Gauss-Jordan with pivoting), of
   * the fit on the regressors `keep` (all by default; beta in their order).
   */
  solve(keep: readonly number[] = Array.from({ length: this.k }, (_, a) => a)): { beta: number[]; r2: number } {
    const k = keep.length;
    const m = keep.map((a) => [...keep.map((b) => this.xtx[a * this.k + b]), this.xty[a]]);
    for (let c = 0; c < k; c++) {
      let p = c;
      for (let r = c + 1; r < k; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
      [m[c], m[p]] = [m[p], m[c]];
      for (let r = 0; r < k; r++) {
        if (r === c) continue;
        const f = m[r][c] / m[c][c];
        for (let j = c; j <= k; j++) m[r][j] -= f * m[c][j];
      }
    }
    const beta = m.map((row, c) => row[k] / row[c]);
    let sse = this.yy;
    for (let a = 0; a < k; a++) sse -= beta[a] * this.xty[keep[a]];
    return { beta, r2: 1 - sse / this.yy };
  }
}

const agents = loadPlatformModel(o.model);
const world = agents[0].bundle.meta.world as number;
const scores = new LeastSquares(3), truthValue = new LeastSquares(3);
/**
 * The wide fit: the log of what each stream is truly worth (the scores of the default "poisson"
 * loss are logs of expected rewards) and the scores, on every term of the utility on its own and
 * on what the viewers and the stream's schedule add (see the header).
 */
const WIDE = ["interest", "latent", "idiosyncratic", "quality", "familiarity - fatigue", "log minutes left", "crowding", "social proof"];
const wideScores = new LeastSquares(WIDE.length), wideTruth = new LeastSquares(WIDE.length);
let qq = 0, qt = 0, tt = 0;
const rewards: number[] = [], discovery: number[] = [], exposure: number[] = [];
for (const week of weeks) {
  const served = agents.map((a) => restorePlatformDqn(withServingSettings(a.bundle, { coldStartBonus: bonus })));
  const platform = new Platform(served[0].sim, week, { world });
  const members = served.map((pd) => new PlatformDqnPolicy(pd.agent, pd.encoderFor(platform), { mode: "serve", newUserFoldIn: foldsInNewUsers(pd) }));
  const ensemble = new PlatformDqnEnsemblePolicy(members);
  const A = members[0].encoder.actions;
  const terms: number[] = [], q: number[] = [], t: number[] = [], wide: number[] = [];
  const probe: SimPolicy = {
    name: "dqn",
    act(p, actions) {
      // The scores the ensemble ranks by (the mean of its members', see src/policies/dqn/ensemble.ts).
      const n = ensemble.scoreMean(p);
      if (n === 0) return;
      ensemble.choose(p, n, actions);
      const meanScores = ensemble.meanScores;
      const live = p.liveStreams, L = p.nLive, truth = p.truth, noThanks = truth.noThanks();
      for (let i = 0; i < n; i++) {
        const u = p.userOf(i);
        terms.length = q.length = t.length = wide.length = 0;
        for (let j = 0; j < L; j++) {
          const s = live[j];
          if (p.streamers.isNew(s)) continue;
          const pair = p.pairTerms(u, s);
          terms.push(pair.latent, pair.idiosyncratic, p.evaluate(u, s) - pair.latent - pair.idiosyncratic);
          q.push(meanScores[i * A + s]);
          const a = truth.assess(i, s);
          t.push(a.reward / (1 + Math.exp(noThanks - a.utility)));
          const parts = p.utilityTerms(u, s), S = p.streamers;
          wide.push(
            parts.interest, parts.latent, parts.idiosyncratic, parts.quality, parts.familiarity + parts.fatigue,
            Math.log1p(Math.max(0, S.liveEnd[s] - p.tick) * TICK_MINUTES), -p.crowdingAt(S.viewers[s] + 1), p.socialProofOf(s),
          );
        }
        const c = q.length;
        if (c < 2) continue;
        const centre = (x: number[], stride: number, at: number): number => {
          let sum = 0;
          for (let k = 0; k < c; k++) sum += x[k * stride + at];
          return sum / c;
        };
        const mt = [centre(terms, 3, 0), centre(terms, 3, 1), centre(terms, 3, 2)], mq = centre(q, 1, 0), mv = centre(t, 1, 0);
        const x = [0, 0, 0];
        for (let k = 0; k < c; k++) {
          for (let a = 0; a < 3; a++) x[a] = terms[k * 3 + a] - mt[a];
          scores.add(x, q[k] - mq);
          truthValue.add(x, t[k] - mv);
        }
        // The wide fit, on the log of the worth (a floor of 0.001 for a stream worth nothing).
        const W = WIDE.length, mw = WIDE.map((_, a) => centre(wide, W, a));
        let ml = 0;
        for (let k = 0; k < c; k++) ml += Math.log(1e-3 + t[k]) / c;
        const xw = new Array<number>(W);
        for (let k = 0; k < c; k++) {
          for (let a = 0; a < W; a++) xw[a] = wide[k * W + a] - mw[a];
          const dq = q[k] - mq, dt = Math.log(1e-3 + t[k]) - ml;
          wideScores.add(xw, dq);
          wideTruth.add(xw, dt);
          qq += dq * dq;
          qt += dq * dt;
          tt += dt * dt;
        }
      }
    },
    learn(r) {
      ensemble.learn(r);
    },
  };
  const { summary, parity } = evaluationRun(platform, probe);
  rewards.push(summary.metrics.reward_per_user_day);
  discovery.push(parity.discovery);
  exposure.push(parity.exposure);
}
const fmt = (x: number): string => x.toFixed(3);
const mean = (x: number[]): number => x.reduce((a, b) => a + b, 0) / x.length;
const listed = (x: number[]): string => `${fmt(mean(x))} [${x.map(fmt).join(", ")}]`;
const report = (what: string, f: { beta: number[]; r2: number }): string =>
  `${what}: latent ${fmt(f.beta[0])}, idiosyncratic ${fmt(f.beta[1])}, rest ${fmt(f.beta[2])} (R2 ${fmt(f.r2)}); latent/rest ${fmt(f.beta[0] / f.beta[2])}, idiosyncratic/rest ${fmt(f.beta[1] / f.beta[2])}`;
console.log(`${agents.length} agent(s) served as one on weeks ${weeks.join(", ")}: reward per user-day ${listed(rewards)}`);
console.log(`new streamers' discovery parity ${listed(discovery)}; exposure parity ${listed(exposure)}`);
console.log(report("the DQN's scores", scores.solve()));
console.log(report("what streams are truly worth", truthValue.solve()));
// The wide fit: each weight of the scores over the truth's, divided by the slope of the scores on
// the truth (their scale), so 1 = weighed as the truth weighs it; and each term's share of the
// truth's variance (the R2 lost when the fit leaves it out).
const ws = wideScores.solve(), wt = wideTruth.solve(), slope = qt / tt;
console.log(`the log of what streams are truly worth against the scores, within decisions: correlation ${fmt(qt / Math.sqrt(qq * tt))}, slope of the scores ${fmt(slope)}; R2 of the wide fit: scores ${fmt(ws.r2)}, truth ${fmt(wt.r2)}`);
for (let a = 0; a < WIDE.length; a++) {
  const without = wideTruth.solve(WIDE.map((_, b) => b).filter((b) => b !== a)).r2;
  console.log(`  ${WIDE[a].padEnd(22)} scores ${fmt(ws.beta[a]).padStart(7)}, truth ${fmt(wt.beta[a]).padStart(7)}, weighed ${fmt(ws.beta[a] / wt.beta[a] / slope).padStart(7)} of the truth's; its share of the truth's variance ${fmt(wt.r2 - without)}`);
}
