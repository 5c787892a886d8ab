import { InputError } from "../../util/errors.js";

/** The flags of `expbook eval`, as commander hands them over (strings, unchecked). */
export interface EvalFlags {
  task?: string;
  positive?: string;
  average?: string;
  seed: string;
  resamples: string;
  json?: boolean;
  log?: boolean;
  experiment?: string;
  name?: string;
  system?: string;
  runSeed?: string;
  store?: string;
  strict?: boolean;
}

/** A flag's value as a non-negative integer; anything else is an InputError naming the flag. */
export function nonNegativeInteger(flag: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new InputError(`${flag} must be a non-negative integer, not "${value}"`);
  return parsed;
}
