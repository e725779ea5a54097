import { START, comparePositions } from './port';
import { decodePosition, encodePosition } from './position';

describe('position encoding', () => {
  it('round-trips positions, including START and values beyond 2^53', () => {
    for (const position of [START, { commit: 0n, prepare: 0n }, { commit: 9007199254740993n, prepare: 42n }]) {
      const encoded = encodePosition(position);
      expect(comparePositions(decodePosition(encoded), position)).toBe(0);
    }
    expect(encodePosition({ commit: 7421n, prepare: 1093n })).toBe('7421:1093');
  });

  it('rejects anything else', () => {
    for (const bad of ['', '1', '1:', ':1', '1:2:3', 'a:b', '1.5:2', ' 1:2']) expect(() => decodePosition(bad)).toThrow(TypeError);
  });
});
