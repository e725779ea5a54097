/**
 * `pnpm admin audit export` and `pnpm admin audit verify`: the audit export of the event log and its tamper
 * evidence. Both read the store itself when they can (the PostgreSQL server, or the embedded store when no
 * process holds it) and otherwise go through the running API's admin endpoints (see store-access.ts).
 *
 * Exit codes: 0 done (verify: every chain verifies), 1 failed (verify: a problem was found), 2 wrong usage.
 */
import {
  AUDIT_FORMATS,
  AuditFilterError,
  type AuditFilterInput,
  type AuditFormat,
  type ChainVerification,
  type StreamAnchor,
  type StreamHead,
  companyIdFromParam,
  exportAuditEvents,
  formatAuditRows,
  parseAuditFilter,
  verifyChains,
} from '@pm/api';
import { Presets, SingleBar } from 'cli-progress';
import { type Command, CommanderError, Option } from 'commander';
import { once } from 'node:events';
import { createWriteStream, existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { type StoreAccess, callApi, openStoreAccess } from './store-access';

const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

const usage = (message: string) => new CommanderError(EXIT.usage, 'admin.usage', `error: ${message}`);
const failed = (message: string, code = 'admin.failed') => new CommanderError(EXIT.failed, code, `error: ${message}`);

interface ExportOptions {
  case?: string;
  company?: string;
  from?: string;
  to?: string;
  format: AuditFormat;
  out?: string;
  apiUrl: string;
  progress: boolean;
}

interface VerifyOptions {
  company?: string;
  stream?: string;
  json: boolean;
  heads?: string;
  anchors?: string;
  apiUrl: string;
}

/** The company as the operator names it (organisation number, or id): its id, or a usage error. */
function companyOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const companyId = companyIdFromParam(value);
  if (!companyId) throw usage(`--company must be an organisation number (NNNNNN-NNNN) or a company id, got ${JSON.stringify(value)}`);
  return companyId;
}

async function open(env: NodeJS.ProcessEnv, apiUrl: string): Promise<StoreAccess> {
  try {
    return await openStoreAccess(env, apiUrl);
  } catch (error) {
    throw failed(`cannot open the store: ${(error as Error).message}`);
  }
}

async function request(access: Extract<StoreAccess, { kind: 'api' }>, path: string): Promise<Response> {
  const response = await callApi(access, 'GET', path).catch((error: Error) => {
    throw failed(`the store is held by a running process, and the API at ${access.apiUrl} cannot be reached: ${error.message}`, 'admin.unreachable');
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { code?: string; message?: string };
    const message = `${body.code ?? response.status}: ${body.message ?? response.statusText}`;
    throw response.status === 400 ? usage(message) : failed(message, 'admin.refused');
  }
  return response;
}

/** Writes chunks with backpressure; to a file it writes `<file>.partial` and renames it only once complete. */
async function writeAll(chunks: AsyncIterable<string | Uint8Array>, file: string | undefined): Promise<void> {
  const partial = file ? `${file}.partial` : undefined;
  const sink: Writable = partial ? createWriteStream(partial) : process.stdout;
  try {
    for await (const chunk of chunks) {
      if (!sink.write(chunk)) await once(sink, 'drain'); // rejects when the sink fails
    }
    if (partial) {
      sink.end();
      await finished(sink);
      renameSync(partial, file!);
    }
  } catch (error) {
    if (partial) {
      sink.destroy();
      rmSync(partial, { force: true });
    }
    throw error;
  }
}

async function exportCommand(env: NodeJS.ProcessEnv, out: (line: string) => void, options: ExportOptions): Promise<void> {
  const filter: AuditFilterInput = { caseId: options.case, companyId: companyOption(options.company), from: options.from, to: options.to };
  try {
    parseAuditFilter(filter);
  } catch (error) {
    if (error instanceof AuditFilterError) throw usage(error.errors.map((e) => `--${e.field}: ${e.message}`).join('; '));
    throw error;
  }
  const showProgress = options.progress && process.stderr.isTTY === true;
  const access = await open(env, options.apiUrl);
  if (access.kind === 'direct') {
    const bar = showProgress
      ? new SingleBar({ stream: process.stderr, hideCursor: true, format: 'Exporting {bar} {percentage}% | {value}/{total} events read, {exported} exported' }, Presets.shades_classic)
      : undefined;
    let exported = 0;
    try {
      const rows = exportAuditEvents(access.storage, filter, {
        onProgress: (progress) => {
          exported = progress.exported;
          if (bar && !bar.isActive) bar.start(progress.total, 0, { exported: 0 });
          bar?.setTotal(progress.total);
          bar?.update(progress.scanned, { exported: progress.exported });
        },
      });
      await writeAll(formatAuditRows(rows, options.format), options.out);
    } catch (error) {
      if (error instanceof CommanderError) throw error;
      throw failed(`the export failed${options.out ? ` (nothing was written to ${options.out})` : ''}: ${(error as Error).message}`);
    } finally {
      bar?.stop();
      await access.close();
    }
    if (options.out) out(`Exported ${exported} event(s) to ${options.out}`);
    return;
  }

  const query = new URLSearchParams({ format: options.format });
  if (options.case) query.set('case', options.case);
  if (filter.companyId) query.set('company', filter.companyId);
  if (options.from) query.set('from', options.from);
  if (options.to) query.set('to', options.to);
  const response = await request(access, `/api/admin/audit/events?${query}`);
  const bar = showProgress ? new SingleBar({ stream: process.stderr, hideCursor: true, format: 'Exporting through the API | {value} KiB received' }) : undefined;
  bar?.start(0, 0);
  let bytes = 0;
  async function* body(): AsyncGenerator<Uint8Array> {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      bar?.update(Math.floor(bytes / 1024));
      yield chunk;
    }
  }
  try {
    await writeAll(body(), options.out);
  } catch (error) {
    throw failed(`the export through the API was cut off${options.out ? ` (nothing was written to ${options.out})` : ''}: ${(error as Error).message}`);
  } finally {
    bar?.stop();
  }
  if (options.out) out(`Exported to ${options.out} through the API at ${access.apiUrl}`);
}

function readAnchors(file: string): Map<string, StreamAnchor> {
  if (!existsSync(file)) throw usage(`no such file: ${file}`);
  const anchors = new Map<string, StreamAnchor>();
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      let head: Partial<StreamHead>;
      try {
        head = JSON.parse(line) as Partial<StreamHead>;
      } catch {
        throw usage(`${file} line ${i + 1} is not JSON (expected the heads written by --heads)`);
      }
      if (typeof head.streamId !== 'string' || typeof head.version !== 'number')
        throw usage(`${file} line ${i + 1} is not a stream head (expected the heads written by --heads)`);
      anchors.set(head.streamId, { streamId: head.streamId, companyId: head.companyId ?? null, version: head.version, hash: head.hash ?? null });
    });
  return anchors;
}

function printReport(report: ChainVerification, out: (line: string) => void, how: string): void {
  const problems = report.problems.length;
  out(`Verified ${report.streams} stream(s), ${report.events} event(s) ${how}: ${problems === 0 ? 'every chain verifies' : `${problems} problem(s)`}`);
  for (const p of report.problems) out(`  ${p.streamId} version ${p.streamVersion} ${p.kind}: ${p.message}`);
  const { witness, witnessedToHead, notWitnessedToHead, anchored } = report.heads;
  out(
    witness
      ? `Heads: ${witnessedToHead} stream(s) compared with the audit trail read model up to their last event; ${notWitnessedToHead} not (deleting their last events cannot be shown).`
      : 'Heads: no audit trail read model to compare with: deleting the last events of a stream cannot be shown.',
  );
  if (anchored > 0) out(`Kept heads: ${anchored} stream(s) compared.`);
  out(`Limits: ${report.limits}`);
}

export function registerAuditCommands(program: Command, env: NodeJS.ProcessEnv, out: (line: string) => void): void {
  const defaultApiUrl = `http://127.0.0.1:${env.PORT ?? 3000}`;
  const audit = program.command('audit').description('The audit export of the event log and its tamper evidence');

  audit
    .command('export')
    .description(
      'Export every event of the event log in global order, with actor, reason, correlation and causation ids, company, case, data and hashes ' +
        '(from the store itself, or through the running API when it holds the embedded store)',
    )
    .option('--case <caseId>', "only the events of this case (in the invoice's stream)")
    .option('--company <organisationNumber>', "only this company's events")
    .option('--from <date>', 'on occurredAt, inclusive: a date (YYYY-MM-DD, from its start in Stockholm) or an instant with a zone')
    .option('--to <date>', 'on occurredAt, inclusive: a date (the whole day, Stockholm) or an instant with a zone')
    .addOption(new Option('--format <format>', 'csv (RFC 4180 with a header row), json (one array) or ndjson (one object per line)').choices(AUDIT_FORMATS).default('csv'))
    .option('--out <file>', 'write to this file (written whole or not at all) instead of stdout')
    .option('--api-url <url>', 'the API to go through when it holds the embedded store', defaultApiUrl)
    .option('--no-progress', 'no progress bar')
    .action((options: ExportOptions) => exportCommand(env, out, options));

  audit
    .command('verify')
    .description(
      "Recompute every stream's hash chain from the event log and print every problem (stream, version, kind, message). " +
        'Exit code 0 when every chain verifies, 1 when a problem is found, 2 for wrong usage. ' +
        'The chain cannot show that the last events of a stream were deleted: see --heads and --anchors',
    )
    .option('--company <organisationNumber>', "only this company's streams")
    .option('--stream <streamId>', 'only this stream')
    .option('--json', 'print the report as JSON', false)
    .option('--heads <file>', "write every stream's head (version and hash, one JSON object a line): keep it outside the database")
    .option('--anchors <file>', 'compare with heads kept by an earlier --heads: shows deleted last events and deleted streams (needs the store itself)')
    .option('--api-url <url>', 'the API to go through when it holds the embedded store', defaultApiUrl)
    .action(async (options: VerifyOptions) => {
      const companyId = companyOption(options.company);
      const anchors = options.anchors ? readAnchors(options.anchors) : undefined;
      const access = await open(env, options.apiUrl);
      let report: ChainVerification;
      const heads: StreamHead[] = [];
      let how: string;
      if (access.kind === 'direct') {
        how = 'in the store';
        try {
          report = await verifyChains(access.storage, { companyId, streamId: options.stream }, { anchors, onStream: options.heads ? (head) => heads.push(head) : undefined });
        } catch (error) {
          throw failed(`the verification failed: ${(error as Error).message}`);
        } finally {
          await access.close();
        }
      } else {
        if (anchors)
          throw usage('--anchors needs the store itself, which the running API holds: stop the API (or use DATABASE_URL), or verify without --anchors');
        how = `through the API at ${access.apiUrl}`;
        const query = new URLSearchParams();
        if (companyId) query.set('company', companyId);
        if (options.stream) query.set('stream', options.stream);
        if (options.heads) query.set('heads', 'true');
        const body = (await (await request(access, `/api/admin/audit/verify?${query}`)).json()) as ChainVerification & { streamHeads?: StreamHead[] };
        heads.push(...(body.streamHeads ?? []));
        delete body.streamHeads;
        report = body;
      }
      if (options.heads) await writeAll((async function* () { for (const head of heads) yield `${JSON.stringify(head)}\n`; })(), options.heads);
      if (options.json) out(JSON.stringify(report, null, 2));
      else printReport(report, out, how);
      if (!report.verified) throw failed(`the event log does not verify: ${report.problems.length} problem(s)`, 'admin.unverified');
    });
}
