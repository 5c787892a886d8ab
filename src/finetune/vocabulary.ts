/** A word → row mapping for an embedding table: the most frequent training words. */
export interface Vocabulary {
  words: string[];
  index: Map<string, number>;
}

/** Token ids of many texts in one flat array: text i is `ids[offsets[i]] .. ids[offsets[i + 1] - 1]`. */
export interface EncodedTexts {
  ids: Int32Array;
  offsets: Int32Array;
  /** Tokens seen (before truncation) and how many of them were out of vocabulary. */
  tokens: number;
  oov: number;
}

/** The `size` most frequent words of the token lists (ties broken alphabetically, so it is deterministic). */
export function buildVocabulary(tokenLists: readonly (readonly string[])[], size: number): Vocabulary {
  const counts = new Map<string, number>();
  for (const tokens of tokenLists) {
    for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  }
  const words = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, size)
    .map(([word]) => word);
  return vocabularyFromWords(words);
}

/** A vocabulary from an ordered word list (e.g. read back from a saved model). */
export function vocabularyFromWords(words: string[]): Vocabulary {
  return { words, index: new Map(words.map((word, row) => [word, row])) };
}

/** Maps each text to the ids of its first `maxTokens` in-vocabulary tokens (unknown tokens are dropped). */
export function encodeTexts(
  tokenLists: readonly (readonly string[])[],
  vocabulary: Vocabulary,
  maxTokens: number,
): EncodedTexts {
  const offsets = new Int32Array(tokenLists.length + 1);
  const ids: number[] = [];
  let tokens = 0;
  let oov = 0;
  tokenLists.forEach((list, i) => {
    let kept = 0;
    for (const token of list) {
      tokens++;
      const id = vocabulary.index.get(token);
      if (id === undefined) {
        oov++;
        continue;
      }
      if (kept < maxTokens) {
        ids.push(id);
        kept++;
      }
    }
    offsets[i + 1] = ids.length;
  });
  return { ids: Int32Array.from(ids), offsets, tokens, oov };
}
