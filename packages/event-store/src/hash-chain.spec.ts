import fc from 'fast-check';
import { decodeEvent, encodeEvents } from './append-rules';
import { newEvent } from './contract/helpers';
import { canonicalJsonOf, computeEncodedEventHash, computeEventHash, verifyStreamChain } from './hash-chain';
import { type StoredEvent } from './port';

/** A correctly chained stream of `count` events. */
function chain(streamId: string, count: number): StoredEvent[] {
  const events: StoredEvent[] = [];
  for (let version = 1; version <= count; version++) {
    const base = { ...newEvent(`E${version}`, { version }), streamId, streamVersion: version, recordedAt: '2025-03-01T10:00:00.000Z' };
    const unhashed = { ...base, previousHash: events[version - 2]?.hash ?? '' };
    events.push({ ...unhashed, globalPosition: { commit: BigInt(version), prepare: BigInt(version) }, hash: computeEventHash(unhashed) });
  }
  return events;
}

const rehash = (event: StoredEvent): StoredEvent => ({ ...event, hash: computeEventHash(event) });
const problems = (events: StoredEvent[]) => verifyStreamChain(events).map(({ kind, streamId, streamVersion }) => ({ kind, streamId, streamVersion }));

describe('computeEventHash', () => {
  it('does not depend on object key order', () => {
    const [event] = chain('s', 1);
    const reordered = { ...event!, data: { b: 2, a: { d: 4, c: 3 } } };
    expect(computeEventHash({ ...reordered, data: { a: { c: 3, d: 4 }, b: 2 } })).toBe(computeEventHash(reordered));
  });

  it('covers every hashed field', () => {
    const [event] = chain('s', 1);
    const changes: Partial<StoredEvent>[] = [
      { streamId: 'other' },
      { streamVersion: 2 },
      { type: 'Other' },
      { data: { version: 2 } },
      { metadata: { ...event!.metadata, reason: 'x' } },
      { recordedAt: '2025-03-01T10:00:00.001Z' },
      { previousHash: 'abc' },
    ];
    for (const change of changes) expect(computeEventHash({ ...event!, ...change })).not.toBe(event!.hash);
  });

  it('refuses values JSON cannot represent', () => {
    const [event] = chain('s', 1);
    expect(() => computeEventHash({ ...event!, data: { amount: 1n } })).toThrow(TypeError);
    expect(() => canonicalJsonOf({ amount: Number.NaN }, 'Data of A')).toThrow(/Data of A is not JSON-serialisable/);
  });
});

describe('computeEncodedEventHash (the write path)', () => {
  // Any JSON a caller may hand in, Dates and undefined properties included, and any string (escapes, astral characters).
  const value = fc.letrec((tie) => ({
    any: fc.oneof(
      { depthSize: 'small' },
      fc.string({ unit: 'binary' }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.date({ noInvalidDate: true }),
      fc.array(tie('any'), { maxLength: 4 }),
      fc.dictionary(fc.string({ unit: 'binary' }), fc.option(tie('any'), { nil: undefined }), { maxKeys: 5 }),
    ),
  })).any;

  it('gives the hash computeEventHash gives the event read back, for any JSON content', () => {
    fc.assert(
      fc.property(value, fc.string({ unit: 'binary' }), fc.nat(), fc.string(), (data, streamId, version, previousHash) => {
        const [encoded] = encodeEvents([newEvent('A', data)]);
        const recordedAt = '2025-03-01T10:00:00.000Z';
        const streamVersion = version + 1;
        const hash = computeEncodedEventHash({ ...encoded!, streamId, streamVersion, recordedAt, previousHash });
        // What a reader gets back is the decoded text (as JSONB gives it), whatever key order it comes in.
        const read = decodeEvent(encoded!);
        expect(computeEventHash({ ...read, streamId, streamVersion, recordedAt, previousHash })).toBe(hash);
        expect(read.data).toEqual(JSON.parse(JSON.stringify({ data })).data);
      }),
      { numRuns: 500 },
    );
  });
});

describe('verifyStreamChain', () => {
  it('accepts intact streams, in any input order and mixed', () => {
    const a = chain('a', 3);
    const b = chain('b', 2);
    expect(verifyStreamChain([b[1]!, a[2]!, a[0]!, b[0]!, a[1]!])).toEqual([]);
    expect(verifyStreamChain([])).toEqual([]);
  });

  it('reports an edited payload at its version only', () => {
    const events = chain('s', 4);
    events[1] = { ...events[1]!, data: { version: 200 } };
    expect(verifyStreamChain(events)).toEqual([
      { kind: 'edited', streamId: 's', streamVersion: 2, eventId: events[1]!.metadata.eventId, message: expect.any(String) },
    ]);
  });

  it('reports an edited and re-hashed event as a broken link at the next version', () => {
    const events = chain('s', 4);
    events[1] = rehash({ ...events[1]!, data: { version: 200 } });
    expect(problems(events)).toEqual([{ kind: 'broken_link', streamId: 's', streamVersion: 3 }]);
  });

  it('reports a first event that does not start the chain', () => {
    const events = chain('s', 2);
    events[0] = rehash({ ...events[0]!, previousHash: 'f'.repeat(64) });
    expect(problems(events)).toEqual([
      { kind: 'broken_link', streamId: 's', streamVersion: 1 },
      { kind: 'broken_link', streamId: 's', streamVersion: 2 },
    ]);
  });

  it('reports each deleted version as missing', () => {
    const events = chain('s', 6);
    expect(problems([events[0]!, events[3]!, events[4]!, events[5]!])).toEqual([
      { kind: 'missing', streamId: 's', streamVersion: 2 },
      { kind: 'missing', streamId: 's', streamVersion: 3 },
    ]);
    expect(problems(events.slice(1))).toEqual([{ kind: 'missing', streamId: 's', streamVersion: 1 }]);
  });

  it('reports swapped events as reordered, with the version each was written at', () => {
    const events = chain('s', 4);
    const swapped = [events[0]!, { ...events[2]!, streamVersion: 2 }, { ...events[1]!, streamVersion: 3 }, events[3]!];
    const found = verifyStreamChain(swapped);
    expect(found.map(({ kind, streamVersion }) => ({ kind, streamVersion }))).toEqual([
      { kind: 'reordered', streamVersion: 2 },
      { kind: 'reordered', streamVersion: 3 },
    ]);
    expect(found[0]!.message).toContain('written as version 3');
    expect(found[0]!.eventId).toBe(events[2]!.metadata.eventId);
  });

  it('reports two events claiming one version', () => {
    const events = chain('s', 2);
    const copy = { ...events[1]!, metadata: { ...events[1]!.metadata, eventId: 'copy' } };
    expect(problems([...events, copy])).toEqual([{ kind: 'reordered', streamId: 's', streamVersion: 2 }]);
  });

  it('keeps streams apart in its report', () => {
    const a = chain('a', 2);
    const b = chain('b', 3);
    b[2] = { ...b[2]!, type: 'Forged' };
    expect(problems([...a.slice(1), ...b])).toEqual([
      { kind: 'missing', streamId: 'a', streamVersion: 1 },
      { kind: 'edited', streamId: 'b', streamVersion: 3 },
    ]);
  });
});
