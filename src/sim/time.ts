/**
 * Simulated time. The simulator counts in ticks of ten minutes, as the public Twitch logs do, and a
 * day has 144 of them. Tick 0 is midnight of day 0, a Monday.
 */

/** Minutes in one tick. */
export const TICK_MINUTES = 10;
/** Ticks in one hour. */
export const TICKS_PER_HOUR = 6;
/** Ticks in one day. */
export const TICKS_PER_DAY = 144;
/** Days in one week (for weekly schedules). */
export const DAYS_PER_WEEK = 7;

/** The day a tick falls on. */
export function dayOf(tick: number): number {
  return Math.floor(tick / TICKS_PER_DAY);
}

/** Hour of day of a tick, as a real number in [0, 24). */
export function hourOf(tick: number): number {
  return (tick - dayOf(tick) * TICKS_PER_DAY) / TICKS_PER_HOUR;
}

/** Day of week of a tick: 0 = Monday ... 6 = Sunday. */
export function weekdayOf(tick: number): number {
  return dayOf(tick) % DAYS_PER_WEEK;
}
