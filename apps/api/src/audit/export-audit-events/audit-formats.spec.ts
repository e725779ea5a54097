import { AuditFilterError, companyIdFromParam, inPeriod, parseAuditFilter } from './audit-filter';
import { AUDIT_CSV_COLUMNS, csvField, csvRecord, formatAuditRows } from './audit-formats';
import { type AuditRow } from './export-audit-events';

const row = (overrides: Partial<AuditRow> = {}): AuditRow => ({
  position: '10:1',
  streamId: 'receivable-c-1001',
  streamVersion: 1,
  eventId: 'e1',
  type: 'InvoiceReceived',
  occurredAt: '2026-11-23T10:00:00.000Z',
  recordedAt: '2026-11-23T10:00:00.001Z',
  actor: { kind: 'user', id: 'anna' },
  reason: null,
  correlationId: 'c',
  causationId: 'c',
  companyId: 'company',
  caseId: null,
  data: { a: 1 },
  metadata: { eventId: 'e1', actor: { kind: 'user', id: 'anna' }, correlationId: 'c', causationId: 'c', occurredAt: '2026-11-23T10:00:00.000Z' },
  previousHash: '',
  hash: 'h',
  ...overrides,
});

async function text(chunks: AsyncIterable<string>): Promise<string> {
  let all = '';
  for await (const chunk of chunks) all += chunk;
  return all;
}

async function* rows(...items: AuditRow[]): AsyncGenerator<AuditRow> {
  yield* items;
}

describe('CSV fields (RFC 4180)', () => {
  it('quotes exactly the fields that need it and doubles their quotes', () => {
    expect(csvField('plain text')).toBe('plain text');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField('"')).toBe('""""');
    expect(csvField('')).toBe('');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(5)).toBe('5');
    expect(csvField({ a: 'x,y' })).toBe('"{""a"":""x,y""}"');
    expect(csvRecord(['a', 'b,c', null])).toBe('a,"b,c",\r\n');
  });

  it('writes a header row and one CRLF-terminated record per event', async () => {
    const csv = await text(formatAuditRows(rows(row({ reason: 'Betalt, "direkt"\nrad 2' })), 'csv'));
    const [header, ...rest] = csv.split('\r\n');
    expect(header).toBe(AUDIT_CSV_COLUMNS.join(','));
    expect(rest.join('\r\n')).toBe(
      '10:1,receivable-c-1001,1,e1,InvoiceReceived,2026-11-23T10:00:00.000Z,2026-11-23T10:00:00.001Z,user,anna,"Betalt, ""direkt""\nrad 2",c,c,company,,' +
        '"{""a"":1}",,h,"{""eventId"":""e1"",""actor"":{""kind"":""user"",""id"":""anna""},""correlationId"":""c"",""causationId"":""c"",""occurredAt"":""2026-11-23T10:00:00.000Z""}"\r\n',
    );
    expect(await text(formatAuditRows(rows(), 'csv'))).toBe(`${AUDIT_CSV_COLUMNS.join(',')}\r\n`);
  });
});

describe('JSON and NDJSON', () => {
  it('writes one JSON array, also when empty', async () => {
    expect(JSON.parse(await text(formatAuditRows(rows(row(), row({ eventId: 'e2' })), 'json')))).toEqual([row(), row({ eventId: 'e2' })]);
    expect(await text(formatAuditRows(rows(), 'json'))).toBe('[]\n');
  });

  it('writes one object per line', async () => {
    const ndjson = await text(formatAuditRows(rows(row(), row({ eventId: 'e2', reason: 'a\nb' })), 'ndjson'));
    expect(ndjson.split('\n')).toHaveLength(3);
    expect(ndjson.trimEnd().split('\n').map((line) => JSON.parse(line).eventId)).toEqual(['e1', 'e2']);
    expect(await text(formatAuditRows(rows(), 'ndjson'))).toBe('');
  });
});

describe('audit filters', () => {
  it('takes dates as Stockholm days, `to` inclusive of the whole day, across daylight saving', () => {
    expect(parseAuditFilter({ from: '2026-01-15', to: '2026-01-15' })).toEqual({
      fromMs: Date.parse('2026-01-14T23:00:00Z'),
      toMsExclusive: Date.parse('2026-01-15T23:00:00Z'),
    });
    expect(parseAuditFilter({ from: '2026-07-01' }).fromMs).toBe(Date.parse('2026-06-30T22:00:00Z'));
    // Summer time starts on 29 March 2026: that day has 23 hours.
    expect(parseAuditFilter({ from: '2026-03-29', to: '2026-03-29' })).toEqual({
      fromMs: Date.parse('2026-03-28T23:00:00Z'),
      toMsExclusive: Date.parse('2026-03-29T22:00:00Z'),
    });
    expect(parseAuditFilter({ to: '2026-12-31' }).toMsExclusive).toBe(Date.parse('2026-12-31T23:00:00Z'));
  });

  it('takes instants with a zone as they are, both bounds inclusive', () => {
    const filter = parseAuditFilter({ from: '2026-11-23T10:00:00+01:00', to: '2026-11-23T10:00:00.000Z' });
    expect(filter).toEqual({ fromMs: Date.parse('2026-11-23T09:00:00Z'), toMsExclusive: Date.parse('2026-11-23T10:00:00Z') + 1 });
    expect(inPeriod(filter, '2026-11-23T10:00:00.000Z')).toBe(true);
    expect(inPeriod(filter, '2026-11-23T09:00:00.000Z')).toBe(true);
    expect(inPeriod(filter, '2026-11-23T08:59:59.999Z')).toBe(false);
    expect(inPeriod(filter, '2026-11-23T10:00:00.001Z')).toBe(false);
    expect(inPeriod(filter, 'garbage')).toBe(false);
    expect(inPeriod(filter, undefined)).toBe(false);
    expect(inPeriod({}, undefined)).toBe(true);
  });

  it('names every bad filter', () => {
    const attempt = () => parseAuditFilter({ caseId: 'x', companyId: '556036-0793', from: '2026-02-30', to: '2026-11-23T10:00:00' });
    expect(attempt).toThrow(AuditFilterError);
    try {
      attempt();
    } catch (error) {
      expect((error as AuditFilterError).errors.map((e) => e.field)).toEqual(['case', 'company', 'from', 'to']);
    }
    expect(() => parseAuditFilter({ from: '2026-11-24', to: '2026-11-23' })).toThrow('from must not be after to');
    expect(parseAuditFilter({ caseId: ' 0E8F6C34-1B2A-4C3D-9E8F-0123456789AB ' }).caseId).toBe('0e8f6c34-1b2a-4c3d-9e8f-0123456789ab');
  });

  it('names a company by its organisation number or its id', () => {
    expect(companyIdFromParam('556036-0793')).toBe(companyIdFromParam('5560360793'));
    expect(companyIdFromParam('165560360793')).toBe(companyIdFromParam('556036-0793'));
    expect(companyIdFromParam('0E8F6C34-1B2A-4C3D-9E8F-0123456789AB')).toBe('0e8f6c34-1b2a-4c3d-9e8f-0123456789ab');
    expect(companyIdFromParam('Bygg AB')).toBeUndefined();
  });
});
