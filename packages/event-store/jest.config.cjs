// Starting PGlite (its WebAssembly, on a thread of its own) takes seconds on a busy machine: hooks and tests that
// open one get longer than jest's default 5 s.
module.exports = { ...require('../../jest.preset.cjs'), testTimeout: 30_000 };
