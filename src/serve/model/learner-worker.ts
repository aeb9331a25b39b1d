/**
 * Entry point of the learner's worker thread: runs a LearnerLoop on the messages from the service.
 */
import { setPriority } from "node:os";
import { parentPort } from "node:worker_threads";
import { LearnerLoop } from "./learner-loop.js";
import type { ToLearner } from "./learner-protocol.js";

if (parentPort === null) throw new Error("learner-worker.ts runs as a worker thread (see learner.ts)");
const port = parentPort;
// On Linux the nice value is per thread: the learner yields the CPU to the thread that answers
// requests whenever both want it (where this is not allowed, it simply keeps the default).
try {
  setPriority(10);
} catch {
  // not permitted here: same priority as the service
}
const loop = new LearnerLoop((message, transfer) => port.postMessage(message, transfer ?? []));
port.on("message", (message: ToLearner) => loop.handle(message));
