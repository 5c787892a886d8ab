import type { DataFrame } from "danfojs";
import { loadDanfo } from "../util/load-danfo.js";
import type { Example } from "./types.js";

/** Flattens examples into plain records: id, text (clipped), label/target, features, metadata. */
export function exampleRecords(
  rows: readonly Example[],
  textWidth = 80,
): Record<string, string | number | boolean | null>[] {
  return rows.map((row) => ({
    id: row.id,
    ...(row.text !== undefined
      ? { text: row.text.length > textWidth ? `${row.text.slice(0, textWidth)}…` : row.text }
      : {}),
    ...(row.label !== undefined ? { label: row.label } : {}),
    ...(row.target !== undefined ? { target: row.target } : {}),
    ...(row.features ?? {}),
    ...row.meta,
  }));
}

/** A danfo DataFrame view of examples (for notebooks); danfojs, an optional peer, is loaded on first use. */
export async function toDataFrame(
  rows: readonly Example[],
  options: { textWidth?: number } = {},
): Promise<DataFrame> {
  const danfo = await loadDanfo("toDataFrame");
  return new danfo.DataFrame(exampleRecords(rows, options.textWidth));
}
