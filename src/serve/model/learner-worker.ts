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
// requests whenever both want it (where this is not allowed, it simply keeps the default). The
// lowest priority, 19: the learner is the service's largest user of CPU (about a third of a core
// at 20 updates/s, each update ~15 ms of uninterrupted work), and most of the main thread's stalls
// are time spent runnable but waiting for a core (LIVEQ_STALL_TRACE, src/serve/debug/); at nice 19
// the scheduler weighs it 15 against the main thread's 1024 (at 10: 110), so it trains on the
// time the service leaves over.
try {
  setPriority(19);
} catch {
  // not permitted here: same priority as the service
}
const loop = new LearnerLoop((message, transfer) => port.postMessage(message, transfer ?? []));
port.on("message", (message: ToLearner) => loop.handle(message));
