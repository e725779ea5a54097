import { type GlobalPosition } from './port';

/** Checkpoint form of a position: `"<commit>:<prepare>"`, e.g. `"7421:1093"` (START is `"-1:-1"`). */
export function encodePosition(position: GlobalPosition): string {
  return `${position.commit}:${position.prepare}`;
}

export function decodePosition(encoded: string): GlobalPosition {
  const match = /^(-?\d+):(-?\d+)$/.exec(encoded);
  if (!match) throw new TypeError(`Not an encoded global position: ${JSON.stringify(encoded)}`);
  return { commit: BigInt(match[1]), prepare: BigInt(match[2]) };
}
