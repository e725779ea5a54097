#!/usr/bin/env node
// `pnpm start`: the API and, unless AMILI_URL points at a real partner, the partner sandbox beside it,
// sharing one data directory (the sandbox's API key and the push-notification secret live there).
// Ctrl-C stops both; if one of them stops, so does the other.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env };
env.DATA_DIR = resolve(env.DATA_DIR || '.data');
env.PORT ||= '3000';
env.SANDBOX_PORT ||= '4010';
// The demo's bank connection: camt.054 or BgMax files dropped here are imported (set BANK_INBOX_DIR to move it).
env.BANK_INBOX_DIR ||= join(env.DATA_DIR, 'bank-inbox');

function secret(file) {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64url') + '\n', { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

const children = [];
function run(name, script, childEnv) {
  const child = spawn(process.execPath, [join(root, script)], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = (stream, out) => {
    let rest = '';
    stream.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop();
      for (const line of lines) out.write(`[${name}] ${line}\n`);
    });
  };
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stderr);
  child.on('exit', (code, signal) => {
    console.error(`[${name}] stopped (${signal ?? code})`);
    shutdown(code ?? 1);
  });
  children.push(child);
}

let stopping = false;
function shutdown(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 3000).unref();
  Promise.all(children.map((child) => child.exitCode !== null || new Promise((r) => child.on('exit', r)))).then(() => process.exit(code));
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

if (!env.AMILI_URL) {
  // Created here, before either process starts, so the two never race to generate different ones.
  if (!env.SANDBOX_API_KEY && !env.AMILI_API_KEY) secret(join(env.DATA_DIR, 'amili-sandbox', 'api-key'));
  env.AMILI_WEBHOOK_SECRET ||= secret(join(env.DATA_DIR, 'amili-webhook-secret'));
  run('sandbox', 'tools/amili-sandbox/dist/main.js', {
    ...env,
    SANDBOX_WEBHOOK_URL: env.SANDBOX_WEBHOOK_URL || `http://127.0.0.1:${env.PORT}/api/partner/notifications`,
    SANDBOX_WEBHOOK_SECRET: env.AMILI_WEBHOOK_SECRET,
  });
}
run('api', 'apps/api/dist/main.js', env);
