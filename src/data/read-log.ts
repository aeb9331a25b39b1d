/**
 * Reading an interaction log from a file or a stream: the three formats liveq knows (the Twitch
 * dataset of Rappaz et al., its reduced sample with a header, KuaiLive's click log) and any CSV whose
 * columns are named in its header or mapped explicitly. See LogParser for how rows are decoded.
 */
import { createReadStream, promises as fs } from "node:fs";
import type { Readable } from "node:stream";
import type { InteractionLog } from "./interaction-log.js";
import type { ImportReport } from "./import-report.js";
import { LogImportError, LogParser, type ParseLogOptions } from "./log-parser.js";
import { byteProgressBar } from "./import-progress.js";

export interface ReadLogOptions extends ParseLogOptions {
  /** Show a progress bar (bytes read, rate, ETA) on stderr. Default false. */
  readonly progress?: boolean;
  /** Bytes per read from the file (default 1 MiB). */
  readonly chunkBytes?: number;
}

export interface ReadLogResult {
  readonly log: InteractionLog;
  readonly report: ImportReport;
}

/** Reads a log file. Bad rows are skipped and reported; an unreadable file throws a LogImportError. */
export async function readInteractionLog(path: string, options: ReadLogOptions = {}): Promise<ReadLogResult> {
  let size: number;
  try {
    const stat = await fs.stat(path);
    if (!stat.isFile()) throw new LogImportError(`${path}: not a file`);
    size = stat.size;
  } catch (err) {
    if (err instanceof LogImportError) throw err;
    throw new LogImportError(`${path}: cannot read the log (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const bar = options.progress ? byteProgressBar(size, `reading ${path}`) : null;
  try {
    const stream = createReadStream(path, { highWaterMark: options.chunkBytes ?? 1 << 20 });
    return await parseInteractionLog(stream, {
      ...options,
      expectedBytes: size,
      onProgress: (read, total) => {
        bar?.update(read);
        options.onProgress?.(read, total);
      },
    }, path);
  } finally {
    bar?.stop();
  }
}

/**
 * Parses a log from text, bytes, a Readable or any async iterable of chunks (strings or bytes), one
 * chunk at a time: the input is never held whole.
 */
export async function parseInteractionLog(
  input: string | Uint8Array | Readable | AsyncIterable<string | Uint8Array>,
  options: ParseLogOptions = {},
  source?: string,
): Promise<ReadLogResult> {
  if (typeof input === "string" || input instanceof Uint8Array) {
    const parser = new LogParser(options, source ?? "<text>");
    parser.push(input);
    return parser.finish();
  }
  const parser = new LogParser(options, source ?? "<stream>");
  for await (const chunk of input as AsyncIterable<string | Uint8Array>) parser.push(chunk);
  return parser.finish();
}
