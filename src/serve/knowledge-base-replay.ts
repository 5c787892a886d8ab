import { existsSync } from "node:fs";
import type { KnowledgeBase } from "../rag/knowledge-base.js";
import type { Tracker } from "../tracker/tracker.js";
import { type DocumentEvent, deploymentRecordArtifact, readDeploymentEvents } from "./deployment-event.js";

/** What `replayKnowledgeBase` applied: the earlier deployments read and the changes replayed. */
export interface KnowledgeBaseReplay {
  /** Ids of the earlier deployments of the run whose records were read, oldest first. */
  deployments: string[];
  /** Document changes applied, in the order they happened. */
  changes: number;
  /** Knowledge-base size after the replay. */
  size: number;
}

/**
 * Applies one recorded change to a live knowledge base: an add or update replaces the document of that
 * id, a remove drops it. Returns whether a document of that id was there before.
 */
export function applyDocumentEvent(kb: KnowledgeBase, event: DocumentEvent): boolean {
  const existed = kb.remove([event.id]) > 0;
  if (event.op !== "remove") {
    kb.add([
      {
        id: event.id,
        text: event.text ?? "",
        meta: {},
        ...(event.label !== undefined ? { label: event.label } : {}),
        ...(event.target !== undefined ? { target: event.target } : {}),
      },
    ]);
  }
  return existed;
}

/**
 * Brings a RAG run's knowledge base up to date with every `/documents` change that earlier deployments
 * of the same run recorded, in the order they happened (by time, then deployment start, then record
 * line), so a restarted or redeployed server answers from the base its users left. A deployment
 * killed mid-write loses only its unacknowledged last line.
 */
export async function replayKnowledgeBase(
  tracker: Tracker,
  servedRunId: string,
  kb: KnowledgeBase,
): Promise<KnowledgeBaseReplay> {
  const earlier = await tracker.runs({ tags: { kind: "deployment", served: servedRunId }, sort: "created" });
  const changes: { event: DocumentEvent; deployment: number; line: number }[] = [];
  const read: string[] = [];
  for (const [deployment, run] of earlier.entries()) {
    // A deployment that never opened its record (it failed to start) changed nothing.
    const path = await tracker.artifactFile(run.id, deploymentRecordArtifact).catch(() => null);
    if (path === null || !existsSync(path)) continue;
    const events = readDeploymentEvents(path);
    read.push(run.id);
    events.forEach((event, line) => {
      if (event.type === "document") changes.push({ event, deployment, line });
    });
  }
  changes.sort((a, b) => a.event.time - b.event.time || a.deployment - b.deployment || a.line - b.line);
  for (const { event } of changes) applyDocumentEvent(kb, event);
  return { deployments: read, changes: changes.length, size: kb.size };
}
