import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { readInteractionLog } from "../../../src/data/read-log.js";
import { LiveRecProtocol } from "../../../src/eval/offline/liverec-protocol.js";
import { PopularityRanker } from "../../../src/policies/offline/popularity.js";
import { RepeatRanker } from "../../../src/policies/offline/repeat.js";

// The real Twitch sample lives beside the repository (../shared/data); this test needs it and says so
// when it is absent. Every other test builds its data itself.
const SAMPLE = fileURLToPath(new URL("../../../../shared/data/twitch-sample.csv", import.meta.url));

test("POP and REP reproduce the figures of the data README on the Twitch sample (W = 6)", async (t) => {
  if (!existsSync(SAMPLE)) {
    t.skip(`${SAMPLE} is absent`);
    return;
  }
  const { log, report } = await readInteractionLog(SAMPLE);
  assert.equal(report.kept, 27254);
  assert.equal(report.bad, 0);
  assert.equal(report.users, 519);
  assert.equal(report.maxStep, 6147);
  const protocol = new LiveRecProtocol(log, { availWindow: 6 });
  const ev = await protocol.evaluate("test", [new PopularityRanker(), new RepeatRanker()]);
  assert.deepEqual(ev.targets, { all: 386, new: 60, rep: 326 });
  const expected = {
    pop: { all: { "hr@1": 0.0492, "hr@10": 0.3756, "ndcg@10": 0.1809 }, new: { "hr@10": 0.3 }, rep: { "hr@1": 0.0491 } },
    rep: { all: { "hr@1": 0.5751, "hr@10": 0.8912, "ndcg@10": 0.7467 }, new: { "hr@10": 0.3 }, rep: { "hr@1": 0.681 } },
  } as const;
  for (const [policy, segments] of Object.entries(expected)) {
    for (const [segment, metrics] of Object.entries(segments)) {
      for (const [metric, want] of Object.entries(metrics as Record<string, number>)) {
        const got = (ev.results[policy] as unknown as Record<string, Record<string, number>>)[segment][metric];
        assert.ok(Math.abs(got - want) < 0.005, `${policy} ${segment} ${metric}: ${got} vs ${want}`);
      }
    }
  }
});
