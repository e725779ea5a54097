// Test/benchmark helper: a BgMax file (Bankgirot "Bankgiro Inbetalningar", 80-column records, docs/formats.md §1)
// with N payments, each with an OCR reference (refcode 2), grouped into deposit sections; every tenth payment also
// has a payer name (TK26, latin-1 letters) and every fiftieth a free-text TK25.
import { writeFileSync } from 'node:fs';
import { type GeneratedPayment, makeOcr } from './generate-camt054';
import { seededRandom } from './seeded-random';

export interface GenerateBgMaxOptions {
  /** Number of payments (TK20 records). */
  payments: number;
  /** Payments per deposit section (TK05 … TK15). Default 1000. */
  perSection?: number;
  /** PRNG seed for the amounts. Default 1. */
  seed?: number;
  /** The recipient bankgiro (digits). Default 9912346. */
  bankgiro?: string;
  /** Deposit date 'YYYY-MM-DD'. Default 2026-03-02. */
  bookingDate?: string;
  /** Line ending. Default CRLF (as Bankgirot delivers). */
  eol?: '\r\n' | '\n';
}


const num = (n: number | bigint | string, width: number): string => String(n).padStart(width, '0');
const record = (s: string): string => s.padEnd(80, ' ');

/**
 * The file as a string of latin-1 characters (write it with `Buffer.from(text, 'latin1')`, see writeBgMax) and
 * the payments a parser must find, with the bank references parseBgMax builds.
 */
export function generateBgMax(options: GenerateBgMaxOptions): { text: string; payments: GeneratedPayment[] } {
  const { payments: count, perSection = 1000, seed = 1, bankgiro = '9912346', bookingDate = '2026-03-02', eol = '\r\n' } = options;
  const rnd = seededRandom(seed);
  const date = bookingDate.replace(/-/g, '');
  const lines: string[] = [record(`01BGMAX               01${date}180000123456P`)];
  const expected: GeneratedPayment[] = [];
  let sections = 0;
  for (let start = 0; start < count; start += perSection) {
    sections++;
    const serial = num(sections, 5);
    const n = Math.min(perSection, count - start);
    lines.push(record(`05${num(bankgiro, 10)}          SEK`));
    let total = 0n;
    for (let k = 0; k < n; k++) {
      const i = start + k;
      const ore = 100 + Math.floor(rnd() * 5_000_000);
      total += BigInt(ore);
      const ocr = makeOcr(String(100000 + i));
      const bgcSerial = num(i + 1, 12);
      lines.push(record(`20${num(0, 10)}${ocr.padStart(25, ' ')}${num(ore, 18)}21${bgcSerial}0`));
      if (i % 50 === 0) lines.push(record(`25Betalning för faktura ${100000 + i}`));
      if (i % 10 === 0) lines.push(record(`26Betalare ${i + 1} Åkeri Öst AB`));
      expected.push({ bankReference: `BGMAX:${bankgiro}:${date}:${serial}:P${k + 1}:${bgcSerial}`, amountOre: ore, ocr });
    }
    lines.push(record(`15${'0'.repeat(19)}8105${num(123456789, 12)}${date}${serial}${num(total, 18)}SEK${num(n, 8)} `));
  }
  lines.push(record(`70${num(count, 8)}${num(0, 8)}${num(0, 8)}${num(sections, 8)}`));
  return { text: lines.join(eol) + eol, payments: expected };
}

/** Writes the generated file (latin-1) and returns the expected payments. */
export function writeBgMax(path: string, options: GenerateBgMaxOptions): GeneratedPayment[] {
  const { text, payments } = generateBgMax(options);
  writeFileSync(path, Buffer.from(text, 'latin1'));
  return payments;
}
