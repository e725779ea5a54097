// PGlite's CommonJS build loads Node built-ins with `import()`, which jest's CommonJS runtime rejects without
// --experimental-vm-modules (electric-sql/pglite#224). This transform rewrites exactly those calls to
// a `require` of the module (through a helper appended at the end, hoisted, because the Emscripten loader
// declares its own `var require`); anything that is not a built-in is left alone.
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { isBuiltin } = require('node:module');

const self = readFileSync(__filename);

module.exports = {
  process(source) {
    const code = source.replace(/\bimport\((["'])([\w:/.-]+)\1\)/g, (call, quote, name) =>
      isBuiltin(name) ? `Promise.resolve(__jestRequireBuiltin(${quote}${name}${quote}))` : call,
    );
    return { code: `${code}\nfunction __jestRequireBuiltin(name) { return require(name); }\n` };
  },
  getCacheKey(source, path) {
    return createHash('sha256').update(self).update(path).update(source).digest('hex');
  },
};
