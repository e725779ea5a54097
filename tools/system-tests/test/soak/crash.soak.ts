/**
 * `pnpm soak`: the crash scenario of test/postgres/crash.postgres.spec.ts for SOAK_MINUTES (default 10) on the
 * PostgreSQL server (DATABASE_URL): rounds of a minute of load with SOAK_KILLS_PER_ROUND kill -9s of the API (default 3)
 * and SOAK_PARTNER_KILLS_PER_ROUND of the partner sandbox (default 1)
 * against one long-lived system, each round checked as in CI (nothing acknowledged lost, read models equal
 * to the fold of the log, every partner call taking effect once), then a summary. Not part of CI.
 */
import { type CheckResult, type LoadResult, describeRun, runCrashLoad, verifyAfterCrashes } from '../support/crash-scenario';
import { type System, activatedCompany, startSystem, type FreshSchema, freshSchema } from '../support/processes';

const url = process.env.DATABASE_URL;
const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const ROUND_MS = Number(process.env.SOAK_ROUND_MS ?? 60_000);
const KILLS_PER_ROUND = Number(process.env.SOAK_KILLS_PER_ROUND ?? 3);
const PARTNER_KILLS_PER_ROUND = Number(process.env.SOAK_PARTNER_KILLS_PER_ROUND ?? 1);
const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 4);

describe(`Soak: kill -9 under load for ${MINUTES} minutes`, () => {
  let system: System | undefined;
  let databaseUrl: string;
  let schema: FreshSchema | undefined;

  afterAll(async () => {
    await system?.stop();
    await schema?.drop();
  });

  it('keeps every promise round after round', async () => {
    if (!url) throw new Error('pnpm soak needs DATABASE_URL, e.g. DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test pnpm soak');
    if (!(MINUTES > 0)) throw new Error(`SOAK_MINUTES must be a positive number of minutes, got "${process.env.SOAK_MINUTES}"`);
    schema = await freshSchema(url, 'soak');
    databaseUrl = schema.databaseUrl;
    // The sandbox at its own speed: checking a save costs a JSON.stringify of the whole state (CI's crash suite checks).
    system = await startSystem({ databaseUrl, sandboxEnv: { SANDBOX_VERIFY_SAVES: '0' } });
    const token = await activatedCompany(system, '556036-0793');
    await system.partner('POST', '/_sandbox/faults', { loseResponseRate: 0.05 });

    const started = Date.now();
    const rounds: { load: LoadResult; check: CheckResult }[] = [];
    while (Date.now() - started < MINUTES * 60_000) {
      const round = rounds.length + 1;
      const durationMs = Math.min(ROUND_MS, Math.max(10_000, MINUTES * 60_000 - (Date.now() - started)));
      const prefix = `S${round}`;
      const load = await runCrashLoad(system, token, { durationMs, kills: KILLS_PER_ROUND, partnerKills: PARTNER_KILLS_PER_ROUND, clients: CLIENTS, prefix, log: (line) => process.stdout.write(`  round ${round}: ${line}\n`) });
      await system.partner('POST', '/_sandbox/faults', {});
      const check = await verifyAfterCrashes(system, databaseUrl, load, prefix);
      await system.partner('POST', '/_sandbox/faults', { loseResponseRate: 0.05 });
      rounds.push({ load, check });
      process.stdout.write(`round ${round} passed after ${((Date.now() - started) / 60_000).toFixed(1)} min\n${describeRun(load, check, durationMs).replace(/^/gm, '  ')}\n`);
    }

    const sum = (f: (r: { load: LoadResult; check: CheckResult }) => number) => rounds.reduce((n, r) => n + f(r), 0);
    const restarts = rounds.flatMap((r) => r.load.restartMs);
    process.stdout.write(
      [
        `Soak passed: ${rounds.length} rounds in ${((Date.now() - started) / 60_000).toFixed(1)} min`,
        `  kill -9 of the partner sandbox: ${sum((r) => r.load.partnerKills)}`,
        `  kill -9 of the API: ${sum((r) => r.load.kills)} (back after ${Math.min(...restarts)}–${Math.max(...restarts)} ms, median ${restarts.sort((a, b) => a - b)[Math.floor(restarts.length / 2)]} ms)`,
        `  acknowledged commands: ${sum((r) => r.load.acknowledged.length)}, all in the log; answers lost in a crash: ${sum((r) => r.load.unknown)}; refused: ${sum((r) => r.load.refused)}`,
        `  invoices: ${sum((r) => r.check.streams)}, events: ${sum((r) => r.check.events)}; partner cases: ${sum((r) => r.check.partnerCases)}, one per registered invoice`,
        `  partner calls absorbed as replays of their idempotency key: ${sum((r) => r.check.replayedCalls)}`,
        `  slowest convergence after a round: ${(Math.max(...rounds.map((r) => r.check.convergedAfterMs)) / 1000).toFixed(1)} s`,
        '',
      ].join('\n'),
    );
  });
});
