/**
 * Demo data for `pnpm start`: a company (not yet activated, so the first send shows the activation
 * guide) and invoices that show every interesting case: not due, overdue, a due date that moved past a
 * weekend, a ROT invoice, a business customer, a EUR invoice and a customer abroad. Dates are relative
 * to today, so the demo looks the same whenever it starts. Runs once: an existing company is left alone.
 */
import { type INestApplicationContext, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { type InvoiceDetails, addDays, stockholmDate } from '@pm/domain';
import { RegisterCompanyCommand } from '../companies/register-company/register-company.command';
import { CompanyDirectory } from '../companies';
import { Clock } from '../infrastructure/event-sourcing/clock';
import { companyIdFor } from '../shared/auth/tokens';
import { systemContext } from '../shared/http/command-context';
import { UpsertInvoiceCommand } from '../receivables/upsert-invoice/upsert-invoice.command';

export const DEMO_COMPANY = {
  organisationNumber: '556677-8899',
  name: 'Demo Bygg & Service AB',
  country: 'SE',
  address: { line1: 'Verkstadsgatan 4', postalCode: '411 04', city: 'Göteborg', country: 'SE' },
  bankgiro: '5677-5612',
};

const home = (line1: string, postalCode: string, city: string) => ({ line1, postalCode, city, country: 'SE' });

export function demoInvoices(today: string): InvoiceDetails[] {
  const invoice = (n: number, daysAgoIssued: number, termDays: number, rest: Partial<InvoiceDetails> & Pick<InvoiceDetails, 'customer' | 'totalOre'>): InvoiceDetails => {
    const invoiceDate = addDays(today, -daysAgoIssued);
    return {
      invoiceNumber: String(n),
      invoiceDate,
      dueDate: addDays(invoiceDate, termDays),
      currency: 'SEK',
      vatOre: Math.round(rest.totalOre / 5),
      ...rest,
    };
  };
  const anna = { name: 'Anna Lindqvist', identityNumber: '19640823-3234', isCompany: false, email: 'anna.lindqvist@example.se', address: home('Björkvägen 12', '433 31', 'Partille') };
  const erik = { name: 'Erik Johansson', identityNumber: '19811218-9876', isCompany: false, email: 'erik.j@example.se', address: home('Sjögatan 3', '414 63', 'Göteborg') };
  const maja = { name: 'Maja Nilsson', identityNumber: '19900101-0017', isCompany: false, address: home('Kvarngatan 8', '118 47', 'Stockholm') };
  const kontor = { name: 'Kontorsservice i Mölndal AB', identityNumber: '556036-0793', isCompany: true, email: 'ekonomi@kontorsservice.example.se', address: home('Industrivägen 20', '431 37', 'Mölndal') };
  const hansen = { name: 'Ole Hansen', identityNumber: '19750505-1234', isCompany: false, address: { line1: 'Strandvejen 100', postalCode: '2900', city: 'Hellerup', country: 'DK' } };
  return [
    invoice(1001, 45, 30, { customer: anna, totalOre: 1_250_00, ocr: '10017' }),
    invoice(1002, 60, 30, { customer: erik, totalOre: 8_900_00 }),
    invoice(1003, 40, 20, { customer: maja, totalOre: 42_000_00, taxReduction: { type: 'ROT', amountOre: 9_000_00 } }),
    invoice(1004, 50, 30, { customer: kontor, totalOre: 15_600_00 }),
    invoice(1005, 5, 30, { customer: anna, totalOre: 3_400_00 }),
    invoice(1006, 2, 30, { customer: erik, totalOre: 26_000_00, taxReduction: { type: 'RUT', amountOre: 10_400_00 } }),
    invoice(1007, 50, 30, { customer: kontor, totalOre: 4_700_00, currency: 'EUR' }),
    invoice(1008, 45, 30, { customer: hansen, totalOre: 6_100_00 }),
  ];
}

export async function seedDemo(app: INestApplicationContext): Promise<{ companyId: string; seeded: boolean }> {
  const commands = app.get(CommandBus);
  const companyId = companyIdFor(DEMO_COMPANY.organisationNumber);
  const existing = await app.get(CompanyDirectory).state(companyId);
  if (existing.status === 'registered') return { companyId, seeded: false };
  const context = systemContext('demo-seed');
  await commands.execute(new RegisterCompanyCommand(DEMO_COMPANY, context));
  const today = stockholmDate(app.get(Clock).now());
  for (const invoice of demoInvoices(today)) await commands.execute(new UpsertInvoiceCommand(companyId, invoice, context));
  new Logger('Demo').log(`Seeded the demo company ${DEMO_COMPANY.name} with ${demoInvoices(today).length} invoices`);
  return { companyId, seeded: true };
}
