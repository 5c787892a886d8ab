import type { Example } from "../data/types.js";
import { ModelError } from "../util/errors.js";
import type { KbDocument } from "./knowledge-base.js";

/** A labelled example as a knowledge-base document (text datasets only). */
export function exampleToDocument(example: Example): KbDocument {
  if (example.text === undefined) {
    throw new ModelError(`example "${example.id}" has no text; RAG retrieval needs a text dataset`);
  }
  const document: KbDocument = { id: example.id, text: example.text, meta: example.meta };
  if (example.label !== undefined) document.label = example.label;
  if (example.target !== undefined) document.target = example.target;
  return document;
}
