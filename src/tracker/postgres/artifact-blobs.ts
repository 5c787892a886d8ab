import { createHash } from "node:crypto";
import type { Pool, PoolClient } from "pg";
import type { ArtifactInfo } from "../store/run-store.js";
import { inTransaction } from "./pg-connection.js";
import { GC_LOCK, LOCK_CLASS } from "./schema-migrations.js";

/** The SHA-256 of some bytes, in hex (an artifact blob's key). */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * Stores `bytes` as artifact `name` of run `runId` on `client`, in the caller's transaction: the blob
 * once per content (identical bytes share one row), then the run's reference to it. Holds the gc lock
 * shared, so gc cannot drop the blob between the two.
 */
export async function putArtifactOn(
  client: PoolClient,
  runId: string,
  name: string,
  bytes: Uint8Array,
): Promise<ArtifactInfo> {
  const sha256 = sha256Hex(bytes);
  await client.query("SELECT pg_advisory_xact_lock_shared($1, $2)", [LOCK_CLASS, GC_LOCK]);
  const present = await client.query("SELECT 1 FROM expbook_blobs WHERE sha256 = $1", [sha256]);
  if (present.rowCount === 0) {
    await client.query(
      "INSERT INTO expbook_blobs (sha256, size, data) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING",
      [sha256, bytes.length, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)],
    );
  }
  await client.query(
    `INSERT INTO expbook_artifacts (run_id, name, sha256) VALUES ($1, $2, $3)
     ON CONFLICT (run_id, md5(name)) DO UPDATE SET sha256 = excluded.sha256`,
    [runId, name, sha256],
  );
  return { name, sha256, bytes: bytes.length };
}

/** Stores one artifact in its own transaction (see `putArtifactOn`). */
export function putArtifactBlob(
  pool: Pool,
  runId: string,
  name: string,
  bytes: Uint8Array,
): Promise<ArtifactInfo> {
  return inTransaction(pool, (client) => putArtifactOn(client, runId, name, bytes));
}

/** A run's artifacts in upload order. */
export async function listArtifactRows(pool: Pool, runId: string): Promise<ArtifactInfo[]> {
  const result = await pool.query<{ name: string; sha256: string; size: string }>(
    `SELECT a.name, a.sha256, b.size FROM expbook_artifacts a JOIN expbook_blobs b USING (sha256)
     WHERE a.run_id = $1 ORDER BY a.position`,
    [runId],
  );
  return result.rows.map((row) => ({ name: row.name, sha256: row.sha256, bytes: Number(row.size) }));
}

/** An artifact's bytes and hash, or undefined when the run has no artifact of that name. */
export async function readArtifactBlob(
  pool: Pool,
  runId: string,
  name: string,
): Promise<{ sha256: string; data: Buffer } | undefined> {
  const result = await pool.query<{ sha256: string; data: Buffer }>(
    `SELECT a.sha256, b.data FROM expbook_artifacts a JOIN expbook_blobs b USING (sha256)
     WHERE a.run_id = $1 AND a.name = $2`,
    [runId, name],
  );
  return result.rows[0];
}
