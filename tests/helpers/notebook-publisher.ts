import type { MimeBundle, Publisher } from "../../src/index.js";

/** A publisher that keeps what a notebook cell would show. */
export function collector(): Publisher & { bundles: MimeBundle[] } {
  return {
    bundles: [],
    plotlySent: false,
    publish(bundle) {
      this.bundles.push(bundle);
    },
  };
}
