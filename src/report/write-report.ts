import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { openTracker } from "../tracker/index.js";
import { StoreError } from "../util/errors.js";
import { type BuildReportOptions, buildReport } from "./build-report.js";
import type { ReportTracker } from "./model/report-tracker.js";
import { renderHtml } from "./render-html.js";
import { renderMarkdown } from "./render-markdown.js";
import type { ReportModel } from "./report-model.js";

/** Options of `writeReport`: a tracker (or a store directory), the experiment and where to write. */
export interface WriteReportOptions extends BuildReportOptions {
  tracker?: ReportTracker;
  /** Store URI (folder, `file:` or `postgres://`), used when no tracker is given (default: env EXPBOOK_STORE, else .expbook). */
  store?: string;
  /** Alias of `store` (a store folder), kept for older code. */
  storeDir?: string;
  experiment: string;
  /** HTML output path (default `reports/<experiment>.html`). */
  out?: string;
  /** Markdown output path (none by default). */
  md?: string;
}

/** What `writeReport` wrote. */
export interface WrittenReport {
  html: string;
  md: string | null;
  /** Number of figures (plotly plots) in the report. */
  plots: number;
  /** Size of the HTML file in bytes. */
  bytes: number;
  model: ReportModel;
}

/** A file name made of the experiment name that cannot leave the reports folder. */
export function defaultReportPath(experiment: string): string {
  const safe = experiment.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[.-]+/, "") || "report";
  return `reports/${safe}.html`;
}

function write(path: string, text: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } catch (error) {
    throw new StoreError(
      `cannot write the report to ${path} (${(error as Error).message}); pass another --out`,
    );
  }
}

/**
 * Builds a study's report from the tracker and writes the self-contained HTML file (and the
 * Markdown version when `md` is set). Used by `expbook report` and the study runner.
 * @example await writeReport({ store: ".expbook", experiment: "spam-ft-vs-rag", md: "reports/spam.md" })
 */
export async function writeReport(options: WriteReportOptions): Promise<WrittenReport> {
  const tracker = options.tracker ?? (await openTracker({ store: options.store ?? options.storeDir }));
  const model = await buildReport(tracker, options.experiment, options);
  const html = resolve(options.out ?? defaultReportPath(options.experiment));
  const page = renderHtml(model);
  write(html, page);
  let md: string | null = null;
  if (options.md) {
    md = resolve(options.md);
    write(md, renderMarkdown(model));
  }
  return { html, md, plots: model.figures.length, bytes: Buffer.byteLength(page), model };
}
