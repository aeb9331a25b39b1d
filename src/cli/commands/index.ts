/** Every command of the CLI. Each file exports a `register(program)` that adds one command. */
import type { Command } from "commander";
import { register as serve } from "./serve.js";
import { register as offlineEval } from "./offline-eval.js";
import { register as trainOffline } from "./train-offline.js";
import { register as simulate } from "./simulate.js";
import { register as calibrate } from "./calibrate.js";
import { register as train } from "./train.js";
import { register as compare } from "./compare.js";
import { register as demo } from "./demo.js";

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [
  // one line per command, in the order `liveq --help` lists them
  // (demo first: the main job)
  serve,
  offlineEval,
  trainOffline,
  simulate,
  calibrate,
  train,
  compare,
  demo,
];
