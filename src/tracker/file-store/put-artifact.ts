import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../util/errors.js";
import { storeWriteError } from "../store-io-error.js";
import { artifactFileName, storeTempPath } from "../store-layout.js";
import type { ArtifactInfo, ArtifactSource } from "../store/run-store.js";
import { internFile } from "./blob-store.js";

/**
 * Writes an artifact file into `artifactDir` atomically (temp file, blob link, rename), sharing its
 * bytes with the store's blob of the same content. Returns what was stored.
 */
export function writeArtifactFile(
  root: string,
  artifactDir: string,
  name: string,
  source: ArtifactSource,
): ArtifactInfo & { path: string } {
  if (typeof name !== "string" || name === "") {
    throw new InputError("artifact name must be a non-empty string");
  }
  const path = join(artifactDir, artifactFileName(name));
  const temp = storeTempPath(path);
  let sha256: string;
  try {
    if (!existsSync(artifactDir)) mkdirSync(artifactDir);
    if ("fromPath" in source) {
      try {
        copyFileSync(source.fromPath, temp);
      } catch (error) {
        if (existsSync(source.fromPath)) throw error;
        throw new InputError(
          `artifact "${name}": cannot copy ${source.fromPath} (${(error as Error).message})`,
        );
      }
    } else {
      writeFileSync(temp, source.bytes);
    }
    sha256 = internFile(root, temp);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    if (error instanceof InputError) throw error;
    throw storeWriteError(`artifact "${name}" to`, path, error);
  }
  return { name, sha256, bytes: statSync(path).size, path };
}
