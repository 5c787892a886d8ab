import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { InputError } from "../../util/errors.js";
import { escapeHtml } from "../escape.js";
import type { MimeBundle } from "./mime-bundle.js";

/** Where display output goes: a tslab kernel's current cell, or anything that collects bundles. */
export interface Publisher {
  /** Sends one output (one bundle) to the notebook. */
  publish(bundle: MimeBundle): void;
  /** True once plotly.js has been sent to this notebook (figures after it only reference it). */
  plotlySent: boolean;
}

type DisplayWriter = (
  message: { data: MimeBundle; metadata: object; transient: object },
  update: boolean,
) => void;

interface TslabPublic {
  display?: { html(html: string): void };
}

interface TslabBridge {
  require?: (id: string) => unknown;
}

// Kept on the kernel's own module object, so the flag lives exactly as long as the kernel and is
// shared by every copy of expbook loaded into it.
const plotlyFlag = Symbol.for("expbook.notebook.plotlySent");

/**
 * The running tslab kernel as a publisher. tslab hands notebook code its own `tslab` module (through
 * `globalThis.__tslab__.require`), whatever copy of tslab expbook itself could import. Its public
 * `display.raw` sends one MIME type only, so a bundle goes through the writer beside it
 * (`dist/jupyter.js`'s `lastWriteDisplayData`, the function `display.raw` calls); when that is
 * missing (another tslab version), the bundle's HTML goes through `display.html`.
 */
export function tslabKernel(): Publisher {
  const bridge = (globalThis as { __tslab__?: TslabBridge }).__tslab__;
  if (typeof bridge?.require !== "function") {
    throw new InputError(
      "not inside a tslab notebook: show.* displays in a tslab kernel; elsewhere use figureHtml(spec) or tableBundle(rows)",
    );
  }
  const tslab = bridge.require("tslab") as TslabPublic;
  const cache = createRequire(import.meta.url).cache;
  const publicPath = Object.keys(cache).find((path) => cache[path]?.exports === tslab);
  const jupyter = publicPath ? cache[join(dirname(publicPath), "jupyter.js")]?.exports : undefined;
  const holder = (jupyter ?? tslab) as Record<symbol, boolean>;
  return {
    publish(bundle) {
      const writer = (jupyter as { lastWriteDisplayData?: DisplayWriter } | undefined)?.lastWriteDisplayData;
      if (typeof writer === "function") {
        writer({ data: bundle, metadata: {}, transient: {} }, false);
      } else if (tslab.display) {
        tslab.display.html(bundle["text/html"] ?? `<pre>${escapeHtml(bundle["text/plain"])}</pre>`);
      } else {
        throw new InputError(
          "this tslab has no display API: use figureHtml(spec) and show the HTML yourself",
        );
      }
    },
    get plotlySent() {
      return holder[plotlyFlag] === true;
    },
    set plotlySent(value: boolean) {
      holder[plotlyFlag] = value;
    },
  };
}
