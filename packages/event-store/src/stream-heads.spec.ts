import { StreamHeads } from './stream-heads';

describe('StreamHeads', () => {
  it('forgets streams not used lately first, and never holds more than its capacity', () => {
    const heads = new StreamHeads(4);
    for (const id of ['a', 'b', 'c']) heads.set(id, { version: 1, hash: `${id}1` });
    heads.get('a'); // a used again: it outlives b
    heads.set('d', { version: 1, hash: 'd1' });
    heads.set('e', { version: 1, hash: 'e1' });
    expect(heads.get('b')).toBeUndefined();
    expect(heads.get('a')).toEqual({ version: 1, hash: 'a1' });
    expect(heads.get('e')).toEqual({ version: 1, hash: 'e1' });
    for (let i = 0; i < 100; i++) heads.set(`s${i}`, { version: 1, hash: 'x' });
    const kept = Array.from({ length: 100 }, (_, i) => heads.get(`s${i}`)).filter(Boolean);
    expect(kept.length).toBeLessThanOrEqual(4);
    expect(heads.get('s99')).toEqual({ version: 1, hash: 'x' });
  });

  it('keeps a head that moved to the older generation when it is set again with a newer version', () => {
    const heads = new StreamHeads(2);
    heads.set('s', { version: 1, hash: 'h1' });
    heads.set('t', { version: 1, hash: 't1' }); // s is now in the older generation
    heads.set('s', { version: 2, hash: 'h2' });
    heads.set('s', { version: 1, hash: 'h1' });
    expect(heads.get('s')).toEqual({ version: 2, hash: 'h2' });
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
