// Public API of src/study (re-exported by src/index.ts).
export {};
