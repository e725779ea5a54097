import { Body, Controller, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { CompanyDirectory } from '../../companies';
import { CallerCompany } from '../../shared/auth/auth.guard';
import { ErrorDto } from '../../shared/http/address.dto';
import { type CommandContext, Ctx } from '../../shared/http/command-context';
import { InvoiceNumberPipe, parseIfMatch } from '../../shared/http/params';
import { ReceivableCommands } from '../receivable-commands';

export class SendToReminderHandlingCommand {
  constructor(
    readonly companyId: string,
    readonly invoiceNumber: string,
    readonly confirmedClaimOre: number | undefined,
    readonly context: CommandContext,
    readonly expectedVersion?: number,
  ) {}
}

@CommandHandler(SendToReminderHandlingCommand)
export class SendToReminderHandlingHandler implements ICommandHandler<SendToReminderHandlingCommand, { caseId: string }> {
  constructor(
    private readonly receivables: ReceivableCommands,
    private readonly companies: CompanyDirectory,
  ) {}

  async execute({ companyId, invoiceNumber, confirmedClaimOre, context, expectedVersion }: SendToReminderHandlingCommand) {
    const caseId = randomUUID();
    // Whether the company may send is read from its stream with the invoice's, in one query.
    const company = this.companies.streamOf(companyId);
    await this.receivables.run(
      companyId,
      invoiceNumber,
      (base, _state, also) => ({
        type: 'SendToReminderHandling',
        ...base,
        data: { caseId, companyActive: this.companies.isActiveIn(also.get(company)!), confirmedClaimOre },
      }),
      context,
      expectedVersion,
      {},
      [company],
    );
    return { caseId };
  }
}

export class SendToReminderHandlingDto {
  @ApiPropertyOptional({ description: 'The claim (öre) the user confirmed; refused with 409 CASE.CLAIM_CHANGED if it no longer matches' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000_000_000)
  confirmedClaimOre?: number;
}

export class CaseCreatedDto {
  @ApiProperty() caseId!: string;
}

@ApiTags('reminder cases')
@ApiBearerAuth()
@Controller('api/invoices')
export class SendToReminderHandlingController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':invoiceNumber/reminder-case')
  @HttpCode(201)
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiBody({ type: SendToReminderHandlingDto, required: false })
  @ApiCreatedResponse({ type: CaseCreatedDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'CASE.ALREADY_OPEN, INVOICE.CREDITED, CASE.CLAIM_CHANGED' })
  @ApiUnprocessableEntityResponse({
    type: ErrorDto,
    description: 'COMPANY.NOT_ACTIVATED, INVOICE.CURRENCY_NOT_SEK, INVOICE.NOT_OVERDUE, INVOICE.NOTHING_TO_CLAIM, CUSTOMER.*',
  })
  send(
    @CallerCompany() companyId: string,
    @Param('invoiceNumber', InvoiceNumberPipe) invoiceNumber: string,
    // The body is optional (a plain send confirms no figure); the parameter type stays the DTO so the
    // OpenAPI document (and the web app's typed client) knows its shape.
    @Body() body: SendToReminderHandlingDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Ctx() context: CommandContext,
  ): Promise<CaseCreatedDto> {
    return this.commands.execute(
      new SendToReminderHandlingCommand(companyId, invoiceNumber, body?.confirmedClaimOre, context, parseIfMatch(ifMatch)),
    );
  }
}
