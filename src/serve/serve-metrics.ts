import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** The Prometheus metrics one server exposes at `GET /metrics`, in a registry of its own. */
export interface ServeMetrics {
  readonly registry: Registry;
  /** Requests by route, method and status code. */
  readonly requests: Counter<"route" | "method" | "status">;
  /** Request latency in seconds, by route. */
  readonly latency: Histogram<"route">;
  /** Predictions served (a batch counts each input). */
  readonly predictions: Counter<string>;
  /** Feedback received, by whether it agrees with the served prediction (yes, no, or n/a for targets). */
  readonly feedback: Counter<"agrees">;
  /** Documents in the live knowledge base (RAG runs). */
  readonly knowledgeBaseSize: Gauge<string>;
}

/**
 * Creates the server's metrics: request counts, a latency histogram (1 ms to 2.5 s), prediction and
 * feedback counts, the knowledge-base size, and Node's process metrics (memory, event-loop lag).
 */
export function createServeMetrics(): ServeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: "expbook_http_requests_total",
      help: "HTTP requests by route, method and status code",
      labelNames: ["route", "method", "status"] as const,
      registers: [registry],
    }),
    latency: new Histogram({
      name: "expbook_http_request_duration_seconds",
      help: "HTTP request latency in seconds, from arrival to response",
      labelNames: ["route"] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    predictions: new Counter({
      name: "expbook_predictions_total",
      help: "Predictions served (each input of a batch counts)",
      registers: [registry],
    }),
    feedback: new Counter({
      name: "expbook_feedback_total",
      help: "Feedback received, by agreement with the served prediction (n/a for regression targets)",
      labelNames: ["agrees"] as const,
      registers: [registry],
    }),
    knowledgeBaseSize: new Gauge({
      name: "expbook_knowledge_base_documents",
      help: "Documents in the live knowledge base (0 for runs without one)",
      registers: [registry],
    }),
  };
}
