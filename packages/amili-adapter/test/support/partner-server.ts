/**
 * A small local HTTP server (port 0) whose answers a test scripts, and which records what it got.
 */
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  json: unknown;
}

export interface Reply {
  status?: number;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is (for bodies that are not JSON). */
  body?: string;
  headers?: Record<string, string>;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Drop the connection without answering (after reading the request). */
  destroy?: boolean;
}

export type Handler = (request: RecordedRequest) => Reply | Promise<Reply>;

export interface PartnerServer {
  baseUrl: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startPartnerServer(handler: Handler): Promise<PartnerServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = body ? JSON.parse(body) : undefined;
      } catch {
        json = undefined;
      }
      const recorded: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body, json };
      requests.push(recorded);
      // A handler that throws answers 500, so a broken script fails its test instead of hanging it.
      void Promise.resolve()
        .then(() => handler(recorded))
        .catch((error: unknown): Reply => ({ status: 500, body: `handler failed: ${String(error)}` }))
        .then((reply) => {
          const send = () => {
            if (reply.destroy) {
              req.socket.destroy();
              return;
            }
            const text = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.body ?? '');
            res.writeHead(reply.status ?? 200, {
              'content-type': reply.json !== undefined ? 'application/json' : 'text/html',
              ...reply.headers,
            });
            res.end(text);
          };
          if (reply.delayMs) {
            const timer = setTimeout(() => {
              timers.delete(timer);
              send();
            }, reply.delayMs);
            timers.add(timer);
          } else send();
        });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Answers in the given order; the last answer repeats. */
export function inOrder(...replies: Reply[]): Handler {
  let i = 0;
  return () => replies[Math.min(i++, replies.length - 1)];
}

export const eveError = (code: number, message: string, issues?: Record<string, string>): Reply => ({
  status: code,
  json: { _status: 'ERR', _error: { code, message }, ...(issues ? { _issues: issues } : {}) },
});
