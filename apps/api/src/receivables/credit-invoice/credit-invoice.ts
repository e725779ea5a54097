import { Body, Controller, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiConflictResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { CallerCompany } from '../../shared/auth/auth.guard';
import { ErrorDto } from '../../shared/http/address.dto';
import { type CommandContext, Ctx } from '../../shared/http/command-context';
import { InvoiceNumberPipe, parseIfMatch } from '../../shared/http/params';
import { InvoiceReader } from '../invoice-view/invoice-reader';
import { InvoiceView } from '../invoice-view/invoice-view';
import { ReceivableCommands } from '../receivable-commands';

export class CreditInvoiceCommand {
  constructor(
    readonly companyId: string,
    readonly invoiceNumber: string,
    readonly reason: string | undefined,
    readonly context: CommandContext,
    readonly expectedVersion?: number,
  ) {}
}

@CommandHandler(CreditInvoiceCommand)
export class CreditInvoiceHandler implements ICommandHandler<CreditInvoiceCommand, InvoiceView> {
  constructor(
    private readonly receivables: ReceivableCommands,
    private readonly reader: InvoiceReader,
  ) {}

  async execute({ companyId, invoiceNumber, reason, context, expectedVersion }: CreditInvoiceCommand) {
    await this.receivables.run(companyId, invoiceNumber, (base) => ({ type: 'CreditInvoice', ...base, data: { reason } }), context, expectedVersion);
    return this.reader.get(companyId, invoiceNumber);
  }
}

export class CreditInvoiceDto {
  @ApiPropertyOptional({ example: 'Fel pris på fakturan' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

@ApiTags('invoices')
@ApiBearerAuth()
@Controller('api/invoices')
export class CreditInvoiceController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':invoiceNumber/credit')
  @HttpCode(200)
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: InvoiceView })
  @ApiNotFoundResponse({ type: ErrorDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'INVOICE.CASE_OPEN (close the case first), INVOICE.ALREADY_CREDITED' })
  credit(
    @CallerCompany() companyId: string,
    @Param('invoiceNumber', InvoiceNumberPipe) invoiceNumber: string,
    @Body() body: CreditInvoiceDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Ctx() context: CommandContext,
  ): Promise<InvoiceView> {
    return this.commands.execute(new CreditInvoiceCommand(companyId, invoiceNumber, body?.reason, context, parseIfMatch(ifMatch)));
  }
}
