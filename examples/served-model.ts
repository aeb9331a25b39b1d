/**
 * A trained model's agents restored for serving, with the platform and world they were trained
 * on: what the examples that serve a model as one ensemble (ensemble-average.ts,
 * new-users-by-session.ts) start from.
 */
import { loadPlatformModel, parseSimConfig, restorePlatformDqn, withServingSettings, type PlatformDqn, type SimConfig } from "../src/index.js";

export interface ServedModel {
  /** The platform the model was trained on (its checkpoint's meta.platform.sim). */
  readonly sim: SimConfig;
  /** The world its training weeks were drawn from. */
  readonly world: number;
  /** Every agent, restored (with `settings` when given). */
  readonly models: PlatformDqn[];
}

/**
 * The agents of `dir` (a `liveq train --out DIR`, or the `feature` folder of a `liveq compare
 * --work DIR`), each restored as its checkpoint says, or with the serving settings given.
 */
export function servedModel(dir: string, settings?: Parameters<typeof withServingSettings>[1]): ServedModel {
  const agents = loadPlatformModel(dir);
  const meta = agents[0].bundle.meta as { world: number; platform: { sim: unknown } };
  return {
    sim: parseSimConfig(meta.platform.sim, `${dir} (meta.platform.sim)`),
    world: meta.world,
    models: agents.map((a) => restorePlatformDqn(settings === undefined ? a.bundle : withServingSettings(a.bundle, settings))),
  };
}
