import { Injectable, Logger } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';
import { type LiveChange } from './projection';

export interface LiveMessage {
  companyId: string;
  /** e.g. `invoice.changed`, `case.changed`, `company.changed` */
  type: string;
  data: unknown;
}

type ViewLoader = (companyId: string, key: string) => Promise<unknown>;

/**
 * In-process fan-out of read-model changes to live clients (SSE). Fed only after a projection's
 * transaction has committed; each change is turned into the current view once, then shared.
 */
@Injectable()
export class LiveUpdates {
  private readonly logger = new Logger(LiveUpdates.name);
  private readonly subject = new Subject<LiveMessage>();
  private readonly loaders = new Map<LiveChange['kind'], ViewLoader>();

  registerView(kind: LiveChange['kind'], loader: ViewLoader): void {
    this.loaders.set(kind, loader);
  }

  get messages(): Observable<LiveMessage> {
    return this.subject.asObservable();
  }

  publish(changes: readonly LiveChange[]): void {
    if (!this.subject.observed || changes.length === 0) return;
    const unique = new Map(changes.map((c) => [`${c.companyId}|${c.kind}|${c.key}`, c]));
    void (async () => {
      for (const change of unique.values()) {
        const loader = this.loaders.get(change.kind);
        try {
          const data = loader ? await loader(change.companyId, change.key) : { key: change.key };
          this.subject.next({ companyId: change.companyId, type: `${change.kind}.changed`, data });
        } catch (error) {
          this.logger.warn(`Could not load ${change.kind} ${change.key} for live clients: ${String(error)}`);
        }
      }
    })();
  }
}
