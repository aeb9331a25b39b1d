import { test } from "node:test";
import assert from "node:assert/strict";
import { onCtrlC, REPEAT_WINDOW_MS, sameCommand } from "../../src/cli/interrupt.js";

test("onCtrlC: the first SIGINT aborts the signal and says so; its echo within the repeat window (timeout -s INT signals the process and its group) does not quit; a later one quits with 130", () => {
  const writes: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => (writes.push(String(chunk)), true)) as typeof process.stderr.write;
  const exit = process.exit;
  let exited: number | undefined;
  process.exit = ((code?: number) => { exited = code; }) as typeof process.exit;
  let clock = 1000;
  const ctrlC = onCtrlC("stopping: test", () => clock);
  try {
    assert.equal(ctrlC.signal.aborted, false);
    process.emit("SIGINT");
    clock += REPEAT_WINDOW_MS - 1;
    process.emit("SIGINT");
    assert.equal(ctrlC.signal.aborted, true);
    assert.equal(exited, undefined, "an echo of the same Ctrl-C must not quit");
    assert.deepEqual(writes, ["\nstopping: test\n"]);
    clock += 1;
    process.emit("SIGINT");
    assert.equal(exited, 130);
  } finally {
    ctrlC.dispose();
    process.stderr.write = write;
    process.exit = exit;
  }
  assert.equal(process.listenerCount("SIGINT"), 0, "dispose removes the listener");
  assert.match(sameCommand(), /^liveq( |$)/);
});
