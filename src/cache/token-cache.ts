import { tokenize } from "../data/tokenize.js";
import { cachedValue, type EntryCodec } from "./derived-cache.js";
import { codeKey, textsKey } from "./texts-key.js";

/**
 * Tokenised texts as one term dictionary and flat ids: text i is the terms
 * `ids[offsets[i]] .. ids[offsets[i + 1] - 1]`; each term appears once in `terms`.
 */
export interface TokenIds {
  terms: string[];
  ids: Int32Array;
  offsets: Int32Array;
}

/** Token lists (e.g. `texts.map(tokenize)`) as a term dictionary and flat ids, terms numbered in order of first use. */
export function tokenIdsOf(lists: readonly (readonly string[])[]): TokenIds {
  const termIds = new Map<string, number>();
  const terms: string[] = [];
  const offsets = new Int32Array(lists.length + 1);
  let total = 0;
  for (const list of lists) total += list.length;
  const ids = new Int32Array(total);
  let at = 0;
  lists.forEach((list, i) => {
    for (const term of list) {
      let id = termIds.get(term);
      if (id === undefined) {
        id = terms.length;
        terms.push(term);
        termIds.set(term, id);
      }
      ids[at++] = id;
    }
    offsets[i + 1] = at;
  });
  return { terms, ids, offsets };
}

/** The token lists of `TokenIds` (each term one shared string). */
function tokenListsOf({ terms, ids, offsets }: TokenIds): string[][] {
  const lists: string[][] = new Array(Math.max(offsets.length - 1, 0));
  for (let i = 0; i < lists.length; i++) {
    const start = offsets[i] as number;
    const end = offsets[i + 1] as number;
    const list: string[] = new Array(end - start);
    for (let j = start; j < end; j++) list[j - start] = terms[ids[j] as number] as string;
    lists[i] = list;
  }
  return lists;
}

const tokenIdsCodec: EntryCodec<TokenIds> = {
  encode: ({ terms, ids, offsets }) => ({ meta: { terms }, arrays: { ids, offsets } }),
  decode: (entry) => ({
    terms: (entry.meta as { terms: string[] }).terms,
    ids: entry.arrays.ids as Int32Array,
    offsets: entry.arrays.offsets as Int32Array,
  }),
};

/**
 * `texts.map(tokenize)` as a term dictionary and flat ids (see `TokenIds`), from the derived cache when
 * the same texts were tokenised before (by any run or worker), keyed by the texts' content and the
 * tokeniser's source. Treat the arrays as read-only.
 *
 * @example const { terms, ids, offsets } = cachedTokenIds(split.train.map((row) => row.text ?? ""));
 */
export function cachedTokenIds(texts: readonly string[]): TokenIds {
  return cachedValue(
    { kind: "tokens", inputs: { texts: textsKey(texts), tokenizer: codeKey(tokenize) } },
    tokenIdsCodec,
    () => tokenIdsOf(texts.map(tokenize)),
  );
}

/**
 * `texts.map(tokenize)`, from the derived cache when the same texts were tokenised before (by any run
 * or worker), keyed by the texts' content and the tokeniser's source. Treat the lists as read-only.
 *
 * @example const tokens = cachedTokens(split.train.map((row) => row.text ?? ""));
 */
export function cachedTokens(texts: readonly string[]): string[][] {
  return tokenListsOf(cachedTokenIds(texts));
}
