// Public API of src/tracker (re-exported by src/index.ts).
export {};
