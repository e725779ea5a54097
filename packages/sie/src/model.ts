/**
 * The SIE 4 document model shared by the writer and the reader.
 *
 * Money is integer öre everywhere (debit positive, credit negative). Dates are ISO `YYYY-MM-DD`
 * in the model and `YYYYMMDD` in the file. Strings are plain JavaScript strings; the codepage
 * (437, `#FORMAT PC8`) only exists at the Buffer boundary.
 */

/** An ISO calendar date, `YYYY-MM-DD`. */
export type IsoDate = string;

/** `#KTYP`: T = tillgång (asset), S = skuld (liability/equity), K = kostnad (cost), I = intäkt (income). */
export type SieAccountType = 'T' | 'S' | 'K' | 'I';

/** One pair of an object list `{"1" "456" "7" "47"}`: dimension `1`, object `456`. */
export interface SieObjectRef {
  dimension: string;
  id: string;
}

export interface SieTransaction {
  account: string;
  /** Integer öre; debit positive, credit negative. */
  amountOre: number;
  text?: string;
  /** `transdat`; absent means "the voucher date". */
  date?: IsoDate;
  objects?: SieObjectRef[];
}

export interface SieVoucher {
  /** `serie`; may be `""` in a 4I file (the receiving program assigns it). */
  series: string;
  /** `vernr`; absent in a 4I file means the receiving program numbers the voucher. */
  number?: string;
  date: IsoDate;
  text?: string;
  /** `regdatum`. */
  registeredOn?: IsoDate;
  /** `sign` after `regdatum`. */
  registeredBy?: string;
  transactions: SieTransaction[];
}

export interface SieAccount {
  number: string;
  name: string;
  type?: SieAccountType;
}

export interface SieFiscalYear {
  /** `årsnr`: 0 = the current year, -1 = the previous one, … */
  index: number;
  start: IsoDate;
  end: IsoDate;
}

export interface SieDocument {
  /** `#FLAGGA`: 0 when written; an importer may set 1 to mark the file imported. */
  flag: 0 | 1;
  program: { name: string; version: string };
  format: 'PC8';
  generated: { date: IsoDate; by?: string };
  sieType: 1 | 2 | 3 | 4;
  company: { name: string; organisationNumber?: string };
  /** `#KPTYP`, e.g. `BAS2014` or `EUBAS97`; written only when present. */
  chartOfAccountsType?: string;
  fiscalYears: SieFiscalYear[];
  currency?: 'SEK';
  accounts: SieAccount[];
  vouchers: SieVoucher[];
}

/** The two SIE 4 flavours: `4I` import file (vouchers only, `.SI`) and `4E` export file (`.SE`). */
export type Sie4FileType = '4I' | '4E';
