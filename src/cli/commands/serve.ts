/**
 * `liveq serve`: the live recommendation service over HTTP (see src/serve). With --simulate, the
 * simulator's users use it over HTTP, so it learns live and its dashboard moves.
 */
import { InvalidArgumentError, type Command } from "commander";
import { parseServeConfig, readServeConfig, withServeOverrides, type ServeConfigInput } from "../../serve/config.js";
import { createServer } from "../../serve/server.js";
import { runSimulation, type SimulationReport } from "../../serve/simulate.js";

interface ServeFlags {
  config?: string;
  host?: string;
  port?: number;
  data?: string;
  model?: string;
  token?: string;
  simulate?: boolean;
  simUsers: number;
  simStreamers: number;
  simDays: number;
  simSeed: number;
  simTicks?: number;
  tickDelay: number;
  exit?: boolean;
  json?: boolean;
}

function integer(name: string, min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    if (!/^[0-9]+$/.test(value.trim()) || Number(value) < min || Number(value) > max) throw new InvalidArgumentError(`${name} must be an integer in [${min}, ${max}], got "${value}"`);
    return Number(value);
  };
}

export function register(program: Command): void {
  program
    .command("serve")
    .description("serve live recommendations over HTTP and keep learning from the feedback (dashboard at /)")
    .option("--config <file>", "JSON config (see src/serve/config.ts); flags override it")
    .option("--host <address>", "address to listen on (default 127.0.0.1)")
    .option("--port <n>", "port to listen on, 0 = any free one (default 8080)", integer("port", 0, 65535))
    .option("--data <dir>", "directory of the event log and checkpoints (default ./liveq-data)")
    .option("--model <dir>", "DQN checkpoint to start from when the data directory has none")
    .option("--token <token>", "bearer token of the write routes (else LIVEQ_TOKEN, else a generated one)")
    .option("--simulate", "drive the service with the simulator's users over HTTP")
    .option("--sim-users <n>", "simulated users", integer("sim-users", 1), 500)
    .option("--sim-streamers <n>", "simulated streamers", integer("sim-streamers", 1), 150)
    .option("--sim-days <n>", "simulated days", integer("sim-days", 1, 366), 7)
    .option("--sim-seed <n>", "simulator seed", integer("sim-seed", 0), 1)
    .option("--sim-ticks <n>", "stop the simulation after this many ten-minute ticks", integer("sim-ticks", 1))
    .option("--tick-delay <ms>", "pause between simulated ticks, so the dashboard can be watched", integer("tick-delay", 0), 0)
    .option("--exit", "with --simulate: stop the service when the simulation ends")
    .option("--json", "with --simulate --exit: print the simulation report as one JSON object")
    .action(async (flags: ServeFlags) => {
      const base: ServeConfigInput = flags.config !== undefined ? readServeConfig(flags.config) : {};
      const overrides: ServeConfigInput = {};
      if (flags.host !== undefined) overrides.host = flags.host;
      if (flags.port !== undefined) overrides.port = flags.port;
      if (flags.data !== undefined) overrides.data = flags.data;
      if (flags.model !== undefined) overrides.model = flags.model;
      if (flags.token !== undefined) overrides.token = flags.token;
      const config = Object.keys(overrides).length > 0 ? withServeOverrides(base, overrides) : parseServeConfig(base);
      const note = (line: string) => process.stderr.write(`${line}\n`);

      const server = await createServer(config, {
        onRebuilt: (events, ms) => {
          if (events > 0) note(`liveq serve: rebuilt the state from ${events} logged events in ${(ms / 1000).toFixed(1)} s`);
        },
      });
      const t = server.token;
      note(
        t.source === "generated"
          ? `liveq serve: write routes need "Authorization: Bearer ${t.token}" (generated; set --token or LIVEQ_TOKEN to choose one)`
          : `liveq serve: write routes need the bearer token from ${t.source === "config" ? "--token / the config" : "LIVEQ_TOKEN"}`,
      );
      process.stdout.write(`listening on ${server.url}\n`);
      note(`liveq serve: dashboard at ${server.url}/ , API document at ${server.url}/v1/openapi.json, data in ${config.data}`);

      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        note(`liveq serve: ${signal}: finishing requests, checkpointing, closing the log`);
        await server.close();
        process.exit(0);
      };
      process.on("SIGINT", () => void stop("SIGINT"));
      process.on("SIGTERM", () => void stop("SIGTERM"));

      if (flags.simulate) {
        const controller = new AbortController();
        let lastDay = -1;
        const report: SimulationReport = await runSimulation({
          url: server.url,
          token: t.token,
          seed: flags.simSeed,
          sim: { users: flags.simUsers, streamers: flags.simStreamers, days: flags.simDays },
          maxTicks: flags.simTicks,
          tickDelayMs: flags.tickDelay,
          signal: controller.signal,
          onTick: (r) => {
            const day = r.rewardPerDecisionByDay.length - 1;
            if (day !== lastDay && day > 0) {
              note(`simulate: day ${day}: reward/decision ${r.rewardPerDecisionByDay[day - 1].toFixed(3)} (${r.decisions} decisions, ${r.events} events, model v${server.service.model.servingVersion})`);
              lastDay = day;
            }
          },
        });
        note(`simulate: done: ${report.ticks} ticks, ${report.decisions} decisions, ${report.events} events, ${report.notLive} recommended streams not live`);
        if (flags.exit) {
          await server.close();
          const summary = { ...report, modelVersion: server.service.model.servingVersion, updates: server.service.learnerStats.updates };
          if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
          return;
        }
      }
      await new Promise<never>(() => undefined); // serve until a signal
    });
}
