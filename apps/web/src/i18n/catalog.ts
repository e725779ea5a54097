/**
 * All texts, merged from the shell's catalog and each feature's own (so features add their texts without
 * touching each other's files). A key missing in English fails the type check.
 */
import * as invoices from '../features/invoices/messages';
import * as payments from '../features/payments/messages';
import * as reports from '../features/reports/messages';
import { en as coreEn } from './en';
import { sv as coreSv } from './sv';

export const svCatalog = { ...coreSv, ...invoices.sv, ...payments.sv, ...reports.sv };
export type MessageKey = keyof typeof svCatalog;
export type Messages = Record<MessageKey, string>;
export const enCatalog: Messages = { ...coreEn, ...invoices.en, ...payments.en, ...reports.en };
