// Public API of src/systems (re-exported by src/index.ts).
export {};
