// @pm/bank-files: the bank's incoming-payment files (camt.054, BgMax) → IncomingPayment[].
import { parseBgMax } from './bgmax/parse-bgmax';
import { parseCamt054 } from './camt054/parse-camt054';
import { detectFormat } from './detect';
import { type ParseResult } from './incoming-payment';

export * from './incoming-payment';
export { parseBgMax, decodeBgMax, type BgMaxOptions } from './bgmax/parse-bgmax';
export { parseCamt054 } from './camt054/parse-camt054';
export { detectFormat, type DetectedFormat } from './detect';
// Shared with the matching policy, which must read a payer's text exactly as the parsers do.
export { invoiceNumberCandidates } from '@pm/domain';

/** Detects the format of a bank file and parses it. Never throws for bad input: problems come back as errors. */
export function parseBankFile(bytes: Uint8Array, filename?: string): ParseResult {
  const detected = detectFormat(bytes, filename);
  switch (detected.format) {
    case 'camt.054':
      return parseCamt054(bytes);
    case 'bgmax':
      return parseBgMax(bytes);
    default:
      return {
        ok: false,
        errors: [{ line: 1, message: `${filename ? `${filename}: ` : ''}Unknown bank file format. ${detected.reason}` }],
      };
  }
}

/** Files written from the specifications (camt.054 notifications), for tests and benchmarks. */
export * as testFiles from './testing';
