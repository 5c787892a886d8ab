import { readFileSync } from "node:fs";
import { snippetOf } from "../../rag/citations.js";
import { readKnowledgeBaseDocuments } from "../../rag/knowledge-base-file.js";
import type { CitationRecord } from "../../tracker/records/index.js";
import type { RunRecord } from "../../tracker/types.js";

/** What resolving snippets reads from a tracker: a local file holding a run's artifact. */
export interface SnippetTracker {
  artifactFile?(runId: string, name: string): Promise<string>;
}

/** Anything holding citations: a prediction row, an error of the report's browser. */
type Citing = { citations?: CitationRecord[] };

/**
 * Fills in the snippets a run's citations leave out. A RAG run cites documents by id and saves the
 * documents in its knowledge base (the artifact its `summary.kb_artifact` names), so the text is read
 * from there, once per run and only when a citation lacks it. Citations that carry a snippet (older
 * runs, runs made outside expbook) are kept as they are; a run without a saved base keeps its citations.
 * Returns new items; the given ones are not changed.
 */
export async function withCitedSnippets<T extends Citing>(
  tracker: SnippetTracker,
  run: Pick<RunRecord, "id" | "summary" | "artifacts">,
  items: readonly T[],
): Promise<T[]> {
  const missing = new Set<string>();
  for (const item of items) {
    for (const citation of item.citations ?? []) if (citation.snippet === undefined) missing.add(citation.id);
  }
  const artifact = run.summary.kb_artifact;
  if (
    missing.size === 0 ||
    typeof artifact !== "string" ||
    !run.artifacts.includes(artifact) ||
    tracker.artifactFile === undefined
  ) {
    return [...items];
  }
  const path = await tracker.artifactFile(run.id, artifact);
  const snippets = new Map<string, string>();
  for (const document of readKnowledgeBaseDocuments(readFileSync(path), path)) {
    if (missing.has(document.id)) snippets.set(document.id, snippetOf(document.text));
  }
  return items.map((item) =>
    item.citations === undefined
      ? item
      : {
          ...item,
          citations: item.citations.map((citation) => {
            const snippet = citation.snippet ?? snippets.get(citation.id);
            return snippet === undefined ? citation : { ...citation, snippet };
          }),
        },
  );
}
