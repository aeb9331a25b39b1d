import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { interactionLogFromRows, type InteractionRow } from "../../../src/data/interaction-log.js";
import { AvailabilitySweep, availabilityByStep } from "../../../src/eval/offline/availability.js";

const rowArb = fc.record({ user: fc.integer({ min: 0, max: 5 }), streamer: fc.integer({ min: 0, max: 8 }), start: fc.integer({ min: 0, max: 40 }), len: fc.integer({ min: 1, max: 6 }) });

function brute(rows: InteractionRow[], t: number, w: number): string[] {
  const live = new Set<string>();
  for (const r of rows) {
    const stop = r.stop ?? r.start + w + 1;
    if (r.start <= t && t < stop) live.add(String(r.streamer));
  }
  return [...live].sort();
}

test("the sweep agrees with a scan of the log at every step, with and without stops, forward and rewound", () => {
  fc.assert(
    fc.property(fc.array(rowArb, { minLength: 1, maxLength: 40 }), fc.boolean(), fc.integer({ min: 0, max: 4 }), fc.array(fc.integer({ min: -2, max: 50 }), { maxLength: 30 }), (raw, withStop, w, queries) => {
      const rows: InteractionRow[] = raw.map((r) => ({ user: r.user, streamer: r.streamer, start: r.start, ...(withStop ? { stop: r.start + r.len } : {}) }));
      const log = interactionLogFromRows(rows);
      const sweep = new AvailabilitySweep(log, w);
      for (const t of queries) {
        sweep.advanceTo(t); // earlier t rewinds
        const got = [...sweep.streamers].map((s) => log.streamerIds[s]).sort();
        assert.deepEqual(got, brute(rows, t, w));
        for (let s = 0; s < log.streamerIds.length; s++) assert.equal(sweep.isAvailable(s), got.includes(log.streamerIds[s]));
      }
      const table = availabilityByStep(sweep, 0, 45);
      for (let t = 0; t <= 45; t++) {
        const at = [...table.streamers.subarray(table.offset[t], table.offset[t + 1])];
        assert.deepEqual(at, [...at].sort((a, b) => a - b), "sorted within a step");
        assert.deepEqual(at.map((s) => log.streamerIds[s]).sort(), brute(rows, t, w));
      }
    }),
    { numRuns: 200, seed: 3 },
  );
});
