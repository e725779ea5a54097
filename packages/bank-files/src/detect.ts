// Which parser a bank file needs: camt.054 XML, or BgMax (80-column records starting with TK01).
import { type BankFileFormat } from './incoming-payment';

export type DetectedFormat = { format: BankFileFormat } | { format: 'unknown'; reason: string };

const BGMAX_RECORD = /^(?:0[15]|1[5]|2[0-9]|70)\d/;

export function detectFormat(bytes: Uint8Array, filename?: string): DetectedFormat {
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  const head = Buffer.from(bytes.buffer, bytes.byteOffset + start, Math.min(bytes.byteLength - start, 4096)).toString('latin1');
  const trimmed = head.replace(/^\s+/, '');
  if (trimmed.startsWith('<')) {
    if (/<(?:[\w.-]+:)?BkToCstmrDbtCdtNtfctn[\s>]/.test(head) || /camt\.054\./.test(head)) return { format: 'camt.054' };
    if (/<(?:[\w.-]+:)?BkToCstmrStmt[\s>]/.test(head) || /camt\.053\./.test(head)) return { format: 'unknown', reason: 'This is a camt.053 statement; only camt.054 notifications are supported.' };
    // A large header may push the message element past the first 4 KiB: let the camt parser decide.
    if (/<(?:[\w.-]+:)?Document[\s>]/.test(head)) return { format: 'camt.054' };
    return { format: 'unknown', reason: 'An XML file that is not an ISO 20022 camt.054 Document.' };
  }
  const firstLine = trimmed.split(/\r\n|\r|\n/, 1)[0] ?? '';
  if (firstLine.startsWith('01BGMAX')) return { format: 'bgmax' };
  // A BgMax fragment without its TK01 (the BgMax parser then reports exactly what is missing).
  if (BGMAX_RECORD.test(firstLine) && /\.(?:txt|bgmax|bgm|dat)$/i.test(filename ?? '.txt')) return { format: 'bgmax' };
  return { format: 'unknown', reason: 'Neither a camt.054 XML file nor a BgMax file (which starts with "01BGMAX").' };
}
