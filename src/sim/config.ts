/**
 * The simulator's configuration: every parameter of the simulated platform in one tree, each with a
 * documented default and an allowed range. The tree below (CONFIG_SPEC) is the single source of
 * truth: the zod schema that validates a config and the documentation table are both derived from
 * it, so they cannot disagree.
 *
 * A config file may give any subset of the keys; the rest take their defaults. Unknown keys, values
 * out of range and values of the wrong type are refused with a message that names the key and the
 * allowed range.
 */
import { z } from "zod";

// --- leaves -------------------------------------------------------------------------------------

export interface NumberLeaf {
  readonly kind: "number";
  readonly integer: boolean;
  readonly def: number;
  readonly min: number;
  readonly max: number;
  readonly doc: string;
}

export interface BooleanLeaf {
  readonly kind: "boolean";
  readonly def: boolean;
  readonly doc: string;
}

export type ConfigLeaf = NumberLeaf | BooleanLeaf;
export interface ConfigSpecNode {
  readonly [key: string]: ConfigLeaf | ConfigSpecNode;
}

function int(def: number, min: number, max: number, doc: string): NumberLeaf {
  return { kind: "number", integer: true, def, min, max, doc };
}
function real(def: number, min: number, max: number, doc: string): NumberLeaf {
  return { kind: "number", integer: false, def, min, max, doc };
}
function flag(def: boolean, doc: string): BooleanLeaf {
  return { kind: "boolean", def, doc };
}

// --- the tree -----------------------------------------------------------------------------------

/** Every parameter of the simulator, with its default, range and meaning. */
export const CONFIG_SPEC = {
  users: int(2000, 1, 1_000_000, "users on the platform at the start"),
  streamers: int(500, 1, 200_000, "streamers in the catalogue at the start"),
  days: int(14, 1, 366, "days simulated"),
  categories: int(8, 1, 32, "content categories (games, music, chat, outdoor, shopping, art, sports, education, ...)"),
  latentDims: int(8, 1, 64, "dimensions of the hidden taste vectors of users and streamers"),
  slateSize: int(1, 1, 50, "streams recommended per decision; the user picks one or none by a multinomial logit"),
  population: {
    newUsersPerDay: real(0.01, 0, 1, "users arriving per day (cold start), as a share of `users`"),
    newStreamersPerDay: real(0.01, 0, 1, "streamers debuting per day (cold start), as a share of `streamers`"),
    streamerLifetimeDays: real(200, 1, 100_000, "mean days before a streamer stops for good (exponential)"),
    initialFollows: real(3, 0, 100, "mean follows a user who was on the platform before day 0 brings along, drawn by true taste"),
  },
  streamer: {
    categorySkew: real(0.4, 0, 4, "Zipf exponent of category sizes: category c holds a share of streamers (and of users' interest) proportional to (c + 1)^-skew"),
    qualitySd: real(0.35, 0, 5, "spread of streamer quality (hidden; normal with mean 0)"),
    irregularShare: real(0.3, 0, 1, "share of streamers without a weekly schedule (they go live at random)"),
    streamsPerWeekMin: int(3, 1, 7, "fewest streams a week of a streamer"),
    streamsPerWeekMax: int(6, 1, 7, "most streams a week of a streamer"),
    skipProbability: real(0.1, 0, 1, "chance a scheduled stream does not happen"),
    streamHoursMean: real(3.5, 0.5, 24, "mean length of a stream in hours"),
    streamHoursSpread: real(0.3, 0, 2, "log-normal spread of stream lengths (between and within streamers)"),
    startHourMean: real(18, 0, 24, "mean hour of day at which streams start"),
    startHourSd: real(4, 0, 12, "spread in hours of streamers' usual start hours"),
    startJitterMinutes: real(30, 0, 600, "jitter of a scheduled stream's start (standard deviation, minutes)"),
  },
  user: {
    sessionsPerDay: real(0.85, 0.01, 48, "median sessions a day of a user (the rate of the return process)"),
    sessionsPerDaySpread: real(0.65, 0, 3, "log-normal spread of users' session rates"),
    preferredHourMean: real(20, 0, 24, "mean of users' preferred hours of day"),
    preferredHourSd: real(4, 0, 12, "spread in hours of users' preferred hours"),
    dailyRhythm: real(1, 0, 1, "amplitude of a user's daily rhythm: 0 = any hour alike, 1 = never at the opposite hour"),
    minReturnMinutes: real(60, 10, 10_080, "least time between the end of a session and the next"),
    patienceSpread: real(0.3, 0, 2, "log-normal spread of patience (it scales watch durations)"),
    interestConcentration: real(0.4, 0.01, 100, "Dirichlet parameter of interests over categories (small = focused on few)"),
    historyCapacity: int(48, 4, 1024, "streamers remembered per user (when full, the longest-known one not followed is forgotten)"),
    followCapacity: int(32, 0, 1000, "most streamers a user follows; must be below historyCapacity"),
  },
  choice: {
    noThanks: real(-0.5, -20, 20, "utility of declining the recommendation ('no thanks')"),
    interest: real(1.0, 0, 20, "weight of the user's interest in the stream's category (on log(categories x interest), floored at log 0.05)"),
    latent: real(0.8, 0, 20, "weight of the match of hidden taste vectors"),
    idiosyncratic: real(0.5, 0, 20, "weight of a fixed personal like or dislike of each user for each streamer"),
    quality: real(1.0, 0, 20, "weight of the streamer's quality"),
  },
  watch: {
    meanMinutes: real(25, 1, 1440, "mean watch duration at a neutral match (minutes)"),
    matchSensitivity: real(0.2, 0, 5, "how strongly the experienced match stretches watch time (log scale)"),
    likesPerHour: real(0.4, 0, 100, "like rate at a neutral match while watching"),
    commentsPerHour: real(0.6, 0, 100, "comment rate at a neutral match"),
    giftsPerHour: real(0.03, 0, 100, "gift rate at a neutral match"),
    followsPerHour: real(0.1, 0, 100, "follow rate at a neutral match (only while not following yet)"),
    eventSensitivity: real(0.5, 0, 5, "how strongly the match raises the rates of likes, comments, gifts and follows (log scale)"),
  },
  reward: {
    watchMinute: real(0.05, 0, 1000, "reward per minute watched"),
    like: real(1, 0, 1000, "reward per like"),
    comment: real(0.5, 0, 1000, "reward per comment"),
    gift: real(10, 0, 1000, "reward per gift"),
    follow: real(5, 0, 1000, "reward per follow"),
  },
  session: {
    endBase: real(0.6, 0, 1, "chance a session ends after a viewing"),
    endPerDecision: real(0.05, 0, 1, "extra chance of ending per decision already made in the session"),
    endAfterDecline: real(0.3, 0, 1, "extra chance of ending after a 'no thanks'"),
  },
  effects: {
    repeat: {
      enabled: flag(true, "repeat consumption: followed and known streamers appeal more, and followed streamers going live bring users back"),
      follow: real(2, 0, 20, "utility bonus of a followed streamer"),
      familiarity: real(2.7, 0, 20, "utility bonus per log(1 + past viewings) of the streamer"),
      notifyResponse: real(0.2, 0, 1, "chance a user comes back when a followed streamer goes live"),
    },
    fatigue: {
      enabled: flag(true, "fatigue and boredom: watching a category lowers its appeal for a while"),
      perHour: real(0.6, 0, 20, "fatigue added per hour watched in a category"),
      strength: real(0.5, 0, 20, "utility lost per unit of fatigue"),
      recoveryHours: real(24, 0.1, 10_000, "time constant of recovery (fatigue decays exponentially)"),
    },
    satisfaction: {
      enabled: flag(true, "satisfaction ('temper'): poor recommendations end sessions sooner, delay returns and cause churn; off = held at `initial`"),
      initial: real(0.5, 0, 1, "satisfaction of a new user (0..1), about what a typical self-chosen viewing scores"),
      learningRate: real(0.2, 0, 1, "how far each outcome moves satisfaction towards its own score"),
      sessionEnd: real(0.5, 0, 1, "extra chance of ending the session per unit of dissatisfaction (1 - satisfaction)"),
      returnDelay: real(2, 0, 20, "log-factor by which returns slow down per unit of satisfaction below `initial`"),
      churnBase: real(0.002, 0, 1, "chance of leaving for good at the end of a session, at the initial satisfaction"),
      churn: real(5, 0, 50, "log-factor by which churn grows per unit of satisfaction below `initial`"),
    },
    pressure: {
      enabled: flag(true, "monetisation pressure: some streamers (hidden pressure, most low) get more gifts but leave viewers less satisfied"),
      giftBoost: real(5, 0, 100, "gift rate is multiplied by 1 + giftBoost x pressure"),
      satisfactionCost: real(0.7, 0, 1, "a viewing's satisfaction score is multiplied by 1 - satisfactionCost x pressure"),
    },
    drift: {
      enabled: flag(true, "interest drift: interests and taste move towards what the user watches"),
      perHour: real(0.02, 0, 1, "share of interest moved towards the watched category per hour watched"),
    },
    socialProof: {
      enabled: flag(true, "social proof: a stream with more viewers looks more appealing, up to a cap"),
      strength: real(0.1, 0, 20, "utility per log(1 + viewers)"),
      capViewers: real(200, 1, 1e9, "viewer count beyond which social proof stops growing"),
    },
    crowding: {
      enabled: flag(true, "crowding: beyond a threshold, more viewers worsen the experience (watch time and events)"),
      threshold: real(60, 1, 1e9, "viewers at which crowding starts"),
      strength: real(0.6, 0, 20, "match lost per log(viewers / threshold)"),
    },
  },
} satisfies ConfigSpecNode;

// --- types derived from the tree ----------------------------------------------------------------

type ValueOf<S> = S extends NumberLeaf ? number : S extends BooleanLeaf ? boolean : { readonly [K in keyof S]: ValueOf<S[K]> };
type PartialOf<S> = S extends NumberLeaf ? number : S extends BooleanLeaf ? boolean : { readonly [K in keyof S]?: PartialOf<S[K]> };

/** A complete, validated configuration. */
export type SimConfig = ValueOf<typeof CONFIG_SPEC>;
/** What a config file may hold: any subset of the keys. */
export type SimConfigInput = PartialOf<typeof CONFIG_SPEC>;

// --- the schema ---------------------------------------------------------------------------------

function isLeaf(node: ConfigLeaf | ConfigSpecNode): node is ConfigLeaf {
  return typeof (node as ConfigLeaf).kind === "string" && "doc" in node;
}

function rangeText(leaf: NumberLeaf): string {
  return `${leaf.integer ? "a whole number" : "a number"} from ${leaf.min} to ${leaf.max}`;
}

function leafSchema(leaf: ConfigLeaf): z.ZodType {
  if (leaf.kind === "boolean") return z.boolean({ error: "must be true or false" }).default(leaf.def);
  const expected = `must be ${rangeText(leaf)}`;
  let schema = z.number({ error: expected });
  if (leaf.integer) schema = schema.int({ error: expected });
  return schema.min(leaf.min, { error: expected }).max(leaf.max, { error: expected }).default(leaf.def);
}

function nodeSchema(node: ConfigSpecNode): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, child] of Object.entries(node)) shape[key] = isLeaf(child) ? leafSchema(child) : nodeSchema(child);
  return z.object(shape).strict().prefault({});
}

const SCHEMA = nodeSchema(CONFIG_SPEC).superRefine((value, ctx) => {
  const c = value as SimConfig;
  if (c.streamer.streamsPerWeekMin > c.streamer.streamsPerWeekMax) {
    ctx.addIssue({
      code: "custom",
      path: ["streamer", "streamsPerWeekMin"],
      input: c.streamer.streamsPerWeekMin,
      message: `must be at most streamer.streamsPerWeekMax (${c.streamer.streamsPerWeekMax})`,
    });
  }
  if (c.user.followCapacity >= c.user.historyCapacity) {
    ctx.addIssue({
      code: "custom",
      path: ["user", "followCapacity"],
      input: c.user.followCapacity,
      message: `must be below user.historyCapacity (${c.user.historyCapacity})`,
    });
  }
});

/** A config that failed validation; `issues` holds one line per problem, each naming its key. */
export class SimConfigError extends Error {
  constructor(readonly issues: string[], source: string) {
    super(`invalid simulator config${source ? ` (${source})` : ""}:\n  ${issues.join("\n  ")}`);
    this.name = "SimConfigError";
  }
}

function specAt(path: readonly PropertyKey[]): ConfigSpecNode | ConfigLeaf | undefined {
  let node: ConfigSpecNode | ConfigLeaf = CONFIG_SPEC;
  for (const key of path) {
    if (isLeaf(node)) return undefined;
    const next: ConfigSpecNode | ConfigLeaf | undefined = node[String(key)];
    if (next === undefined) return undefined;
    node = next;
  }
  return node;
}

function keyName(path: readonly PropertyKey[]): string {
  return path.length === 0 ? "config" : path.map(String).join(".");
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  if (issue.code === "unrecognized_keys") {
    const node = specAt(issue.path);
    const known = node && !isLeaf(node) ? Object.keys(node).join(", ") : "";
    return issue.keys.map((k) => `${keyName([...issue.path, k])}: unknown key (known keys here: ${known})`);
  }
  const leaf = specAt(issue.path);
  let message = issue.message;
  if (leaf && !isLeaf(leaf) && issue.code === "invalid_type") message = "must be an object of settings";
  const got = "input" in issue && issue.input !== undefined ? ` (got ${JSON.stringify(issue.input)})` : "";
  return [`${keyName(issue.path)}: ${message}${got}`];
}

/**
 * Validates a config (any subset of the keys) and fills in the defaults.
 * @param source where the config came from (a file name), for the error message.
 * @throws SimConfigError naming every bad key and its allowed range.
 */
export function parseSimConfig(input: unknown = {}, source = ""): SimConfig {
  const result = SCHEMA.safeParse(input ?? {}, { reportInput: true });
  if (!result.success) throw new SimConfigError(result.error.issues.flatMap(describeIssue), source);
  return result.data as SimConfig;
}

/** The default configuration. */
export function defaultSimConfig(): SimConfig {
  return parseSimConfig({});
}

/** A copy of `config` with `overrides` laid over it (deep), validated again. */
export function withOverrides(config: SimConfig | SimConfigInput, overrides: SimConfigInput): SimConfig {
  return parseSimConfig(deepMerge(config as Record<string, unknown>, overrides as Record<string, unknown>));
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = v && typeof v === "object" && !Array.isArray(v) && b && typeof b === "object" && !Array.isArray(b)
      ? deepMerge(b as Record<string, unknown>, v as Record<string, unknown>)
      : v;
  }
  return out;
}

/** One documented parameter, for help texts and the README table. */
export interface ConfigParameter {
  readonly key: string;
  readonly kind: "integer" | "number" | "boolean";
  readonly def: number | boolean;
  readonly min?: number;
  readonly max?: number;
  readonly doc: string;
}

/** Every parameter with its key (dotted), default, range and meaning, in the order of the tree. */
export function describeSimConfig(): ConfigParameter[] {
  const out: ConfigParameter[] = [];
  const walk = (node: ConfigSpecNode, prefix: string): void => {
    for (const [key, child] of Object.entries(node)) {
      const name = prefix ? `${prefix}.${key}` : key;
      if (!isLeaf(child)) walk(child, name);
      else if (child.kind === "boolean") out.push({ key: name, kind: "boolean", def: child.def, doc: child.doc });
      else out.push({ key: name, kind: child.integer ? "integer" : "number", def: child.def, min: child.min, max: child.max, doc: child.doc });
    }
  };
  walk(CONFIG_SPEC, "");
  return out;
}

/** Names of the first categories; further ones are called "category-9", ... */
export const CATEGORY_NAMES: readonly string[] = ["games", "music", "chat", "outdoor", "shopping", "art", "sports", "education"];

/** The display name of category `c`. */
export function categoryName(c: number): string {
  return CATEGORY_NAMES[c] ?? `category-${c + 1}`;
}
