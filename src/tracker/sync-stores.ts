import { InputError } from "../util/errors.js";
import type { RunStore } from "./store/run-store.js";
import type { RunRecord } from "./types.js";

/** What happened to one run of the source store in a sync. */
export type SyncedRun =
  | { id: string; outcome: "copied"; experiment: string; name: string; artifacts: number; points: number }
  | { id: string; outcome: "present" }
  | { id: string; outcome: "running" }
  | { id: string; outcome: "damaged"; error: string };

/** What `syncStores` did: one entry per run of the source store. */
export interface SyncReport {
  from: string;
  to: string;
  runs: SyncedRun[];
  copied: number;
  present: number;
  /** Runs still running in the source: skipped (sync again after they end). */
  running: number;
  /** Runs whose record could not be read in the source: skipped. */
  damaged: number;
}

/**
 * Copies every ended run (record, series, artifacts) of one store into another, through the store
 * port, so any two stores sync: file → PostgreSQL for a team, PostgreSQL → file for offline use.
 * Idempotent by run id: a run the target already has is left alone, so a second sync copies nothing.
 * Running runs are skipped. Artifact bytes the target already holds (same SHA-256) are not fetched.
 *
 * @example const report = await syncStores(await openRunStore(".expbook"), await openRunStore(teamUri));
 */
export async function syncStores(
  from: RunStore,
  to: RunStore,
  onRun: (run: SyncedRun) => void = () => {},
): Promise<SyncReport> {
  if (from.uri === to.uri) throw new InputError(`sync: --from and --to are the same store (${from.uri})`);
  const { runs, damaged } = await from.list({});
  const report: SyncReport = {
    from: from.uri,
    to: to.uri,
    runs: [],
    copied: 0,
    present: 0,
    running: 0,
    damaged: 0,
  };
  const add = (run: SyncedRun): void => {
    report.runs.push(run);
    if (run.outcome === "copied") report.copied++;
    else if (run.outcome === "present") report.present++;
    else if (run.outcome === "running") report.running++;
    else report.damaged++;
    onRun(run);
  };
  for (const entry of damaged) add({ id: entry.id, outcome: "damaged", error: entry.error });
  for (const run of runs) add(await syncRun(from, to, run));
  return report;
}

async function syncRun(from: RunStore, to: RunStore, listed: RunRecord): Promise<SyncedRun> {
  const id = listed.id;
  if ((await to.read(id)) !== undefined) return { id, outcome: "present" };
  // Read again: the listing may be a moment old, and `read` has every artifact name.
  const record = await from.read(id);
  if (record === undefined || record.status === "running") return { id, outcome: "running" };
  if (record.status === "damaged") return { id, outcome: "damaged", error: record.error };
  const full = record as RunRecord;
  const { series } = await from.readSeries(id);
  const artifacts = await from.listArtifacts(id);
  const { path: _path, ...stored } = full;
  const outcome = await to.importRun({ record: stored, series, artifacts }, (info) =>
    from.getArtifact(id, info.name),
  );
  if (outcome === "present") return { id, outcome: "present" };
  let points = 0;
  for (const list of Object.values(series)) points += list.length;
  return {
    id,
    outcome: "copied",
    experiment: full.experiment,
    name: full.name,
    artifacts: artifacts.length,
    points,
  };
}
