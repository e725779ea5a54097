/**
 * Live read-model changes over server-sent events (`GET /api/events`): the invoice list and the open
 * invoice update without a reload. EventSource cannot send headers, so the token goes as access_token;
 * it reconnects by itself, and after a reconnect the screens reload what they show (changes sent
 * while disconnected are not replayed).
 */
import { type Schemas } from './client';

export type LiveEvent =
  | { type: 'invoice.changed'; data: Schemas['InvoiceView'] }
  | { type: 'case.changed'; data: Schemas['CaseView'] }
  | { type: 'company.changed'; data: unknown }
  | { type: 'reconnected' };

export type LiveListener = (event: LiveEvent) => void;

export class LiveConnection {
  private source: EventSource | null = null;
  private readonly listeners = new Set<LiveListener>();
  private opened = false;

  constructor(
    private readonly token: string,
    private readonly baseUrl = '',
  ) {}

  subscribe(listener: LiveListener): () => void {
    this.listeners.add(listener);
    this.connect();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.close();
    };
  }

  close(): void {
    this.source?.close();
    this.source = null;
    this.opened = false;
  }

  private connect(): void {
    if (this.source || typeof EventSource === 'undefined') return;
    const source = new EventSource(`${this.baseUrl}/api/events?access_token=${encodeURIComponent(this.token)}`);
    this.source = source;
    source.onopen = () => {
      if (this.opened) this.emit({ type: 'reconnected' });
      this.opened = true;
    };
    for (const type of ['invoice.changed', 'case.changed', 'company.changed'] as const)
      source.addEventListener(type, (message) => {
        try {
          this.emit({ type, data: JSON.parse((message as MessageEvent<string>).data) } as LiveEvent);
        } catch {
          // A malformed message is dropped; the next change brings the current view anyway.
        }
      });
  }

  private emit(event: LiveEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
