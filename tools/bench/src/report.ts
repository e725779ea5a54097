/**
 * Measuring helpers and the BENCHMARKS.md writer: every benchmark owns one section of the file, marked
 * by comments, and rewrites only that section, with the machine it ran on and the command that ran it.
 */
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..', '..');

/** Runs `work` and reports its wall time and the process's peak RSS and heap while it ran (sampled). */
export async function measure<T>(work: () => Promise<T>): Promise<{ result: T; ms: number; peakRssMb: number; rssGrowthMb: number; peakHeapMb: number }> {
  global.gc?.();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakHeap = Math.max(peakHeap, now.heapUsed);
  }, 10);
  const started = process.hrtime.bigint();
  try {
    const result = await work();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const after = process.memoryUsage();
    peakRss = Math.max(peakRss, after.rss);
    peakHeap = Math.max(peakHeap, after.heapUsed);
    const mb = (bytes: number) => Math.round(bytes / 1048576);
    return { result, ms, peakRssMb: mb(peakRss), rssGrowthMb: mb(peakRss - before.rss), peakHeapMb: mb(peakHeap) };
  } finally {
    clearInterval(sampler);
  }
}

export function machine(): string {
  const cpu = cpus();
  const pg = (() => {
    try {
      return execSync('psql --version', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return 'psql not found';
    }
  })();
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 1073741824)} GiB RAM, Node ${process.version}, ${pg}`;
}

export const fmt = {
  ms: (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`),
  ratio: (ours: number, baseline: number) => `${(ours / baseline).toFixed(2)}×`,
  int: (n: number) => Math.round(n).toLocaleString('en-US').replace(/,/g, ' '),
};

/** Replaces (or appends) the section `name` of BENCHMARKS.md. */
export function writeSection(name: string, markdown: string): void {
  const file = join(ROOT, 'BENCHMARKS.md');
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n\nWritten by `pnpm bench`; each section by its own benchmark, with the machine and the command that produced it.\n';
  const next = current.includes(start) ? current.replace(new RegExp(`${start}[\\s\\S]*?${end}`), block) : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}
