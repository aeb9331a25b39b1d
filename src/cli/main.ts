#!/usr/bin/env node
/**
 * The `liveq` command line: a thin layer over the library. Each command lives in its own file
 * under ./commands and registers itself here.
 */
import { Command } from "commander";
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { commands } from "./commands/index.js";
import { Interrupted } from "./interrupt.js";
import { LIVEQ_VERSION } from "../version.js";

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("liveq")
    .description("Deep Q-learning recommender for live-streaming platforms")
    .version(LIVEQ_VERSION)
    .showHelpAfterError()
    .configureOutput({ outputError: (str, write) => write(str) });
  for (const register of commands) register(program);
  return program;
}

export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    console.error(`liveq: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = err instanceof Interrupted ? err.exitCode : 1;
  }
}

const invoked = process.argv[1] ? realpathSync(process.argv[1]) : "";
if (invoked === realpathSync(fileURLToPath(import.meta.url))) void main();
