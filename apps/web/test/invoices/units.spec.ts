import { DEFAULT_QUERY, apiQuery, listQueryString, parseListQuery } from '../../src/features/invoices/listQuery';
import { addDays, stockholmToday } from '../../src/features/invoices/model';
import { oreToInput, parseAmount as parseKronor } from '../../src/format/amounts';

describe('Kronor typed by a user', () => {
  it.each([
    ['1250', 125_000],
    ['1 250,50', 125_050],
    ['1\u00a0250,5', 125_050],
    ['1250.5', 125_050],
    ['1.250,50', 125_050],
    ['1,250.50', 125_050],
    ['12 345 678,09 kr', 1_234_567_809],
    ['0,10', 10],
    [',99', 99],
    ['100.', 10_000],
    ['SEK 42', 4_200],
    ['1.250.000', 125_000_000],
    ['0.29', 29],
    ['1234567.89', 123_456_789],
  ])('%s is %i öre, exactly', (input, ore) => {
    expect(parseKronor(input, 'sv')).toEqual({ ok: true, ore });
  });

  it.each([
    ['', 'invalid'],
    ['abc', 'invalid'],
    ['-5', 'invalid'],
    ['1,2,3', 'invalid'],
    ['1.25,5.0', 'invalid'],
    ['12,345', 'decimals'],
    ['1.005', 'decimals'],
    ['0', 'zero'],
    ['0,00', 'zero'],
    ['99999999999999999999', 'tooLarge'],
  ])('%s is refused (%s)', (input, reason) => {
    expect(parseKronor(input, 'sv')).toEqual({ ok: false, reason });
  });

  it('prefills öre as an editable amount', () => {
    expect(oreToInput(125_050, 'sv')).toBe('1250,50');
    expect(oreToInput(5, 'en')).toBe('0.05');
  });
});

describe('The list state in the URL', () => {
  it('round-trips every filter, and leaves the defaults out', () => {
    const query = { status: ['overdue' as const, 'disputed' as const], overdue: true, q: 'anna', sort: 'claim' as const, order: 'desc' as const, page: 3, pageSize: 100 };
    const search = listQueryString(query);
    expect(search).toBe('?status=overdue,disputed&overdue=true&q=anna&sort=claim&order=desc&page=3&pageSize=100');
    expect(parseListQuery(search)).toEqual(query);
    expect(listQueryString(DEFAULT_QUERY)).toBe('');
    expect(parseListQuery('')).toEqual(DEFAULT_QUERY);
  });

  it('ignores what it does not know, and keeps page sizes within what the API takes', () => {
    expect(parseListQuery('?status=overdue,nonsense&overdue=maybe&sort=drop&order=up&page=-1&pageSize=9999')).toEqual({ ...DEFAULT_QUERY, status: ['overdue'] });
  });

  it('asks the API only for what is set', () => {
    expect(apiQuery(DEFAULT_QUERY)).toEqual({ sort: 'dueDate', order: 'asc', page: 1, pageSize: 50 });
    expect(apiQuery({ ...DEFAULT_QUERY, status: ['paid'], overdue: false, q: '  x ' })).toMatchObject({ status: ['paid'], overdue: false, q: 'x' });
  });
});

describe('Dates', () => {
  it('takes today in Stockholm, and moves across months and leap days', () => {
    expect(stockholmToday(new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});
