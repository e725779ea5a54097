/**
 * Importing a bank file (camt.054 or BgMax): parse and validate it whole first — a broken file imports
 * nothing — check that it is for the company's own bankgiro, then take each payment through matching
 * and booking. Entry points: HTTP upload, the watched inbox folder and `pnpm admin payments import`.
 */
import { Controller, HttpCode, Post, Req, UnprocessableEntityException, BadRequestException } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiProperty, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { type IncomingPayment, parseBankFile } from '@pm/bank-files';
import { type IncomingPaymentFacts, invoiceNumbersIn } from '@pm/domain';
import { type FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { CompanyDirectory } from '../../companies';
import { InvoiceMatchLookup } from '../../receivables';
import { CallerCompany } from '../../shared/auth/auth.guard';
import { ErrorDto } from '../../shared/http/address.dto';
import { type CommandContext, Ctx } from '../../shared/http/command-context';
import { BankPaymentProcessor, type PaymentOutcome } from '../bank-payment-processor';

export class ImportReportDto {
  @ApiProperty() importId!: string;
  @ApiProperty({ enum: ['camt.054', 'bgmax'] }) format!: string;
  @ApiProperty({ description: 'Payments in the file' }) payments!: number;
  @ApiProperty({ description: 'Matched and settling what was owed' }) matched!: number;
  @ApiProperty({ description: 'Matched, leaving part of the claim' }) partlyMatched!: number;
  @ApiProperty({ description: 'Waiting in the queue for a person' }) unmatched!: number;
  @ApiProperty({ description: 'Already imported before: booked nothing' }) duplicates!: number;
}

export class ImportBankFileCommand {
  constructor(
    readonly companyId: string,
    readonly file: { bytes: Buffer; name?: string },
    readonly context: CommandContext,
  ) {}
}

const digits = (value: string | undefined) => value?.replace(/\D/g, '') ?? '';

export function toFacts(payment: IncomingPayment): IncomingPaymentFacts {
  return {
    bankReference: payment.bankReference,
    amountOre: payment.amountOre,
    bookingDate: payment.bookingDate,
    ...(payment.payer.name ? { payerName: payment.payer.name } : {}),
    references: payment.references,
    reversal: payment.reversal,
    currency: payment.currency,
  };
}

function refused(code: string, message: string, errors?: { line?: number; path?: string; message: string }[]) {
  return new UnprocessableEntityException({ code, message, ...(errors ? { errors } : {}) });
}

@CommandHandler(ImportBankFileCommand)
export class ImportBankFileHandler implements ICommandHandler<ImportBankFileCommand, ImportReportDto> {
  constructor(
    private readonly companies: CompanyDirectory,
    private readonly invoices: InvoiceMatchLookup,
    private readonly processor: BankPaymentProcessor,
  ) {}

  async execute({ companyId, file, context }: ImportBankFileCommand): Promise<ImportReportDto> {
    const parsed = parseBankFile(file.bytes, file.name);
    if (!parsed.ok)
      throw refused('PAYMENT_FILE.INVALID', `The file was not imported: ${parsed.errors.length} problem(s) found. Nothing was booked.`, parsed.errors);
    const company = await this.companies.state(companyId);
    if (company.status !== 'registered') throw refused('COMPANY.NOT_FOUND', 'The company is not registered.');
    if (!company.bankgiro) throw refused('COMPANY.NO_BANKGIRO', "Register the company's bankgiro number before importing bank files.");
    const foreign = parsed.payments.find((p) => digits(p.account.bankgiro) !== digits(company.bankgiro!));
    if (foreign)
      throw refused(
        'PAYMENT_FILE.WRONG_ACCOUNT',
        `The file is for account ${foreign.account.bankgiro ?? foreign.account.iban ?? 'unknown'}, not the company's bankgiro ${company.bankgiro}. Nothing was imported.`,
      );
    const importId = randomUUID();
    const facts = parsed.payments.map(toFacts);
    // One set-based lookup of every invoice the file may concern, then matching in memory.
    const lookup = await this.invoices.forBatch(companyId, {
      ocrs: facts.flatMap((p) => p.references.filter((r) => r.kind === 'ocr').map((r) => r.value.replace(/\s/g, ''))),
      invoiceNumbers: facts.flatMap((p) => p.references.flatMap((r) => (r.kind === 'invoice_number' ? [r.value] : r.kind === 'free_text' ? invoiceNumbersIn(r.value) : []))),
      amountsOre: [...new Set(facts.map((p) => p.amountOre))],
    });
    const counts: Record<PaymentOutcome, number> = { matched: 0, partlyMatched: 0, unmatched: 0, duplicate: 0 };
    const bankContext: CommandContext = { ...context, correlationId: importId };
    for (const payment of facts) counts[await this.processor.process(companyId, importId, payment, lookup, bankContext)]++;
    return {
      importId,
      format: parsed.format,
      payments: facts.length,
      matched: counts.matched,
      partlyMatched: counts.partlyMatched,
      unmatched: counts.unmatched,
      duplicates: counts.duplicate,
    };
  }
}

@ApiTags('payments')
@ApiBearerAuth()
@Controller('api/payments')
export class ImportBankFileController {
  constructor(private readonly commands: CommandBus) {}

  @Post('imports')
  @HttpCode(201)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary', description: 'A camt.054 or BgMax file' } } } })
  @ApiCreatedResponse({ type: ImportReportDto })
  @ApiUnprocessableEntityResponse({ type: ErrorDto, description: 'PAYMENT_FILE.INVALID (with every error located), PAYMENT_FILE.WRONG_ACCOUNT, COMPANY.NO_BANKGIRO' })
  async upload(@CallerCompany() companyId: string, @Req() request: FastifyRequest, @Ctx() context: CommandContext): Promise<ImportReportDto> {
    if (!request.isMultipart())
      throw new BadRequestException({ code: 'REQUEST.MULTIPART_REQUIRED', message: 'Upload the bank file as multipart/form-data in the field "file".' });
    const part = await request.file();
    if (!part || part.fieldname !== 'file')
      throw new BadRequestException({ code: 'REQUEST.FILE_REQUIRED', message: 'Upload the bank file in the multipart field "file".' });
    const bytes = await part.toBuffer();
    return this.commands.execute(new ImportBankFileCommand(companyId, { bytes, name: part.filename }, { ...context, actor: { kind: 'bank', id: `upload:${context.actor.id}` } }));
  }
}
