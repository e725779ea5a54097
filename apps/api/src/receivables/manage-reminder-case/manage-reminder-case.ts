/** The user's own actions on an open case: close it (stop the partner's process), pause it, resume it. */
import { Body, Controller, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiConflictResponse, ApiHeader, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { CallerCompany } from '../../shared/auth/auth.guard';
import { ErrorDto } from '../../shared/http/address.dto';
import { type CommandContext, Ctx } from '../../shared/http/command-context';
import { InvoiceNumberPipe, parseIfMatch } from '../../shared/http/params';
import { InvoiceReader } from '../invoice-view/invoice-reader';
import { InvoiceView } from '../invoice-view/invoice-view';
import { ReceivableCommands } from '../receivable-commands';

type CaseAction = { type: 'CloseReminderCase'; data: { reason: string } } | { type: 'PauseReminderCase'; data: { until: string; reason?: string } } | { type: 'ResumeReminderCase'; data: object };

export class ManageReminderCaseCommand {
  constructor(
    readonly companyId: string,
    readonly invoiceNumber: string,
    readonly action: CaseAction,
    readonly context: CommandContext,
    readonly expectedVersion?: number,
  ) {}
}

@CommandHandler(ManageReminderCaseCommand)
export class ManageReminderCaseHandler implements ICommandHandler<ManageReminderCaseCommand, InvoiceView> {
  constructor(
    private readonly receivables: ReceivableCommands,
    private readonly reader: InvoiceReader,
  ) {}

  async execute({ companyId, invoiceNumber, action, context, expectedVersion }: ManageReminderCaseCommand) {
    await this.receivables.run(companyId, invoiceNumber, (base) => ({ ...base, ...action }) as never, context, expectedVersion);
    return this.reader.get(companyId, invoiceNumber);
  }
}

export class CloseCaseDto {
  @ApiProperty({ example: 'Kunden har betalat direkt till oss' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason!: string;
}

export class PauseCaseDto {
  @ApiProperty({ example: '2026-12-31', description: 'The pause (anstånd) ends on this date' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'until must be a date written YYYY-MM-DD' })
  until!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

@ApiTags('reminder cases')
@ApiBearerAuth()
@Controller('api/invoices/:invoiceNumber/reminder-case')
@ApiHeader({ name: 'If-Match', required: false })
@ApiConflictResponse({ type: ErrorDto, description: 'CASE.NOT_OPEN, CASE.INVALID_TRANSITION, REQUEST.STALE_VERSION' })
export class ManageReminderCaseController {
  constructor(private readonly commands: CommandBus) {}

  @Post('close')
  @HttpCode(200)
  @ApiOkResponse({ type: InvoiceView, description: "Closed: the partner's process will be stopped" })
  close(
    @CallerCompany() companyId: string,
    @Param('invoiceNumber', InvoiceNumberPipe) invoiceNumber: string,
    @Body() body: CloseCaseDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Ctx() context: CommandContext,
  ): Promise<InvoiceView> {
    return this.run(companyId, invoiceNumber, { type: 'CloseReminderCase', data: { reason: body.reason } }, context, ifMatch);
  }

  @Post('pause')
  @HttpCode(200)
  @ApiOkResponse({ type: InvoiceView })
  pause(
    @CallerCompany() companyId: string,
    @Param('invoiceNumber', InvoiceNumberPipe) invoiceNumber: string,
    @Body() body: PauseCaseDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Ctx() context: CommandContext,
  ): Promise<InvoiceView> {
    return this.run(companyId, invoiceNumber, { type: 'PauseReminderCase', data: { until: body.until, reason: body.reason } }, context, ifMatch);
  }

  @Post('resume')
  @HttpCode(200)
  @ApiOkResponse({ type: InvoiceView })
  resume(
    @CallerCompany() companyId: string,
    @Param('invoiceNumber', InvoiceNumberPipe) invoiceNumber: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Ctx() context: CommandContext,
  ): Promise<InvoiceView> {
    return this.run(companyId, invoiceNumber, { type: 'ResumeReminderCase', data: {} }, context, ifMatch);
  }

  private run(companyId: string, invoiceNumber: string, action: CaseAction, context: CommandContext, ifMatch: string | undefined) {
    return this.commands.execute(new ManageReminderCaseCommand(companyId, invoiceNumber, action, context, parseIfMatch(ifMatch)));
  }
}
