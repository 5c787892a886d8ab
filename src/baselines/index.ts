// Public API of src/baselines (re-exported by src/index.ts).
export {};
