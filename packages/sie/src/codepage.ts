/** Codepage 437 (`#FORMAT PC8`) through iconv-lite, plus the SIE #KSUMMA CRC-32. */
import iconv from 'iconv-lite';

export function encodeCp437(text: string): Buffer {
  return iconv.encode(text, 'cp437');
}

export function decodeCp437(bytes: Buffer): string {
  return iconv.decode(bytes, 'cp437');
}

export function decodeLatin1(bytes: Buffer): string {
  return iconv.decode(bytes, 'latin1');
}

/** True when every character of `text` exists in codepage 437 (iconv-lite would write `?` otherwise). */
export function isCp437Encodable(text: string): boolean {
  return decodeCp437(encodeCp437(text)) === text;
}

/** Decodes strict UTF-8, or returns `undefined` when the bytes are not valid UTF-8. */
export function decodeStrictUtf8(bytes: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

const CRC_TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * The #KSUMMA checksum: CRC-32 (polynomial EDB88320h, init FFFFFFFFh, final inversion) over the
 * CP437 bytes of every record's label and field contents (no whitespace, quotes or braces).
 */
export class SieChecksum {
  private crc = 0xffffffff;

  add(text: string): void {
    for (const byte of encodeCp437(text)) {
      this.crc = (this.crc >>> 8) ^ CRC_TABLE[(this.crc ^ byte) & 0xff];
    }
  }

  /** The checksum as an unsigned 32-bit integer. */
  value(): number {
    return (this.crc ^ 0xffffffff) >>> 0;
  }
}
