export type {
  IsoDate,
  Sie4FileType,
  SieAccount,
  SieAccountType,
  SieDocument,
  SieFiscalYear,
  SieObjectRef,
  SieTransaction,
  SieVoucher,
} from './model';
export { writeSie4, SieWriteError, type SieWriteErrorCode, type WriteSieOptions } from './write-sie';
export { readSie, type ReadSieResult, type SieDiagnostic } from './read-sie';
export { formatOre, parseAmountToOre } from './money';
