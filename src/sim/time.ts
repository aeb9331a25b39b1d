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

/**
 * x % TICKS_PER_DAY for a tick x >= 0 that need not be whole, computed exactly without the `%` of
 * doubles (a call to the C library's fmod, several times slower). The quotient rounded down may
 * come out one too high when x is just below a whole day; the result is then negative and one day
 * added makes it right. Every step is exact (the subtraction by Sterbenz's lemma), so the result
 * is the remainder fmod gives, bit for bit.
 */
export function tickOfDay(x: number): number {
  const r = x - Math.floor(x / TICKS_PER_DAY) * TICKS_PER_DAY;
  return r < 0 ? r + TICKS_PER_DAY : r;
}
