import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * The Python that runs `jupyter`, read from its #! line, so nbclient is importable whichever python3
 * comes first on PATH (pyenv shims often do).
 */
function jupyterPython(): string {
  const which = spawnSync("sh", ["-c", "command -v jupyter"], { encoding: "utf8" }).stdout.trim();
  let first = "";
  try {
    first = which ? (readFileSync(which, "utf8").split("\n", 1)[0] ?? "") : "";
  } catch {
    first = "";
  }
  const match = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(first);
  if (!match?.[1]) return "python3";
  return match[1].endsWith("/env") ? (match[2] ?? "python3") : match[1];
}

// nbclient, as `jupyter nbconvert --execute` uses it, plus what nbconvert cannot do for tslab: tslab
// replies to a failed cell without an error message (nbconvert prints "<Error>: "), and the error text
// is only in the cell's stderr stream. So on failure this prints that stream and still writes the
// notebook executed so far.
const driver = `
import os, sys, nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
source, target, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3])
nb = nbformat.read(source, as_version=4)
client = NotebookClient(nb, kernel_name="tslab", timeout=timeout,
                        resources={"metadata": {"path": os.path.dirname(os.path.abspath(source))}})
status = 0
try:
    client.execute()
except CellExecutionError:
    status = 1
    ran = [i for i, cell in enumerate(nb.cells) if cell.get("metadata", {}).get("execution")]
    index = ran[-1] if ran else -1
    cell = nb.cells[index]
    stderr = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("name") == "stderr")
    shown = "".join(o.get("data", {}).get("text/plain", "") + "\\n" for o in cell.get("outputs", []) if o.get("output_type") == "display_data")
    sys.stderr.write(f"cell {index} failed:\\n{cell.source}\\n--- its stderr ---\\n{stderr}\\n--- its displays ---\\n{shown}\\n")
nbformat.write(nb, target)
sys.exit(status)
`;

/** What executing a notebook gave: the exit status and what the driver printed about a failing cell. */
export interface NotebookRun {
  status: number | null;
  stderr: string;
}

/** Executes a notebook with the tslab kernel (working directory: its folder) and writes it to `target`. */
export function executeNotebook(
  source: string,
  target: string,
  env: Record<string, string> = {},
  timeoutSeconds = 900,
): NotebookRun {
  const result = spawnSync(jupyterPython(), ["-c", driver, source, target, String(timeoutSeconds)], {
    encoding: "utf8",
    cwd: dirname(source),
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, stderr: result.stderr ?? String(result.error ?? "") };
}
