import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { PoolClient } from "pg";
import { PointBatch } from "../point-batch.js";
import type { NamedMetricPoint } from "../store/run-store.js";

/** A batch of named points (as `appendPoints` receives them) with the metric names it refers to. */
export function batchFromPoints(points: NamedMetricPoint[]): { names: string[]; batch: PointBatch } {
  const index = new Map<string, number>();
  const names: string[] = [];
  const batch = new PointBatch();
  for (const point of points) {
    let at = index.get(point.metric);
    if (at === undefined) {
      at = names.length;
      index.set(point.metric, at);
      names.push(point.metric);
    }
    batch.push(at, point.step, point.value, point.time);
  }
  return { names, batch };
}

const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");
// Most points in one stored chunk (3 columns of 8-byte numbers: 2.4 MB).
const CHUNK_POINTS = 100_000;

/** Packs the numbers at `rows` as little-endian float64 (how a chunk column stores them). */
function pack(values: Float64Array, rows: Uint32Array): Buffer {
  const packed = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) packed[i] = values[rows[i] as number] as number;
  const bytes = Buffer.from(packed.buffer);
  // Float64Array is in the machine's byte order; the store's is little-endian.
  if (new Uint8Array(new Float64Array([1]).buffer)[7] !== 0x3f) bytes.swap64();
  return bytes;
}

/**
 * PostgreSQL's binary COPY format for chunk rows (series_id, count, steps, values, times): the
 * batch's points grouped by series, each series in logging order, at most CHUNK_POINTS per row.
 */
function* binaryCopy(batch: PointBatch, seriesIds: number[]): Generator<Buffer> {
  const header = Buffer.alloc(SIGNATURE.length + 8);
  SIGNATURE.copy(header, 0);
  yield header;
  const bySeries = new Map<number, number[]>();
  for (let i = 0; i < batch.length; i++) {
    const metric = batch.metric[i] as number;
    let rows = bySeries.get(metric);
    if (rows === undefined) {
      rows = [];
      bySeries.set(metric, rows);
    }
    rows.push(i);
  }
  for (const [metric, all] of bySeries) {
    for (let start = 0; start < all.length; start += CHUNK_POINTS) {
      const rows = Uint32Array.from(all.slice(start, start + CHUNK_POINTS));
      const head = Buffer.allocUnsafe(2 + 8 + 8);
      let o = head.writeInt16BE(5, 0);
      o = head.writeInt32BE(4, o);
      o = head.writeInt32BE(seriesIds[metric] as number, o);
      o = head.writeInt32BE(4, o);
      head.writeInt32BE(rows.length, o);
      yield head;
      for (const column of [batch.step, batch.value, batch.time]) {
        const packed = pack(column, rows);
        const length = Buffer.allocUnsafe(4);
        length.writeInt32BE(packed.length, 0);
        yield length;
        yield packed;
      }
    }
  }
  const trailer = Buffer.alloc(2);
  trailer.writeInt16BE(-1, 0);
  yield trailer;
}

/** The numbers of a chunk column (packed little-endian float64). */
export function unpack(bytes: Buffer): Float64Array {
  const out = new Float64Array(bytes.length / 8);
  const view = Buffer.from(out.buffer);
  view.set(bytes);
  if (new Uint8Array(new Float64Array([1]).buffer)[7] !== 0x3f) view.swap64();
  return out;
}

/**
 * Writes a batch of points of run `runId` on `client` (inside the caller's transaction): creates the
 * series it names, then streams the points with one binary COPY. Throws the driver's error; a
 * foreign-key violation (23503) means the run was removed.
 */
export async function copyPoints(
  client: PoolClient,
  runId: string,
  names: string[],
  batch: PointBatch,
): Promise<void> {
  if (batch.length === 0) return;
  await client.query(
    "INSERT INTO expbook_series (run_id, name) SELECT $1, unnest($2::text[]) ON CONFLICT (run_id, md5(name)) DO NOTHING",
    [runId, names],
  );
  const found = await client.query<{ id: number; name: string }>(
    "SELECT id, name FROM expbook_series WHERE run_id = $1 AND name = ANY($2::text[])",
    [runId, names],
  );
  const byName = new Map(found.rows.map((row) => [row.name, row.id]));
  const seriesIds = names.map((name) => byName.get(name) as number);
  const copyStreams = (await import("pg-copy-streams")) as typeof import("pg-copy-streams") & {
    default?: typeof import("pg-copy-streams");
  };
  const from = copyStreams.from ?? copyStreams.default?.from;
  const target = client.query(
    from('COPY expbook_points (series_id, count, steps, "values", times) FROM STDIN (FORMAT binary)'),
  );
  await pipeline(Readable.from(binaryCopy(batch, seriesIds)), target);
}
