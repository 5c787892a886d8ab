/**
 * The value of `--name=value` among the benchmark's arguments, or undefined. `--name=value` only:
 * bench/index.ts takes every argument without a leading "-" as a benchmark name.
 */
export const benchFlag = (name: string): string | undefined =>
  process.argv
    .slice(2)
    .find((arg) => arg.startsWith(`--${name}=`))
    ?.slice(name.length + 3);
