/**
 * True when `error` is an import failing because the package `name` is not installed (rather than the
 * package itself failing to load).
 *
 * @example isMissingPackage(error, "danfojs")
 */
export function isMissingPackage(error: unknown, name: string): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return (
    (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
    error instanceof Error &&
    error.message.includes(`'${name}'`)
  );
}
