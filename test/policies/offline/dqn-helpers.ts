/**
 * A small synthetic log with a planted pattern, for the offline DQN's tests: 45 streamers in 3
 * categories, kept live at every step by background viewers; each of 60 users belongs to a category
 * and has a favourite streamer in it, which they return to half of the time; otherwise they try a
 * streamer of their own category (rarely any streamer). Steps 0..399: with windows of 50 steps the
 * test window is 350..399, validation 300..349.
 */
import { Rng } from "../../../src/core/random/rng.js";
import type { InteractionRow } from "../../../src/data/interaction-log.js";

export const SYNTHETIC_WINDOW = 50;
export const SYNTHETIC_AVAIL = 9;

export function plantedLog(seed: number): InteractionRow[] {
  const rng = new Rng(seed);
  const rows: InteractionRow[] = [];
  const streamer = (category: number, j: number) => `c${category}s${j}`;
  for (let t = 0; t < 400; t++) {
    if (t % 10 === 0) for (let c = 0; c < 3; c++) for (let j = 0; j < 15; j++) rows.push({ user: `bg${c}-${j}`, streamer: streamer(c, j), start: t });
    for (let k = 0; k < 3; k++) {
      const u = rng.int(60);
      const category = u % 3, favourite = Math.floor(u / 3) % 15;
      const x = rng.float();
      const s = x < 0.5 ? streamer(category, favourite) : x < 0.95 ? streamer(category, rng.int(15)) : streamer(rng.int(3), rng.int(15));
      rows.push({ user: `u${u}`, streamer: s, start: t });
    }
  }
  return rows;
}

/** The same log as CSV text with a header, as `liveq` reads it. */
export function plantedCsv(seed: number): string {
  return ["user_id,streamer_id,start_step", ...plantedLog(seed).map((r) => `${r.user},${r.streamer},${r.start}`)].join("\n") + "\n";
}
