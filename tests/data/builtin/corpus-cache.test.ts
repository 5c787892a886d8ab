import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";

// The spam-assassin corpus cache (src/data/builtin/corpus-cache.ts), through the built package's
// public API in fresh processes (a process keeps loaded datasets in memory, so each load is its own).
const entry = new URL("../../../dist/index.js", import.meta.url).href;
const cache = mkdtempSync(join(tmpdir(), "expbook-corpus-cache-"));
after(() => rmSync(cache, { recursive: true, force: true }));

interface Loaded {
  fingerprint: string;
  recomputed: string;
  rows: string;
  nonAscii: number;
}

/** Loads spam-assassin in a fresh process on the test's cache folder. */
function load(keepHeaders = false): Loaded {
  const script = `
    import { createHash } from "node:crypto";
    const { loadDataset, fingerprintRows } = await import(${JSON.stringify(entry)});
    const spam = await loadDataset("spam-assassin", { keepHeaders: ${keepHeaders} });
    const rows = createHash("sha256").update(JSON.stringify(spam.rows)).digest("hex");
    const nonAscii = spam.rows.filter((row) => /[^\\x00-\\x7f]/.test(row.text)).length;
    console.log(JSON.stringify({ fingerprint: spam.fingerprint, recomputed: fingerprintRows(spam.rows), rows, nonAscii }));`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    env: { ...process.env, EXPBOOK_CACHE: cache },
    encoding: "utf8",
  });
  return JSON.parse(out) as Loaded;
}

function corpusFile(kind: "bodies" | "messages"): string {
  const dir = join(cache, "datasets");
  const name = readdirSync(dir).find((file) => file.endsWith(`-${kind}.corpus`));
  assert.ok(name, `no ${kind} corpus file in ${dir}`);
  return join(dir, name);
}

describe("built-in corpus cache", () => {
  // Built from the package's 6,046 files on the first load; every later load reads the cache file.
  const fromPackage = load();

  test("a load from the cache gives the package's rows exactly, non-ASCII texts included, and their fingerprint", () => {
    assert.equal(fromPackage.fingerprint, fromPackage.recomputed);
    assert.ok(fromPackage.nonAscii > 100, `${fromPackage.nonAscii} texts with non-ASCII characters`);
    assert.deepEqual(load(), fromPackage);
    const whole = load(true);
    assert.equal(whole.fingerprint, whole.recomputed);
    assert.deepEqual(load(true), whole);
    assert.notEqual(whole.fingerprint, fromPackage.fingerprint);
  });

  test("a damaged or cut cache file is rebuilt, never read", () => {
    const path = corpusFile("bodies");
    const bytes = readFileSync(path);
    const damaged = Buffer.from(bytes);
    const at = Math.floor(bytes.length * 0.6);
    damaged[at] = (damaged[at] as number) ^ 0x20;
    writeFileSync(path, damaged);
    assert.deepEqual(load(), fromPackage);
    assert.deepEqual(readFileSync(path), bytes, "the rebuilt file equals the first one");
    truncateSync(path, Math.floor(bytes.length / 2));
    assert.deepEqual(load(), fromPackage);
    writeFileSync(path, "not a corpus");
    assert.deepEqual(load(), fromPackage);
  });

  test("a fingerprint kept by other fingerprinting code is computed afresh, not trusted", () => {
    const path = corpusFile("bodies");
    const bytes = readFileSync(path);
    const first = bytes.indexOf(10);
    const second = bytes.indexOf(10, first + 1);
    const header = JSON.parse(bytes.toString("utf8", first + 1, second)) as Record<string, unknown>;
    const stale = { ...header, fingerprint: "0".repeat(64), fingerprintCode: "older code" };
    const body = Buffer.concat([Buffer.from(`${JSON.stringify(stale)}\n`), bytes.subarray(second + 1)]);
    const checksum = createHash("sha1").update(body).digest("hex");
    writeFileSync(path, Buffer.concat([Buffer.from(`${checksum}\n`), body]));
    assert.deepEqual(load(), fromPackage);
  });
});
