/**
 * The service's Prometheus metrics (prom-client), in a registry of its own so that several
 * services in one process (tests) do not mix: request latency histograms per route, events
 * ingested per type, recommendations, learner updates and their rate, replay size, model
 * versions, live streams and users, and Node's process metrics (memory, event-loop lag).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export interface ServeGauges {
  updates(): number;
  updatesPerSecond(): number;
  replaySize(): number;
  loss(): number;
  servingVersion(): number;
  latestVersion(): number;
  liveStreams(): number;
  users(): number;
}

export class ServeMetrics {
  readonly registry = new Registry();
  readonly requestDuration: Histogram<"method" | "route" | "status">;
  readonly eventsIngested: Counter<"type">;
  readonly eventsDuplicate: Counter;
  readonly recommendations: Counter;

  constructor(gauges: ServeGauges) {
    const registers = [this.registry];
    this.requestDuration = new Histogram({
      name: "liveq_http_request_duration_seconds",
      help: "Time from request to reply, per route",
      labelNames: ["method", "route", "status"] as const,
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    this.eventsIngested = new Counter({ name: "liveq_events_ingested_total", help: "Events accepted (durable), per type", labelNames: ["type"] as const, registers });
    this.eventsDuplicate = new Counter({ name: "liveq_events_duplicate_total", help: "Events ignored because their id was already logged", registers });
    this.recommendations = new Counter({ name: "liveq_recommendations_total", help: "Recommendations served", registers });
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name, help, registers,
        collect() {
          this.set(read());
        },
      });
    gauge("liveq_learner_updates", "Gradient updates done by the learner", gauges.updates);
    gauge("liveq_learner_updates_per_second", "Gradient updates per second (last second)", gauges.updatesPerSecond);
    gauge("liveq_learner_loss", "TD loss of the last update", () => (Number.isFinite(gauges.loss()) ? gauges.loss() : 0));
    gauge("liveq_replay_size", "Transitions in the replay buffer", gauges.replaySize);
    gauge("liveq_model_version", "Model version answering recommendations", gauges.servingVersion);
    gauge("liveq_model_latest_version", "Newest model version published by the learner", gauges.latestVersion);
    gauge("liveq_live_streams", "Streams live now", gauges.liveStreams);
    gauge("liveq_users", "Users known", gauges.users);
    collectDefaultMetrics({ register: this.registry });
  }
}
