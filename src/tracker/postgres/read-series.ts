import type { Pool } from "pg";
import type { MetricPoint } from "../types.js";
import { unpack } from "./copy-points.js";

const HEADER_BYTES = 11 + 4 + 4;

/**
 * A run's series (only `metrics` when given), read with one binary `COPY … TO STDOUT`: the chunk
 * columns arrive as raw bytes, with no hex text to decode.
 */
export async function readSeriesChunks(
  pool: Pool,
  runId: string,
  metrics: string[] | undefined,
): Promise<Record<string, MetricPoint[]>> {
  const copyStreams = (await import("pg-copy-streams")) as typeof import("pg-copy-streams") & {
    default?: typeof import("pg-copy-streams");
  };
  const to = copyStreams.to ?? copyStreams.default?.to;
  const client = await pool.connect();
  const chunks: Buffer[] = [];
  try {
    // COPY takes no parameters: the values are quoted as literals.
    const literal = (value: string): string => client.escapeLiteral(value);
    const filter =
      metrics === undefined
        ? ""
        : metrics.length === 0
          ? "AND false"
          : `AND s.name IN (${metrics.map(literal).join(", ")})`;
    const stream = client.query(
      to(
        `COPY (SELECT s.name, p.steps, p."values", p.times FROM expbook_series s
           JOIN expbook_points p ON p.series_id = s.id
           WHERE s.run_id = ${literal(runId)} ${filter} ORDER BY s.id, p.seq) TO STDOUT (FORMAT binary)`,
      ),
    );
    for await (const chunk of stream) chunks.push(chunk as Buffer);
  } catch (error) {
    client.release(true);
    throw error;
  }
  client.release();
  const bytes = Buffer.concat(chunks);
  const series: Record<string, MetricPoint[]> = Object.create(null);
  let o = HEADER_BYTES + bytes.readInt32BE(15);
  for (;;) {
    const fields = bytes.readInt16BE(o);
    o += 2;
    if (fields === -1) break;
    const columns: Buffer[] = [];
    for (let f = 0; f < fields; f++) {
      const length = bytes.readInt32BE(o);
      o += 4;
      columns.push(bytes.subarray(o, o + length));
      o += length;
    }
    const [name, stepBytes, valueBytes, timeBytes] = columns as [Buffer, Buffer, Buffer, Buffer];
    const key = name.toString("utf8");
    const steps = unpack(stepBytes);
    const values = unpack(valueBytes);
    const times = unpack(timeBytes);
    let list = series[key];
    if (list === undefined) {
      list = [];
      series[key] = list;
    }
    for (let i = 0; i < steps.length; i++) {
      list.push({ step: steps[i] as number, value: values[i] as number, time: times[i] as number });
    }
  }
  return series;
}
