/**
 * `pnpm admin projections status|rebuild`: where each read model stands, and rebuilding read models from
 * the event log while the API keeps serving. On the PostgreSQL server (or an embedded store no process
 * holds) the rebuild runs here; when the running API holds the embedded store, it runs there and this
 * command follows it. Ctrl-C interrupts it; running the command again resumes.
 */
import { ProjectionRebuild, RebuildRunningError, UnknownProjectionError, projectionStatus, projectionsFor, type RebuildProgress } from '@pm/api';
import { SingleBar } from 'cli-progress';
import { type Command, CommanderError } from 'commander';
import { type StoreAccess, callApi, openStoreAccess } from './store-access';

export const PROJECTION_EXIT = { ok: 0, failed: 1, usage: 2, busy: 3, interrupted: 130 } as const;

interface StatusRow {
  projection: string;
  checkpoint: string | null;
  checkpointUpdatedAt: string | null;
  lagEvents: number;
  lagSeconds: number;
  rebuildable: boolean;
}

interface RebuildRow {
  projection: string;
  status: string;
  events: number;
  finishedAt: string | null;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

async function statusOf(access: StoreAccess): Promise<{ projections: StatusRow[]; rebuilds: RebuildRow[] }> {
  if (access.kind === 'api') {
    const response = await callApi(access, 'GET', '/api/admin/projections');
    if (!response.ok) throw new CommanderError(PROJECTION_EXIT.failed, 'admin.refused', `error: the API answered ${response.status}`);
    return (await response.json()) as { projections: StatusRow[]; rebuilds: RebuildRow[] };
  }
  const projections = projectionsFor(access.config);
  return {
    projections: await projectionStatus(access.storage, projections),
    rebuilds: await new ProjectionRebuild(access.storage.sql, access.storage.store, projections).status(),
  };
}

const format = (p: RebuildProgress) => `${p.phase}: ${p.events.toLocaleString('en-US')} events at ${p.eventsPerSecond.toLocaleString('en-US')} events/s${p.resumed ? ' (resumed)' : ''}`;

export function registerProjectionCommands(program: Command, env: NodeJS.ProcessEnv, out: (line: string) => void): void {
  const projections = program.command('projections').description('The read models: where they stand, and rebuilding them from the event log');
  const apiUrlOption = ['--api-url <url>', 'the running API, used when it holds the embedded store', `http://127.0.0.1:${env.PORT ?? 3000}`] as const;

  projections
    .command('status')
    .description("Each projection's checkpoint and lag (events not taken in yet, and the age of the oldest), and any rebuild")
    .option('--json', 'print JSON instead of a table')
    .option(...apiUrlOption)
    .action(async (options: { json?: boolean; apiUrl: string }) => {
      const access = await openStoreAccess(env, options.apiUrl);
      try {
        const status = await statusOf(access);
        if (options.json) return out(JSON.stringify(status, null, 2));
        const rebuildOf = new Map(status.rebuilds.map((r) => [r.projection, r]));
        out(
          table([
            ['projection', 'checkpoint', 'lag events', 'lag s', 'updated', 'rebuild'],
            ...status.projections.map((p) => {
              const rebuild = rebuildOf.get(p.projection);
              return [
                p.projection,
                p.checkpoint ?? '–',
                String(p.lagEvents),
                String(p.lagSeconds),
                p.checkpointUpdatedAt ?? '–',
                !p.rebuildable ? 'not rebuildable' : rebuild ? `${rebuild.status} (${rebuild.events} events)` : '–',
              ];
            }),
          ]),
        );
      } finally {
        if (access.kind === 'direct') await access.close();
      }
    });

  projections
    .command('rebuild')
    .description('Rebuild read models from the whole event log into fresh tables, then switch over atomically while the API keeps serving')
    .argument('[projection...]', 'the projections to rebuild (see `projections status`)')
    .option('--all', 'every read model')
    .option('--restart', 'start over instead of resuming an interrupted rebuild')
    .option('--batch-size <events>', 'events per page', '5000')
    .option('--no-progress', 'no progress bar')
    .option(...apiUrlOption)
    .action(async (names: string[], options: { all?: boolean; restart?: boolean; batchSize: string; progress: boolean; apiUrl: string }) => {
      if (Boolean(options.all) === names.length > 0) throw new CommanderError(PROJECTION_EXIT.usage, 'admin.usage', 'error: name the projections to rebuild, or give --all');
      const batchSize = Number(options.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) throw new CommanderError(PROJECTION_EXIT.usage, 'admin.usage', 'error: --batch-size is a whole number from 1 to 100000');
      const access = await openStoreAccess(env, options.apiUrl);
      const bar = options.progress && process.stderr.isTTY ? new SingleBar({ stream: process.stderr, format: 'Rebuilding {projections} {bar} {value}/{total} events | {rate} events/s | {phase}', hideCursor: true }) : undefined;
      // On a terminal a progress bar; in a log (not a TTY) a line every few seconds and at each phase.
      let lastLine = { at: 0, phase: '' };
      const show = (p: RebuildProgress) => {
        if (!options.progress) return;
        if (!bar) {
          if (p.phase !== lastLine.phase || Date.now() - lastLine.at > 5_000) {
            process.stderr.write(format(p) + '\n');
            lastLine = { at: Date.now(), phase: p.phase };
          }
          return;
        }
        if (!bar.isActive) bar.start(Math.max(p.logEvents, p.totalEvents, 1), 0, { projections: p.projections.join(', '), rate: 0, phase: p.phase });
        bar.setTotal(Math.max(p.logEvents, p.totalEvents, 1));
        bar.update(p.totalEvents, { rate: p.eventsPerSecond, phase: p.phase });
      };
      let interrupts = 0;
      const abort = new AbortController();
      const onSigint = () => {
        interrupts++;
        abort.abort();
        process.stderr.write('\nInterrupting after the current page …\n');
      };
      process.on('SIGINT', onSigint);
      try {
        const result = access.kind === 'direct' ? await rebuildHere(access, options.all ? 'all' : names, options.restart === true, batchSize, abort.signal, show) : await rebuildInApi(access, options.all ? [] : names, options.restart === true, batchSize, abort.signal, show);
        bar?.stop();
        if (result.phase === 'interrupted')
          throw new CommanderError(PROJECTION_EXIT.interrupted, 'admin.interrupted', `Interrupted after ${result.totalEvents} events${interrupts ? '' : ' (stopped)'}; run the same command again to resume.`);
        out(`Rebuilt ${result.projections.join(', ')}: ${result.totalEvents} events${result.resumed ? ' (resumed)' : ''}, ${result.eventsPerSecond} events/s.`);
      } catch (error) {
        bar?.stop();
        if (error instanceof RebuildRunningError) throw new CommanderError(PROJECTION_EXIT.busy, 'admin.busy', `error: ${error.message}`);
        if (error instanceof UnknownProjectionError) throw new CommanderError(PROJECTION_EXIT.usage, 'admin.usage', `error: ${error.message}`);
        throw error;
      } finally {
        process.off('SIGINT', onSigint);
        if (access.kind === 'direct') await access.close();
      }
    });
}

async function rebuildHere(access: Extract<StoreAccess, { kind: 'direct' }>, names: string[] | 'all', restart: boolean, batchSize: number, signal: AbortSignal, show: (p: RebuildProgress) => void): Promise<RebuildProgress> {
  const engine = new ProjectionRebuild(access.storage.sql, access.storage.store, projectionsFor(access.config));
  return engine.run(names, { restart, batchSize, signal, onProgress: show });
}

/** Starts the rebuild in the API that holds the embedded store, and follows it until it ends. */
async function rebuildInApi(access: Extract<StoreAccess, { kind: 'api' }>, names: string[], restart: boolean, batchSize: number, signal: AbortSignal, show: (p: RebuildProgress) => void): Promise<RebuildProgress> {
  const started = await callApi(access, 'POST', '/api/admin/projections/rebuild', { ...(names.length ? { projections: names } : {}), restart, batchSize });
  const body = (await started.json().catch(() => ({}))) as { code?: string; message?: string };
  if (started.status === 409) throw new CommanderError(PROJECTION_EXIT.busy, 'admin.busy', `error: ${body.message ?? 'a rebuild is running already'}`);
  if (started.status === 404) throw new CommanderError(PROJECTION_EXIT.usage, 'admin.usage', `error: ${body.message ?? 'unknown projection'}`);
  if (started.status !== 202) throw new CommanderError(PROJECTION_EXIT.failed, 'admin.refused', `error: the API answered ${started.status}: ${body.message ?? ''}`);
  let interrupted = false;
  for (;;) {
    if (signal.aborted && !interrupted) {
      interrupted = true;
      await callApi(access, 'DELETE', '/api/admin/projections/rebuild');
    }
    const response = await callApi(access, 'GET', '/api/admin/projections');
    const { current } = (await response.json()) as { current: (RebuildProgress & { error: string | null }) | null };
    if (current) {
      show(current);
      if (current.error) throw new CommanderError(PROJECTION_EXIT.failed, 'admin.failed', `error: the rebuild failed: ${current.error}`);
      if (current.phase === 'done' || current.phase === 'interrupted') return current;
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

