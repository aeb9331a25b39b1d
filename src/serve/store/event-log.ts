/**
 * The durable event log: an embedded SQLite database (better-sqlite3, WAL journal).
 *
 *   events(seq INTEGER PRIMARY KEY, id TEXT UNIQUE, type, ts, body)   every accepted event, once
 *   recommendations(rec PRIMARY KEY, user, ts, model_version, items)   what was shown, with propensities
 *
 * `append` writes batches in ONE transaction: each event is inserted unless its id is already
 * there (the UNIQUE constraint makes a retried batch count once), and the call returns, per event,
 * its sequence number or 0 for a duplicate. With `fsync` the commit is flushed to disk before
 * append returns (synchronous = FULL); without, a process crash still loses nothing committed, a
 * power cut may lose the last commits.
 *
 * This class is synchronous; the service runs its writes in a worker thread (store-worker.ts) so
 * that an fsync never stalls a request, and reads the log directly when it starts.
 */
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

export interface EventRows {
  ids: string[];
  types: string[];
  ts: number[];
  bodies: string[];
}

export interface RecommendationRow {
  rec: string;
  user: string;
  ts: number;
  modelVersion: number;
  /** JSON of the items shown: stream, position, propensity, explored. */
  items: string;
}

export class EventLog {
  private readonly db: Database.Database;
  private readonly insertEvent: Database.Statement;
  private readonly insertRec: Database.Statement;
  private readonly appendTx: (batches: EventRows[]) => Float64Array[];
  private readonly recTx: (rows: RecommendationRow[]) => void;

  constructor(readonly path: string, options: { fsync?: boolean; readonly?: boolean } = {}) {
    if (!options.readonly) mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    if (!options.readonly) {
      this.db.pragma("journal_mode = WAL");
      this.db.pragma(`synchronous = ${options.fsync === false ? "NORMAL" : "FULL"}`);
      this.db.exec(`
        CREATE TABLE IF NOT EXISTS events (
          seq INTEGER PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          type TEXT NOT NULL,
          ts INTEGER NOT NULL,
          body TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS recommendations (
          rec TEXT PRIMARY KEY,
          user TEXT NOT NULL,
          ts INTEGER NOT NULL,
          model_version INTEGER NOT NULL,
          items TEXT NOT NULL
        );`);
    }
    this.insertEvent = this.db.prepare("INSERT OR IGNORE INTO events (id, type, ts, body) VALUES (?, ?, ?, ?)");
    this.insertRec = this.db.prepare("INSERT OR IGNORE INTO recommendations (rec, user, ts, model_version, items) VALUES (?, ?, ?, ?, ?)");
    this.appendTx = this.db.transaction((batches: EventRows[]) =>
      batches.map((b) => {
        const seqs = new Float64Array(b.ids.length);
        for (let i = 0; i < b.ids.length; i++) {
          const r = this.insertEvent.run(b.ids[i], b.types[i], b.ts[i], b.bodies[i]);
          seqs[i] = r.changes === 1 ? Number(r.lastInsertRowid) : 0;
        }
        return seqs;
      }),
    );
    this.recTx = this.db.transaction((rows: RecommendationRow[]) => {
      for (const r of rows) this.insertRec.run(r.rec, r.user, r.ts, r.modelVersion, r.items);
    });
  }

  /** Appends batches in one transaction; per batch, per event: its seq, or 0 for a duplicate id. */
  append(batches: EventRows[], recommendations: RecommendationRow[] = []): Float64Array[] {
    if (recommendations.length === 0) return this.appendTx(batches);
    let out: Float64Array[] = [];
    this.db.transaction(() => {
      out = this.appendTx(batches);
      this.recTx(recommendations);
    })();
    return out;
  }

  appendRecommendations(rows: RecommendationRow[]): void {
    if (rows.length > 0) this.recTx(rows);
  }

  /** Every event after `afterSeq`, in order. */
  *events(afterSeq = 0): Generator<{ seq: number; body: string }> {
    const stmt = this.db.prepare("SELECT seq, body FROM events WHERE seq > ? ORDER BY seq").raw(true);
    for (const row of stmt.iterate(afterSeq) as Iterable<[number, string]>) yield { seq: row[0], body: row[1] };
  }

  /** Number of events held. */
  count(): number {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM events").get() as { n: number }).n;
  }

  lastSeq(): number {
    return (this.db.prepare("SELECT COALESCE(MAX(seq), 0) AS s FROM events").get() as { s: number }).s;
  }

  /** How many times each id is held (0 or 1, by the UNIQUE constraint). */
  countIds(ids: readonly string[]): Map<string, number> {
    const stmt = this.db.prepare("SELECT COUNT(*) AS n FROM events WHERE id = ?");
    return new Map(ids.map((id) => [id, (stmt.get(id) as { n: number }).n]));
  }

  recommendationCount(): number {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM recommendations").get() as { n: number }).n;
  }

  close(): void {
    this.db.close();
  }
}
