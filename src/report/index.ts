// Public API of src/report (re-exported by src/index.ts).
export {};
