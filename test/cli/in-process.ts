/** Running the CLI inside the test process, capturing what it prints. */
import { buildProgram } from "../../src/cli/main.js";

/** Runs `liveq ...args` in-process; returns stdout, stderr and the error thrown, if any. */
export async function runCli(args: string[]): Promise<{ out: string; err: string; error: Error | null }> {
  const program = buildProgram();
  for (const c of [program, ...program.commands]) c.exitOverride();
  let out = "", err = "";
  const log = console.log;
  const write = process.stderr.write.bind(process.stderr);
  console.log = (...a: unknown[]) => void (out += a.join(" ") + "\n");
  process.stderr.write = ((chunk: string | Uint8Array) => ((err += String(chunk)), true)) as typeof process.stderr.write;
  for (const c of [program, ...program.commands]) c.configureOutput({ writeErr: (s) => void (err += s), writeOut: (s) => void (out += s) });
  let error: Error | null = null;
  try {
    await program.parseAsync(["node", "liveq", ...args]);
  } catch (e) {
    error = e as Error;
  } finally {
    console.log = log;
    process.stderr.write = write;
  }
  return { out, err, error };
}
