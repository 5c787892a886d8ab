import { control, hitsOffset } from "./exact-rescore-kernel.js";
import { blockDocs, type FloatRows, type ScreenArea, startingLimits, stateBytes } from "./screen-area.js";
import { screenQueries } from "./simd-kernels.js";
import type { TopK } from "./top-k.js";

/** A group's search for screenAndRescore. */
export interface RescoredGroup {
  /** Slots in use and which of them hold a live document. */
  slots: number;
  alive: Uint8Array;
  k: number;
  /** Each query's top k, which the hits that may enter it are offered to. */
  tops: readonly TopK[];
  /** Each query's margin in the screen's integer units (QuantisedScreen's bound). */
  margins: readonly number[];
  /** Each query's starting limit (else −∞). */
  initial?: readonly number[] | undefined;
  /** Pairs of the codes' first stage (QuantisedScreen.firstStagePairs; 0: one stage). */
  firstStage: number;
}

/**
 * The screen with exact rescoring in WebAssembly (rescoreListed, exact-rescore-kernel.ts): after
 * every tile of a chunk is screened, each query's hits are rescored in float32 against its k best so
 * far, and its limit rises with each new k-th best; only the hits that may enter a query's top k come
 * back, into `tops`. The limits start at `initial` (else −∞). Returns how many documents were rescored.
 */
export function screenAndRescore(area: ScreenArea, floats: FloatRows, group: RescoredGroup): number {
  const { slots, alive, k, tops, margins, initial, firstStage } = group;
  const kernels = floats.kernels;
  const count = margins.length;
  const limits = startingLimits(count, initial);
  const tiles = Math.ceil(count / screenQueries);
  for (let tile = 0; tile < tiles; tile++) area.writeLimits(tile, limits);
  const { i32, f32, f64 } = kernels.views();
  for (let i = 0; i < count; i++) {
    f64[area.queryState(i) / 8] = margins[i] as number;
    i32[area.queryState(i) / 4 + 2] = 0;
  }
  const rowBytes = floats.rowBytes;
  const controlOf = (tile: number) => area.controlOffset(tile) / 4;
  for (let tile = 0; tile < tiles; tile++) {
    const fields: [keyof typeof control, number][] = [
      ["rescored", 0],
      ["slots", slots],
      ["rows", floats.rows],
      ["rowBytes", rowBytes],
      ["quads", rowBytes / 16],
      ["queries", floats.queries + tile * screenQueries * rowBytes],
      ["states", area.queryState(tile * screenQueries)],
      ["k", k],
      ["stateBytes", stateBytes],
      ["regionBytes", area.regionBytes],
      ["firstStage", firstStage],
    ];
    for (const [field, value] of fields) i32[controlOf(tile) + control[field] / 4] = value;
  }
  const hasHits = (tile: number) => {
    for (let lane = 0; lane < screenQueries; lane++)
      if (
        i32[controlOf(tile) + control.hitsEnd / 4 + lane] !==
        area.controlOffset(tile) + hitsOffset + lane * area.regionBytes
      )
        return true;
    return false;
  };
  for (const [first, chunk] of area.chunks(slots)) {
    const matrix = area.matrixOffset + first * area.blockBytes;
    const firstSlot = first * blockDocs;
    for (let tile = 0; tile < tiles; tile++) {
      i32[controlOf(tile) + control.firstDoc / 4] = firstSlot;
      kernels.screen(area.tileOffset(tile), matrix, chunk, area.pairs, controlOf(tile) * 4);
    }
    for (let tile = 0; tile < tiles; tile++) {
      if (!hasHits(tile)) continue;
      kernels.rescoreListed(area.tileOffset(tile), 0, 0, 0, controlOf(tile) * 4);
      for (let lane = 0; lane < screenQueries; lane++) {
        const top = tops[tile * screenQueries + lane];
        const end = (i32[controlOf(tile) + control.hitsEnd / 4 + lane] as number) / 4;
        for (let hit = controlOf(tile) + (hitsOffset + lane * area.regionBytes) / 4; hit < end; hit += 2) {
          const slot = firstSlot + (i32[hit] as number);
          if (alive[slot] === 1) top?.push(slot, f32[hit + 1] as number);
        }
      }
    }
  }
  let rescored = 0;
  for (let tile = 0; tile < tiles; tile++) rescored += i32[controlOf(tile) + control.rescored / 4] as number;
  return rescored;
}
