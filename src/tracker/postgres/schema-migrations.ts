import type { Pool } from "pg";
import { StoreError } from "../../util/errors.js";

/**
 * The schema, as ordered migrations: migration N brings a database from version N-1 to N. A migration
 * is never edited once released; a change is a new one appended here.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: runs, series, points, content-addressed blobs, and the query language's SQL functions.
  `
  CREATE TABLE expbook_runs (
    id text PRIMARY KEY,
    experiment text NOT NULL,
    name text NOT NULL,
    status text NOT NULL,
    created_at text NOT NULL,
    started_at text NOT NULL,
    ended_at text,
    heartbeat_at timestamptz NOT NULL DEFAULT now(),
    -- Points the live run has written: a flush whose COMMIT reply was lost is not written twice.
    points_written bigint NOT NULL DEFAULT 0,
    params jsonb NOT NULL,
    tags jsonb NOT NULL,
    summary jsonb NOT NULL,
    latest jsonb NOT NULL,
    env jsonb NOT NULL,
    note text NOT NULL,
    seed double precision,
    dataset_fingerprint text,
    split_fingerprint text,
    error text
  );
  -- Hash, not btree: a btree entry is limited to about 2.7 kB, and user strings may be longer.
  CREATE INDEX expbook_runs_experiment ON expbook_runs USING hash (experiment);
  CREATE INDEX expbook_runs_created ON expbook_runs ((created_at COLLATE "C"), (id COLLATE "C"));
  CREATE INDEX expbook_runs_status ON expbook_runs (status) WHERE status = 'running';
  CREATE INDEX expbook_runs_params ON expbook_runs USING gin (params jsonb_path_ops);
  CREATE INDEX expbook_runs_tags ON expbook_runs USING gin (tags jsonb_path_ops);
  CREATE INDEX expbook_runs_summary ON expbook_runs USING gin (summary jsonb_path_ops);

  CREATE TABLE expbook_series (
    id serial PRIMARY KEY,
    run_id text NOT NULL REFERENCES expbook_runs (id) ON DELETE CASCADE,
    name text NOT NULL
  );
  CREATE UNIQUE INDEX expbook_series_name ON expbook_series (run_id, md5(name));
  -- Points are stored in chunks: one row per series per written batch, holding the batch's steps,
  -- values and times in logging order as packed little-endian float64 (a row per point costs several
  -- times the bytes and time to write and to read back).
  -- No foreign key: remove deletes a run's chunks in the same transaction.
  CREATE SEQUENCE expbook_points_seq;
  CREATE TABLE expbook_points (
    series_id integer NOT NULL,
    seq bigint NOT NULL DEFAULT nextval('expbook_points_seq'),
    count integer NOT NULL,
    steps bytea NOT NULL,
    "values" bytea NOT NULL,
    times bytea NOT NULL
  );
  -- Out of line, uncompressed: float64 data barely compresses, and trying costs time on every write.
  ALTER TABLE expbook_points ALTER COLUMN steps SET STORAGE EXTERNAL,
    ALTER COLUMN "values" SET STORAGE EXTERNAL, ALTER COLUMN times SET STORAGE EXTERNAL;
  CREATE INDEX expbook_points_series ON expbook_points (series_id, seq);

  CREATE TABLE expbook_blobs (
    sha256 text PRIMARY KEY,
    size bigint NOT NULL,
    data bytea NOT NULL
  );
  CREATE TABLE expbook_artifacts (
    run_id text NOT NULL REFERENCES expbook_runs (id) ON DELETE CASCADE,
    name text NOT NULL,
    sha256 text NOT NULL,
    position serial
  );
  CREATE UNIQUE INDEX expbook_artifacts_name ON expbook_artifacts (run_id, md5(name));
  CREATE INDEX expbook_artifacts_sha256 ON expbook_artifacts (sha256);

  -- JSON text of an array or object as JavaScript's JSON.stringify writes it (what the query language
  -- compares a container with).
  CREATE FUNCTION expbook_js_text(v jsonb) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $f$
  BEGIN
    CASE jsonb_typeof(v)
      WHEN 'object' THEN
        RETURN '{' || coalesce((SELECT string_agg(to_json(e.key)::text || ':' || expbook_js_text(e.value), ',')
                                FROM jsonb_each(v) e), '') || '}';
      WHEN 'array' THEN
        RETURN '[' || coalesce((SELECT string_agg(expbook_js_text(e.value), ',' ORDER BY e.ord)
                                FROM jsonb_array_elements(v) WITH ORDINALITY e(value, ord)), '') || ']';
      ELSE RETURN v::text;
    END CASE;
  END $f$;

  -- A field's value as the query language sees it: JSON null is absent, containers are their JSON text.
  CREATE FUNCTION expbook_scalar(v jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
    SELECT CASE jsonb_typeof(v)
      WHEN 'null' THEN NULL
      WHEN 'object' THEN to_jsonb(expbook_js_text(v))
      WHEN 'array' THEN to_jsonb(expbook_js_text(v))
      ELSE v END
  $f$;

  -- JavaScript's Number(s) when it is finite and s is not blank, else NULL (tags "3" meet numbers halfway).
  CREATE FUNCTION expbook_js_number(s text) RETURNS double precision LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $f$
  DECLARE
    t text := btrim(s, E' \\t\\n\\r\\f\\u000b\\u00a0\\ufeff\\u2028\\u2029');
    r double precision;
  BEGIN
    IF t = '' THEN RETURN NULL; END IF;
    IF t ~ '^[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?$' THEN
      BEGIN
        r := t::double precision;
      EXCEPTION WHEN others THEN
        RETURN NULL;
      END;
    ELSIF t ~ '^0[xX][0-9a-fA-F]{1,15}$' THEN
      r := ('x' || lpad(substr(t, 3), 16, '0'))::bit(64)::bigint;
    ELSE
      RETURN NULL;
    END IF;
    IF r = 'Infinity'::double precision OR r = '-Infinity'::double precision THEN RETURN NULL; END IF;
    RETURN r;
  END $f$;

  -- The query language's comparison (see query-evaluate.ts): absent equals absent only; numbers meet
  -- numeric strings, booleans meet "true"/"false"; ordering compares numbers or strings, never across.
  CREATE FUNCTION expbook_compare(op text, a jsonb, b jsonb) RETURNS boolean LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $f$
  DECLARE
    ta text;
    tb text;
    na double precision;
    nb double precision;
    sa text;
    sb text;
    same boolean;
  BEGIN
    IF a IS NULL OR b IS NULL THEN
      IF op = '=' THEN RETURN a IS NULL AND b IS NULL; END IF;
      IF op = '!=' THEN RETURN NOT (a IS NULL AND b IS NULL); END IF;
      RETURN false;
    END IF;
    ta := jsonb_typeof(a);
    tb := jsonb_typeof(b);
    IF ta = 'number' THEN na := a::double precision; END IF;
    IF tb = 'number' THEN nb := b::double precision; END IF;
    IF ta = 'string' THEN sa := a #>> '{}'; END IF;
    IF tb = 'string' THEN sb := b #>> '{}'; END IF;
    IF ta = 'number' AND tb = 'string' THEN
      nb := expbook_js_number(sb);
      IF nb IS NOT NULL THEN tb := 'number'; END IF;
    ELSIF ta = 'string' AND tb = 'number' THEN
      na := expbook_js_number(sa);
      IF na IS NOT NULL THEN ta := 'number'; END IF;
    ELSIF ta = 'boolean' AND tb = 'string' AND sb IN ('true', 'false') THEN
      tb := 'boolean';
      b := to_jsonb(sb = 'true');
    ELSIF tb = 'boolean' AND ta = 'string' AND sa IN ('true', 'false') THEN
      ta := 'boolean';
      a := to_jsonb(sa = 'true');
    END IF;
    IF ta <> tb THEN
      RETURN op = '!=';
    END IF;
    IF ta = 'number' THEN
      CASE op
        WHEN '=' THEN RETURN na = nb;
        WHEN '!=' THEN RETURN na <> nb;
        WHEN '<' THEN RETURN na < nb;
        WHEN '<=' THEN RETURN na <= nb;
        WHEN '>' THEN RETURN na > nb;
        ELSE RETURN na >= nb;
      END CASE;
    END IF;
    IF ta = 'string' THEN
      CASE op
        WHEN '=' THEN RETURN sa = sb;
        WHEN '!=' THEN RETURN sa <> sb;
        WHEN '<' THEN RETURN sa COLLATE "C" < sb COLLATE "C";
        WHEN '<=' THEN RETURN sa COLLATE "C" <= sb COLLATE "C";
        WHEN '>' THEN RETURN sa COLLATE "C" > sb COLLATE "C";
        ELSE RETURN sa COLLATE "C" >= sb COLLATE "C";
      END CASE;
    END IF;
    same := a = b;
    IF op = '=' THEN RETURN same; END IF;
    IF op = '!=' THEN RETURN NOT same; END IF;
    RETURN false;
  END $f$;

  -- A bare field in a query: present and not false, 0, "" or "false".
  CREATE FUNCTION expbook_truthy(v jsonb) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
    SELECT v IS NOT NULL AND v <> 'false'::jsonb AND v <> '0'::jsonb AND v <> '""'::jsonb AND v <> '"false"'::jsonb
  $f$;
  `,
];

/** The schema version this expbook writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

// Advisory lock keys (class, object) of expbook: 0 guards migrations; 1 is the gc/artifact lock.
export const LOCK_CLASS = 0x65787062; // "expb"
/** Advisory lock object taken (exclusive) by gc and (shared) by every artifact upload. */
export const GC_LOCK = 1;
const MIGRATION_LOCK = 0;

/**
 * Brings the database to `SCHEMA_VERSION`, one transaction per migration, under an advisory lock so two
 * processes opening a fresh store at once apply each migration once. Throws a `StoreError` when the
 * database was written by a newer expbook.
 */
export async function migrate(pool: Pool, where: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1, $2)", [LOCK_CLASS, MIGRATION_LOCK]);
    try {
      await client.query(
        "CREATE TABLE IF NOT EXISTS expbook_schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
      );
      const result = await client.query<{ version: number | null }>(
        "SELECT max(version) AS version FROM expbook_schema_version",
      );
      const current = result.rows[0]?.version ?? 0;
      if (current > SCHEMA_VERSION) {
        throw new StoreError(
          `the store ${where} has schema version ${current}, newer than this expbook understands (${SCHEMA_VERSION}); upgrade expbook`,
        );
      }
      for (let version = current + 1; version <= SCHEMA_VERSION; version++) {
        await client.query("BEGIN");
        try {
          await client.query(MIGRATIONS[version - 1] as string);
          await client.query("INSERT INTO expbook_schema_version (version) VALUES ($1)", [version]);
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK");
          throw error;
        }
      }
    } finally {
      await client.query("SELECT pg_advisory_unlock($1, $2)", [LOCK_CLASS, MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}
