import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * The tslab module of the running Jupyter kernel. A notebook's own `import "tslab"` is answered by the
 * kernel itself, but expbook's import is not: it finds whichever tslab the project has (or none, when
 * tslab is installed globally), and a copy other than the kernel's is never connected to the notebook.
 * The kernel's copy is the loaded tslab whose Jupyter handler is executing a cell right now.
 */
export async function kernelTslab(): Promise<unknown> {
  const require = createRequire(import.meta.url);
  for (const [path, module] of Object.entries(require.cache)) {
    if (!/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(path)) continue;
    const handler = module?.exports as { lastWriteDisplayData?: unknown } | undefined;
    if (handler?.lastWriteDisplayData != null) return require(join(dirname(path), "public.js"));
  }
  return import("tslab");
}
