/** Every command of the CLI. Each file exports a `register(program)` that adds one command. */
import type { Command } from "commander";
import { register as offlineEval } from "./offline-eval.js";

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [
  // one line per command, in the order `liveq --help` lists them
  offlineEval,
];
