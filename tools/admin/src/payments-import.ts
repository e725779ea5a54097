/**
 * `pnpm admin payments import FILE`: uploads a bank file to the running API, with a progress bar on
 * stderr — first the bytes sent, then the payments matched and booked, read from the import's own
 * record while it runs — and prints the import report (JSON) on stdout.
 */
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { randomUUID } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';

export interface ImportOutcome {
  ok: boolean;
  status: number;
  body: Record<string, unknown>;
}

export interface ImportOptions {
  file: string;
  apiUrl: string;
  token: string;
  /** Draw progress bars on stderr (a terminal); otherwise stay quiet. */
  progress: boolean;
  pollMs?: number;
}

export async function importBankFile(options: ImportOptions): Promise<ImportOutcome> {
  const size = statSync(options.file).size;
  const importId = randomUUID();
  const boundary = `----pm-admin-${importId}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${basename(options.file).replace(/["\r\n]/g, '')}"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const bars = options.progress ? new MultiBar({ stream: process.stderr, hideCursor: true, clearOnComplete: false, format: '{task} {bar} {percentage}% | {value}/{total} {unit}' }, Presets.shades_classic) : undefined;
  const upload = bars?.create(size, 0, { task: 'Uploading         ', unit: 'bytes' });
  let matching: SingleBar | undefined;
  let uploaded = false;
  let sent = 0;
  async function* body() {
    yield head;
    for await (const chunk of createReadStream(options.file, { highWaterMark: 256 * 1024 })) {
      sent += (chunk as Buffer).length;
      upload?.update(sent);
      yield chunk as Buffer;
    }
    yield tail;
    uploaded = true;
  }

  // While the API works through the file, its import record says how far it got.
  let polling = true;
  const poll = (async () => {
    while (polling && bars) {
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 300));
      if (!uploaded || !polling) continue;
      const record = await fetch(new URL(`/api/payments/imports/${importId}`, options.apiUrl), { headers: { authorization: `Bearer ${options.token}` } })
        .then((r) => (r.ok ? (r.json() as Promise<{ payments: number; processed: number }>) : undefined))
        .catch(() => undefined);
      if (!record) continue;
      matching ??= bars.create(record.payments, 0, { task: 'Matching & booking', unit: 'payments' });
      matching.update(record.processed);
    }
  })();

  try {
    const response = await fetch(new URL(`/api/payments/imports?importId=${importId}`, options.apiUrl), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${options.token}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(head.length + size + tail.length),
      },
      body: Readable.toWeb(Readable.from(body())) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    const parsed = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (response.ok && typeof parsed.payments === 'number') {
      matching ??= bars?.create(parsed.payments, 0, { task: 'Matching & booking', unit: 'payments' });
      matching?.update(parsed.payments);
    }
    return { ok: response.ok, status: response.status, body: parsed };
  } finally {
    polling = false;
    await poll;
    bars?.stop();
  }
}
