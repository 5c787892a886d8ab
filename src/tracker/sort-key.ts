import { InputError } from "../util/errors.js";
import { parseQuery } from "./query-parse.js";

/**
 * The field path and direction of a sort key such as `created`, `name` or `-summary.test_f1`
 * (a leading `-` sorts descending); anything but one field is an InputError.
 */
export function parseSortKey(key: string): { path: string[]; descending: boolean } {
  const descending = key.startsWith("-");
  const field = descending ? key.slice(1) : key;
  const node = parseQuery(field);
  if (node.kind !== "truthy" || node.operand.kind !== "field") {
    throw new InputError(`cannot sort by "${key}": give one field, e.g. created, name or -summary.test_f1`);
  }
  return { path: node.operand.path, descending };
}
