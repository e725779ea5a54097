/**
 * Importing a bank file (camt.054 or BgMax): parse and validate it whole first — a broken file imports
 * nothing — check that it is for the company's own bankgiro, then take its payments through matching
 * and booking. Entry points: HTTP upload, the watched inbox folder and `pnpm admin payments import`.
 */
import {
  BadRequestException,
  Controller,
  ForbiddenException,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Query,
  Req,
  UnprocessableEntityException,
} from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler, type IQueryHandler, QueryBus, QueryHandler } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiQuery,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { type IncomingPayment, parseBankFile } from '@pm/bank-files';
import { type IncomingPaymentFacts } from '@pm/domain';
import { IsOptional, IsUUID } from 'class-validator';
import { type FastifyRequest } from 'fastify';
import { createHash, randomUUID } from 'node:crypto';
import { CompanyDirectory } from '../../companies';
import { Caller } from '../../shared/auth/auth.guard';
import { type TokenClaims } from '../../shared/auth/tokens';
import { ErrorDto } from '../../shared/http/address.dto';
import { type CommandContext, Ctx } from '../../shared/http/command-context';
import { BankPaymentProcessor } from '../matching/bank-payment-processor';
import { type ImportRecord, ImportRegistry, type ImportSource } from './import-registry';

export class ImportIssueDto {
  @ApiPropertyOptional({ description: 'The 1-based line of the file' }) line?: number;
  @ApiPropertyOptional({ description: 'camt.054: the XML path of the element' }) path?: string;
  @ApiProperty() message!: string;
}

export class ImportReportDto {
  @ApiProperty() importId!: string;
  @ApiProperty({ enum: ['camt.054', 'bgmax'] }) format!: string;
  @ApiProperty({ description: 'Payments in the file' }) payments!: number;
  @ApiProperty({ description: 'Matched, settling what was owed' }) matched!: number;
  @ApiProperty({ description: 'Matched, leaving part of the claim open' }) partlyMatched!: number;
  @ApiProperty({ description: 'Waiting in the queue for a person (GET /api/payments/unmatched)' }) unmatched!: number;
  @ApiProperty({ description: 'Imported before: booked nothing' }) duplicates!: number;
  @ApiProperty({ type: [ImportIssueDto], description: 'What the parser skipped or repaired (entries not booked, test files, …)' })
  warnings!: ImportIssueDto[];
  @ApiPropertyOptional({ nullable: true, type: String, description: 'The earlier import of the very same file, if any' })
  sameFileAs!: string | null;
}

export class ImportRecordDto {
  @ApiProperty() importId!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) fileName!: string | null;
  @ApiProperty({ description: 'SHA-256 of the file, hex' }) fileSha256!: string;
  @ApiProperty({ enum: ['camt.054', 'bgmax'] }) format!: string;
  @ApiProperty({ enum: ['upload', 'inbox'] }) source!: string;
  @ApiProperty({ enum: ['running', 'done', 'failed', 'interrupted'], description: 'interrupted: its process stopped; importing the file again continues it' }) status!: string;
  @ApiProperty({ description: 'Payments in the file' }) payments!: number;
  @ApiProperty({ description: 'Payments processed so far' }) processed!: number;
  @ApiProperty() matched!: number;
  @ApiProperty() partlyMatched!: number;
  @ApiProperty() unmatched!: number;
  @ApiProperty() duplicates!: number;
  @ApiProperty({ type: [ImportIssueDto] }) warnings!: ImportIssueDto[];
  @ApiProperty() startedAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) finishedAt!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Why a failed import stopped; importing the file again continues it' }) error!: string | null;
}

export class ImportQueryDto {
  @ApiPropertyOptional({ description: 'A client-chosen UUID for this import, to follow its progress at GET /api/payments/imports/{importId} while it runs' })
  @IsOptional()
  @IsUUID('all', { message: 'importId must be a UUID' })
  importId?: string;
}

export class ImportBankFileCommand {
  constructor(
    /** The company, or `undefined` to take the company whose bankgiro the file is for (operators, the inbox). */
    readonly companyId: string | undefined,
    readonly file: { bytes: Buffer; name?: string },
    readonly context: CommandContext,
    readonly source: ImportSource,
    readonly importId: string = randomUUID(),
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

const accountOf = (p: IncomingPayment) => p.account.bankgiro ?? p.account.iban ?? 'an unnamed account';

function report(record: ImportRecord, sameFileAs: string | null = null): ImportReportDto {
  return {
    importId: record.importId,
    format: record.format,
    payments: record.payments,
    matched: record.matched,
    partlyMatched: record.partlyMatched,
    unmatched: record.unmatched,
    duplicates: record.duplicates,
    warnings: record.warnings,
    sameFileAs,
  };
}

@CommandHandler(ImportBankFileCommand)
export class ImportBankFileHandler implements ICommandHandler<ImportBankFileCommand, ImportReportDto> {
  constructor(
    private readonly companies: CompanyDirectory,
    private readonly processor: BankPaymentProcessor,
    private readonly imports: ImportRegistry,
  ) {}

  async execute({ companyId: given, file, context, source, importId }: ImportBankFileCommand): Promise<ImportReportDto> {
    const parsed = parseBankFile(file.bytes, file.name);
    if (!parsed.ok)
      throw refused('PAYMENT_FILE.INVALID', `The file was not imported: ${parsed.errors.length} problem(s) found. Nothing was booked.`, parsed.errors);
    const companyId = given ?? (await this.companyOfFile(parsed.payments, parsed.account.bankgiro));
    const company = await this.companies.state(companyId);
    if (company.status !== 'registered') throw refused('COMPANY.NOT_FOUND', 'The company is not registered.');
    if (!company.bankgiro) throw refused('COMPANY.NO_BANKGIRO', "Register the company's bankgiro number before importing bank files.");
    const foreign = parsed.payments.find((p) => digits(p.account.bankgiro) !== digits(company.bankgiro!));
    if (foreign)
      throw refused('PAYMENT_FILE.WRONG_ACCOUNT', `The file is for ${accountOf(foreign)}, not the company's bankgiro ${company.bankgiro}. Nothing was imported.`);

    const sha256 = createHash('sha256').update(file.bytes).digest('hex');
    const started = await this.imports.start(companyId, importId, { name: file.name, sha256, format: parsed.format, source, payments: parsed.payments.length, warnings: parsed.warnings });
    if (!started) throw new BadRequestException({ code: 'REQUEST.IMPORT_ID_TAKEN', message: 'This importId has been used already; choose a new one.' });
    const facts = parsed.payments.map(toFacts);
    try {
      const counts = await this.processor.importPayments(companyId, importId, facts, { ...context, correlationId: importId }, (done) => this.imports.progress(importId, done));
      await this.imports.finish(importId, { matched: counts.matched, partlyMatched: counts.partlyMatched, unmatched: counts.unmatched, duplicates: counts.duplicate });
    } catch (error) {
      await this.imports.fail(importId, error instanceof Error ? error.message : String(error));
      throw error;
    }
    const record = (await this.imports.get(companyId, importId))!;
    return report(record, (await this.imports.sameFile(companyId, sha256, importId))?.importId ?? null);
  }

  /** The company whose bankgiro the file is for: an operator's or the inbox's import names no company. */
  private async companyOfFile(payments: IncomingPayment[], fileAccount: string | undefined): Promise<string> {
    const bankgiro = fileAccount ?? payments.find((p) => p.account.bankgiro)?.account.bankgiro;
    const companyId = bankgiro ? await this.companies.byBankgiro(bankgiro) : null;
    if (!companyId)
      throw refused(
        'PAYMENT_FILE.UNKNOWN_ACCOUNT',
        bankgiro ? `No company has the bankgiro ${bankgiro}; the file was not imported.` : 'The file names no bankgiro number, so it cannot be given to a company.',
      );
    return companyId;
  }
}

export class GetImportQuery {
  constructor(
    /** `undefined`: an operator, who may follow any company's import. */
    readonly companyId: string | undefined,
    readonly importId?: string,
  ) {}
}

@QueryHandler(GetImportQuery)
export class GetImportHandler implements IQueryHandler<GetImportQuery, ImportRecord | ImportRecord[]> {
  constructor(private readonly imports: ImportRegistry) {}

  async execute({ companyId, importId }: GetImportQuery): Promise<ImportRecord | ImportRecord[]> {
    if (importId === undefined) return companyId === undefined ? [] : this.imports.list(companyId, 100);
    const record = await this.imports.get(companyId, importId);
    if (!record) throw new NotFoundException({ code: 'IMPORT.NOT_FOUND', message: 'There is no such import.' });
    return record;
  }
}

/** The caller's company; an administrator without one imports for the company the file is for. */
function importingCompany(caller: TokenClaims): string | undefined {
  if (caller.company) return caller.company;
  if (caller.role === 'admin') return undefined;
  throw new ForbiddenException({ code: 'AUTH.COMPANY_REQUIRED', message: 'This request needs a token for a company.' });
}

function companyOf(caller: TokenClaims): string {
  if (!caller.company) throw new ForbiddenException({ code: 'AUTH.COMPANY_REQUIRED', message: 'This request needs a token for a company.' });
  return caller.company;
}

/**
 * The name the uploader's machine gave the file, as it is kept in the import history: without control
 * characters (a NUL cannot be stored, and was a 500) or broken Unicode, at most 255 characters.
 */
function uploadedFileName(name: string | undefined): string | undefined {
  const cleaned = (name ?? '')
    // eslint-disable-next-line no-control-regex -- control characters are what this removes
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .slice(0, 255)
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .trim();
  return cleaned || undefined;
}

@ApiTags('payments')
@ApiBearerAuth()
@Controller('api/payments/imports')
export class ImportBankFileController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary', description: 'A camt.054 or BgMax file' } } } })
  @ApiQuery({ name: 'importId', required: false, description: 'A client-chosen UUID, to follow the import while it runs' })
  @ApiCreatedResponse({ type: ImportReportDto })
  @ApiForbiddenResponse({ type: ErrorDto, description: 'AUTH.COMPANY_REQUIRED (a user token without a company)' })
  @ApiUnprocessableEntityResponse({
    type: ErrorDto,
    description: 'PAYMENT_FILE.INVALID (with `errors: [{line or path, message}]`, every problem located), PAYMENT_FILE.WRONG_ACCOUNT, PAYMENT_FILE.UNKNOWN_ACCOUNT, COMPANY.NO_BANKGIRO',
  })
  async upload(@Caller() caller: TokenClaims, @Req() request: FastifyRequest, @Query() query: ImportQueryDto, @Ctx() context: CommandContext): Promise<ImportReportDto> {
    const companyId = importingCompany(caller);
    if (!request.isMultipart())
      throw new BadRequestException({ code: 'REQUEST.MULTIPART_REQUIRED', message: 'Upload the bank file as multipart/form-data in the field "file".' });
    const part = await request.file();
    if (!part || part.fieldname !== 'file')
      throw new BadRequestException({ code: 'REQUEST.FILE_REQUIRED', message: 'Upload the bank file in the multipart field "file".' });
    const bytes = await part.toBuffer();
    // The bank connection is the actor of what a file books; the person who uploaded it is named.
    const actorContext: CommandContext = { ...context, actor: { kind: 'bank', id: `upload:${context.actor.id}` } };
    return this.commands.execute(new ImportBankFileCommand(companyId, { bytes, name: uploadedFileName(part.filename) }, actorContext, 'upload', query.importId));
  }

  @Get()
  @ApiOkResponse({ type: [ImportRecordDto], description: 'The latest 100 imports, newest first' })
  list(@Caller() caller: TokenClaims): Promise<ImportRecordDto[]> {
    return this.queries.execute(new GetImportQuery(companyOf(caller)));
  }

  @Get(':importId')
  @ApiOkResponse({ type: ImportRecordDto, description: 'One import: its progress while it runs, its report when done' })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'IMPORT.NOT_FOUND' })
  one(@Caller() caller: TokenClaims, @Param('importId') importId: string): Promise<ImportRecordDto> {
    return this.queries.execute(new GetImportQuery(importingCompany(caller), importId));
  }
}
