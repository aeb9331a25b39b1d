/**
 * The incremental parser behind every import: bytes go in by chunks of any size (`push`), rows come
 * out as columns (`finish`). Memory stays bounded by the columns themselves: a line lives only as a
 * byte range of the current chunk (plus the unfinished tail of the previous one), fields are decoded
 * straight from the bytes, and ids are interned to dense integers on the fly.
 *
 * Written by hand rather than with a CSV library because a 124M-row log needs a parser that builds no
 * object and no string per row (the common npm CSV parsers yield an array of strings per record).
 * It reads delimiter-separated text with optional double quotes around a field ("" inside quotes is a
 * quote); a quoted field may not span lines.
 */
import { GrowableInt32Array } from "./growable-int32.js";
import { IdInterner } from "./id-interner.js";
import type { InteractionLog } from "./interaction-log.js";
import type { BadRowExample, BadRowReason, ImportReport } from "./import-report.js";
import {
  RAPPAZ_TWITCH_LAYOUT,
  layoutFromColumnNumbers,
  layoutFromHeader,
  looksLikeHeader,
  parseColumnMap,
  type ColumnLayout,
  type ColumnMap,
} from "./log-columns.js";
import { TIME_UNITS, unitMs, type TimeUnit } from "./time-unit.js";

export interface ParseLogOptions {
  /**
   * "auto" (default): a first line with a recognised column name is a header, otherwise the file
   * must be the Twitch dataset of Rappaz et al. (user,stream,streamer,start,stop, no header).
   * "rappaz": that format, no header. "header": the first line is a header.
   */
  readonly format?: "auto" | "rappaz" | "header";
  /** Explicit columns, as `user=COL,streamer=COL,start=COL[,stop=COL]` or an object. */
  readonly map?: ColumnMap | string;
  /**
   * Unit of the time columns. Default: "step", except "ms" when the start column is named
   * `timestamp` (KuaiLive).
   */
  readonly timeUnit?: TimeUnit;
  /** Length of a step in minutes: metadata for step logs, the conversion for timestamps. Default 10. */
  readonly stepMinutes?: number;
  /** Field delimiter; default: tab or semicolon when the first line has one and no comma, else comma. */
  readonly delimiter?: string;
  /** Abort with an error once more than this many rows are bad (default: never; all are reported). */
  readonly maxBadRows?: number;
  /** How many bad rows the report shows in full (default 10). */
  readonly badExamples?: number;
  /** Longest line accepted, in bytes (default 1 MiB); a longer one means the input is not a log. */
  readonly maxLineBytes?: number;
  /** Total size of the input when known: lets the columns be sized once and progress show an ETA. */
  readonly expectedBytes?: number;
  /** Called after each chunk with the bytes read so far. */
  readonly onProgress?: (bytesRead: number, totalBytes: number | null) => void;
}

/** Thrown for input that cannot be read as a log at all; the message says where and why. */
export class LogImportError extends Error {
  constructor(
    message: string,
    readonly report?: ImportReport,
  ) {
    super(message);
    this.name = "LogImportError";
  }
}

const NEWLINE = 10;
const CR = 13;
const QUOTE = 34;
const SPACE = 32;
const TAB = 9;
const MAX_FIELDS = 256;
const INT32_MAX = 2147483647;

export class LogParser {
  private readonly options: ParseLogOptions;
  private readonly map: ColumnMap;
  private readonly stepMinutes: number;
  private delimiter = 44;
  private layout: ColumnLayout | null = null;
  private format: ImportReport["format"] = "header";
  private unit: TimeUnit = "step";
  /** Length of a step in ms, to convert timestamps. */
  private readonly stepMs: number;
  private neededFields = 0;

  private readonly users = new IdInterner();
  private readonly streamers = new IdInterner();
  private readonly userCol = new GrowableInt32Array(1 << 14);
  private readonly streamerCol = new GrowableInt32Array(1 << 14);
  private readonly startCol = new GrowableInt32Array(1 << 14);
  private stopCol: GrowableInt32Array | null = null;
  private reserved = false;

  private carry: Buffer | null = null;
  private bytes = 0;
  private lineNo = 0;
  private blankLines = 0;
  private rows = 0;
  private bad = 0;
  private readonly badByReason: Partial<Record<BadRowReason, number>> = {};
  private readonly firstBad: BadRowExample[] = [];
  private minStep = Infinity;
  private maxStep = -Infinity;
  private finished = false;

  private readonly fieldStart = new Int32Array(MAX_FIELDS);
  private readonly fieldEnd = new Int32Array(MAX_FIELDS);
  private readonly fieldEscaped = new Uint8Array(MAX_FIELDS);
  private fieldCount = 0;

  constructor(
    options: ParseLogOptions = {},
    private readonly source = "<stream>",
  ) {
    this.options = options;
    this.map = typeof options.map === "string" ? parseColumnMap(options.map) : { ...(options.map ?? {}) };
    this.stepMinutes = options.stepMinutes ?? 10;
    if (!(this.stepMinutes > 0) || !Number.isFinite(this.stepMinutes)) {
      throw new LogImportError(`step length must be a positive number of minutes, got ${options.stepMinutes}`);
    }
    this.stepMs = this.stepMinutes * 60_000;
    if (options.timeUnit !== undefined && !TIME_UNITS.includes(options.timeUnit)) {
      throw new LogImportError(`time unit must be one of ${TIME_UNITS.join(", ")}, got "${options.timeUnit}"`);
    }
    if (options.delimiter !== undefined) {
      if (Buffer.byteLength(options.delimiter) !== 1) throw new LogImportError(`delimiter must be one byte, got "${options.delimiter}"`);
      this.delimiter = Buffer.from(options.delimiter)[0];
    }
  }

  /** Bytes held back from earlier chunks: the unfinished last line (never more than one line). */
  get pendingBytes(): number {
    return this.carry?.length ?? 0;
  }

  /** Rows decoded so far (kept and bad). */
  get rowsSeen(): number {
    return this.rows;
  }

  /** Feeds the next chunk of bytes (or text). */
  push(chunk: Uint8Array | string): void {
    if (this.finished) throw new Error("LogParser.push after finish");
    const buf = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.bytes += buf.length;
    let pos = 0;
    if (this.carry !== null) {
      const nl = buf.indexOf(NEWLINE);
      if (nl < 0) {
        this.carry = Buffer.concat([this.carry, buf]);
        this.checkLineLength(this.carry.length);
        this.report();
        return;
      }
      const line = Buffer.concat([this.carry, buf.subarray(0, nl)]);
      this.carry = null;
      this.line(line, 0, line.length);
      pos = nl + 1;
    }
    while (pos < buf.length) {
      const nl = buf.indexOf(NEWLINE, pos);
      if (nl < 0) {
        // Copy the unfinished tail, so the chunk it came from can be freed.
        this.checkLineLength(buf.length - pos);
        this.carry = Buffer.from(buf.subarray(pos));
        break;
      }
      this.line(buf, pos, nl);
      pos = nl + 1;
    }
    this.sizeColumnsOnce();
    this.report();
  }

  /** Ends the input and returns the log with its report. Throws when no row could be used. */
  finish(): { log: InteractionLog; report: ImportReport } {
    if (this.finished) throw new Error("LogParser.finish called twice");
    if (this.carry !== null) {
      const line = this.carry;
      this.carry = null;
      this.line(line, 0, line.length);
    }
    this.finished = true;
    if (this.layout === null) throw new LogImportError(`${this.source}: the input is empty`);

    const n = this.userCol.length;
    const start = this.startCol.finish();
    const stop = this.stopCol ? this.stopCol.finish() : null;
    let stepOriginMs: number | null = null;
    if (this.unit !== "step" && n > 0) {
      // Timestamps became absolute steps (multiples of the step length since the epoch); count them
      // from the first one instead, and keep where step 0 lies so the time of day stays known.
      const origin = this.minStep;
      for (let i = 0; i < n; i++) start[i] -= origin;
      if (stop) for (let i = 0; i < n; i++) stop[i] -= origin;
      this.minStep -= origin;
      this.maxStep -= origin;
      stepOriginMs = origin * this.stepMs;
    }
    const log: InteractionLog = {
      n,
      user: this.userCol.finish(),
      streamer: this.streamerCol.finish(),
      start,
      stop,
      userIds: this.users.ids,
      streamerIds: this.streamers.ids,
      stepMinutes: this.stepMinutes,
      ...(stepOriginMs !== null ? { stepOriginMs } : {}),
    };
    const report = this.buildReport(stepOriginMs);
    if (n === 0) {
      throw new LogImportError(
        `${this.source}: no usable row (${report.rows} data rows, ${report.bad} bad)` +
          (report.firstBad.length > 0 ? `; first bad rows:\n${report.firstBad.map((b) => `  line ${b.line}: ${b.detail}`).join("\n")}` : ""),
        report,
      );
    }
    return { log, report };
  }

  private buildReport(stepOriginMs: number | null): ImportReport {
    const layout = this.layout!;
    return {
      source: this.source,
      format: this.format,
      columns: { ...layout.names },
      delimiter: String.fromCharCode(this.delimiter),
      timeUnit: this.unit,
      stepMinutes: this.stepMinutes,
      stepOriginMs,
      bytes: this.bytes,
      lines: this.lineNo,
      blankLines: this.blankLines,
      rows: this.rows,
      kept: this.userCol.length,
      bad: this.bad,
      badByReason: { ...this.badByReason },
      firstBad: [...this.firstBad],
      users: this.users.size,
      streamers: this.streamers.size,
      minStep: this.userCol.length > 0 ? this.minStep : null,
      maxStep: this.userCol.length > 0 ? this.maxStep : null,
    };
  }

  private report(): void {
    this.options.onProgress?.(this.bytes, this.options.expectedBytes ?? null);
  }

  private checkLineLength(length: number): void {
    const max = this.options.maxLineBytes ?? 1 << 20;
    if (length > max) {
      throw new LogImportError(`${this.source}: line ${this.lineNo + 1} is longer than ${max} bytes without a line break; is this a CSV log?`);
    }
  }

  /** With the input size known, sizes the columns once from the bytes per row seen so far. */
  private sizeColumnsOnce(): void {
    const total = this.options.expectedBytes;
    if (this.reserved || total === undefined || this.rows < 1000) return;
    this.reserved = true;
    const estimate = Math.ceil((total / this.bytes) * this.rows * 1.05) + 1024;
    for (const col of [this.userCol, this.streamerCol, this.startCol, this.stopCol]) col?.reserve(estimate);
  }

  /** Handles bytes [s, e) of `buf`: one line without its "\n". */
  private line(buf: Buffer, s: number, e: number): void {
    this.lineNo++;
    if (e > s && buf[e - 1] === CR) e--;
    if (this.lineNo === 1 && e - s >= 3 && buf[s] === 0xef && buf[s + 1] === 0xbb && buf[s + 2] === 0xbf) s += 3;
    let blank = true;
    for (let i = s; i < e; i++) {
      if (buf[i] !== SPACE && buf[i] !== TAB) {
        blank = false;
        break;
      }
    }
    if (blank) {
      this.blankLines++;
      return;
    }
    if (this.layout === null) {
      if (this.firstLine(buf, s, e)) return; // it was a header
    }
    this.row(buf, s, e);
  }

  /** Decides the delimiter, the format and the columns from the first line. True when it is a header. */
  private firstLine(buf: Buffer, s: number, e: number): boolean {
    const text = buf.toString("utf8", s, e);
    if (this.options.delimiter === undefined) {
      if (!text.includes(",") && text.includes("\t")) this.delimiter = TAB;
      else if (!text.includes(",") && text.includes(";")) this.delimiter = 59;
    }
    const cells = text.split(String.fromCharCode(this.delimiter));
    const format = this.options.format ?? "auto";
    if (!["auto", "rappaz", "header"].includes(format)) {
      throw new LogImportError(`format must be auto, rappaz or header, got "${format}"`);
    }
    const isHeader = format === "header" || (format === "auto" && looksLikeHeader(cells, this.map));
    let layout: ColumnLayout;
    try {
      if (isHeader) layout = layoutFromHeader(cells, this.map);
      else if (Object.keys(this.map).length > 0) layout = layoutFromColumnNumbers(this.map, cells.length);
      else if (format === "rappaz" || (cells.length === 5 && /^\s*\d+\s*$/.test(cells[3]) && /^\s*\d+\s*$/.test(cells[4]))) {
        layout = RAPPAZ_TWITCH_LAYOUT;
      } else {
        // Neither a header we understand nor a row of the Twitch format (5 fields, integer start and stop).
        const known = "user, user_id, streamer, streamer_id, streamer_name, start, start_step, start_time, stop, stop_step, stop_time";
        throw new Error(
          `the first line (${text.slice(0, 160)}) has no recognised column name (${known}) and is not a row of the Twitch ` +
            `format user,stream,streamer,start,stop; name the columns with --map user=COL,streamer=COL,start=COL[,stop=COL]`,
        );
      }
    } catch (err) {
      throw new LogImportError(`${this.source}: ${(err as Error).message}`);
    }
    this.layout = layout;
    this.format = isHeader ? "header" : layout === RAPPAZ_TWITCH_LAYOUT ? "rappaz" : "numbered";
    this.unit = this.options.timeUnit ?? (layout.names.start?.trim().toLowerCase() === "timestamp" ? "ms" : "step");
    this.neededFields = Math.max(layout.user, layout.streamer, layout.start, layout.stop, layout.duration) + 1;
    if (layout.stop >= 0 || layout.duration >= 0) this.stopCol = new GrowableInt32Array(1 << 14);
    return isHeader;
  }

  /** Splits bytes [s, e) into fields; fills fieldStart/fieldEnd (quotes and blanks around removed). */
  private split(buf: Buffer, s: number, e: number): void {
    const delim = this.delimiter;
    let count = 0;
    let i = s;
    while (count < MAX_FIELDS) {
      while (i < e && (buf[i] === SPACE || buf[i] === TAB) && buf[i] !== delim) i++;
      let fs: number, fe: number;
      let escaped = 0;
      if (i < e && buf[i] === QUOTE) {
        fs = ++i;
        while (i < e) {
          if (buf[i] === QUOTE) {
            if (i + 1 < e && buf[i + 1] === QUOTE) {
              escaped = 1;
              i += 2;
              continue;
            }
            break;
          }
          i++;
        }
        fe = i;
        if (i < e) i++; // closing quote
        while (i < e && buf[i] !== delim) i++; // anything between the quote and the delimiter is ignored
      } else {
        fs = i;
        while (i < e && buf[i] !== delim) i++;
        fe = i;
        while (fe > fs && (buf[fe - 1] === SPACE || buf[fe - 1] === TAB)) fe--;
      }
      this.fieldStart[count] = fs;
      this.fieldEnd[count] = fe;
      this.fieldEscaped[count] = escaped;
      count++;
      if (i >= e) break;
      i++; // the delimiter
      if (i === e) {
        // a trailing delimiter: one more, empty field
        this.fieldStart[count] = e;
        this.fieldEnd[count] = e;
        this.fieldEscaped[count] = 0;
        count++;
        break;
      }
    }
    this.fieldCount = count;
  }

  /** Decodes one data row and appends it, or records why it is bad. */
  private row(buf: Buffer, s: number, e: number): void {
    this.rows++;
    const layout = this.layout!;
    this.split(buf, s, e);
    if (this.fieldCount < this.neededFields) {
      return this.badRow("too-few-fields", `${this.fieldCount} fields, need at least ${this.neededFields}`, buf, s, e);
    }
    const us = this.fieldStart[layout.user], ue = this.fieldEnd[layout.user];
    if (ue === us) return this.badRow("empty-user", "empty user id", buf, s, e);
    const ss = this.fieldStart[layout.streamer], se = this.fieldEnd[layout.streamer];
    if (se === ss) return this.badRow("empty-streamer", "empty streamer id", buf, s, e);

    const startValue = parseNumber(buf, this.fieldStart[layout.start], this.fieldEnd[layout.start]);
    const start = this.toStep(startValue, false);
    if (Number.isNaN(start)) {
      return this.badRow("bad-start", `start ${quoteField(buf, this.fieldStart[layout.start], this.fieldEnd[layout.start])} is not ${this.unitDescription()}`, buf, s, e);
    }
    if (start < 0 || start > INT32_MAX) return this.badRow("step-out-of-range", `start step ${start} is outside 0..${INT32_MAX}`, buf, s, e);

    let stop = 0;
    if (layout.stop >= 0) {
      const stopValue = parseNumber(buf, this.fieldStart[layout.stop], this.fieldEnd[layout.stop]);
      stop = this.toStep(stopValue, true);
      if (Number.isNaN(stop)) {
        return this.badRow("bad-stop", `stop ${quoteField(buf, this.fieldStart[layout.stop], this.fieldEnd[layout.stop])} is not ${this.unitDescription()}`, buf, s, e);
      }
      if (this.unit === "step" ? stop <= start : stopValue < startValue) {
        return this.badRow("stop-not-after-start", `stop ${stopValue} is not after start ${startValue}`, buf, s, e);
      }
      if (stop <= start) stop = start + 1; // a view shorter than a step still covers its start step
    } else if (layout.duration >= 0) {
      const duration = parseNumber(buf, this.fieldStart[layout.duration], this.fieldEnd[layout.duration]);
      if (!(duration >= 0) || (this.unit === "step" && !Number.isInteger(duration))) {
        return this.badRow("bad-duration", `duration ${quoteField(buf, this.fieldStart[layout.duration], this.fieldEnd[layout.duration])} is not a non-negative ${this.unitDescription()}`, buf, s, e);
      }
      stop = Math.max(start + 1, this.toStep(startValue + duration, true));
    }
    if (this.stopCol && stop > INT32_MAX) return this.badRow("step-out-of-range", `stop step ${stop} is outside 0..${INT32_MAX}`, buf, s, e);

    this.userCol.push(this.intern(this.users, buf, layout.user));
    this.streamerCol.push(this.intern(this.streamers, buf, layout.streamer));
    this.startCol.push(start);
    if (start < this.minStep) this.minStep = start;
    if (start > this.maxStep) this.maxStep = start;
    if (this.stopCol) {
      this.stopCol.push(stop);
      if (stop > this.maxStep) this.maxStep = stop;
    }
  }

  private intern(ids: IdInterner, buf: Buffer, field: number): number {
    const fs = this.fieldStart[field], fe = this.fieldEnd[field];
    if (this.fieldEscaped[field]) return ids.intern(buf.toString("utf8", fs, fe).replace(/""/g, '"'));
    return ids.internBytes(buf, fs, fe);
  }

  /** A time value in the file's unit as a step (floor for starts, ceil for stops); NaN when invalid. */
  private toStep(value: number, isStop: boolean): number {
    if (!Number.isFinite(value)) return NaN;
    if (this.unit === "step") return Number.isInteger(value) ? value : NaN;
    const steps = (value * unitMs(this.unit)!) / this.stepMs;
    return isStop ? Math.ceil(steps) : Math.floor(steps);
  }

  private unitDescription(): string {
    return this.unit === "step" ? "an integer step" : `a number of ${this.unit === "ms" ? "milliseconds" : "seconds"}`;
  }

  private badRow(reason: BadRowReason, detail: string, buf: Buffer, s: number, e: number): void {
    this.bad++;
    this.badByReason[reason] = (this.badByReason[reason] ?? 0) + 1;
    if (this.firstBad.length < (this.options.badExamples ?? 10)) {
      this.firstBad.push({ line: this.lineNo, reason, detail, text: buf.toString("utf8", s, Math.min(e, s + 160)) });
    }
    const max = this.options.maxBadRows ?? Infinity;
    if (this.bad > max) {
      throw new LogImportError(
        `${this.source}: more than ${max} bad rows; line ${this.lineNo}: ${detail}` +
          `\nfirst bad rows:\n${this.firstBad.map((b) => `  line ${b.line}: ${b.detail}`).join("\n")}`,
        this.buildReport(null),
      );
    }
  }
}

/**
 * The number spelled by bytes [s, e), or NaN. Plain integers are decoded straight from the bytes
 * (exact up to 2^53); anything else goes through Number() after a strict pattern check, because
 * Number("") is 0 and Number("0x1f") is 31.
 */
function parseNumber(buf: Buffer, s: number, e: number): number {
  if (s >= e) return NaN;
  let i = s;
  let sign = 1;
  if (buf[i] === 45 /* - */ || buf[i] === 43 /* + */) {
    if (buf[i] === 45) sign = -1;
    i++;
  }
  if (i === e) return NaN;
  let value = 0;
  for (; i < e; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) break;
    value = value * 10 + d;
  }
  if (i === e) return sign * value;
  const text = buf.toString("latin1", s, e);
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : NaN;
}

function quoteField(buf: Buffer, s: number, e: number): string {
  return JSON.stringify(buf.toString("utf8", s, Math.min(e, s + 40)));
}
