import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LineChild, spawnLineChild } from "./spawn-line-child.js";

const script = new URL("./store-writer.ts", import.meta.url).pathname;

/** A `store-writer.ts` child process and what it has printed. */
export type StoreWriter = LineChild;

/**
 * Spawns `node --import tsx store-writer.ts URI ...args`, with its own temp folder (where a killed
 * child's staged artifacts stay), removed when it exits.
 */
export function spawnStoreWriter(uri: string, args: string[]): StoreWriter {
  const temp = mkdtempSync(join(tmpdir(), "expbook-writer-"));
  return spawnLineChild(script, [uri, ...args], {
    env: { ...process.env, TMPDIR: temp },
    onClose: () => rmSync(temp, { recursive: true, force: true }),
  });
}
