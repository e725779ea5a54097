#!/usr/bin/env node
// `amili-sandbox` runs the built server; build first with `pnpm --filter @pm/amili-sandbox build`.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const main = join(__dirname, '..', 'dist', 'main.js');
if (!existsSync(main)) {
  process.stderr.write('The sandbox is not built: run `npx pnpm --filter @pm/amili-sandbox build` first.\n');
  process.exit(1);
}
require(main);
