// Public API of src/cache: the content-keyed derived cache that runs and workers share.
export {
  cachedValue,
  type DerivedSpec,
  derivedCacheDirectory,
  derivedCacheEnabled,
  derivedCacheEnv,
  derivedKey,
  derivedPath,
  type EntryCodec,
} from "./derived-cache.js";
export { type CacheEntry, decodeEntry, type EntryArray, encodeEntry } from "./entry-codec.js";
export { cachedEmbeddings } from "./pooled-vector-cache.js";
export { codeKey, textsKey } from "./texts-key.js";
export { cachedTokenIds, cachedTokens, type TokenIds, tokenIdsOf } from "./token-cache.js";
