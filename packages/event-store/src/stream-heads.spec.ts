import { StreamHeads } from './stream-heads';

describe('StreamHeads', () => {
  it('forgets the least recently used stream first when full', () => {
    const heads = new StreamHeads(2);
    heads.set('a', { version: 1, hash: 'a1' });
    heads.set('b', { version: 1, hash: 'b1' });
    heads.get('a'); // a is now the more recently used
    heads.set('c', { version: 1, hash: 'c1' });
    expect(heads.get('b')).toBeUndefined();
    expect(heads.get('a')).toEqual({ version: 1, hash: 'a1' });
    expect(heads.get('c')).toEqual({ version: 1, hash: 'c1' });
  });

  it('keeps the newer head when an older read finishes after a newer append', () => {
    const heads = new StreamHeads();
    heads.set('s', { version: 3, hash: 'h3' });
    heads.set('s', { version: 2, hash: 'h2' });
    expect(heads.get('s')).toEqual({ version: 3, hash: 'h3' });
    heads.forget('s');
    expect(heads.get('s')).toBeUndefined();
  });
});
