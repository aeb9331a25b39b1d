/** `liveq --version` prints package.json's version (what a comparison's work directory records). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { runCli } from "./in-process.js";
import { LIVEQ_VERSION } from "../../src/version.js";

test("liveq --version prints package.json's version", async () => {
  const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  assert.equal(LIVEQ_VERSION, version);
  const r = await runCli(["--version"]);
  assert.equal(r.out.trim(), version);
});
