import { ModelError } from "../util/errors.js";

/** The TensorFlow.js backends expbook can train on, fastest first. */
export const backendNames = ["tensorflow", "wasm", "cpu"] as const;

/** A TensorFlow.js backend name. */
export type BackendName = (typeof backendNames)[number];

/** Which backend is active and which TensorFlow.js version runs it. */
export interface BackendInfo {
  backend: BackendName;
  tfjsVersion: string;
}

const optionalNodeBinding = "@tensorflow/tfjs-node";

// TensorFlow.js takes about a second to load: imported on the first backend call, not with expbook.
type Tfjs = typeof import("@tensorflow/tfjs");

async function activate(tf: Tfjs, name: BackendName): Promise<boolean> {
  try {
    if (name === "tensorflow") {
      // Optional peer: absent on most machines, so it is imported by a name TS cannot resolve.
      await import(optionalNodeBinding);
    } else if (name === "wasm") {
      await import("@tensorflow/tfjs-backend-wasm");
    }
    if (tf.findBackendFactory(name) === null && tf.findBackend(name) === null) return false;
    const ok = await tf.setBackend(name);
    await tf.ready();
    return ok && tf.getBackend() === name;
  } catch {
    return false;
  }
}

function isBackendName(value: string): value is BackendName {
  return (backendNames as readonly string[]).includes(value);
}

/**
 * Activates the fastest available TensorFlow.js backend: `tensorflow` (the optional tfjs-node binding)
 * → `wasm` → `cpu`. `preferred` (or env EXPBOOK_BACKEND) forces one and fails if it cannot start.
 *
 * @example const { backend } = await selectBackend(); // "wasm" on a machine without tfjs-node
 */
export async function selectBackend(preferred?: string): Promise<BackendInfo> {
  const forced = preferred ?? (process.env.EXPBOOK_BACKEND || undefined);
  const tf = await import("@tensorflow/tfjs");
  const tfjsVersion = tf.version_core;
  if (forced !== undefined) {
    if (!isBackendName(forced)) {
      throw new ModelError(`unknown backend "${forced}"; choose one of ${backendNames.join(", ")}`);
    }
    if (tf.getBackend() === forced && tf.findBackend(forced) !== null)
      return { backend: forced, tfjsVersion };
    if (!(await activate(tf, forced))) {
      const hint = forced === "tensorflow" ? " (install @tensorflow/tfjs-node)" : "";
      throw new ModelError(
        `backend "${forced}" could not be started${hint}; unset EXPBOOK_BACKEND or pick another`,
      );
    }
    return { backend: forced, tfjsVersion };
  }
  for (const name of backendNames) {
    if (await activate(tf, name)) return { backend: name, tfjsVersion };
  }
  throw new ModelError("no TensorFlow.js backend could be started; reinstall @tensorflow/tfjs");
}
