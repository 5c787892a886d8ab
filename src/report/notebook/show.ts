import type { AdjustedComparison } from "../../stats/index.js";
import type { RunQuery, RunRecord } from "../../tracker/types.js";
import { InputError } from "../../util/errors.js";
import type { FigureSpec, ReportFigure } from "../figure-spec.js";
import { comparisonsView, compareView } from "./compare-view.js";
import { withCitedSnippets } from "../model/cited-snippets.js";
import { errorBundle, figureBundle, type MimeBundle, textBundle } from "./mime-bundle.js";
import { loadRuns, type NotebookTracker, type RunRef, runIdOf, runList } from "./notebook-runs.js";
import { citationsView, confusionView, curvesView, type NotebookOutput, runsTable } from "./run-views.js";
import { type TableInput, type TableOptions, tableBundle } from "./table-bundle.js";
import { type Publisher, tslabKernel } from "./tslab-kernel.js";

/**
 * One-line displays for tslab notebooks. Every helper returns a promise that is safe to forget: an
 * error shows in the cell (red, with its message) and rejects the promise only for a caller that
 * awaits it, so an unawaited call never becomes an unhandled rejection.
 */
export interface Show {
  /** Awaits a value (or promise) and shows it: a figure, a table (records, DataFrame, runs), text; an error in red. */
  (value: unknown): Promise<void>;
  /** A plotly figure (a `FigureSpec` or a report's figure), as the plotly MIME bundle. */
  figure(figure: FigureSpec | ReportFigure): Promise<void>;
  /** Records (one object a row), a DataFrame or `{ columns, rows }` as an escaped HTML table. */
  table(rows: TableInput, options?: TableOptions): Promise<void>;
  /** Runs as a table: a tracker query, a `where` expression, or run records. */
  runs(query?: RunQuery | string | readonly RunRecord[]): Promise<void>;
  /** One or two logged series per run (solid, dashed), default `["loss", "val_loss"]`. */
  curves(runs: readonly RunRef[], metrics?: readonly string[]): Promise<void>;
  /** Systems on a summary metric: means with 95% CIs over seeds and paired tests against the best. */
  compare(runs: readonly RunRef[], metric?: string): Promise<void>;
  /** Comparisons from `compareSystems` (each named after its system A): table and forest plot vs `reference`. */
  comparisons(results: readonly AdjustedComparison[], reference: string, metric: string): Promise<void>;
  /** Test-set confusion matrices, one per system. */
  confusion(runs: RunRef | readonly RunRef[]): Promise<void>;
  /** The documents a RAG run cited for an example (default: its first wrong test prediction). */
  citations(run: RunRef, exampleId?: string): Promise<void>;
}

/** Where `showFor` sends output; by default the running tslab kernel. */
export interface ShowOptions {
  publisher?: Publisher;
}

function isFigureSpec(value: unknown): value is FigureSpec {
  const spec = value as FigureSpec;
  return (
    typeof value === "object" &&
    value !== null &&
    Array.isArray(spec.data) &&
    typeof spec.layout === "object" &&
    spec.layout !== null
  );
}

function isReportFigure(value: unknown): value is ReportFigure {
  return typeof value === "object" && value !== null && isFigureSpec((value as ReportFigure).spec);
}

function isRunRecord(value: unknown): value is RunRecord {
  const run = value as RunRecord;
  return (
    typeof value === "object" &&
    value !== null &&
    typeof run.id === "string" &&
    typeof run.status === "string" &&
    typeof run.summary === "object" &&
    typeof run.params === "object"
  );
}

function isBundle(value: unknown): value is MimeBundle {
  return (
    typeof value === "object" && value !== null && typeof (value as MimeBundle)["text/plain"] === "string"
  );
}

/** What `show(value)` shows for a value of any type. */
function outputsOf(value: unknown): NotebookOutput[] {
  if (value === undefined || value === null) return [];
  if (isReportFigure(value)) return [{ figure: value.spec }];
  if (isFigureSpec(value)) return [{ figure: value }];
  if (isBundle(value)) return [{ bundle: value }];
  if (typeof value === "string") return [{ bundle: textBundle(value) }];
  if (Array.isArray(value) && value.length > 0 && value.every(isRunRecord))
    return [{ bundle: tableBundle(runsTable(value)) }];
  if (
    Array.isArray(value) &&
    value.every((row) => typeof row === "object" && row !== null && !Array.isArray(row))
  )
    return [{ bundle: tableBundle(value as Record<string, unknown>[]) }];
  if (typeof value === "object" && Array.isArray((value as { columns?: unknown }).columns))
    return [{ bundle: tableBundle(value as TableInput) }];
  let text: string;
  try {
    text = typeof value === "object" ? (JSON.stringify(value, null, 2) ?? String(value)) : String(value);
  } catch {
    text = String(value);
  }
  return [{ bundle: textBundle(text) }];
}

/**
 * The notebook helpers, reading runs from `tracker` (needed by `runs`, `curves`, `compare`,
 * `confusion` and `citations`).
 * @example
 * const show = showFor(await openTracker());
 * await show.curves(runs, ["loss", "val_loss"]);
 * await show.compare(runs, "test_f1");
 */
export function showFor(tracker?: NotebookTracker, options: ShowOptions = {}): Show {
  const publisher = () => options.publisher ?? tslabKernel();
  const needTracker = (helper: string): NotebookTracker => {
    if (!tracker) {
      throw new InputError(
        `show.${helper} reads runs from a tracker: const show = showFor(await openTracker()) and call show.${helper} on it`,
      );
    }
    return tracker;
  };
  const emit = (target: Publisher, output: NotebookOutput) => {
    if ("bundle" in output) return target.publish(output.bundle);
    target.publish(figureBundle(output.figure, { includePlotly: !target.plotlySent }));
    target.plotlySent = true;
  };
  function guarded<A extends unknown[]>(make: (...args: A) => Promise<NotebookOutput[]>) {
    return (...args: A): Promise<void> => {
      const done = (async () => {
        let target: Publisher | undefined;
        try {
          target = publisher();
          for (const output of await make(...args)) emit(target, output);
        } catch (error) {
          // The message shows in the cell itself, not only on stderr where nbconvert never prints it.
          if (target) target.publish(errorBundle(error));
          throw error;
        }
      })();
      done.catch(() => {});
      return done;
    };
  }
  const show = guarded(async (value: unknown) => outputsOf(await value));
  return Object.assign(show, {
    figure: guarded(async (figure: FigureSpec | ReportFigure) => [
      { figure: isReportFigure(figure) ? figure.spec : figure },
    ]),
    table: guarded(async (rows: TableInput, tableOptions?: TableOptions) => [
      { bundle: tableBundle(rows, tableOptions) },
    ]),
    runs: guarded(async (query?: RunQuery | string | readonly RunRecord[]) => {
      const runs = Array.isArray(query)
        ? (query as readonly RunRecord[])
        : await needTracker("runs").runs(
            typeof query === "string" ? { where: query } : ((query ?? {}) as RunQuery),
          );
      return [{ bundle: tableBundle(runsTable(runs)) }];
    }),
    curves: guarded(async (runs: readonly RunRef[], metrics?: readonly string[]) =>
      curvesView(await loadRuns(needTracker("curves"), runs), metrics ?? ["loss", "val_loss"]),
    ),
    compare: guarded(async (runs: readonly RunRef[], metric?: string) =>
      compareView(await loadRuns(needTracker("compare"), runs), metric ?? "test_f1"),
    ),
    comparisons: guarded(async (results: readonly AdjustedComparison[], reference: string, metric: string) =>
      comparisonsView(results, reference, metric),
    ),
    confusion: guarded(async (runs: RunRef | readonly RunRef[]) =>
      confusionView(await loadRuns(needTracker("confusion"), runList(runs))),
    ),
    citations: guarded(async (run: RunRef, exampleId?: string) => {
      const tracker = needTracker("citations");
      const [loaded] = await loadRuns(tracker, [runIdOf(run)]);
      if (!loaded) throw new InputError("show.citations takes one run");
      const predictions = await withCitedSnippets(tracker, loaded.record, loaded.predictions);
      return citationsView({ ...loaded, predictions }, exampleId);
    }),
  });
}

/** The notebook helpers without a tracker: `show(value)`, `show.figure`, `show.table`, `show.comparisons`. */
export const show: Show = showFor();
