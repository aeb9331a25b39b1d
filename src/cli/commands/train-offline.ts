/**
 * `liveq train-offline`: trains the offline DQN on an interaction log and writes the model to a
 * directory, for `liveq offline-eval --policies dqn --model DIR` (or serving) later.
 *
 * The model is trained for the test window of LiveRec's protocol: the loss variant and the number
 * of epochs are chosen on the validation window (trained on what precedes it), then the model is
 * trained on everything before the test window. The test window is never read. Every validation
 * check is printed on stderr; with --json, stdout's last line is one JSON object with the checks.
 */
import { InvalidArgumentError, type Command } from "commander";
import { integer, positiveNumber, oneOf } from "../flags.js";
import { formatImportReport } from "../../data/import-report.js";
import { readInteractionLog } from "../../data/read-log.js";
import { TIME_UNITS, type TimeUnit } from "../../data/time-unit.js";
import { LiveRecProtocol } from "../../eval/offline/liverec-protocol.js";
import { countProgressBar, type CountProgress } from "../../eval/offline/count-progress.js";
import { DEFAULT_SEARCH_VARIANTS, LOSS_VARIANTS, parseOfflineDqnConfig, type LossVariant, type OfflineDqnConfigInput } from "../../policies/offline/dqn/config.js";
import { saveOfflineDqnModel } from "../../policies/offline/dqn/model-dir.js";
import { OfflineDqnRanker, type TrainingPhase } from "../../policies/offline/dqn/ranker.js";

interface TrainOfflineFlags {
  data: string;
  out: string;
  map?: string;
  format: "auto" | "rappaz" | "header";
  timeUnit?: TimeUnit;
  stepMinutes: number;
  availWindow: number;
  windowLength: number;
  variants: LossVariant[];
  maxEpochs?: number;
  epochs?: number;
  seed: number;
  config?: OfflineDqnConfigInput;
  json?: boolean;
  progress: boolean;
}




function jsonObject(value: string): OfflineDqnConfigInput {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (err) {
    throw new InvalidArgumentError(`--config must be a JSON object: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new InvalidArgumentError(`--config must be a JSON object, got ${value}`);
  try {
    parseOfflineDqnConfig(parsed);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
  return parsed as OfflineDqnConfigInput;
}

function variantList(value: string): LossVariant[] {
  const names = value.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (names.length === 0) throw new InvalidArgumentError(`--variants needs at least one of ${LOSS_VARIANTS.join(", ")}`);
  for (const n of names) {
    if (!LOSS_VARIANTS.includes(n as LossVariant)) throw new InvalidArgumentError(`unknown variant "${n}"; known: ${LOSS_VARIANTS.join(", ")}`);
  }
  if (new Set(names).size !== names.length) throw new InvalidArgumentError(`--variants lists a variant twice: ${value}`);
  return names as LossVariant[];
}

export function register(program: Command): void {
  program
    .command("train-offline")
    .description("train the DQN offline on an interaction log (variant and epochs chosen on the validation window) and save the model")
    .requiredOption("--data <file>", "interaction log (Twitch of Rappaz et al., its reduced sample, KuaiLive, or any CSV with named columns)")
    .requiredOption("--out <dir>", "model directory to write (created; an older model there is replaced atomically)")
    .option("--map <spec>", "columns: user=COL,streamer=COL,start=COL[,stop=COL|,duration=COL]")
    .option("--format <format>", "auto, rappaz (no header: user,stream,streamer,start,stop) or header", oneOf("format", ["auto", "rappaz", "header"] as const), "auto")
    .option("--time-unit <unit>", `unit of the time columns: ${TIME_UNITS.join(", ")} (default: step; ms for a "timestamp" column)`, oneOf("time unit", TIME_UNITS))
    .option("--step-minutes <m>", "length of a step in minutes (converts timestamps)", positiveNumber("step length"), 10)
    .option("--avail-window <W>", "without stop steps, a streamer is live at t when watched from a step in [t-W, t]", integer("availability window", 0), 6)
    .option("--window-length <steps>", "length of the test and validation windows", integer("window length", 1), 250)
    .option("--variants <list>", `loss variants compared on the validation window (${LOSS_VARIANTS.join(", ")})`, variantList, [...DEFAULT_SEARCH_VARIANTS])
    .option("--max-epochs <n>", "most epochs tried per variant on the validation window (default 4)", integer("max epochs", 1))
    .option("--epochs <n>", "train this many epochs (with one variant: no validation search)", integer("epochs", 1))
    .option("--seed <n>", "seed of the initial weights and the minibatch order", integer("seed", 0), 0)
    .option("--config <json>", 'further settings as a JSON object, e.g. \'{"cqlAlpha": 3, "gamma": 0.5}\' (see src/policies/offline/dqn/config.ts)', jsonObject)
    .option("--json", "print one JSON object")
    .option("--no-progress", "no progress bar on stderr")
    .action(async (flags: TrainOfflineFlags) => {
      const note = (line: string) => process.stderr.write(`${line}\n`);
      const { log, report } = await readInteractionLog(flags.data, {
        map: flags.map,
        format: flags.format,
        timeUnit: flags.timeUnit,
        stepMinutes: flags.stepMinutes,
        progress: flags.progress,
      });
      note(formatImportReport(report));
      const protocol = new LiveRecProtocol(log, { availWindow: flags.availWindow, windowLength: flags.windowLength, seed: flags.seed });
      let bar: CountProgress | null = null;
      let barPhase: TrainingPhase | null = null;
      const stopBar = () => {
        bar?.stop();
        bar = null;
      };
      const ranker = new OfflineDqnRanker({
        config: parseOfflineDqnConfig({ ...flags.config, seed: flags.seed, variant: flags.variants[0], maxEpochs: flags.maxEpochs ?? flags.config?.maxEpochs, epochs: flags.epochs ?? flags.config?.epochs }),
        variants: flags.variants,
        onProgress: flags.progress
          ? (phase, done, total) => {
              if (bar === null || barPhase !== phase) {
                stopBar();
                bar = countProgressBar(`dqn: ${phase}`);
                barPhase = phase;
              }
              bar.update(done, total);
              if (done === total) stopBar();
            }
          : undefined,
        onCheck: (line) => {
          stopBar();
          note(line);
        },
        onNote: note,
      });
      const started = performance.now();
      const view = protocol.trainView("test");
      await ranker.fit(view);
      stopBar();
      const seconds = (performance.now() - started) / 1000;
      const model = ranker.trained!;
      saveOfflineDqnModel(flags.out, model);
      const selection = ranker.selection!;
      note(`saved the model (variant ${selection.variant}, ${selection.epochs} epochs, trained on steps before ${view.before}) to ${flags.out} in ${seconds.toFixed(1)} s`);
      if (flags.json) {
        console.log(
          JSON.stringify({
            model: flags.out,
            variant: selection.variant,
            epochs: selection.epochs,
            train_before_step: view.before,
            avail_window: flags.availWindow,
            validation_ndcg10: Number.isNaN(selection.validationNdcg10) ? null : selection.validationNdcg10,
            validation: selection.checks.map((c) => ({ variant: c.variant, epoch: c.epoch, ...c.metrics, td_loss: c.training.tdLoss, extra_loss: c.training.extraLoss })),
            seconds,
          }),
        );
      }
    });
}
