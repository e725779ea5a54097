import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiProperty, ApiPropertyOptional, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { type PaymentSource } from '@pm/domain';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { CallerCompany } from '../../shared/auth/auth.guard';
import { ErrorDto } from '../../shared/http/address.dto';
import { type CommandContext, Ctx } from '../../shared/http/command-context';
import { InvoiceNumberPipe } from '../../shared/http/params';
import { InvoiceReader } from '../invoice-view/invoice-reader';
import { InvoiceView } from '../invoice-view/invoice-view';
import { ReceivableCommands } from '../receivable-commands';

export class RegisterPaymentCommand {
  constructor(
    readonly companyId: string,
    readonly invoiceNumber: string,
    readonly payment: { amountOre: number; paidOn: string; reference?: string; source: PaymentSource },
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(RegisterPaymentCommand)
export class RegisterPaymentHandler implements ICommandHandler<RegisterPaymentCommand, { paymentId: string; invoice: InvoiceView }> {
  constructor(
    private readonly receivables: ReceivableCommands,
    private readonly reader: InvoiceReader,
  ) {}

  async execute({ companyId, invoiceNumber, payment, context }: RegisterPaymentCommand) {
    const paymentId = randomUUID();
    await this.receivables.run(
      companyId,
      invoiceNumber,
      (base) => ({ type: 'RegisterPayment', ...base, data: { paymentId, ...payment } }),
      context,
    );
    return { paymentId, invoice: await this.reader.get(companyId, invoiceNumber) };
  }
}

export class RegisterPaymentDto {
  @ApiProperty({ example: 50000, description: 'Amount paid, in öre' })
  @IsInt()
  @Min(1)
  @Max(1_000_000_000_000)
  amountOre!: number;

  @ApiProperty({ example: '2026-11-20' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'paidOn must be a date written YYYY-MM-DD' })
  paidOn!: string;

  @ApiPropertyOptional({ description: "The payment's reference (bank reference, receipt number); the same reference is never booked twice" })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  reference?: string;
}

export class PaymentRegisteredDto {
  @ApiProperty() paymentId!: string;
  @ApiProperty({ type: InvoiceView }) invoice!: InvoiceView;
}

@ApiTags('invoices')
@ApiBearerAuth()
@Controller('api/invoices')
export class RegisterPaymentController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':invoiceNumber/payments')
  @HttpCode(201)
  @ApiCreatedResponse({ type: PaymentRegisteredDto, description: 'A payment covering the remaining claim closes an open case as paid' })
  @ApiConflictResponse({ type: ErrorDto, description: 'PAYMENT.DUPLICATE, INVOICE.CREDITED' })
  @ApiUnprocessableEntityResponse({ type: ErrorDto, description: 'PAYMENT.EXCEEDS_REMAINING' })
  register(
    @CallerCompany() companyId: string,
    @Param('invoiceNumber', InvoiceNumberPipe) invoiceNumber: string,
    @Body() body: RegisterPaymentDto,
    @Ctx() context: CommandContext,
  ): Promise<PaymentRegisteredDto> {
    return this.commands.execute(new RegisterPaymentCommand(companyId, invoiceNumber, { ...body, source: 'manual' }, context));
  }
}
