/**
 * Live latency (issue 8): from the append to the read model to an SSE client. The built API process (as in
 * the http benchmark), one SSE client on /api/events?access_token=…, and "send to reminder handling"
 * commands sent at a steady rate (an open-loop, timer-driven sender on keep-alive connections: a request
 * leaves at its planned moment whether or not earlier ones were answered), each on a fresh invoice.
 *
 * Clock points, all on this machine's wall clock (ms):
 * - appended: the event's `recorded_at`, stamped by the event store just before its INSERT (read from the
 *   log after the run);
 * - SSE: the moment this process had parsed the `invoice.changed` message for that invoice whose view
 *   shows the new case (the invoice list's live status); `case.changed` is counted as well;
 * - sent / answered: this process writing the request, and receiving the whole 201.
 * Reported: appended → SSE (the figure), and as the baseline the command's own HTTP round trip, sent →
 * 201, in the same run (it includes the same append and the same wait for the read models); beside it
 * the round trip of GET /health, probed every 20 ms during the load (the HTTP stack's own latency under it).
 */
import { type SqlClient } from '@pm/event-store';
import { Agent, request } from 'node:http';
import { connect } from '../payments/store';
import { fmt } from '../report';
import { type ApiProcess, createInvoices, invoiceNumber, startApi } from '../http/api-process';

export interface LiveBenchOptions {
  store: 'pglite' | 'postgres';
  databaseUrl?: string;
  rate: number;
  seconds: number;
}

export interface LiveBenchResult {
  store: 'pglite' | 'postgres';
  rate: number;
  seconds: number;
  sent: number;
  achievedRate: number;
  answered: number;
  non201: number;
  /** Commands whose invoice.changed never reached the SSE client within the grace period. */
  missing: number;
  caseMessages: number;
  appendToSse: number[];
  sendToAck: number[];
  appendToAck: number[];
  /** GET /health round trips, one every 20 ms during the load: the HTTP stack's own latency under it. */
  healthUnderLoad: number[];
}

interface Command {
  number: string;
  sentAt: number;
  ackAt?: number;
  status?: number;
  caseId?: string;
}

/** A minimal EventSource: one GET, the text/event-stream parsed as it arrives. */
function sse(api: ApiProcess, onMessage: (type: string, data: string, at: number) => void): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const req = request(`${api.url}/api/events?access_token=${encodeURIComponent(api.token)}`, { headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`SSE answered ${res.statusCode}`));
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        const at = Date.now();
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let type = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) type = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
          }
          onMessage(type, data.join('\n'), at);
        }
      });
      resolve(() => req.destroy());
    });
    req.on('error', (error) => (error.message === 'socket hang up' ? undefined : reject(error)));
    req.end();
  });
}

function post(agent: Agent, api: ApiProcess, path: string, method = 'POST'): Promise<{ status: number; body: string; at: number }> {
  return new Promise((resolve, reject) => {
    const req = request(`${api.url}${path}`, { method, agent, headers: { authorization: `Bearer ${api.token}`, 'content-length': '0' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, at: Date.now() }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The moment each invoice's ReminderCaseRequested was stamped by the store, from the log. */
async function appendedAt(sql: SqlClient): Promise<Map<string, number>> {
  const { rows } = await sql.query<{ invoice_number: string; recorded_at: Date | string }>(
    `select metadata->>'invoiceNumber' as invoice_number, recorded_at from es_events where type = 'ReminderCaseRequested'`,
  );
  return new Map(rows.map((r) => [r.invoice_number, new Date(r.recorded_at).getTime()]));
}

export async function benchLive(options: LiveBenchOptions, log: (line: string) => void): Promise<LiveBenchResult> {
  const planned = Math.ceil(options.rate * options.seconds);
  const warmUp = 50;
  const api = await startApi(options.store, options.databaseUrl, log);
  let stopSse: (() => void) | undefined;
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  let stopped = false;
  try {
    await createInvoices(api, planned + warmUp, log);
    const invoiceSeen = new Map<string, number>();
    const caseSeen = new Map<string, number>();
    stopSse = await sse(api, (type, data, at) => {
      if (type !== 'invoice.changed' && type !== 'case.changed') return;
      const view = JSON.parse(data) as { invoiceNumber?: string; caseId?: string | null };
      if (type === 'invoice.changed' && view.invoiceNumber && view.caseId && !invoiceSeen.has(view.invoiceNumber)) invoiceSeen.set(view.invoiceNumber, at);
      if (type === 'case.changed' && view.caseId && !caseSeen.has(view.caseId)) caseSeen.set(view.caseId, at);
    });

    // Warm-up (not measured): the first sends, until their messages arrive, so the SSE subscription is live.
    for (let i = 0; i < warmUp; i++) await post(agent, api, `/api/invoices/${invoiceNumber(planned + i)}/reminder-case`);
    for (let i = 0; !invoiceSeen.has(invoiceNumber(planned + warmUp - 1)); i++) {
      if (i > 200) throw new Error('the SSE client heard nothing of the warm-up commands');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    // The steady load: command k leaves at start + k / rate (checked every millisecond).
    const commands: Command[] = [];
    const pending: Promise<void>[] = [];
    const healthUnderLoad: number[] = [];
    const prober = setInterval(() => {
      const sentAt = Date.now();
      pending.push(post(agent, api, '/health', 'GET').then(({ at }) => void healthUnderLoad.push(at - sentAt), () => undefined));
    }, 20);
    const start = Date.now() + 20;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const due = Math.min(planned, Math.floor(((Date.now() - start) * options.rate) / 1000) + 1);
        while (commands.length < due) {
          const command: Command = { number: invoiceNumber(commands.length), sentAt: Date.now() };
          commands.push(command);
          pending.push(
            post(agent, api, `/api/invoices/${command.number}/reminder-case`).then(
              ({ status, body, at }) => {
                command.ackAt = at;
                command.status = status;
                if (status === 201) command.caseId = (JSON.parse(body) as { caseId: string }).caseId;
              },
              () => void (command.status = -1),
            ),
          );
        }
        if (commands.length >= planned || stopped) return resolve();
        setTimeout(tick, 1);
      };
      setTimeout(tick, Math.max(0, start - Date.now()));
    });
    const sentSeconds = (Date.now() - start) / 1000;
    clearInterval(prober);
    await Promise.all(pending);
    // Grace for the last messages.
    for (let i = 0; i < 100 && commands.some((c) => c.status === 201 && !invoiceSeen.has(c.number)); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    stopSse();
    stopSse = undefined;

    await api.stop({ keepData: true });
    const sql = await connect(api.location);
    const appended = await appendedAt(sql).finally(() => sql.close());

    const ok = commands.filter((c) => c.status === 201);
    const seen = ok.filter((c) => invoiceSeen.has(c.number) && appended.has(c.number));
    const result: LiveBenchResult = {
      store: options.store,
      rate: options.rate,
      seconds: options.seconds,
      sent: commands.length,
      achievedRate: commands.length / sentSeconds,
      answered: ok.length,
      non201: commands.length - ok.length,
      missing: ok.length - seen.length,
      caseMessages: ok.filter((c) => c.caseId && caseSeen.has(c.caseId)).length,
      appendToSse: seen.map((c) => invoiceSeen.get(c.number)! - appended.get(c.number)!),
      sendToAck: ok.map((c) => c.ackAt! - c.sentAt),
      appendToAck: ok.filter((c) => appended.has(c.number)).map((c) => c.ackAt! - appended.get(c.number)!),
      healthUnderLoad,
    };
    log(`  ${fmt.int(result.sent)} commands at ${fmt.int(result.achievedRate)}/s: ${result.answered} answered 201, ${result.missing} without their SSE message, ${result.caseMessages} case.changed`);
    return result;
  } finally {
    stopped = true;
    stopSse?.();
    agent.destroy();
    await api.stop();
  }
}
