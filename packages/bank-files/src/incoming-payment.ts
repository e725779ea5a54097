/**
 * The one normalised incoming payment that both bank-file parsers (camt.054 and BgMax) produce.
 * Amounts are integer öre; dates are local dates 'YYYY-MM-DD' as the bank wrote them (no time-zone
 * conversion).
 */

export type BankFileFormat = 'camt.054' | 'bgmax';

export type PaymentReferenceKind = 'ocr' | 'invoice_number' | 'free_text';

export interface PaymentReference {
  kind: PaymentReferenceKind;
  value: string;
}

export interface IncomingPayment {
  /**
   * The bank's unique reference, for de-duplication across imports.
   *
   * camt.054: the first of `TxDtls/Refs/AcctSvcrRef`, then (single-transaction entry) `Ntry/AcctSvcrRef`,
   * then `TxDtls/Refs/TxId`; in a batch entry without a transaction-level AcctSvcrRef it is
   * `<Ntry/AcctSvcrRef>/<TxId or EndToEndId or transaction position>`. As a last resort (no bank reference
   * at all) `<GrpHdr/MsgId>/<Ntfctn position>/<Ntry position>/<TxDtls position>`, with a warning, because
   * that is only stable for a re-delivery of the very same message. `NOTPROVIDED` never counts as a value.
   *
   * BgMax: `BGMAX:<recipient bankgiro>:<deposit date YYYYMMDD>:<deposit serial>:<P|D><n>:<BGC serial>`,
   * where n is the 1-based position of the TK20 (P) / TK21 (D) record inside its deposit section. The
   * deposit (bankgiro, date, insättningslöpnummer) is unique per the manual and its content never changes,
   * so the position inside it is stable across re-imports; the BGC serial is kept for audit only (the
   * sample files show it is not unique on its own).
   */
  bankReference: string;
  /** Integer öre, always > 0. For a reversal this is the amount to take back. */
  amountOre: number;
  currency: 'SEK' | string;
  /** 'YYYY-MM-DD'. camt: Ntry/BookgDt; BgMax: TK15 betalningsdag. */
  bookingDate: string;
  /** 'YYYY-MM-DD'. camt: Ntry/ValDt; BgMax has none. */
  valueDate?: string;
  /** The receiving account (ours). */
  account: { bankgiro?: string; iban?: string };
  payer: { name?: string; bankgiro?: string; organisationNumber?: string; address?: string[] };
  /** OCR numbers first, then invoice-number candidates, then free text. No duplicates. */
  references: PaymentReference[];
  source: { format: BankFileFormat; /** 'line N' (BgMax) or the XML path of the TxDtls/Ntry (camt) */ location: string; line: number };
  /**
   * True when this takes money back: a camt DBIT entry with RvslInd=true (the reversal of a credit), or a
   * BgMax TK21 deduction (avdrag, e.g. a credit note that lowers the deposit).
   */
  reversal: boolean;
}

/** A located problem. `line` is 1-based; camt issues also carry the XML path. */
export interface ParseIssue {
  line: number;
  column?: number;
  path?: string;
  message: string;
}

export interface AccountRef {
  bankgiro?: string;
  iban?: string;
}

export type ParseResult =
  | {
      ok: true;
      format: BankFileFormat;
      payments: IncomingPayment[];
      warnings: ParseIssue[];
      /** The receiving account when the whole file is for one account; `{}` when it spans several. */
      account: AccountRef;
    }
  | { ok: false; format?: BankFileFormat; errors: ParseIssue[] };
