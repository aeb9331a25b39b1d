import { test } from "node:test";
import assert from "node:assert/strict";
import { LogParser } from "../../src/data/log-parser.js";
import { parseInteractionLog } from "../../src/data/read-log.js";
import { Rng } from "../../src/core/random/rng.js";

/** A Twitch-format chunk of `rows` rows starting at row `from` (deterministic content). */
function chunkOfRows(from: number, rows: number): string {
  let s = "";
  for (let i = from; i < from + rows; i++) s += `${i % 5000},${1000000 + i},streamer_${i % 777},${i % 6000},${(i % 6000) + 1 + (i % 5)}\n`;
  return s;
}

test("a multi-megabyte stream is parsed chunk by chunk: each chunk is consumed before the next is produced", async () => {
  const chunks = 160, rowsPerChunk = 1500; // 240k rows, about 10 MB
  const progressAtRequest: number[] = [];
  let reported = 0;
  let produced = 0;
  async function* source(): AsyncGenerator<string> {
    for (let c = 0; c < chunks; c++) {
      progressAtRequest.push(reported);
      const text = chunkOfRows(c * rowsPerChunk, rowsPerChunk);
      produced += Buffer.byteLength(text);
      yield text;
    }
  }
  const { log, report } = await parseInteractionLog(source(), { onProgress: (read) => (reported = read) });
  assert.ok(produced > 8_000_000, `the stream is big (${produced} bytes)`);
  assert.equal(log.n, chunks * rowsPerChunk);
  assert.equal(report.bytes, produced);
  // When chunk c is requested, every byte of chunks 0..c-1 has already gone through the parser:
  // nothing is buffered ahead of it.
  let cumulative = 0;
  for (let c = 0; c < chunks; c++) {
    assert.equal(progressAtRequest[c], cumulative, `chunk ${c}`);
    cumulative += Buffer.byteLength(chunkOfRows(c * rowsPerChunk, rowsPerChunk));
  }
  assert.equal(log.userIds.length, 5000);
  assert.equal(log.streamerIds.length, 777);
  const i = 123456;
  assert.equal(log.userIds[log.user[i]], String(i % 5000));
  assert.equal(log.streamerIds[log.streamer[i]], `streamer_${i % 777}`);
  assert.equal(log.start[i], i % 6000);
  assert.equal(log.stop![i], (i % 6000) + 1 + (i % 5));
});

test("between chunks the parser holds at most the unfinished last line, wherever the chunks are cut", () => {
  const rng = new Rng(11);
  const text = Buffer.from(chunkOfRows(0, 20000));
  const longestLine = Math.max(...text.toString().split("\n").map((l) => Buffer.byteLength(l)));
  const parser = new LogParser({});
  let pos = 0, maxPending = 0;
  while (pos < text.length) {
    const size = 1 + rng.int(3 * longestLine); // cuts land inside lines, often
    parser.push(text.subarray(pos, pos + size));
    pos += size;
    maxPending = Math.max(maxPending, parser.pendingBytes);
    assert.ok(parser.pendingBytes <= longestLine, `pending ${parser.pendingBytes} > one line (${longestLine})`);
  }
  assert.ok(maxPending > 0, "some cuts fell inside a line");
  const { log } = parser.finish();
  assert.equal(log.n, 20000);
  assert.equal(log.start[19999], 19999 % 6000);
});

test("a line longer than the limit stops the import with its line number instead of growing without bound", () => {
  const parser = new LogParser({ maxLineBytes: 1000 }, "big.csv");
  parser.push("user,streamer,start\nu,s,1\n");
  assert.throws(() => {
    for (let i = 0; i < 10; i++) parser.push("x".repeat(300));
  }, /big\.csv: line 3 is longer than 1000 bytes without a line break/);
});
