import { STREAM_PREFIXES, streams } from './streams';

describe('stream names', () => {
  it('every kind of stream begins with one of STREAM_PREFIXES, and exactly one', () => {
    const names = [streams.company('c-1'), streams.receivable('c-1', '1001'), streams.bankPayment('c-1', 'RB 1'), streams.partnerPayout('c-1', 'P/1')];
    for (const name of names) expect(STREAM_PREFIXES.filter((prefix) => name.startsWith(prefix))).toHaveLength(1);
    expect(Object.keys(streams)).toHaveLength(STREAM_PREFIXES.length);
  });
});
