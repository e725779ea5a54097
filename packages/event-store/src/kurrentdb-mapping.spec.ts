import type { RecordedEvent } from '@kurrent/kurrentdb-client';
import { randomUUID } from 'node:crypto';
import { computeEventHash, verifyStreamChain } from './hash-chain';
import {
  METADATA_KEYS,
  filterPrefixes,
  isOwnStream,
  readPositionAfter,
  revisionOfVersion,
  streamStateOf,
  streamStateOfVersion,
  toEventData,
  toStoredEvent,
  versionOfRevision,
  versionOfState,
} from './kurrentdb-mapping';
import { type NewEvent, START } from './port';

const event = (data: unknown = { amountOre: 1250 }): NewEvent => ({
  type: 'PaymentRegistered',
  data,
  metadata: {
    eventId: randomUUID(),
    actor: { kind: 'bank', id: 'bgc' },
    reason: 'bank file, "quoted"',
    correlationId: randomUUID(),
    causationId: randomUUID(),
    occurredAt: '2026-11-23T10:00:00.000Z',
    companyId: 'c-1',
    nested: { list: [3, 1, 2], flag: null },
  },
});

/**
 * What KurrentDB hands back for an appended JSON record: data and metadata as JSON round trips, the metadata of a
 * multi-stream append with the server's own keys added (as the client's own tests show them).
 */
function asRecorded(streamName: string, revision: bigint, record: ReturnType<typeof toEventData>, position = { commit: 7421n, prepare: 7421n }): RecordedEvent {
  return {
    streamId: streamName,
    id: record.id,
    isJson: true,
    revision,
    type: record.type,
    created: new Date('2026-11-23T10:00:01.000Z'),
    data: JSON.parse(JSON.stringify(record.data)),
    metadata: { ...JSON.parse(JSON.stringify(record.metadata)), '$record.timestamp': '2026-11-23T10:00:01.000Z', '$schema.format': 'Json', '$schema.name': record.type },
    position,
  } as RecordedEvent;
}

describe('KurrentDB mapping: versions and positions', () => {
  it('maps expected versions to stream states: 0 and no_stream to NO_STREAM, n to revision n - 1, any to ANY', () => {
    expect(streamStateOf(0)).toBe('no_stream');
    expect(streamStateOf('no_stream')).toBe('no_stream');
    expect(streamStateOf(1)).toBe(0n);
    expect(streamStateOf(42)).toBe(41n);
    expect(streamStateOf('any')).toBe('any');
    expect(streamStateOfVersion(0)).toBe('no_stream');
    expect(() => streamStateOf(-1)).toThrow(RangeError);
    expect(() => streamStateOf(1.5)).toThrow(RangeError);
  });

  it('maps revisions and current states back to 1-based versions', () => {
    expect(versionOfRevision(0n)).toBe(1);
    expect(versionOfRevision(9n)).toBe(10);
    expect(revisionOfVersion(10)).toBe(9n);
    expect(() => revisionOfVersion(0)).toThrow(RangeError);
    expect(versionOfState('no_stream')).toBe(0);
    expect(versionOfState(4n)).toBe(5);
    for (const version of [1, 2, 1000, 2 ** 40]) expect(versionOfRevision(revisionOfVersion(version))).toBe(version);
  });

  it('reads $all from the start for START, else from the position itself (the server includes it)', () => {
    expect(readPositionAfter(START)).toBe('start');
    expect(readPositionAfter({ commit: 0n, prepare: 0n })).toEqual({ commit: 0n, prepare: 0n });
    expect(readPositionAfter({ commit: 2n ** 60n, prepare: 2n ** 60n - 5n })).toEqual({ commit: 2n ** 60n, prepare: 2n ** 60n - 5n });
  });
});

describe('KurrentDB mapping: records', () => {
  it('writes the event id as the record id and only string values in the metadata (as multi-stream appends require)', () => {
    const e = event();
    const record = toEventData(e, { recordedAt: '2026-11-23T10:00:00.500Z', previousHash: '', hash: 'h1' });
    expect(record).toMatchObject({ id: e.metadata.eventId, type: 'PaymentRegistered', contentType: 'application/json', data: e.data });
    const metadata = record.metadata as Record<string, unknown>;
    expect(Object.values(metadata).every((value) => typeof value === 'string')).toBe(true);
    expect(Object.keys(metadata).sort()).toEqual(Object.values(METADATA_KEYS).sort());
    expect(JSON.parse(metadata[METADATA_KEYS.metadata] as string)).toEqual(e.metadata);
    expect(metadata[METADATA_KEYS.hash]).toBe('h1');
  });

  it('reads a record back as the StoredEvent it was written as, whose hash chain verifies', () => {
    const recordedAt = '2026-11-23T10:00:00.500Z';
    const [first, second] = [event(), event(['any', { json: true }])];
    const stored = [first!, second!].reduce<ReturnType<typeof toStoredEvent>[]>((chain, e, i) => {
      const previousHash = chain[i - 1]?.hash ?? '';
      const hash = computeEventHash({ ...e, streamId: 'receivable-c-1-1001', streamVersion: i + 1, recordedAt, previousHash });
      const record = toEventData(e, { recordedAt, previousHash, hash });
      return [...chain, toStoredEvent(asRecorded('pmtest-x-receivable-c-1-1001', BigInt(i), record, { commit: 100n + BigInt(i), prepare: 90n + BigInt(i) }), 'receivable-c-1-1001')];
    }, []);
    expect(stored[0]).toEqual({
      streamId: 'receivable-c-1-1001',
      streamVersion: 1,
      globalPosition: { commit: 100n, prepare: 90n },
      type: 'PaymentRegistered',
      data: first!.data,
      metadata: first!.metadata,
      recordedAt,
      previousHash: '',
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(stored[1]!.data).toEqual(['any', { json: true }]);
    expect(stored[1]!.previousHash).toBe(stored[0]!.hash);
    expect(verifyStreamChain(stored)).toEqual([]);
  });

  it('reads a record it did not write as an event with an empty hash, which the chain check reports as edited', () => {
    const foreign = { streamId: 'company-c-1', id: randomUUID(), isJson: true, revision: 0n, type: 'Foreign', created: new Date('2026-01-01T00:00:00Z'), data: { x: 1 }, metadata: { source: 'other tool' }, position: { commit: 5n, prepare: 5n } } as RecordedEvent;
    const stored = toStoredEvent(foreign, 'company-c-1');
    expect(stored).toMatchObject({ streamVersion: 1, metadata: { eventId: foreign.id }, recordedAt: '2026-01-01T00:00:00.000Z', previousHash: '', hash: '' });
    expect(verifyStreamChain([stored]).map((problem) => problem.kind)).toEqual(['edited']);
    expect(toStoredEvent({ ...foreign, metadata: undefined } as RecordedEvent, 'company-c-1').hash).toBe('');
  });

  it('refuses a record without its log position (servers before 22.6) with a clear error', () => {
    const record = toEventData(event(), { recordedAt: '2026-11-23T10:00:00.000Z', previousHash: '', hash: 'h' });
    expect(() => toStoredEvent({ ...asRecorded('s', 0n, record), position: undefined } as RecordedEvent, 's')).toThrow(/without its log position.*22\.6/);
  });
});

describe('KurrentDB mapping: the $all filter', () => {
  it("filters to the application's prefixes behind the isolation prefix, never to system streams", () => {
    expect(filterPrefixes(['receivable-', 'company-', 'receivable-'])).toEqual(['receivable-', 'company-']);
    expect(filterPrefixes([''], 'pmtest-ab12-')).toEqual(['pmtest-ab12-']);
    expect(filterPrefixes(['company-'], 'pmtest-ab12-')).toEqual(['pmtest-ab12-company-']);
    expect(() => filterPrefixes([])).toThrow(TypeError);
    expect(() => filterPrefixes([''])).toThrow(/system streams/);
    expect(() => filterPrefixes(['$ce-'])).toThrow(/system streams/);
  });

  it('tells whether a stream is one of ours', () => {
    expect(isOwnStream('receivable-c-1001', ['company-', 'receivable-'])).toBe(true);
    expect(isOwnStream('$stats-127.0.0.1:2113', ['company-', 'receivable-'])).toBe(false);
    expect(isOwnStream('anything', [''])).toBe(true);
  });
});
