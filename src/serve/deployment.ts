import { join } from "node:path";
import type { Tracker } from "../tracker/tracker.js";
import type { Run } from "../tracker/types.js";
import {
  type DocumentEvent,
  deploymentRecordArtifact,
  type FeedbackEvent,
  type PredictionEvent,
} from "./deployment-event.js";
import { DeploymentLog } from "./deployment-log.js";
import type { KnowledgeBaseReplay } from "./knowledge-base-replay.js";
import type { RunPredictor } from "./run-predictor.js";

/** Experiment deployment runs are logged under unless told otherwise. */
export const deploymentExperiment = "deployments";

/** The label or value served for a request. */
export interface ServedAnswer {
  label?: string;
  value?: number;
}

/** How a deployment was started (recorded as the deployment run's params). */
export interface DeploymentOptions {
  host: string;
  port: number;
  /** Largest request body in bytes. */
  bodyLimit: number;
  /** Most inputs (or documents) one request may carry. */
  maxBatch: number;
  /** How many recent predictions can still receive feedback (older ones get 404). */
  rememberRequests: number;
  experiment?: string;
  /** RAG runs: the earlier deployments' knowledge-base changes replayed before serving. */
  replayed?: KnowledgeBaseReplay;
}

/**
 * A served run's deployment: a `deployment` tracker run linked to the served run, and its record
 * (`deployment.jsonl`) of every prediction, feedback and knowledge-base change. Predictions are
 * written in batches; feedback resolves only once durable.
 */
export class Deployment {
  readonly run: Run;
  readonly recordPath: string;
  private readonly log: DeploymentLog;
  /** What was served for recent request ids (not their inputs: those are in the record, on disk). */
  private readonly recent = new Map<string, ServedAnswer>();
  private readonly remember: number;
  private counts = { predictions: 0, feedback: 0, agreeing: 0, documents: 0 };

  private constructor(run: Run, log: DeploymentLog, recordPath: string, remember: number) {
    this.run = run;
    this.log = log;
    this.recordPath = recordPath;
    this.remember = remember;
  }

  /** Starts the deployment run for `predictor`'s run and opens its record. */
  static async start(
    tracker: Tracker,
    predictor: RunPredictor,
    options: DeploymentOptions,
  ): Promise<Deployment> {
    const served = await tracker.run(predictor.runId);
    const run = await tracker.startRun({
      experiment: options.experiment ?? deploymentExperiment,
      name: `deploy/${served.name}`,
      params: {
        kind: "deployment",
        servedRun: served.id,
        servedKind: predictor.kind,
        task: predictor.task,
        labels: [...predictor.labels],
        host: options.host,
        port: options.port,
        bodyLimit: options.bodyLimit,
        maxBatch: options.maxBatch,
        ...(options.replayed
          ? {
              replayedDeployments: options.replayed.deployments,
              replayedChanges: options.replayed.changes,
            }
          : {}),
      },
      tags: { kind: "deployment", served: served.id },
      ...(served.datasetFingerprint ? { datasetFingerprint: served.datasetFingerprint } : {}),
      ...(served.splitFingerprint ? { splitFingerprint: served.splitFingerprint } : {}),
      env: { backend: predictor.backend },
    });
    const recordPath = join(run.artifactDir, deploymentRecordArtifact);
    const log = await DeploymentLog.open(recordPath);
    run.summary({
      record: deploymentRecordArtifact,
      predictions: 0,
      feedback: 0,
      ...(predictor.knowledgeBase ? { kb_size: predictor.knowledgeBase.size } : {}),
    });
    return new Deployment(run, log, recordPath, options.rememberRequests);
  }

  /** Records a served prediction (buffered) and remembers it for feedback. */
  recordPrediction(event: PredictionEvent): void {
    this.log.append(event);
    this.recent.set(
      event.requestId,
      event.label !== undefined
        ? { label: event.label }
        : event.value !== undefined
          ? { value: event.value }
          : {},
    );
    if (this.recent.size > this.remember) {
      const oldest = this.recent.keys().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
    this.counts.predictions++;
    this.summarize({ predictions: this.counts.predictions });
  }

  /** The answer served for a request id, while it is remembered. */
  prediction(requestId: string): ServedAnswer | undefined {
    return this.recent.get(requestId);
  }

  /** Records a feedback; resolves once it is durable (acknowledge it only then). */
  async recordFeedback(event: FeedbackEvent, agrees: boolean | undefined): Promise<void> {
    await this.log.appendDurable(event);
    this.counts.feedback++;
    if (agrees) this.counts.agreeing++;
    const summary: Record<string, number> = { feedback: this.counts.feedback };
    if (agrees !== undefined) summary.feedback_agreement = this.counts.agreeing / this.counts.feedback;
    this.summarize(summary);
  }

  /** Records a knowledge-base change; resolves once it is durable. */
  async recordDocuments(events: readonly DocumentEvent[]): Promise<void> {
    for (const event of events.slice(0, -1)) this.log.append(event);
    const last = events[events.length - 1];
    if (last) await this.log.appendDurable(last);
    this.counts.documents += events.length;
    if (last) this.summarize({ document_changes: this.counts.documents, kb_size: last.size });
  }

  private summarize(values: Record<string, number | string>): void {
    try {
      this.run.summary(values);
    } catch {
      // The run has ended (a signal marked it killed while requests drain); the record keeps counting.
    }
  }

  /** Writes and syncs the record, then closes it (the run itself ends with the process). */
  async close(): Promise<void> {
    await this.log.close();
    await this.run.flush();
  }
}
