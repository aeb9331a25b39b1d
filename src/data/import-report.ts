/**
 * What an import did: how many rows it read and kept, and every row it could not use, counted by
 * reason with the first few shown by line number. Bad rows are never dropped silently.
 */
import type { TimeUnit } from "./time-unit.js";

/** Why a row could not be used. */
export type BadRowReason =
  | "too-few-fields"
  | "empty-user"
  | "empty-streamer"
  | "bad-start"
  | "bad-stop"
  | "bad-duration"
  | "stop-not-after-start"
  | "step-out-of-range";

export interface BadRowExample {
  /** 1-based line number in the file (the header, when there is one, is line 1). */
  readonly line: number;
  readonly reason: BadRowReason;
  /** What exactly is wrong, e.g. `start "12a" is not a number`. */
  readonly detail: string;
  /** The start of the line as read (at most 160 characters). */
  readonly text: string;
}

export interface ImportReport {
  /** The file path, or "<stream>"/"<text>" for in-memory input. */
  readonly source: string;
  /**
   * "rappaz": the Twitch dataset of Rappaz et al. (no header); "header": columns found by name in the
   * header; "numbered": no header, columns given by number in the map.
   */
  readonly format: "rappaz" | "header" | "numbered";
  /** The column each role was read from (a header name, or "#k" for column k), null when absent. */
  readonly columns: Readonly<Record<"user" | "streamer" | "start" | "stop" | "duration", string | null>>;
  readonly delimiter: string;
  readonly timeUnit: TimeUnit;
  readonly stepMinutes: number;
  /** Epoch ms of step 0 when timestamps were converted to steps; null when the file counted in steps. */
  readonly stepOriginMs: number | null;
  readonly bytes: number;
  /** Lines read, header and blank lines included. */
  readonly lines: number;
  readonly blankLines: number;
  /** Data rows seen (header and blank lines excluded) = kept + bad. */
  readonly rows: number;
  readonly kept: number;
  readonly bad: number;
  readonly badByReason: Readonly<Partial<Record<BadRowReason, number>>>;
  /** The first bad rows, in file order. */
  readonly firstBad: readonly BadRowExample[];
  readonly users: number;
  readonly streamers: number;
  /** Smallest and largest step kept (starts, and stops when present); null for an empty log. */
  readonly minStep: number | null;
  readonly maxStep: number | null;
}

/** A readable summary of an import, a few lines long, for a terminal. */
export function formatImportReport(report: ImportReport): string {
  const lines = [
    `read ${report.source}: ${report.kept.toLocaleString("en-US")} interactions of ${report.users.toLocaleString("en-US")} users ` +
      `with ${report.streamers.toLocaleString("en-US")} streamers, steps ${report.minStep}..${report.maxStep} ` +
      `(${report.stepMinutes} min each; ${report.format === "rappaz" ? "Twitch format of Rappaz et al." : `columns ${describeColumns(report)}`})`,
  ];
  if (report.bad > 0) {
    const reasons = Object.entries(report.badByReason)
      .map(([reason, count]) => `${reason}: ${count}`)
      .join(", ");
    lines.push(`skipped ${report.bad.toLocaleString("en-US")} bad rows of ${report.rows.toLocaleString("en-US")} (${reasons}); first ones:`);
    for (const ex of report.firstBad) lines.push(`  line ${ex.line}: ${ex.detail}  [${ex.text}]`);
  }
  return lines.join("\n");
}

function describeColumns(report: ImportReport): string {
  return Object.entries(report.columns)
    .filter(([, name]) => name !== null)
    .map(([role, name]) => `${role}=${name}`)
    .join(",");
}
