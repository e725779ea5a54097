import { Injectable, Logger } from '@nestjs/common';
import { Subject, defer, filter, finalize, type Observable } from 'rxjs';
import { type LiveChange } from './projection';

export interface LiveMessage {
  companyId: string;
  /** e.g. `invoice.changed`, `case.changed`, `company.changed` */
  type: string;
  data: unknown;
}

/** The current views of several changed things of one kind, by `companyId|key`; a thing that is gone is left out. */
type ViewsLoader = (changes: readonly LiveChange[]) => Promise<Map<string, unknown>>;

const changeKey = (change: Pick<LiveChange, 'companyId' | 'key'>) => `${change.companyId}|${change.key}`;

/**
 * In-process fan-out of read-model changes to live clients (SSE). Fed only after the projections' transaction
 * has committed; each change is turned into the current view once, then shared. Views are loaded in bulk (one
 * query per kind for all that changed meanwhile), one load at a time: under load, a thing that changes again
 * while its view is being loaded gets one message with its latest view, not a queue of stale ones.
 */
@Injectable()
export class LiveUpdates {
  private readonly logger = new Logger(LiveUpdates.name);
  private readonly subject = new Subject<LiveMessage>();
  private readonly loaders = new Map<LiveChange['kind'], ViewsLoader>();
  /** Changes not yet sent, in the order they first came, by kind|company|key. */
  private pending = new Map<string, LiveChange>();
  private draining: Promise<void> | undefined;
  private openClients = 0;

  registerViews(kind: LiveChange['kind'], loader: ViewsLoader): void {
    this.loaders.set(kind, loader);
  }

  get messages(): Observable<LiveMessage> {
    return this.subject.asObservable();
  }

  /** One live client's messages: its company's only, counted in `clients` while it is subscribed. */
  messagesFor(companyId: string): Observable<LiveMessage> {
    return defer(() => {
      this.openClients += 1;
      return this.subject.pipe(
        filter((message) => message.companyId === companyId),
        finalize(() => (this.openClients -= 1)),
      );
    });
  }

  /** Live clients connected now (each open stream of `messagesFor`). */
  get clients(): number {
    return this.openClients;
  }

  publish(changes: readonly LiveChange[]): void {
    if (!this.subject.observed || changes.length === 0) return;
    for (const change of changes) this.pending.set(`${change.kind}|${changeKey(change)}`, change);
    this.draining ??= this.drain().finally(() => (this.draining = undefined));
  }

  private async drain(): Promise<void> {
    while (this.pending.size > 0) {
      const batch = [...this.pending.values()];
      this.pending = new Map();
      const byKind = new Map<LiveChange['kind'], LiveChange[]>();
      for (const change of batch) byKind.set(change.kind, [...(byKind.get(change.kind) ?? []), change]);
      const views = new Map<LiveChange['kind'], Map<string, unknown>>();
      for (const [kind, wanted] of byKind) {
        const loader = this.loaders.get(kind);
        if (!loader) continue;
        try {
          views.set(kind, await loader(wanted));
        } catch (error) {
          this.logger.warn(`Could not load ${wanted.length} ${kind} view(s) for live clients: ${String(error)}`);
          views.set(kind, new Map());
        }
      }
      for (const change of batch) {
        const data = this.loaders.has(change.kind) ? views.get(change.kind)!.get(changeKey(change)) : { key: change.key };
        if (data !== undefined) this.subject.next({ companyId: change.companyId, type: `${change.kind}.changed`, data });
      }
    }
  }
}
