import { printLine } from "../output.js";
import type { EvalReport } from "./eval-report.js";

function format(value: number): string {
  return Number.isNaN(value) ? "n/a" : Number.isInteger(value) ? String(value) : value.toFixed(4);
}

/** Prints an eval report as text: metrics with CIs, then per-class and per-slice tables when present. */
export function printEvalReport(report: EvalReport): void {
  const head = report.task === "classification" ? `, average ${report.average}` : "";
  const positive = report.positiveLabel !== undefined ? `, positive "${report.positiveLabel}"` : "";
  printLine(`${report.file}: ${report.n} examples, ${report.task}${head}${positive}`);
  for (const [name, value] of Object.entries(report.metrics)) {
    const ci = report.ci[name];
    const interval = ci
      ? `  [${format(ci.low)}, ${format(ci.high)}] ${Math.round(ci.confidence * 100)}% bootstrap CI`
      : "";
    printLine(`  ${name.padEnd(10)}${format(value)}${interval}`);
  }
  if (report.perClass) {
    printLine("\nper class    precision  recall     f1         support");
    for (const row of report.perClass) {
      printLine(
        `  ${row.label.slice(0, 10).padEnd(11)}${format(row.precision).padEnd(11)}${format(row.recall).padEnd(11)}${format(row.f1).padEnd(11)}${row.support}`,
      );
    }
  }
  if (report.slices) {
    printLine("\nslice        metric     n        value");
    for (const slice of report.slices) {
      printLine(
        `  ${slice.slice.slice(0, 10).padEnd(11)}${slice.metric.padEnd(11)}${String(slice.n).padEnd(9)}${format(slice.value)}`,
      );
    }
  }
  if (report.runId) printLine(`\nlogged run ${report.runId}`);
}
