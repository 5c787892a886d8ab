// The exact rescoring of the hits the int16 screening kernel lists (screenKernel in simd-kernels.ts),
// in WebAssembly: each document a chunk lets through is scored in float32, with the same operations in
// the same order as the exact kernels, and kept in its query's k best when it belongs there; the
// query's limit rises with its k-th best score, so the next chunks are screened against it. No hit
// goes back to JavaScript unless it may enter the top k.
import { bump, countDown, type KernelSource, op, valueType } from "./wasm-assembler.js";

const { i32, f32, v128 } = valueType;

/** Scale of the screen's int16 codes: a unit vector's components (|x| ≤ 1) become integers within ±32,003. */
export const codeScale = 32000;

/**
 * Byte offsets of the control block at the screening kernel's `out` (int32 each, written by the caller
 * except hitsEnd and rescored): where each query's list of hits ends (4 queries at most), how many
 * documents were rescored (added to), the first chunk document's slot, the slots in use (documents at
 * or after it are never kept), the float32 rows' address and bytes per row, a row's quads, the tile's
 * float32 queries (a row apart), the tile's query states (stateBytes apart), k, the bytes between
 * two queries' lists of hits, and the screen's first-stage pairs (0: one stage; see screenKernel).
 */
export const control = {
  hitsEnd: 0,
  rescored: 16,
  firstDoc: 20,
  slots: 24,
  rows: 28,
  rowBytes: 32,
  quads: 36,
  queries: 40,
  states: 44,
  k: 48,
  stateBytes: 52,
  regionBytes: 56,
  firstStage: 60,
} as const;

/**
 * A query's state for the rescoring: its margin (f64, at 0) in the screen's integer units, how many
 * best scores it holds (i32, at 8), the least of them once it holds k (f32, at 12), then the k best
 * exact scores so far (f32 each, from stateHeader), in no order.
 */
export const stateHeader = 16;

/**
 * Byte offsets from the screening kernel's `out`: after the control block, the scratch where a block's
 * accumulator is listed lane by lane (and rescored rows' scores wait), then the lists of hits.
 */
export const laneScratch = 64;
export const hitsOffset = laneScratch + 16;

/** Pushes the address where query i's list of hits starts (`out` and `regionBytes` are locals). */
export const hitList = (out: number, i: number, regionBytes: number) => [
  ...op.get(out),
  ...op.i32Const(hitsOffset),
  ...op.i32Add,
  ...op.get(regionBytes),
  ...op.i32Const(i),
  ...op.i32Mul,
  ...op.i32Add,
];

/** Pushes the sum of the four lanes of a v128 local as an f32 (lane order 0 + 1 + 2 + 3). */
export const laneSum = (local: number) => [
  ...op.get(local),
  ...op.f32x4Lane(0),
  ...op.get(local),
  ...op.f32x4Lane(1),
  ...op.f32Add,
  ...op.get(local),
  ...op.f32x4Lane(2),
  ...op.f32Add,
  ...op.get(local),
  ...op.f32x4Lane(3),
  ...op.f32Add,
];

/** Adds the product of the quad at local m and the quad at local qp into acc; m advances. */
export const dotStep = (m: number, qp: number, acc: number) => [
  ...op.get(acc),
  ...op.get(m),
  ...op.v128Load(),
  ...op.get(qp),
  ...op.v128Load(),
  ...op.f32x4Mul,
  ...op.f32x4Add,
  ...op.set(acc),
  ...bump(m, 16),
];

/** Adds ⟨row at local m, query at local qp⟩ over `quads` quads into acc (m and qp advance; j counts). */
export const dotLoop = (m: number, qp: number, j: number, quads: number, acc: number) => [
  ...op.get(quads),
  ...op.set(j),
  ...op.loop,
  ...dotStep(m, qp, acc),
  ...bump(qp, 16),
  ...countDown(j),
  ...op.end,
];

/** Rows scored together, each with its own accumulator, so their dependency chains (and loads) overlap. */
export const interleaved = 4;

/**
 * rescoreListed(q, _, _, _, out): rescores the lists of hits a screen of Q queries left at `out` (see
 * rescoreHits), with q the tile's bars (ScreenArea.writeLimits).
 */
export function rescoreListedKernel(queries: number): KernelSource {
  const [q, out] = [0, 4] as const;
  const locals = rescoreLocals(5);
  return {
    name: `rescoreListed${queries}`,
    locals: locals.declarations,
    code: [...loadControl(out, locals), ...rescoreHits(queries, q, out, locals)],
  };
}

/** The control block's fields the rescoring reads into locals of the same names. */
const controlFields = [
  ...["firstDoc", "slots", "rows", "rowBytes", "quads", "queries", "states", "k", "stateBytes"],
  "regionBytes",
] as const;

/** The rescoring's locals, from local index `first` on. */
function rescoreLocals(first: number) {
  const names = [
    ...controlFields,
    ...["query", "end", "queryRow", "read", "write", "code", "doc", "qp", "j", "r", "state"],
    ...["held", "at", "limit", "rescored"],
  ] as const;
  const index = Object.fromEntries(names.map((name, i) => [name, first + i])) as Record<
    (typeof names)[number],
    number
  >;
  const rows = Array.from({ length: interleaved }, (_, r) => r);
  const m = rows.map((r) => first + names.length + r);
  const score = first + names.length + interleaved;
  const least = score + 1;
  const acc = rows.map((r) => score + 2 + r);
  return {
    ...index,
    m,
    score,
    least,
    acc,
    declarations: [
      [names.length + interleaved, i32],
      [2, f32],
      [interleaved, v128],
    ] as [number, number][],
  };
}

type Locals = ReturnType<typeof rescoreLocals>;

/** Reads the control block at local `out` into the rescoring's locals. */
function loadControl(out: number, l: Locals): number[] {
  return controlFields.flatMap((field) => [
    ...op.get(out),
    ...op.i32Load(control[field]),
    ...op.set(l[field]),
  ]);
}

/**
 * After the screen: rescores each query's list of hits (pairs of int32: document from the first block,
 * integer score) and keeps in place only those that may enter its top k, as (document, exact f32
 * score), with the list's new end. `q` is the tile's bars (int32 × 4 per query), `out` the control
 * block. A query's hits are scored `interleaved` at a time against its one float32 row, then one at a
 * time; each row's score comes from the same operations in the same order as the exact kernels'. The
 * query's limit rises with its k-th best exact score, and a hit whose integer score falls below it
 * before it is scored is dropped: it cannot enter the top k.
 */
function rescoreHits(queries: number, q: number, out: number, l: Locals): number[] {
  return [
    ...[...op.i32Const(0), ...op.set(l.rescored), ...op.i32Const(0), ...op.set(l.query)],
    ...[...op.block, ...op.loop, ...op.get(l.query), ...op.i32Const(queries), ...op.i32GeU, ...op.brIf(1)],
    ...[
      ...op.get(out),
      ...op.i32Const(hitsOffset),
      ...op.i32Add,
      ...op.get(l.regionBytes),
      ...op.get(l.query),
    ],
    ...[...op.i32Mul, ...op.i32Add, ...op.tee(l.read), ...op.set(l.write)],
    ...[...op.get(out), ...op.get(l.query), ...op.i32Const(2), ...op.i32Shl, ...op.i32Add],
    ...[...op.i32Load(control.hitsEnd), ...op.set(l.end)],
    ...[...op.get(l.queries), ...op.get(l.query), ...op.get(l.rowBytes), ...op.i32Mul, ...op.i32Add],
    ...[
      ...op.set(l.queryRow),
      ...op.get(l.states),
      ...op.get(l.query),
      ...op.get(l.stateBytes),
      ...op.i32Mul,
    ],
    ...[...op.i32Add, ...op.set(l.state)],
    ...rescoreGroups(interleaved, q, out, l),
    ...rescoreGroups(1, q, out, l),
    ...[
      ...op.get(out),
      ...op.get(l.query),
      ...op.i32Const(2),
      ...op.i32Shl,
      ...op.i32Add,
      ...op.get(l.write),
    ],
    ...[...op.i32Store(control.hitsEnd), ...bump(l.query, 1), ...op.br(0), ...op.end, ...op.end],
    ...[...op.get(out), ...op.get(out), ...op.i32Load(control.rescored), ...op.get(l.rescored), ...op.i32Add],
    ...op.i32Store(control.rescored),
  ];
}

/** Moves `read` past the hits whose integer score is not above the query's bar (int32 at q + 16·query). */
const dropBelowLimit = (q: number, l: Locals) => [
  ...[...op.block, ...op.loop, ...op.get(l.read), ...op.get(l.end), ...op.i32GeU, ...op.brIf(1)],
  ...[...op.get(l.read), ...op.i32Load(4), ...op.get(q), ...op.get(l.query), ...op.i32Const(4), ...op.i32Shl],
  ...[...op.i32Add, ...op.i32Load(), ...op.i32GtS, ...op.brIf(1), ...bump(l.read, 8), ...op.br(0)],
  ...[...op.end, ...op.end],
];

/**
 * While at least n hits are left in the query's list (local `read` to `end`), drops those at its front
 * whose integer score is below the query's limit, then scores the next n together (an accumulator
 * each) and keeps each in turn.
 */
function rescoreGroups(n: number, q: number, out: number, l: Locals): number[] {
  const rows = Array.from({ length: n }, (_, r) => r);
  const m = (r: number) => l.m[r] as number;
  const acc = (r: number) => l.acc[r] as number;
  return [
    ...[...op.block, ...op.loop, ...dropBelowLimit(q, l)],
    ...[...op.get(l.end), ...op.get(l.read), ...op.i32Sub, ...op.i32Const(8 * n), ...op.i32LtU],
    ...op.brIf(1),
    // row address = rows + (firstDoc + listed document) · rowBytes
    ...rows.flatMap((r) => [
      ...[
        ...op.get(l.read),
        ...op.i32Load(8 * r),
        ...op.get(l.firstDoc),
        ...op.i32Add,
        ...op.get(l.rowBytes),
      ],
      ...[...op.i32Mul, ...op.get(l.rows), ...op.i32Add, ...op.set(m(r)), ...op.v128Zero, ...op.set(acc(r))],
    ]),
    ...[...op.get(l.queryRow), ...op.set(l.qp), ...op.get(l.quads), ...op.set(l.j), ...op.loop],
    ...rows.flatMap((r) => dotStep(m(r), l.qp, acc(r))),
    ...[...bump(l.qp, 16), ...countDown(l.j), ...op.end],
    ...rows.flatMap((r) => [...op.get(out), ...laneSum(acc(r)), ...op.f32Store(laneScratch + 4 * r)]),
    ...[...op.i32Const(0), ...op.set(l.r), ...op.block, ...op.loop, ...op.get(l.r), ...op.i32Const(n)],
    ...[
      ...op.i32GeU,
      ...op.brIf(1),
      ...op.get(l.read),
      ...op.i32Load(),
      ...op.tee(l.code),
      ...op.get(l.firstDoc),
    ],
    ...[...op.i32Add, ...op.get(l.slots), ...op.i32LtU, ...op.if],
    ...[...op.get(out), ...op.get(l.r), ...op.i32Const(2), ...op.i32Shl, ...op.i32Add],
    ...[...op.f32Load(laneScratch), ...op.set(l.score), ...bump(l.rescored, 1), ...keep(q, l), ...op.end],
    ...[...bump(l.read, 8), ...bump(l.r, 1), ...op.br(0), ...op.end, ...op.end],
    ...[...op.br(0), ...op.end, ...op.end],
  ];
}

/**
 * Keeps the current hit when its score may enter its query's top k: while the state holds fewer than
 * k it always does; then when the score reaches the least of the k, which it replaces when above it.
 * A NaN score (a slot without a live document) is never kept.
 */
const keep = (q: number, l: Locals) => [
  ...[...op.get(l.score), ...op.get(l.score), ...op.f32Eq, ...op.if],
  ...[...op.get(l.state), ...op.i32Load(8), ...op.tee(l.held), ...op.get(l.k), ...op.i32LtU, ...op.if],
  ...[...entryAddress(l, l.held), ...op.get(l.score), ...op.f32Store(stateHeader)],
  ...[
    ...op.get(l.state),
    ...op.get(l.held),
    ...op.i32Const(1),
    ...op.i32Add,
    ...op.tee(l.held),
    ...op.i32Store(8),
  ],
  ...report(l),
  ...[...op.get(l.held), ...op.get(l.k), ...op.i32Eq, ...op.if, ...raiseLimit(q, l), ...op.end],
  ...op.else,
  ...[...op.get(l.score), ...op.get(l.state), ...op.f32Load(12), ...op.f32Ge, ...op.if, ...report(l)],
  ...[...op.get(l.score), ...op.get(l.state), ...op.f32Load(12), ...op.f32Gt, ...op.if],
  ...replaceLeast(l),
  ...raiseLimit(q, l),
  ...[...op.end, ...op.end, ...op.end, ...op.end],
];

/** Pushes the address of entry `index` (a local) of the state's best scores, less stateHeader. */
const entryAddress = (l: Locals, index: number) => [
  ...op.get(l.state),
  ...op.get(index),
  ...op.i32Const(2),
  ...op.i32Shl,
  ...op.i32Add,
];

/** Keeps the current hit as (code, exact score) at local `write`. */
const report = (l: Locals) => [
  ...[...op.get(l.write), ...op.get(l.code), ...op.i32Store(), ...op.get(l.write), ...op.get(l.score)],
  ...[...op.f32Store(4), ...bump(l.write, 8)],
];
/** Overwrites the first best score equal to the least with the current score. */
const replaceLeast = (l: Locals) => [
  ...[...op.i32Const(0), ...op.set(l.at), ...op.block, ...op.loop],
  ...[
    ...entryAddress(l, l.at),
    ...op.f32Load(stateHeader),
    ...op.get(l.state),
    ...op.f32Load(12),
    ...op.f32Eq,
  ],
  ...[...op.brIf(1), ...bump(l.at, 1), ...op.br(0), ...op.end, ...op.end],
  ...[...entryAddress(l, l.at), ...op.get(l.score), ...op.f32Store(stateHeader)],
];

/**
 * Sets the state's least to the least of its k best, and the query's bar (int32 × 4 at q + 16·query)
 * to ⌊least · 32000² − margin⌋ − 1 when that is higher: the screen's bound lets through only the
 * scores above it (its limit less one, in float64 so the least bar saturates instead of wrapping).
 */
const raiseLimit = (q: number, l: Locals) => [
  ...[...op.get(l.state), ...op.f32Load(stateHeader), ...op.set(l.least), ...op.i32Const(1), ...op.set(l.at)],
  ...[...op.block, ...op.loop, ...op.get(l.at), ...op.get(l.k), ...op.i32GeU, ...op.brIf(1)],
  ...[
    ...entryAddress(l, l.at),
    ...op.f32Load(stateHeader),
    ...op.get(l.least),
    ...op.f32Min,
    ...op.set(l.least),
  ],
  ...[...bump(l.at, 1), ...op.br(0), ...op.end, ...op.end],
  ...[...op.get(l.state), ...op.get(l.least), ...op.f32Store(12)],
  ...[...op.get(l.least), ...op.f64PromoteF32, ...op.f64Const(codeScale * codeScale), ...op.f64Mul],
  ...[
    ...op.get(l.state),
    ...op.f64Load(0),
    ...op.f64Sub,
    ...op.f64Floor,
    ...op.f64Const(1),
    ...op.f64Sub,
    ...op.i32TruncSatF64S,
    ...op.set(l.limit),
  ],
  ...[...op.get(q), ...op.get(l.query), ...op.i32Const(4), ...op.i32Shl, ...op.i32Add, ...op.set(l.at)],
  ...[...op.get(l.limit), ...op.get(l.at), ...op.i32Load(), ...op.i32GtS, ...op.if],
  ...[...op.get(l.at), ...op.get(l.limit), ...op.i32x4Splat, ...op.v128Store(), ...op.end],
];
