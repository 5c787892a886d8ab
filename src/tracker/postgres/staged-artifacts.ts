import {
  copyFileSync,
  type Dirent,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { InputError } from "../../util/errors.js";
import { artifactFileName } from "../store-layout.js";
import type { JsonValue } from "../types.js";
import { sha256Hex } from "./artifact-blobs.js";

/**
 * The local folder where a PostgreSQL live run stages its artifacts until they are uploaded: files
 * given to `run.artifact` and files a system writes straight into `run.artifactDir`. Each file is
 * uploaded again only when its content changed since its last upload.
 */
export class StagedArtifacts {
  /** The staging folder (a fresh temp folder per run). */
  readonly dir: string;
  // Artifacts by staged file name: the name they were given and the hash last uploaded.
  private readonly staged = new Map<string, { name: string; sha256: string | null }>();

  /** Creates the staging folder of run `runId`. */
  constructor(runId: string) {
    this.dir = mkdtempSync(join(tmpdir(), `expbook-run-${runId}-`));
  }

  /** Writes artifact `name` (its data, or a copy of `fromPath`) into the folder; returns its path. */
  stage(name: string, data: string | Uint8Array | JsonValue, options: { fromPath?: string } = {}): string {
    const fileName = artifactFileName(name);
    const path = join(this.dir, fileName);
    if (options.fromPath !== undefined) {
      try {
        copyFileSync(options.fromPath, path);
      } catch (error) {
        throw new InputError(
          `run.artifact("${name}"): cannot copy ${options.fromPath} (${(error as Error).message})`,
        );
      }
    } else if (typeof data === "string" || data instanceof Uint8Array) {
      writeFileSync(path, data);
    } else {
      writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
    }
    this.staged.set(fileName, { name, sha256: null });
    return path;
  }

  /**
   * Hands each staged file whose content changed since its last upload to `put` (`all`: also files
   * written into the folder directly, named by their path in it).
   */
  async upload(all: boolean, put: (name: string, bytes: Uint8Array) => Promise<void>): Promise<void> {
    if (all) {
      for (const file of listFiles(this.dir)) {
        const fileName = relative(this.dir, file).split(sep).join("/");
        if (!this.staged.has(fileName)) this.staged.set(fileName, { name: fileName, sha256: null });
      }
    }
    for (const [fileName, entry] of this.staged) {
      const path = join(this.dir, ...fileName.split("/"));
      if (!existsSync(path)) continue;
      const bytes = readFileSync(path);
      const sha256 = sha256Hex(bytes);
      if (entry.sha256 === sha256) continue;
      await put(entry.name, bytes);
      entry.sha256 = sha256;
    }
  }

  /** Removes the staging folder. */
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path));
    else if (entry.isFile()) out.push(path);
  }
  return out.sort();
}
