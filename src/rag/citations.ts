import type { Citation } from "../systems/system.js";
import type { KbHit } from "./knowledge-base.js";

/** Longest snippet a citation carries. */
export const snippetLength = 200;

/** The document's text with runs of whitespace collapsed, cut to at most 200 characters. */
export function snippetOf(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= snippetLength ? flat : `${flat.slice(0, snippetLength - 1)}…`;
}

/**
 * Citations for retrieved documents: id, score, label or target, and a snippet. With `snippets: false`
 * the snippet is left out, for citations whose documents are saved with the run (a RAG run's knowledge
 * base), where readers look the text up by id.
 */
export function citationsOf(hits: readonly KbHit[], options: { snippets?: boolean } = {}): Citation[] {
  return hits.map((hit) => {
    const citation: Citation = { id: hit.document.id, score: hit.score };
    if (options.snippets !== false) citation.snippet = snippetOf(hit.document.text);
    if (hit.document.label !== undefined) citation.label = hit.document.label;
    if (hit.document.target !== undefined) citation.target = hit.document.target;
    return citation;
  });
}
