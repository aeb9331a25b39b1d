/**
 * The DQN temporal-difference loss as one batch operation.
 *
 * For row r with chosen action a_r, target y_r and importance weight w_r (1 without weights), the
 * TD error is delta_r = Q[r][a_r] - y_r and the loss is mean_r(w_r * l(delta_r)), with
 *   "mse":   l(d) = d^2                                   (torch.nn.MSELoss)
 *   "huber": l(d) = d^2 / 2 if |d| < 1, else |d| - 1/2    (torch.nn.SmoothL1Loss, beta = 1)
 * Its gradient is non-zero only at the chosen actions: dL/dQ[r][a_r] = w_r * l'(delta_r) / batch.
 * The TD errors are written out too (prioritized replay needs them).
 *
 * "poisson" is a log link: the network's output s = Q[r][a_r] is the LOG of the expected target
 * mu = exp(s), and l = mu - y + y log(y / mu) (y log y = 0 at y = 0), half the Poisson unit
 * deviance: 0 where mu = y, and the same gradient as torch.nn.PoissonNLLLoss with log_input
 * (exp(s) - y s, which differs by a term free of s), l'(s) = mu - y; the TD error is mu - y, in
 * the target's units. It needs targets >= 0 (a reward that cannot be negative, not a
 * bootstrapped value: see DqnConfig.loss), and it is the usual quasi-likelihood for a nonnegative
 * target whose spread grows with its mean (as LightGBM's and XGBoost's "poisson" objectives are
 * used beyond counts).
 *
 * Two forms: tdLoss writes the dense dL/dQ for QNetwork.backward(); tdLossChosen writes only the
 * per-row gradient at the chosen action for the cheaper QNetwork.backwardChosen().
 */
import type { LossKind } from "./types.js";

/**
 * The TD loss with the gradient at the chosen actions only.
 * @param q Q(s, .) from forward(): batch * actions, row-major.
 * @param actionsTaken the chosen action of each row (batch values in [0, actions)).
 * @param targets the targets y (batch values).
 * @param weights importance-sampling weights (batch values), or null for all ones.
 * @param gradChosen out: dL/dQ[r][actionsTaken[r]] (batch values).
 * @param tdErrors out: Q[r][actionsTaken[r]] - targets[r] (batch values).
 * @returns the mean weighted loss. Throws a RangeError naming the loss and the first bad row when it
 *   is NaN or infinite (from a non-finite Q value, target or weight).
 */
export function tdLossChosen(
  kind: LossKind,
  batch: number,
  q: Float32Array,
  actionsTaken: Int32Array,
  targets: Float32Array,
  weights: Float32Array | null,
  gradChosen: Float32Array,
  tdErrors: Float32Array,
): number {
  const actions = checkArgs("tdLossChosen", kind, batch, q, actionsTaken, targets, weights, tdErrors);
  if (!(gradChosen instanceof Float32Array) || gradChosen.length !== batch) {
    throw new RangeError(`tdLossChosen: gradChosen must be a Float32Array of batch = ${batch} values, got ${gradChosen?.length}`);
  }
  const loss = rowLosses(kind, batch, actions, q, actionsTaken, targets, weights, gradChosen, tdErrors);
  if (!Number.isFinite(loss)) throwBadLoss("tdLossChosen", loss, batch, actions, q, actionsTaken, targets, weights);
  return loss;
}

/**
 * The TD loss with the dense gradient for QNetwork.backward(): like tdLossChosen, but writes
 * dL/dQ into `dQ` (batch * actions values, zero except at the chosen actions).
 */
export function tdLoss(
  kind: LossKind,
  batch: number,
  q: Float32Array,
  actionsTaken: Int32Array,
  targets: Float32Array,
  weights: Float32Array | null,
  dQ: Float32Array,
  tdErrors: Float32Array,
): number {
  if (!(dQ instanceof Float32Array) || dQ.length !== q.length) {
    throw new RangeError(`tdLoss: dQ must be a Float32Array as long as q (${q?.length}), got ${dQ?.length}`);
  }
  const actions = checkArgs("tdLoss", kind, batch, q, actionsTaken, targets, weights, tdErrors);
  if (scratch.length < batch) scratch = new Float32Array(batch);
  const loss = rowLosses(kind, batch, actions, q, actionsTaken, targets, weights, scratch, tdErrors);
  dQ.fill(0);
  for (let r = 0; r < batch; r++) dQ[r * actions + actionsTaken[r]] = scratch[r];
  if (!Number.isFinite(loss)) throwBadLoss("tdLoss", loss, batch, actions, q, actionsTaken, targets, weights);
  return loss;
}

/** Per-row gradient buffer of tdLoss (grown as needed, so a step allocates nothing). */
let scratch = new Float32Array(0);

/**
 * The largest log a "poisson" Q is read at: exp(50) is far beyond any reward, yet finite, so a
 * diverging score is caught as a huge loss, not Infinity.
 */
const POISSON_MAX_LOG = 50;

/** The expected target a "poisson" Q stands for: exp(Q), Q capped at POISSON_MAX_LOG. */
export function poissonMean(q: number): number {
  return Math.exp(Math.min(q, POISSON_MAX_LOG));
}

/**
 * The loss of every row: writes TD errors and dL/dQ(s, a) per row into grad, returns the mean
 * weighted loss (not checked for finiteness: the callers do, to name themselves).
 */
function rowLosses(
  kind: LossKind,
  batch: number,
  actions: number,
  q: Float32Array,
  actionsTaken: Int32Array,
  targets: Float32Array,
  weights: Float32Array | null,
  grad: Float32Array,
  tdErrors: Float32Array,
): number {
  const huber = kind === "huber", poisson = kind === "poisson";
  const invBatch = 1 / batch;
  let total = 0;
  for (let r = 0; r < batch; r++) {
    const d = q[r * actions + actionsTaken[r]] - targets[r];
    const w = weights === null ? 1 : weights[r];
    // The TD error: Q - y, or for "poisson" exp(Q) - y, in the target's units.
    let l: number, dl: number, td = d;
    if (poisson) {
      const y = targets[r];
      if (!(y >= 0)) throw new RangeError(`tdLoss: the "poisson" loss needs targets >= 0; row ${r} has ${y}`);
      const s = Math.min(q[r * actions + actionsTaken[r]], POISSON_MAX_LOG), mu = poissonMean(s);
      l = mu - y + (y > 0 ? y * (Math.log(y) - s) : 0);
      dl = mu - y;
      td = dl;
    } else if (huber) {
      const ad = Math.abs(d);
      if (ad < 1) {
        l = 0.5 * d * d;
        dl = d;
      } else {
        l = ad - 0.5;
        dl = d > 0 ? 1 : -1;
      }
    } else {
      l = d * d;
      dl = 2 * d;
    }
    total += w * l;
    tdErrors[r] = td;
    grad[r] = w * dl * invBatch;
  }
  return total * invBatch;
}

/** Checks shapes and action indices; returns the number of actions per row. */
function checkArgs(
  where: string,
  kind: LossKind,
  batch: number,
  q: Float32Array,
  actionsTaken: Int32Array,
  targets: Float32Array,
  weights: Float32Array | null,
  tdErrors: Float32Array,
): number {
  if (kind !== "mse" && kind !== "huber" && kind !== "poisson") throw new RangeError(`${where}: kind must be "mse", "huber" or "poisson", got ${String(kind)}`);
  if (!(Number.isInteger(batch) && batch >= 1)) throw new RangeError(`${where}: batch must be a positive integer, got ${batch}`);
  if (!(q instanceof Float32Array) || q.length % batch !== 0 || q.length === 0) {
    throw new RangeError(`${where}: q must be a Float32Array of batch * actions values (batch ${batch}), got length ${q?.length}`);
  }
  const actions = q.length / batch;
  const exact = (name: string, a: { length: number } | null, ctor: unknown): void => {
    if (!(a instanceof (ctor as typeof Float32Array)) || a.length !== batch) {
      throw new RangeError(`${where}: ${name} must be a ${(ctor as { name: string }).name} of batch = ${batch} values, got ${a?.length}`);
    }
  };
  exact("actionsTaken", actionsTaken, Int32Array);
  exact("targets", targets, Float32Array);
  if (weights !== null) exact("weights", weights, Float32Array);
  exact("tdErrors", tdErrors, Float32Array);
  for (let r = 0; r < batch; r++) {
    const a = actionsTaken[r];
    if (!(a >= 0 && a < actions)) throw new RangeError(`${where}: actionsTaken[${r}] = ${a} is outside [0, ${actions})`);
  }
  return actions;
}

function throwBadLoss(
  where: string,
  loss: number,
  batch: number,
  actions: number,
  q: Float32Array,
  actionsTaken: Int32Array,
  targets: Float32Array,
  weights: Float32Array | null,
): never {
  for (let r = 0; r < batch; r++) {
    const qa = q[r * actions + actionsTaken[r]];
    const w = weights === null ? 1 : weights[r];
    if (!Number.isFinite(qa) || !Number.isFinite(targets[r]) || !Number.isFinite(w)) {
      throw new RangeError(
        `${where}: the loss is ${loss}: row ${r} has Q[${actionsTaken[r]}] = ${qa}, target = ${targets[r]}, weight = ${w}`,
      );
    }
  }
  throw new RangeError(`${where}: the loss is ${loss} (overflow: the TD errors are too large)`);
}
