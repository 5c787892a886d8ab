// Public API of src/http: the `http` system kind (a model behind an HTTP endpoint).
export { cachedPost, type PostOptions, refreshEnv, responseCachePath } from "./cached-post.js";
export { type HttpParams, httpParams } from "./http-params.js";
export { httpSystem } from "./http-system.js";
export { atPointer, fillTemplate, type Json } from "./json-template.js";
