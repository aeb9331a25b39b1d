/**
 * How much memory a replay buffer takes against the information it holds.
 */
import type { ReplayBuffer, ReplaySpec } from "./types.js";

/**
 * Bytes of one transition packed tight: obs and nextObs as float32, action as int32, reward and
 * discount as float32, done as one byte, and the next-state mask as one bit per action rounded up
 * to whole bytes (without next states, spec.nextStates false: neither nextObs nor the mask). The
 * yardstick a buffer's footprint is measured against.
 */
export function rawTransitionBytes(spec: Pick<ReplaySpec, "obsSize" | "maskSize" | "nextStates">): number {
  const next = spec.nextStates === false ? 0 : 4 * spec.obsSize + Math.ceil(spec.maskSize / 8);
  return 4 * spec.obsSize + 4 + 4 + 4 + 1 + next;
}

export interface ReplayMemoryReport {
  /** Bytes of typed-array memory the buffer owns (fixed from its spec). */
  readonly byteLength: number;
  /** capacity * rawTransitionBytes: what a full buffer's transitions take packed tight. */
  readonly rawBytes: number;
  /** size * rawTransitionBytes: what the transitions held now take packed tight. */
  readonly rawBytesHeld: number;
  /** byteLength / rawBytes - 1 (0.05 = 5% over the raw bytes of a full buffer). */
  readonly overhead: number;
}

export function replayMemoryReport(buffer: ReplayBuffer): ReplayMemoryReport {
  const perTransition = rawTransitionBytes(buffer.spec);
  const rawBytes = buffer.spec.capacity * perTransition;
  return { byteLength: buffer.byteLength, rawBytes, rawBytesHeld: buffer.size * perTransition, overhead: buffer.byteLength / rawBytes - 1 };
}
