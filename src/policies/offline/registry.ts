/**
 * The policies `liveq offline-eval` knows, by name. A registry maps each name to a factory, so a new
 * policy (the offline DQN, say) joins by one `register` call and every command that lists or parses
 * policy names picks it up.
 */
import type { OfflineRanker } from "../../eval/offline/offline-ranker.js";
import { countProgressBar } from "../../eval/offline/count-progress.js";
import { MfBprRanker } from "./mf-bpr.js";
import { PopularityRanker } from "./popularity.js";
import { RepeatRanker } from "./repeat.js";
import { createOfflineDqnPolicy, OFFLINE_DQN_DESCRIPTION } from "./dqn/policy.js";

export interface OfflinePolicyOptions {
  /** Seed for the policy's random choices (mixed with the protocol's seed where it applies). */
  readonly seed: number;
  /** Whether the policy may draw progress bars on stderr. */
  readonly progress: boolean;
  /** Where the policy may write one-line notes (chosen hyper-parameters...), e.g. stderr. */
  readonly note?: (line: string) => void;
  /** Policy-specific settings from the caller (e.g. a model directory), by key. */
  readonly settings?: Readonly<Record<string, unknown>>;
}

export type OfflinePolicyFactory = (options: OfflinePolicyOptions) => OfflineRanker;

export class OfflinePolicyRegistry {
  private readonly entries = new Map<string, { factory: OfflinePolicyFactory; description: string }>();

  /** Adds a policy; throws when the name is taken or not a lower-case word. */
  register(name: string, description: string, factory: OfflinePolicyFactory): this {
    if (!/^[a-z][a-z0-9_-]*$/.test(name)) throw new Error(`policy name "${name}" must be a lower-case word`);
    if (this.entries.has(name)) throw new Error(`policy "${name}" is already registered`);
    this.entries.set(name, { factory, description });
    return this;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** Names in registration order. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  describe(name: string): string {
    return this.entry(name).description;
  }

  create(name: string, options: OfflinePolicyOptions): OfflineRanker {
    return this.entry(name).factory(options);
  }

  /** Parses a comma-separated list ("pop,rep,mf"); throws on an unknown, repeated or missing name. */
  parseList(list: string): string[] {
    const names = list.split(",").map((s) => s.trim().toLowerCase()).filter((s) => s !== "");
    if (names.length === 0) throw new Error(`no policy given; known policies: ${this.names().join(", ")}`);
    const seen = new Set<string>();
    for (const name of names) {
      this.entry(name);
      if (seen.has(name)) throw new Error(`policy "${name}" is listed twice`);
      seen.add(name);
    }
    return names;
  }

  private entry(name: string): { factory: OfflinePolicyFactory; description: string } {
    const e = this.entries.get(name);
    if (!e) throw new Error(`unknown policy "${name}"; known policies: ${this.names().join(", ")}`);
    return e;
  }
}

/** The default registry: the baselines of LiveRec's protocol. */
export const offlinePolicies = new OfflinePolicyRegistry()
  .register("pop", "popularity: interactions per streamer before the evaluated window", () => new PopularityRanker())
  .register("rep", "repeat: times this user watched the streamer before, ties by popularity", () => new RepeatRanker())
  .register(
    "mf",
    "matrix factorisation with BPR, hyper-parameters chosen on the validation window",
    (o) => {
      const bar = o.progress ? countProgressBar("mf: validation search") : null;
      return new MfBprRanker({
        seed: o.seed,
        onCheck: bar ? (_line, done, total) => bar.update(done, total) : undefined,
        onChosen: (line) => {
          bar?.stop();
          o.note?.(line);
        },
      });
    },
  )
  .register("dqn", OFFLINE_DQN_DESCRIPTION, createOfflineDqnPolicy);
