/**
 * The unit of the time columns of a log, and its conversion to steps. Logs of Twitch count in
 * 10-minute steps already; KuaiLive counts in milliseconds since the epoch, which the import turns
 * into steps of a configurable length.
 */
export type TimeUnit = "step" | "ms" | "s";

export const TIME_UNITS: readonly TimeUnit[] = ["step", "ms", "s"];

/** Milliseconds per unit (steps have no fixed length in ms: null). */
export function unitMs(unit: TimeUnit): number | null {
  return unit === "ms" ? 1 : unit === "s" ? 1000 : null;
}
