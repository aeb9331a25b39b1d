/**
 * The flags of the oracle diagnostics (planning-headroom.ts, cold-start-oracles.ts): the platform's
 * size, the weeks (seeds) to run and the world, parsed and checked.
 */
import { Command } from "commander";
import { parseSimConfig, type SimConfig } from "../src/index.js";

export interface OracleWeeks {
  readonly users: number;
  readonly streamers: number;
  readonly days: number;
  readonly weeks: number[];
  readonly world: number;
  readonly sim: SimConfig;
}

/** Parses --users, --streamers, --days, --weeks and --world from process.argv. */
export function oracleWeeksFromArgv(): OracleWeeks {
  const o = new Command()
    .option("--users <n>", "users", "2000")
    .option("--streamers <n>", "streamers", "300")
    .option("--days <n>", "days of a week (a run)", "7")
    .option("--weeks <list>", "seeds of the weeks", "1001,1002,1003,1004,1005")
    .option("--world <n>", "the world", "0")
    .parse(process.argv)
    .opts<{ users: string; streamers: string; days: string; weeks: string; world: string }>();
  const users = wholeNumber("users", o.users), streamers = wholeNumber("streamers", o.streamers), days = wholeNumber("days", o.days);
  return { users, streamers, days, weeks: wholeNumbers("weeks", o.weeks), world: wholeNumber("world", o.world), sim: parseSimConfig({ users, streamers, days }, "flags") };
}

/** The comma-separated whole numbers of flag --`flag` (weeks, seeds); an Error naming the flag otherwise. */
export function wholeNumbers(flag: string, text: string): number[] {
  const xs = text.split(",").map((x) => (x.trim() === "" ? NaN : Number(x)));
  for (const x of xs) if (!Number.isInteger(x)) throw new Error(`--${flag}: "${text}" is not a list of whole numbers`);
  return xs;
}

function wholeNumber(flag: string, text: string): number {
  const x = text.trim() === "" ? NaN : Number(text);
  if (!Number.isInteger(x)) throw new Error(`--${flag}: "${text}" is not a whole number`);
  return x;
}
