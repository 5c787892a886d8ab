import { createRequire } from "node:module";

/**
 * The tslab module of the running Jupyter kernel. A notebook's own `import "tslab"` is answered by the
 * kernel itself, but expbook's import is not: it would find the project's copy of tslab (or none, when
 * tslab is installed globally), whose display is never connected to the kernel. The kernel's copy is the
 * package its main script lives in, so it is resolved from there first.
 */
export async function kernelTslab(): Promise<unknown> {
  const main = createRequire(import.meta.url).main?.filename;
  if (main !== undefined) {
    try {
      return createRequire(main)("tslab");
    } catch {
      // Not a tslab kernel (or an unusual layout): fall back to the project's tslab.
    }
  }
  return import("tslab");
}
