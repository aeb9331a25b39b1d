/**
 * Which column of a log file holds what: the user, the streamer, the start step, and optionally the
 * stop step or a watch duration. Found by name in the header (common spellings are recognised), or
 * given explicitly as a column map (`user=COL,streamer=COL,start=COL[,stop=COL]`).
 */

/** The roles a column can play. `duration` is an alternative to `stop` (KuaiLive's watch_live_time). */
export const COLUMN_ROLES = ["user", "streamer", "start", "stop", "duration"] as const;
export type ColumnRole = (typeof COLUMN_ROLES)[number];

/** role -> column name (or 1-based column number for a file without header). */
export type ColumnMap = Partial<Record<ColumnRole, string>>;

/** Header names recognised for each role, lower case, in order of preference. */
export const RECOGNISED_COLUMN_NAMES: Readonly<Record<ColumnRole, readonly string[]>> = {
  user: ["user", "user_id", "userid", "uid", "viewer", "viewer_id"],
  streamer: ["streamer", "streamer_id", "streamer_name", "streamerid", "channel", "channel_id"],
  start: ["start", "start_step", "start_time", "timestamp", "step", "time"],
  stop: ["stop", "stop_step", "stop_time", "end", "end_step", "end_time"],
  duration: ["watch_live_time", "duration", "watch_time"],
};

/** Where each role sits in a row (0-based field index; -1 for an absent optional role). */
export interface ColumnLayout {
  readonly user: number;
  readonly streamer: number;
  readonly start: number;
  readonly stop: number;
  readonly duration: number;
  /** The column name each role was read from (as written in the header, or "#k" for column k). */
  readonly names: Readonly<Record<ColumnRole, string | null>>;
}

/** The layout of the Twitch dataset of Rappaz et al. (no header): user,stream,streamer,start,stop. */
export const RAPPAZ_TWITCH_LAYOUT: ColumnLayout = {
  user: 0,
  streamer: 2,
  start: 3,
  stop: 4,
  duration: -1,
  names: { user: "#1 (user)", streamer: "#3 (streamer)", start: "#4 (start)", stop: "#5 (stop)", duration: null },
};

/**
 * Parses a column map written as `user=COL,streamer=COL,start=COL[,stop=COL][,duration=COL]`.
 * Throws an error naming the faulty part.
 */
export function parseColumnMap(text: string): ColumnMap {
  const map: ColumnMap = {};
  for (const part of text.split(",")) {
    const item = part.trim();
    if (item === "") continue;
    const eq = item.indexOf("=");
    if (eq <= 0) throw new Error(`column map: "${item}" is not ROLE=COLUMN (roles: ${COLUMN_ROLES.join(", ")})`);
    const role = item.slice(0, eq).trim().toLowerCase();
    const column = item.slice(eq + 1).trim();
    if (!(COLUMN_ROLES as readonly string[]).includes(role)) {
      throw new Error(`column map: unknown role "${role}" in "${item}" (roles: ${COLUMN_ROLES.join(", ")})`);
    }
    if (column === "") throw new Error(`column map: no column given for role "${role}"`);
    if (map[role as ColumnRole] !== undefined) throw new Error(`column map: role "${role}" given twice`);
    map[role as ColumnRole] = column;
  }
  if (map.stop !== undefined && map.duration !== undefined) throw new Error("column map: give stop or duration, not both");
  return map;
}

/** Normalises a header cell for matching: trimmed, unquoted, lower case. */
function normalise(name: string): string {
  let s = name.trim();
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) s = s.slice(1, -1).replace(/""/g, '"');
  return s.trim().toLowerCase();
}

/** True when a first line looks like a header: some cell is a recognised name or a mapped column. */
export function looksLikeHeader(cells: readonly string[], map: ColumnMap = {}): boolean {
  const names = cells.map(normalise);
  const mapped = Object.values(map).map((c) => c!.toLowerCase());
  return names.some((n) => mapped.includes(n) || COLUMN_ROLES.some((role) => RECOGNISED_COLUMN_NAMES[role].includes(n)));
}

/**
 * Resolves the layout from a header row and an optional explicit map. Explicit entries win; the
 * other roles are found by their recognised names. Throws, listing the header, when a required role
 * (user, streamer, start) is missing or a mapped column does not exist.
 */
export function layoutFromHeader(cells: readonly string[], map: ColumnMap = {}): ColumnLayout {
  const names = cells.map(normalise);
  const index: Record<ColumnRole, number> = { user: -1, streamer: -1, start: -1, stop: -1, duration: -1 };
  const header = cells.map((c) => c.trim()).join(",");
  for (const role of COLUMN_ROLES) {
    const wanted = map[role];
    if (wanted !== undefined) {
      const at = names.indexOf(wanted.toLowerCase());
      if (at < 0) throw new Error(`column map: ${role}=${wanted}, but the header has no column "${wanted}" (header: ${header})`);
      index[role] = at;
    }
  }
  // Roles not mapped explicitly: the first recognised name not already taken by another role. A stop
  // column makes a duration column unnecessary (and an explicit duration excludes a stop).
  for (const role of COLUMN_ROLES) {
    if (index[role] >= 0) continue;
    if ((role === "duration" && index.stop >= 0) || (role === "stop" && index.duration >= 0)) continue;
    for (const candidate of RECOGNISED_COLUMN_NAMES[role]) {
      const at = names.indexOf(candidate);
      if (at >= 0 && !Object.values(index).includes(at)) {
        index[role] = at;
        break;
      }
    }
  }
  const missing = (["user", "streamer", "start"] as const).filter((role) => index[role] < 0);
  if (missing.length > 0) {
    throw new Error(
      `no ${missing.join(", ")} column in the header (header: ${header}); ` +
        `recognised names: ${missing.map((r) => `${r}: ${RECOGNISED_COLUMN_NAMES[r].join("|")}`).join("; ")}; ` +
        `or give --map user=COL,streamer=COL,start=COL[,stop=COL]`,
    );
  }
  const name = (i: number) => (i >= 0 ? cells[i].trim() : null);
  return {
    ...index,
    names: { user: name(index.user), streamer: name(index.streamer), start: name(index.start), stop: name(index.stop), duration: name(index.duration) },
  };
}

/**
 * The layout of a file without header from a map of 1-based column numbers
 * (`user=1,streamer=3,start=4,stop=5`). Throws when a role is not a number or is missing.
 */
export function layoutFromColumnNumbers(map: ColumnMap, fieldCount: number): ColumnLayout {
  const index: Record<ColumnRole, number> = { user: -1, streamer: -1, start: -1, stop: -1, duration: -1 };
  for (const role of COLUMN_ROLES) {
    const col = map[role];
    if (col === undefined) continue;
    if (!/^[1-9][0-9]*$/.test(col)) {
      throw new Error(`column map: ${role}=${col}, but the file has no header, so columns are numbered 1..${fieldCount}`);
    }
    const k = Number(col);
    if (k > fieldCount) throw new Error(`column map: ${role}=${col}, but the first row has only ${fieldCount} columns`);
    index[role] = k - 1;
  }
  const missing = (["user", "streamer", "start"] as const).filter((role) => index[role] < 0);
  if (missing.length > 0) throw new Error(`column map: no column given for ${missing.join(", ")} (the file has no header)`);
  const name = (i: number) => (i >= 0 ? `#${i + 1}` : null);
  return {
    ...index,
    names: { user: name(index.user), streamer: name(index.streamer), start: name(index.start), stop: name(index.stop), duration: name(index.duration) },
  };
}
