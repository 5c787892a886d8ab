import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { findBuiltin } from "../data/builtin/registry.js";
import { builtinColumns, loadDataset, resolveDatasetPath } from "../data/load-dataset.js";
import type { Dataset } from "../data/types.js";
import type { SystemDefinition } from "../systems/system.js";
import { describeIssue } from "../systems/validate-params.js";
import { StudyError } from "../util/errors.js";
import { isSystemKind, loadSystem, systemKinds } from "./builtin-systems.js";
import { type Study, type StudySystem, studySchema } from "./schema.js";
import { loadSystemModule } from "./system-module.js";
import { runReferences } from "./plan.js";
import { sweepTrials } from "./sweep.js";

/**
 * A study file read and validated (see `checkStudy`): its dataset's name, options and columns are
 * checked, but a built-in dataset's rows are not loaded yet.
 */
export interface CheckedStudy {
  study: Study;
  path: string;
  /** The dataset, when checking it needed its rows (a file, or a built-in with a positive label). */
  dataset?: Dataset;
}

/** A study file read, validated, and checked against the data and the system kinds, with its dataset. */
export interface LoadedStudy extends CheckedStudy {
  dataset: Dataset;
}

/** Where a JSON syntax error is, from the message of Node's JSON.parse (with or without a position). */
function errorOffset(text: string, message: string): number | undefined {
  const position = /position (\d+)/.exec(message);
  if (position) return Number(position[1]);
  if (/Unexpected end of JSON input/.test(message)) return text.length;
  const snippet = /Unexpected token '([\s\S]+?)', (\.\.\.)?"([\s\S]*?)"(\.\.\.)? is not valid JSON/.exec(
    message,
  );
  if (!snippet) return undefined;
  const [, token, clippedStart, context] = snippet as unknown as [string, string, string | undefined, string];
  const start = text.indexOf(context);
  if (start < 0) return undefined;
  // V8 shows up to 10 characters before the bad token when it clips the start of the snippet.
  return start + (clippedStart ? 10 : context.indexOf(token));
}

function parseJson(path: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const offset = errorOffset(text, (error as Error).message);
    const where = offset === undefined ? "" : ` at line ${text.slice(0, offset).split("\n").length}`;
    throw new StudyError(`study file ${path} is not valid JSON${where}; fix the syntax there`);
  }
}

function fail(path: string, where: string, message: string): never {
  throw new StudyError(`study file ${path}: ${where}: ${message}`);
}

/**
 * Validates a study object: the schema (JSON path of the first problem), the dataset, the split
 * columns, every system kind, every param and every sweep value against the system's own schema.
 * Nothing runs before a study passes. Returns it with its dataset loaded.
 */
export async function validateStudy(raw: unknown, path = "(study)"): Promise<LoadedStudy> {
  return withStudyDataset(await checkStudy(raw, path));
}

/**
 * Validates a study object as `validateStudy` does, without loading a built-in dataset's rows (its
 * columns and options are known without them), so that a distributed run can enqueue its jobs first.
 */
export async function checkStudy(raw: unknown, path = "(study)"): Promise<CheckedStudy> {
  const parsed = studySchema.safeParse(raw);
  if (!parsed.success) throw new StudyError(`study file ${path}: ${describeIssue(parsed.error, "")}`);
  const study = parsed.data as Study;
  const datasetName = study.dataset.name;
  if (!findBuiltin(datasetName) && !existsSync(resolveDatasetPath(datasetName))) {
    fail(
      path,
      "dataset.name",
      `unknown dataset "${datasetName}"; use a built-in (see \`expbook datasets\`) or an existing file path`,
    );
  }
  const { name: _name, ...datasetOptions } = study.dataset;
  const known = builtinColumns(datasetName, datasetOptions);
  const dataset = known === undefined ? await loadDataset(datasetName, datasetOptions) : undefined;
  const columns = new Set(known ?? dataset?.metaColumns);
  if (study.split.by !== undefined && !columns.has(study.split.by)) {
    fail(
      path,
      "split.by",
      `dataset ${datasetName} has no column "${study.split.by}"; columns: ${[...columns].join(", ")}`,
    );
  }
  study.slices.forEach((slice, index) => {
    if (!columns.has(slice))
      fail(path, `slices[${index}]`, `dataset ${datasetName} has no column "${slice}"`);
  });
  const names = new Set<string>();
  for (const [index, system] of study.systems.entries()) {
    const where = `systems[${index}]`;
    if (names.has(system.name)) fail(path, `${where}.name`, `system name "${system.name}" is used twice`);
    names.add(system.name);
    const definition = await resolveSystem(system, path, where);
    const quick = study.quick?.params[system.kind] ?? {};
    for (const [trialIndex, trial] of sweepTrials(study.name, system).entries()) {
      for (const overrides of [{}, quick]) {
        const result = definition.params.safeParse({ ...system.params, ...overrides, ...trial });
        if (!result.success) {
          const sweepKey = String(result.error.issues[0]?.path[0] ?? "");
          const prefix =
            sweepKey in trial
              ? `${where}.sweep (trial ${trialIndex + 1})`
              : Object.keys(overrides).length > 0 && sweepKey in overrides
                ? `quick.params.${system.kind}`
                : `${where}.params`;
          throw new StudyError(`study file ${path}: ${describeIssue(result.error, prefix)}`);
        }
      }
    }
  }
  checkRunReferences(study, path);
  return { study, path, ...(dataset ? { dataset } : {}) };
}

/** The checked study with its dataset loaded. */
export async function withStudyDataset(checked: CheckedStudy): Promise<LoadedStudy> {
  if (checked.dataset) return { ...checked, dataset: checked.dataset };
  const { name, ...options } = checked.study.dataset;
  return { ...checked, dataset: await loadDataset(name, options) };
}

/**
 * The definition of a study system: a built-in kind, or the default export of its module (resolved
 * relative to the study file). A module system gets its absolute path, its kind and its source hash.
 */
async function resolveSystem(system: StudySystem, path: string, where: string): Promise<SystemDefinition> {
  if (system.module === undefined) {
    if (!isSystemKind(system.kind))
      fail(
        path,
        `${where}.kind`,
        `unknown system kind "${system.kind}"; use one of ${systemKinds.join(", ")}, or "module" for your own`,
      );
    return loadSystem(system.kind);
  }
  const modulePath = resolve(dirname(resolve(path)), system.module);
  let loaded: Awaited<ReturnType<typeof loadSystemModule>>;
  try {
    loaded = await loadSystemModule(modulePath);
  } catch (error) {
    if (error instanceof StudyError) fail(path, `${where}.module`, error.message);
    throw error;
  }
  system.module = loaded.path;
  system.kind = loaded.definition.kind;
  system.moduleHash = loaded.hash;
  return loaded.definition;
}

/** Each "@name" param names another study system, which runs once per seed (no sweep, no references). */
function checkRunReferences(study: Study, path: string): void {
  study.systems.forEach((system, index) => {
    for (const reference of runReferences(system)) {
      const where = `systems[${index}].params.${reference.param}`;
      const target = study.systems.find((candidate) => candidate.name === reference.system);
      if (!target || target === system) {
        fail(path, where, `"@${reference.system}" names no other system of this study; use "@<system name>"`);
      }
      if (target.sweep || runReferences(target).length > 0) {
        fail(
          path,
          where,
          `"@${reference.system}" must name a system without a sweep or run references of its own`,
        );
      }
    }
  });
}

/** Reads and validates a study file; see `validateStudy`. */
export async function loadStudy(path: string): Promise<LoadedStudy> {
  return withStudyDataset(await checkStudyFile(path));
}

/** Reads and checks a study file without loading a built-in dataset's rows; see `checkStudy`. */
export async function checkStudyFile(path: string): Promise<CheckedStudy> {
  if (!existsSync(path))
    throw new StudyError(`study file ${path} not found; the shipped studies are in experiments/`);
  return checkStudy(parseJson(path, readFileSync(path, "utf8")), path);
}
