#!/usr/bin/env node
// `pnpm admin …` runs this bin (no script header on stdout, so `pnpm admin token` prints only a token).
// On a fresh clone it builds the tool and what it depends on first, reporting on stderr.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { execSync } = require('node:child_process');

const cli = join(__dirname, '..', 'dist', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write('Building the admin tool…\n');
  execSync('npx turbo run build --filter=@pm/admin... --output-logs=errors-only', {
    cwd: join(__dirname, '..', '..', '..'),
    stdio: ['ignore', process.stderr, process.stderr],
  });
}
require(cli);
