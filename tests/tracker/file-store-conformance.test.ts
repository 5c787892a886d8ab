import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { openRunStore } from "../../src/tracker/store/open-run-store.js";
import { defineStoreConformance } from "../helpers/store-conformance.js";

// The same conformance suite the PostgreSQL store passes, on the file store: a fresh folder per test.
const root = mkdtempSync(join(tmpdir(), "expbook-file-conformance-"));
let stores = 0;
after(() => rmSync(root, { recursive: true, force: true }));

defineStoreConformance("file", (options) => openRunStore(join(root, `store-${++stores}`), options));
