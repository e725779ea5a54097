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

/** Bounded, least recently used out first. */
export class StreamHeads {
  private readonly heads = new Map<string, StreamHead>();

  constructor(private readonly capacity = 10_000) {}

  get(streamId: string): StreamHead | undefined {
    const head = this.heads.get(streamId);
    if (head) {
      // Map keeps insertion order: moving the entry to the end makes the first entry the least recently used.
      this.heads.delete(streamId);
      this.heads.set(streamId, head);
    }
    return head;
  }

  /** Remembers a head; an older version than the one known is ignored (reads and appends may finish out of order). */
  set(streamId: string, head: StreamHead): void {
    const known = this.heads.get(streamId);
    if (known && known.version > head.version) return;
    this.heads.delete(streamId);
    this.heads.set(streamId, head);
    if (this.heads.size > this.capacity) this.heads.delete(this.heads.keys().next().value!);
  }

  forget(streamId: string): void {
    this.heads.delete(streamId);
  }
}
