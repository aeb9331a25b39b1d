/**
 * Starting a worker thread from a module beside the caller (the service's learner and store, the
 * comparison's training workers). Built (.js) a worker starts directly. From source (.ts, run
 * through tsx) a worker does not inherit tsx's loader on Node 20, so it starts from a two-line
 * bootstrap that registers tsx first.
 */
import { Worker } from "node:worker_threads";

/**
 * Starts the worker whose entry is `name` (without extension) next to the module at `callerUrl`,
 * with `workerData` (if any).
 */
export function startWorker(name: string, callerUrl: string, workerData?: unknown): Worker {
  const options = workerData === undefined ? {} : { workerData };
  if (!callerUrl.endsWith(".ts")) return new Worker(new URL(`./${name}.js`, callerUrl), options);
  const entry = new URL(`./${name}.ts`, callerUrl).href;
  const tsx = import.meta.resolve("tsx/esm/api");
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, ...options });
}
