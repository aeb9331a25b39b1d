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

/**
 * Waits for a one-job worker (the comparison's training and tuning workers): resolves with
 * `done(m)` of its "done" message, rejects on its "error" message (`what` says what failed), an
 * error event or an exit before either; any other message goes to `onMessage`. The worker is
 * terminated once the job is settled (also when `done` or `onMessage` throws: the job then rejects
 * with that error).
 */
export function workerJob<M extends { type: string }, T>(
  worker: Worker, what: string,
  done: (m: Extract<M, { type: "done" }>) => T,
  onMessage?: (m: Exclude<M, { type: "done" | "error" }>) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      f();
    };
    worker.on("message", (m: M) => {
      // What `done` or `onMessage` throws (the caller's own failure, a full disk say) ends the job
      // with that error: thrown from this listener it would take the whole process down.
      if (settled) return;
      try {
        if (m.type === "done") {
          const result = done(m as Extract<M, { type: "done" }>);
          settle(() => resolve(result));
        } else if (m.type === "error") settle(() => reject(new Error(`${what} failed in its worker: ${(m as { message?: unknown }).message}`)));
        else onMessage?.(m as Exclude<M, { type: "done" | "error" }>);
      } catch (err) {
        settle(() => reject(err));
      }
    });
    worker.on("error", (err) => settle(() => reject(err)));
    worker.on("exit", (code) => settle(() => reject(new Error(`the worker for ${what} exited with code ${code}`))));
  });
}
