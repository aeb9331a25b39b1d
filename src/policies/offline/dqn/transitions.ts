/**
 * The logged transitions of the training period, one per interaction, as the offline DQN replays
 * them. For user u's interaction at timeline position p (step t_p, streamer a_p):
 *
 *   state      = u's history before p, at step t_p, with the streamers live at t_p as candidates
 *   action     = a_p (always live at t_p: its own interaction makes it so)
 *   reward     = 1 (the viewing) + repeatBonus if u watched a_p before, else + newBonus
 *   next state = u's history up to and including p, at the step of u's next interaction p + 1
 *   done       = p is u's last interaction of the training period: nothing after it is known,
 *                so the return is cut there rather than bootstrapped from an invented state.
 *
 * A state is therefore just a timeline position: the next state of p is the state of p + 1. The
 * dataset stores positions, flags and rewards (a few bytes per transition); the rows the network
 * reads are encoded per minibatch, so memory does not grow with the number of candidates.
 */
import { availabilityByStep, type AvailabilityByStep } from "../../../eval/offline/availability.js";
import type { TrainView } from "../../../eval/offline/offline-ranker.js";

export interface RewardShaping {
  readonly repeatBonus: number;
  readonly newBonus: number;
}

export class OfflineTransitions {
  /** Number of transitions. */
  readonly count: number;
  /** Per transition: the user, the timeline position of the action, whether a next state exists. */
  readonly user: Int32Array;
  readonly position: Int32Array;
  readonly hasNext: Uint8Array;
  readonly reward: Float32Array;
  /** 1 when the action is a return to a streamer of the history. */
  readonly repeat: Uint8Array;
  /** The streamers live at every step of the training period. */
  readonly available: AvailabilityByStep;
  /** Most streamers live at one step. */
  readonly maxLive: number;

  constructor(
    readonly train: TrainView,
    shaping: RewardShaping,
  ) {
    const { timelines, trainEnd } = train;
    const n = train.rows;
    if (n === 0) throw new RangeError("offline DQN: the training period holds no interaction");
    this.count = n;
    this.user = new Int32Array(n);
    this.position = new Int32Array(n);
    this.hasNext = new Uint8Array(n);
    this.reward = new Float32Array(n);
    this.repeat = new Uint8Array(n);
    const seen = new Int32Array(train.log.streamerIds.length).fill(-1);
    let i = 0, first = Infinity;
    for (let u = 0; u < timelines.users; u++) {
      for (let p = timelines.offset[u]; p < trainEnd[u]; p++, i++) {
        const s = timelines.streamer[p];
        this.user[i] = u;
        this.position[i] = p;
        this.hasNext[i] = p + 1 < trainEnd[u] ? 1 : 0;
        this.repeat[i] = seen[s] === u ? 1 : 0;
        seen[s] = u;
        this.reward[i] = 1 + (this.repeat[i] ? shaping.repeatBonus : shaping.newBonus);
        if (timelines.step[p] < first) first = timelines.step[p];
      }
    }
    this.available = availabilityByStep(train.availability(), first, train.before - 1);
    let maxLive = 1;
    const off = this.available.offset;
    for (let t = 0; t + 1 < off.length; t++) maxLive = Math.max(maxLive, off[t + 1] - off[t]);
    this.maxLive = maxLive;
  }

  /** The streamers live at a step of the training period (sorted; a view). */
  liveAt(step: number): Int32Array {
    const av = this.available;
    return av.streamers.subarray(av.offset[step - av.first], av.offset[step - av.first + 1]);
  }
}
