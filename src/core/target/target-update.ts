/**
 * How the target network follows the online network: a hard copy every C updates (Mnih et al.
 * 2015) or Polyak averaging with rate tau after every update (Lillicrap et al. 2016).
 */
import type { QFunction } from "../qfunction/types.js";

export interface TargetUpdate {
  readonly kind: string;
  /** Called after update number `update` (1-based) of the online network. */
  apply(online: QFunction, target: QFunction, update: number): void;
}

export class HardTargetUpdate implements TargetUpdate {
  readonly kind = "hard";
  constructor(readonly every: number) {
    if (!Number.isInteger(every) || every < 1) throw new RangeError(`HardTargetUpdate: every must be an integer >= 1, got ${every}`);
  }
  apply(online: QFunction, target: QFunction, update: number): void {
    if (update % this.every === 0) target.copyFrom(online);
  }
}

export class PolyakTargetUpdate implements TargetUpdate {
  readonly kind = "polyak";
  constructor(readonly tau: number) {
    if (!(tau > 0 && tau <= 1)) throw new RangeError(`PolyakTargetUpdate: tau must be in (0, 1], got ${tau}`);
  }
  apply(online: QFunction, target: QFunction): void {
    target.polyakFrom(online, this.tau);
  }
}

export type TargetUpdateConfig = { kind: "hard"; every: number } | { kind: "polyak"; tau: number };

export function createTargetUpdate(c: TargetUpdateConfig): TargetUpdate {
  return c.kind === "hard" ? new HardTargetUpdate(c.every) : new PolyakTargetUpdate(c.tau);
}
