/**
 * The summary section of BENCHMARKS.md: every benchmark's headline figures, its baseline from the same run,
 * the ratio, the goal and whether it is met, collected from the sections already in the file (no benchmark
 * runs for it). The sections of issues 4–6 are read from their tables; the newer ones carry their figures
 * in a `<!-- figures: […] -->` comment written beside their table.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, fmt } from './report';

export interface SummaryFigure {
  figure: string;
  ours: string;
  baseline: string;
  /** ours ÷ baseline in the figure's own unit (a time, a size, a rate), e.g. "0.93×". */
  ratio: string;
  goal: string;
  met: boolean;
}

/** The comment a section carries its figures in. */
export const figuresComment = (figures: SummaryFigure[]) => `<!-- figures: ${JSON.stringify(figures)} -->`;

const sectionOf = (text: string, name: string): string | undefined => {
  const match = new RegExp(`<!-- bench:${name}:start -->([\\s\\S]*?)<!-- bench:${name}:end -->`).exec(text);
  return match?.[1];
};

/** The data rows of the section's first table, as cells. */
const tableRows = (section: string): string[][] =>
  section
    .split('\n')
    .filter((line) => line.startsWith('|') && !line.startsWith('|---'))
    .slice(1)
    .map((line) => line.slice(1, -1).split(' | ').map((cell) => cell.trim()));

const dateOf = (section: string) => /\((\d{4}-\d{2}-\d{2});/.exec(section)?.[1] ?? '?';
const num = (text: string) => Number(text.replace(/[\s,]/g, ''));
/** "3.97 s" or "979 ms" → ms. */
const msOf = (text: string): number => {
  const m = /([\d.]+) (ms|s)\b/.exec(text);
  if (!m) return NaN;
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
};
const ratio = (ours: number, baseline: number) => `${(ours / baseline).toFixed(2)}×`;

function payments(section: string): SummaryFigure[] {
  return tableRows(section).map((cells) => {
    const [store, both, parse, match] = cells;
    const total = msOf(both);
    const mb = Number(/\/ (\d+) MB/.exec(both)?.[1]);
    const saxes = msOf(/bare saxes, ([^)]+)\)/.exec(parse)?.[1] ?? '');
    const lookup = msOf(/alone: ([^)]+)\)/.exec(match)?.[1] ?? '');
    return {
      figure: `Bank file: parse + match 100,000 payments against 1,000,000 invoices, ${store}`,
      ours: both.replace(/ \(.*\)$/, ''),
      baseline: `bare saxes pass + one raw SQL lookup of every OCR: ${fmt.ms(saxes + lookup)}`,
      ratio: ratio(total, saxes + lookup),
      goal: '< 5 s and < 500 MB',
      met: total < 5000 && mb < 500,
    };
  });
}

function web(section: string): SummaryFigure[] {
  const [size, render] = tableRows(section);
  const figures: SummaryFigure[] = [];
  if (size) {
    const kb = Number(/([\d.]+) kB/.exec(size[1])?.[1]);
    figures.push({ figure: 'Web app: JavaScript, gzip', ours: `${kb} kB`, baseline: size[2].replace(/^a minimal React app by the same Vite: /, 'minimal React app: '), ratio: size[3], goal: '< 250 kB', met: kb < 250 });
  }
  if (render) {
    const ms = msOf(render[1]);
    figures.push({ figure: 'Web app: first render of a 10,000-invoice list (median)', ours: render[1].replace(/ \(.*\)$/, ''), baseline: `plain DOM page: ${render[2].replace(/^.*: /, '').replace(/ \(.*\)$/, '')}`, ratio: render[3], goal: '< 1 s', met: ms < 1000 });
  }
  return figures;
}

function rebuild(section: string): SummaryFigure[] {
  return tableRows(section).map((cells) => {
    const [store, all, raw] = cells;
    const rate = num(/\*\*([\d\s]+) events\/s\*\*/.exec(all)?.[1] ?? 'NaN');
    const goal = num(/\(goal ([\d\s]+)\)/.exec(all)?.[1] ?? 'NaN');
    const rawRate = num(/([\d\s]+) events\/s/.exec(raw.replace(/^[^:]*: /, ''))?.[1] ?? 'NaN');
    return {
      figure: `Projection rebuild of every read model, ${store}`,
      ours: `${fmt.int(rate)} events/s`,
      baseline: `raw paged read: ${fmt.int(rawRate)} events/s`,
      ratio: ratio(rate, rawRate),
      goal: `≥ ${goal.toLocaleString('en-US')} events/s`,
      met: rate >= goal,
    };
  });
}

const fromComment = (section: string): SummaryFigure[] => {
  const match = /<!-- figures: (.*) -->/.exec(section);
  return match ? (JSON.parse(match[1]) as SummaryFigure[]) : [];
};

/** Which sections, in which order, and how to read each; `missing` says how to produce an absent one. */
const SOURCES: Array<{ name: string; issue: number; read: (section: string) => SummaryFigure[]; missing: string }> = [
  { name: 'payments', issue: 4, read: payments, missing: 'bank file import' },
  { name: 'web', issue: 5, read: web, missing: 'web app size and first render' },
  { name: 'rebuild', issue: 6, read: rebuild, missing: 'projection rebuild' },
  { name: 'append', issue: 8, read: fromComment, missing: 'append: ours vs raw SQL and Emmett' },
  { name: 'http', issue: 8, read: fromComment, missing: 'commands over HTTP' },
  { name: 'live', issue: 8, read: fromComment, missing: 'live latency, append to SSE' },
];

export function summaryMarkdown(file = join(ROOT, 'BENCHMARKS.md')): string {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const rows: string[] = [];
  for (const source of SOURCES) {
    const section = sectionOf(text, source.name);
    const figures = section ? source.read(section) : [];
    if (!section || figures.length === 0) {
      rows.push(`| ${source.missing} | not measured yet: \`pnpm bench ${source.name}\` | | | | | issue ${source.issue} |`);
      continue;
    }
    const date = dateOf(section);
    for (const f of figures) rows.push(`| ${f.figure} | ${f.ours} | ${f.baseline} | ${f.ratio} | ${f.goal} | ${f.met ? 'yes' : '**no**'} | issue ${source.issue}, ${date} |`);
  }
  return `## Summary

Collected by \`pnpm bench summary\` from the sections below (each from its own run, on the date given; \`pnpm bench\` rewrites it last).
The ratio is ours ÷ the baseline measured in the same run, in the figure's own unit: below 1× is faster for a time or a size, slower for a rate.

| figure | ours | baseline (same run) | ratio | goal | met? | from (run of) |
|---|---|---|---|---|---|---|
${rows.join('\n')}`;
}
