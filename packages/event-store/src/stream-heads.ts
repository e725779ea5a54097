/**
 * The last event (version and hash) of the streams a store read or wrote lately, so that an append which
 * expects exactly that version can skip reading the head: events are never changed once committed, so
 * the hash of version n stays the right `previousHash` for version n + 1. A stale entry costs nothing
 * but a retry: the stream's unique (stream_id, stream_version) index refuses the insert, and the
 * append reports the conflict as it would have after reading the head.
 */
export interface StreamHead {
  version: number;
  hash: string;
}

/**
 * Bounded, and what was not used lately goes first: two generations of at most half the capacity each.
 * Entries go into the recent one; when it is full it becomes the older one (the one before is dropped), and
 * an older entry used again moves back to the recent one. Every operation is O(1): evicting one entry at a
 * time from the front of a Map made each eviction step over the holes earlier ones left.
 */
export class StreamHeads {
  private recent = new Map<string, StreamHead>();
  private older = new Map<string, StreamHead>();
  private readonly generation: number;

  constructor(capacity = 10_000) {
    this.generation = Math.max(1, Math.floor(capacity / 2));
  }

  get(streamId: string): StreamHead | undefined {
    const head = this.recent.get(streamId);
    if (head) return head;
    const older = this.older.get(streamId);
    if (older) {
      this.older.delete(streamId);
      this.remember(streamId, older);
    }
    return older;
  }

  /** Remembers a head; an older version than the one known is ignored (reads and appends may finish out of order). */
  set(streamId: string, head: StreamHead): void {
    const known = this.recent.get(streamId) ?? this.older.get(streamId);
    if (known && known.version > head.version) return;
    this.older.delete(streamId);
    this.remember(streamId, head);
  }

  forget(streamId: string): void {
    this.recent.delete(streamId);
    this.older.delete(streamId);
  }

  private remember(streamId: string, head: StreamHead): void {
    if (!this.recent.has(streamId) && this.recent.size >= this.generation) {
      this.older = this.recent;
      this.recent = new Map();
    }
    this.recent.set(streamId, head);
  }
}
