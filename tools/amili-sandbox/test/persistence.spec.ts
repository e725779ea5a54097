import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSandbox, defaultSandboxDataDir, sandboxApiKeyFile } from '../src';
import { loadState } from '../src/state/store';
import { advance, createCreditor, creditorBody, DAY_MS, getCase, orgNumber, registerCase, startSandbox, tempDir, type Harness } from './helpers';

describe('state on disk', () => {
  let h: Harness | undefined;
  const dirs: string[] = [];
  const newDir = async (): Promise<string> => {
    const dir = await tempDir();
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    await h?.dispose();
    h = undefined;
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('survives a restart: the same creditors, cases, clock, faults and idempotency records', async () => {
    h = await startSandbox();
    const creditor = await createCreditor(h);
    const id = await registerCase(h, creditor);
    await advance(h, 12);
    await h.call('POST', `/_sandbox/cases/${id}/pay`, { amount: 10 });
    await h.call('POST', '/_sandbox/faults', { latencyMs: 1 });
    const key = { 'idempotency-key': 'keep-me' };
    const first = await h.call('POST', '/creditors', creditorBody({ organization_number: orgNumber('556036079') }), key);
    const before = await getCase(h, id);
    const clockBefore = h.sandbox.clock.now().getTime();
    await h.stop();

    const again = await startSandbox({ dataDir: h.dataDir });
    const dataDir = h.dataDir;
    h = again;
    expect(h.dataDir).toBe(dataDir);
    const after = await getCase(h, id);
    expect(after).toEqual(before);
    expect(after.state).toBe('debt_collection');
    expect(h.sandbox.clock.now().getTime() - Date.now()).toBeGreaterThan(12 * DAY_MS - 60_000);
    expect(h.sandbox.clock.now().getTime()).toBeGreaterThanOrEqual(clockBefore);
    expect((await h.call('GET', '/_sandbox/faults')).body.latencyMs).toBe(1);
    const replay = await h.call('POST', '/creditors', creditorBody({ organization_number: orgNumber('556036079') }), key);
    expect(replay.text).toBe(first.text);
    expect((await h.call('GET', `/creditors/${creditor}`)).status).toBe(200);
  });

  it('keeps every one of many concurrent updates', async () => {
    h = await startSandbox();
    const stems = Array.from({ length: 25 }, (_, i) => String(556_000_100 + i * 7));
    const answers = await Promise.all(stems.map((stem) => h!.call('POST', '/creditors', creditorBody({ organization_number: orgNumber(stem) }))));
    expect(answers.every((a) => a.status === 201)).toBe(true);
    const { state } = await loadState(h.dataDir);
    expect(Object.keys(state.creditors)).toHaveLength(25);
    // The same organisation number from many requests at once is still one creditor.
    const same = await Promise.all(Array.from({ length: 10 }, () => h!.call('POST', '/creditors', creditorBody())));
    expect(same.filter((a) => a.status === 201)).toHaveLength(1);
    expect(new Set(same.map((a) => a.body._id)).size).toBe(1);
    // The snapshot and its journal, and no temporary file left behind.
    expect((await readdir(h.dataDir)).sort()).toEqual(['api-key', 'state.journal', 'state.json']);
  });

  it('writes the state for a read only when a lifecycle step was due, never for a plain read', async () => {
    h = await startSandbox();
    const dataDir = h.dataDir;
    // Every save appends a line to the journal: its size tells whether a request wrote.
    const written = async (): Promise<number> => (await stat(join(dataDir, 'state.journal'))).size;
    const creditor = await createCreditor(h);
    const id = await registerCase(h, creditor);
    const registered = await written();
    // The first step is due at once: the next read applies it, and that must be on disk.
    expect((await getCase(h, id)).state).toBe('reminder');
    const stepped = await written();
    expect(stepped).toBeGreaterThan(registered);
    expect((await loadState(dataDir)).state.cases[id]!.state).toBe('reminder');
    // Nothing due any more: reads leave the journal alone.
    await getCase(h, id);
    await h.call('GET', '/cases');
    await h.call('GET', '/creditors');
    expect(await written()).toBe(stepped);
    // Twelve days on, the next step is due; the advance applies it and writes.
    await advance(h, 12);
    expect(await written()).toBeGreaterThan(stepped);
    expect((await loadState(dataDir)).state.cases[id]!.state).toBe('debt_collection');
  });

  it('generates the API key once into <dataDir>/api-key (0600) and reuses it', async () => {
    const dataDir = await newDir();
    const first = await createSandbox({ dataDir });
    await first.close();
    const file = sandboxApiKeyFile(dataDir);
    expect(file).toBe(join(dataDir, 'api-key'));
    expect((await readFile(file, 'utf8')).trim()).toBe(first.apiKey);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const second = await createSandbox({ dataDir });
    await second.close();
    expect(second.apiKey).toBe(first.apiKey);
    expect(first.apiKey.length).toBeGreaterThanOrEqual(32);
  });

  it('refuses to start on a state file it cannot read rather than starting empty', async () => {
    const dataDir = await newDir();
    await writeFile(join(dataDir, 'state.json'), '{ broken');
    await expect(createSandbox({ dataDir, apiKey: 'k' })).rejects.toThrow(/not valid JSON/);
  });

  it('finds its data directory from the environment', () => {
    expect(defaultSandboxDataDir({}, '/srv/app')).toBe('/srv/app/.data/amili-sandbox');
    expect(defaultSandboxDataDir({ DATA_DIR: 'var' }, '/srv/app')).toBe('/srv/app/var/amili-sandbox');
    expect(defaultSandboxDataDir({ DATA_DIR: 'var', SANDBOX_DATA_DIR: '/tmp/sb' }, '/srv/app')).toBe('/tmp/sb');
  });
});
