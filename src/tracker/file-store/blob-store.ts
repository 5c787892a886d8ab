import { createHash } from "node:crypto";
import {
  closeSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { join, sep } from "node:path";
import { storeTempPath } from "../store-layout.js";

/**
 * Content-addressed artifact bytes of a file store: `<store>/blobs/sha256/ab/<hash>`. A run's artifact
 * file is a hard link to its blob, so identical bytes (the same knowledge base in 12 runs) are stored
 * once. A blob that only its own name links (link count 1) belongs to no run and `gc` removes it.
 */
export function blobsDir(root: string): string {
  return join(root, "blobs", "sha256");
}

/** The blob path of a SHA-256 hex digest. */
export function blobPath(root: string, sha256: string): string {
  return `${blobsDir(root)}${sep}${sha256.slice(0, 2)}${sep}${sha256}`;
}

/** SHA-256 (hex) of a file's bytes, read in chunks. */
export function hashFile(path: string): string {
  const hash = createHash("sha256");
  const fd = openSync(path, "r");
  try {
    const chunk = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      hash.update(chunk.subarray(0, read));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

/**
 * Makes the file at `path` share its bytes with the store's blob of the same content: when the blob
 * exists, `path` is atomically replaced by a hard link to it; otherwise the file becomes the blob.
 * Returns the file's SHA-256. Best effort: a file system without hard links keeps the plain file.
 */
export function internFile(root: string, path: string): string {
  const sha256 = hashFile(path);
  const blob = blobPath(root, sha256);
  const existing = statSync(blob, { throwIfNoEntry: false });
  const own = statSync(path);
  if (existing !== undefined && existing.ino === own.ino && existing.dev === own.dev) return sha256;
  try {
    if (existing === undefined) {
      mkdirSync(join(blobsDir(root), sha256.slice(0, 2)), { recursive: true });
      linkSync(path, blob);
      return sha256;
    }
    const temp = storeTempPath(path);
    rmSync(temp, { force: true });
    linkSync(blob, temp);
    renameSync(temp, path);
  } catch (error) {
    // Another process made the blob first: share it. Anything else: keep the plain file.
    if ((error as NodeJS.ErrnoException).code === "EEXIST" && existing === undefined) {
      return internFile(root, path);
    }
  }
  return sha256;
}

/** Blobs no run file links any more (link count 1), oldest layout first. */
export function unlinkedBlobs(root: string): string[] {
  const found: string[] = [];
  let shards: string[];
  try {
    shards = readdirSync(blobsDir(root));
  } catch {
    return found;
  }
  for (const shard of shards) {
    const dir = join(blobsDir(root), shard);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const path = join(dir, name);
      const stats = statSync(path, { throwIfNoEntry: false });
      if (stats?.isFile() && stats.nlink === 1) found.push(path);
    }
  }
  return found.sort();
}
