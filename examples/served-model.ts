/**
 * A trained model's agents restored for serving, with the platform and world they were trained
 * on: what the examples that serve a model (ensemble-average.ts, new-users-by-session.ts,
 * learnable-bounds.ts, gate-calibration.ts) start from.
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

/**
 * The agents of several models served as one (sets of agents trained from different agent seeds
 * on the same platform, e.g. `training.agentSeed` 1 and 9): an Error unless every model was
 * trained on the same platform and world.
 */
export function servedModels(dirs: readonly string[], settings?: Parameters<typeof withServingSettings>[1]): ServedModel {
  if (dirs.length === 0) throw new Error("servedModels: no model given");
  const all = dirs.map((dir) => servedModel(dir, settings));
  for (let k = 1; k < all.length; k++) {
    if (JSON.stringify(all[k].sim) !== JSON.stringify(all[0].sim) || all[k].world !== all[0].world) {
      throw new Error(`${dirs[k]} was trained on another platform or world than ${dirs[0]}: their agents cannot be served as one`);
    }
  }
  return { sim: all[0].sim, world: all[0].world, models: all.flatMap((m) => m.models) };
}
