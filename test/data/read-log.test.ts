import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import fc from "fast-check";
import { parseInteractionLog, readInteractionLog } from "../../src/data/read-log.js";
import { LogImportError } from "../../src/data/log-parser.js";
import type { InteractionLog } from "../../src/data/interaction-log.js";

/** The log as plain rows with original ids, for comparisons. */
function rows(log: InteractionLog): Array<[string, string, number, number | null]> {
  return Array.from({ length: log.n }, (_, i) => [log.userIds[log.user[i]], log.streamerIds[log.streamer[i]], log.start[i], log.stop ? log.stop[i] : null]);
}

test("Twitch of Rappaz et al.: no header, user,stream,streamer,start,stop", async () => {
  const text = "1,34347669376,grimnax,5415,5416\n1,34391519088,ncsl,5420,5424\n2,34347669376,grimnax,5415,5418\n";
  const { log, report } = await parseInteractionLog(text);
  assert.equal(report.format, "rappaz");
  assert.deepEqual(rows(log), [
    ["1", "grimnax", 5415, 5416],
    ["1", "ncsl", 5420, 5424],
    ["2", "grimnax", 5415, 5418],
  ]);
  assert.deepEqual([...log.user], [0, 0, 1]);
  assert.deepEqual([...log.streamer], [0, 1, 0]);
  assert.equal(log.stepMinutes, 10);
  assert.equal(report.lines, 3);
  assert.equal(report.kept, 3);
  assert.equal(report.bad, 0);
  assert.equal(report.minStep, 5415);
  assert.equal(report.maxStep, 5424);
});

test("the reduced sample: header user_id,streamer_id,start_step,community, no stop; extra columns ignored", async () => {
  const text = "user_id,streamer_id,start_step,community\n108,15,122,8\n108,16,219,8\n4,15,3,2\n";
  const { log, report } = await parseInteractionLog(text);
  assert.equal(report.format, "header");
  assert.deepEqual(report.columns, { user: "user_id", streamer: "streamer_id", start: "start_step", stop: null, duration: null });
  assert.equal(log.stop, null);
  assert.deepEqual(rows(log), [
    ["108", "15", 122, null],
    ["108", "16", 219, null],
    ["4", "15", 3, null],
  ]);
  assert.equal(report.users, 2);
  assert.equal(report.streamers, 2);
});

test("KuaiLive: millisecond timestamps become steps of the chosen length, watch time gives the stop", async () => {
  const t0 = Date.UTC(2025, 4, 5, 12, 0, 0); // a multiple of 10 minutes
  const text =
    "user_id,live_id,streamer_id,timestamp,watch_live_time\n" +
    `7,900,55,${t0 + 61_000},30000\n` + // 12:01:01 for 30 s -> step 0, stop 1
    `7,901,56,${t0 + 9 * 60_000},120000\n` + // 12:09 for 2 min -> step 0, ends 12:11 -> stop 2
    `8,902,55,${t0 + 25 * 60_000},0\n`; // 12:25 -> step 2, stop 3
  const { log, report } = await parseInteractionLog(text);
  assert.equal(report.timeUnit, "ms");
  assert.equal(report.columns.duration, "watch_live_time");
  assert.equal(log.stepOriginMs, t0);
  assert.equal(report.stepOriginMs, t0);
  assert.deepEqual(rows(log), [
    ["7", "55", 0, 1],
    ["7", "56", 0, 2],
    ["8", "55", 2, 3],
  ]);
  const fiveMin = await parseInteractionLog(text, { stepMinutes: 5 });
  assert.deepEqual(rows(fiveMin.log), [
    ["7", "55", 0, 1],
    ["7", "56", 1, 3],
    ["8", "55", 5, 6],
  ]);
  assert.equal(fiveMin.log.stepMinutes, 5);
});

test("header names are recognised in any case and order; --map picks other columns", async () => {
  const a = await parseInteractionLog("Start_Time,Extra,Streamer_Name,USER,stop_time\n5,x,alice,u1,9\n");
  assert.deepEqual(rows(a.log), [["u1", "alice", 5, 9]]);
  const text = "idx,viewer_hash,chan,t0,t1\n0,aa,c1,3,4\n1,bb,c2,4,7\n";
  await assert.rejects(parseInteractionLog(text), /first line \(idx,viewer_hash,chan,t0,t1\) has no recognised column name .*--map user=COL/);
  await assert.rejects(parseInteractionLog("user_id,x,y\n1,2,3\n"), /no streamer, start column in the header \(header: user_id,x,y\).*--map/);
  const b = await parseInteractionLog(text, { map: "user=viewer_hash,streamer=chan,start=t0,stop=t1" });
  assert.deepEqual(rows(b.log), [
    ["aa", "c1", 3, 4],
    ["bb", "c2", 4, 7],
  ]);
  assert.deepEqual(b.report.columns, { user: "viewer_hash", streamer: "chan", start: "t0", stop: "t1", duration: null });
  // an explicit map overrides a recognised name
  const c = await parseInteractionLog("user,streamer,start,other\nu,s,1,2\n", { map: { start: "other" } });
  assert.deepEqual(rows(c.log), [["u", "s", 2, null]]);
  await assert.rejects(parseInteractionLog(text, { map: "user=nope,streamer=chan,start=t0" }), /user=nope, but the header has no column "nope"/);
  await assert.rejects(parseInteractionLog(text, { map: "viewer=viewer_hash" }), /unknown role "viewer"/);
});

test("a file without header takes --map by 1-based column numbers", async () => {
  const { log, report } = await parseInteractionLog("x;u1;s1;17\ny;u2;s1;18\n", { map: "user=2,streamer=3,start=4" });
  assert.equal(report.format, "numbered");
  assert.equal(report.delimiter, ";");
  assert.deepEqual(rows(log), [
    ["u1", "s1", 17, null],
    ["u2", "s1", 18, null],
  ]);
  await assert.rejects(parseInteractionLog("a,b,c\n"), /first line \(a,b,c\) has no recognised column name/);
});

test("bad rows are counted by reason with line numbers, and the good ones kept", async () => {
  const text = [
    "user_id,streamer_id,start_step,stop_step", // line 1
    "1,a,10,12", // 2 ok
    "2,b", // 3 too few fields
    ",c,10,11", // 4 empty user
    "3,,10,11", // 5 empty streamer
    "4,d,ten,11", // 6 bad start
    "5,e,10,10", // 7 stop not after start
    "", // 8 blank
    "6,f,10,1x", // 9 bad stop
    "7,g,-3,2", // 10 negative step
    "8,h,11,13", // 11 ok
  ].join("\n");
  const { log, report } = await parseInteractionLog(text);
  assert.deepEqual(rows(log), [
    ["1", "a", 10, 12],
    ["8", "h", 11, 13],
  ]);
  assert.equal(report.rows, 9);
  assert.equal(report.kept, 2);
  assert.equal(report.bad, 7);
  assert.equal(report.blankLines, 1);
  assert.deepEqual(report.badByReason, {
    "too-few-fields": 1,
    "empty-user": 1,
    "empty-streamer": 1,
    "bad-start": 1,
    "stop-not-after-start": 1,
    "bad-stop": 1,
    "step-out-of-range": 1,
  });
  assert.deepEqual(
    report.firstBad.map((b) => [b.line, b.reason]),
    [
      [3, "too-few-fields"],
      [4, "empty-user"],
      [5, "empty-streamer"],
      [6, "bad-start"],
      [7, "stop-not-after-start"],
      [9, "bad-stop"],
      [10, "step-out-of-range"],
    ],
  );
  assert.match(report.firstBad[3].detail, /start "ten" is not an integer step/);
  assert.equal(report.firstBad[0].text, "2,b");
  // only the first few are shown, all are counted
  const many = await parseInteractionLog("user,streamer,start\n" + "u,s,x\n".repeat(30) + "u,s,1\n", { badExamples: 3 });
  assert.equal(many.report.bad, 30);
  assert.deepEqual(many.report.firstBad.map((b) => b.line), [2, 3, 4]);
});

test("bad rows become fatal only when asked, or when nothing is left, and the error says why", async () => {
  const text = "user,streamer,start\nu,s,1\nu,s,x\nu,s,y\n";
  await assert.rejects(parseInteractionLog(text, { maxBadRows: 1 }), (err: unknown) => {
    assert.ok(err instanceof LogImportError);
    assert.match(err.message, /more than 1 bad rows; line 4: start "y" is not an integer step/);
    return true;
  });
  await assert.rejects(parseInteractionLog("user,streamer,start\nu,s,x\n"), /no usable row \(1 data rows, 1 bad\).*\n\s+line 2: start "x"/s);
  await assert.rejects(parseInteractionLog(""), /the input is empty/);
  await assert.rejects(parseInteractionLog("user,streamer,start\n"), /no usable row \(0 data rows/);
});

test("CRLF, a BOM, quotes, blanks around fields and tab delimiters are read", async () => {
  const text = '\ufeffuser,streamer,start\r\n"u 1", "s,1" ,3\r\n"say ""hi""",s2,4\r\n';
  const { log } = await parseInteractionLog(text);
  assert.deepEqual(rows(log), [
    ["u 1", "s,1", 3, null],
    ['say "hi"', "s2", 4, null],
  ]);
  const tabs = await parseInteractionLog("user\tstreamer\tstart\nu\ts\t5\n");
  assert.equal(tabs.report.delimiter, "\t");
  assert.deepEqual(rows(tabs.log), [["u", "s", 5, null]]);
  // the last line needs no newline
  const last = await parseInteractionLog("user,streamer,start\nu,s,5");
  assert.equal(last.log.n, 1);
});

test("numeric and textual ids are interned separately and exactly", async () => {
  const { log } = await parseInteractionLog("user,streamer,start\n7,007,1\n007,7,2\n7,7,3\n99999999999999999999,x,4\n");
  assert.deepEqual(log.userIds, ["7", "007", "99999999999999999999"]);
  assert.deepEqual(log.streamerIds, ["007", "7", "x"]);
  assert.deepEqual([...log.user], [0, 1, 0, 2]);
  assert.deepEqual([...log.streamer], [0, 1, 1, 2]);
});

test("any split of the input into chunks gives the same log and report", async () => {
  const text = "user_id,streamer_id,start_step\r\n1,a,5\n2,b,x\r\n\n3,\"c\",7\n1,a,9";
  const whole = await parseInteractionLog(text);
  await fc.assert(
    fc.asyncProperty(fc.array(fc.integer({ min: 0, max: text.length }), { maxLength: 6 }), async (cuts) => {
      const bytes = Buffer.from(text);
      const points = [0, ...[...new Set(cuts)].sort((a, b) => a - b), bytes.length];
      const chunks = points.slice(1).map((p, i) => bytes.subarray(points[i], p));
      const got = await parseInteractionLog(Readable.from(chunks));
      assert.deepEqual(rows(got.log), rows(whole.log));
      assert.deepEqual({ ...got.report, source: "" }, { ...whole.report, source: "" });
    }),
    { numRuns: 150, seed: 5 },
  );
});

test("readInteractionLog reads a file in small chunks and reports progress; a missing file is a clear error", async () => {
  const dir = mkdtempSync(join(tmpdir(), "liveq-read-"));
  try {
    const path = join(dir, "log.csv");
    const body = "user,streamer,start\n" + Array.from({ length: 2000 }, (_, i) => `u${i % 37},s${i % 11},${i}`).join("\n") + "\n";
    writeFileSync(path, body);
    const seen: number[] = [];
    const { log, report } = await readInteractionLog(path, { chunkBytes: 4096, onProgress: (read, total) => (seen.push(read), assert.equal(total, body.length)) });
    assert.equal(log.n, 2000);
    assert.equal(report.source, path);
    assert.equal(report.bytes, body.length);
    assert.ok(seen.length >= Math.floor(body.length / 4096), "one progress call per chunk");
    assert.equal(seen.at(-1), body.length);
    await assert.rejects(readInteractionLog(join(dir, "absent.csv")), /absent\.csv: cannot read the log \(ENOENT\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
