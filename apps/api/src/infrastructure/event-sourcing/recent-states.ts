/**
 * The states commands in this process have just decided on and appended, by stream: a projection that folds the
 * same decider over the same stream (the invoice list, the case detail) then takes the state at the version it
 * is projecting from here instead of reading its previous state back from its table and folding the batch onto
 * it. Every command's state is its stream folded from the log, so it is the state the projection would compute.
 *
 * Only a hint: a stream's latest state is kept, for the latest few thousand streams; a different decider, an
 * older or newer version, or an absent entry is a miss, and the projection reads and folds as before (always so
 * on an instance that does not feed the read models, and in a rebuild).
 */
import { Injectable } from '@nestjs/common';

/** Enough for the commands of the last seconds under load; each entry is one folded state. */
const CAPACITY = 4096;

@Injectable()
export class RecentStates {
  private readonly byStream = new Map<string, { decider: object; version: number; state: unknown }>();

  remember(decider: object, streamId: string, version: number, state: unknown): void {
    const known = this.byStream.get(streamId);
    // Appends to one stream can finish out of order (a retry after a conflict): never step back.
    if (known && known.version > version) return;
    this.byStream.delete(streamId);
    this.byStream.set(streamId, { decider, version, state });
    if (this.byStream.size > CAPACITY) this.byStream.delete(this.byStream.keys().next().value!);
  }

  /** The state of `streamId` right after `version`, as folded by `decider`, if this process has it. */
  recall<S>(decider: object, streamId: string, version: number): S | undefined {
    const known = this.byStream.get(streamId);
    return known && known.decider === decider && known.version === version ? (known.state as S) : undefined;
  }
}
