/**
 * Schedules: a number that changes with the step count, such as the exploration rate epsilon.
 * Each is a small pure object: value(step) depends on nothing but the step, so resuming a run
 * only needs the step counter.
 */
export interface Schedule {
  readonly kind: string;
  /** The value at `step` (0-based count of decisions or updates, whatever the owner counts). */
  value(step: number): number;
}

/** Always the same value. */
export class ConstantSchedule implements Schedule {
  readonly kind = "constant";
  constructor(readonly v: number) {
    requireFinite("ConstantSchedule", "value", v);
  }
  value(): number {
    return this.v;
  }
}

/** Linear from `start` to `end` over `steps`, then `end` (CleanRL's linear_schedule). */
export class LinearSchedule implements Schedule {
  readonly kind = "linear";
  constructor(readonly start: number, readonly end: number, readonly steps: number) {
    requireFinite("LinearSchedule", "start", start);
    requireFinite("LinearSchedule", "end", end);
    if (!(steps > 0)) throw new RangeError(`LinearSchedule: steps must be > 0, got ${steps}`);
  }
  value(step: number): number {
    if (step >= this.steps) return this.end;
    return this.start + (this.end - this.start) * (Math.max(0, step) / this.steps);
  }
}

/**
 * Exponential decay from `start` towards `end`: end + (start - end) * exp(-step / tau), where
 * tau is chosen so that the remaining gap is `1%` after `steps` (tau = steps / ln 100).
 */
export class ExponentialSchedule implements Schedule {
  readonly kind = "exponential";
  private readonly tau: number;
  constructor(readonly start: number, readonly end: number, readonly steps: number) {
    requireFinite("ExponentialSchedule", "start", start);
    requireFinite("ExponentialSchedule", "end", end);
    if (!(steps > 0)) throw new RangeError(`ExponentialSchedule: steps must be > 0, got ${steps}`);
    this.tau = steps / Math.log(100);
  }
  value(step: number): number {
    return this.end + (this.start - this.end) * Math.exp(-Math.max(0, step) / this.tau);
  }
}

export type ScheduleConfig =
  | { kind: "constant"; value: number }
  | { kind: "linear" | "exponential"; start: number; end: number; steps: number };

export function createSchedule(c: ScheduleConfig): Schedule {
  switch (c.kind) {
    case "constant":
      return new ConstantSchedule(c.value);
    case "linear":
      return new LinearSchedule(c.start, c.end, c.steps);
    case "exponential":
      return new ExponentialSchedule(c.start, c.end, c.steps);
  }
}

function requireFinite(owner: string, field: string, v: number): void {
  if (!Number.isFinite(v)) throw new RangeError(`${owner}: ${field} must be a finite number, got ${v}`);
}
