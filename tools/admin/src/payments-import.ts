/**
 * `pnpm admin payments import FILE --company <organisationNumber>`: uploads a bank file to the running
 * API as the company, with a progress bar on stderr, and prints the import report (JSON) on stdout.
 */
import { SingleBar } from 'cli-progress';
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';

export interface ImportOutcome {
  ok: boolean;
  status: number;
  body: Record<string, unknown>;
}

export async function importBankFile(options: { file: string; apiUrl: string; token: string; progress: boolean }): Promise<ImportOutcome> {
  const size = statSync(options.file).size;
  const boundary = `----pm-admin-${Date.now().toString(16)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${basename(options.file).replace(/"/g, '')}"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const bar = options.progress ? new SingleBar({ format: 'Uploading {bar} {percentage}% | {value}/{total} bytes', stream: process.stderr }) : undefined;
  bar?.start(size, 0);
  let sent = 0;
  async function* body() {
    yield head;
    for await (const chunk of createReadStream(options.file, { highWaterMark: 256 * 1024 })) {
      sent += (chunk as Buffer).length;
      bar?.update(sent);
      yield chunk as Buffer;
    }
    yield tail;
  }
  try {
    const response = await fetch(new URL('/api/payments/imports', options.apiUrl), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${options.token}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(head.length + size + tail.length),
      },
      body: Readable.toWeb(Readable.from(body())) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    bar?.stop();
    if (options.progress) process.stderr.write('Matching and booking done.\n');
    const parsed = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    return { ok: response.ok, status: response.status, body: parsed };
  } finally {
    bar?.stop();
  }
}
