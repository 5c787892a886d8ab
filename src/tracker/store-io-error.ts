import { StoreError } from "../util/errors.js";

/** The errno code of a Node system error, if it is one. */
export function errnoCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === "string" ? code : undefined;
}

const REMEDY: Record<string, string> = {
  ENOSPC: "the disk is full; free space and try again",
  EDQUOT: "the disk quota is used up; free space and try again",
  EROFS: "the file system is read-only; pass a writable --store",
  EACCES: "permission denied; fix the permissions or pass another --store",
  EPERM: "permission denied; fix the permissions or pass another --store",
  ENOENT: "it does not exist (removed while in use?)",
  ENOTDIR: "a part of the path is a file, not a folder",
  EISDIR: "it is a folder, not a file",
};

/**
 * Turns a failed store write into a one-line `StoreError` naming what was written, the path and the
 * remedy (`ENOSPC` → free space, `EROFS` → pass a writable --store, ...).
 */
export function storeWriteError(what: string, path: string, error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const code = errnoCode(error);
  const remedy = code !== undefined ? REMEDY[code] : undefined;
  const reason = remedy ?? `${(error as Error)?.message ?? String(error)}`;
  return new StoreError(`cannot write ${what} ${path}: ${code ? `${code}, ` : ""}${reason}`);
}
