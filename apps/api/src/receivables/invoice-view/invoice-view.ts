import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  INVOICE_STATUSES,
  RECEIVABLE_ACTIONS,
  type ReceivableState,
  allowedActions,
  customerShareOre,
  invoiceStatus,
  lastDayToPayOnTime,
  remainingClaimOre,
} from '@pm/domain';
import { AddressDto } from '../../shared/http/address.dto';


export class CustomerView {
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Personnummer or organisationsnummer' }) identityNumber!: string;
  @ApiProperty() isCompany!: boolean;
  @ApiPropertyOptional() email?: string;
  @ApiProperty({ type: AddressDto }) address!: AddressDto;
}

export class TaxReductionView {
  @ApiProperty({ enum: ['ROT', 'RUT', 'GREEN_TECH'] }) type!: string;
  @ApiProperty() amountOre!: number;
  @ApiProperty({ description: 'The customer has paid their share: the reduction may be requested from Skatteverket' })
  readyForSkatteverket!: boolean;
}

export class InvoiceView {
  @ApiProperty() invoiceNumber!: string;
  @ApiProperty({ example: '2026-10-01' }) invoiceDate!: string;
  @ApiProperty({ example: '2026-10-31' }) dueDate!: string;
  @ApiProperty({ description: 'The due date moved to the next bank day: the last day the customer pays on time' })
  lastDayToPay!: string;
  @ApiProperty({ example: 'SEK' }) currency!: string;
  @ApiProperty() totalOre!: number;
  @ApiProperty() vatOre!: number;
  @ApiPropertyOptional() ocr?: string;
  @ApiProperty({ type: CustomerView }) customer!: CustomerView;
  @ApiPropertyOptional({ type: TaxReductionView }) taxReduction?: TaxReductionView;
  @ApiProperty({ description: 'Total minus tax reduction: what the customer owes' }) customerShareOre!: number;
  @ApiProperty() paidOre!: number;
  @ApiProperty({ description: 'What reminder handling claims now: the customer share minus payments' }) claimOre!: number;
  @ApiProperty({ enum: INVOICE_STATUSES }) status!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) caseId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'The status of the current or last case' }) caseStatus!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'When the invoice was sent to reminder handling' })
  sentAt!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) partnerCaseId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: "The case in the partner's portal" }) portalUrl!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) creditedAt!: string | null;
  @ApiProperty({ enum: RECEIVABLE_ACTIONS, isArray: true, description: 'Exactly the actions allowed now' }) allowedActions!: string[];
  @ApiProperty({ description: 'The stream version: send it back as If-Match to act only on what you saw' }) version!: number;
  @ApiProperty() updatedAt!: string;
}

export function invoiceView(
  state: ReceivableState,
  version: number,
  updatedAt: string,
  now: string,
  portalUrl: (partnerCaseId: string | null) => string | null = () => null,
): InvoiceView {
  const invoice = state.invoice!;
  const current = state.currentCase;
  return {
    invoiceNumber: invoice.invoiceNumber,
    invoiceDate: invoice.invoiceDate,
    dueDate: invoice.dueDate,
    lastDayToPay: lastDayToPayOnTime(invoice.dueDate),
    currency: invoice.currency,
    totalOre: invoice.totalOre,
    vatOre: invoice.vatOre,
    ...(invoice.ocr ? { ocr: invoice.ocr } : {}),
    customer: invoice.customer,
    ...(invoice.taxReduction
      ? {
          taxReduction: {
            type: invoice.taxReduction.type,
            amountOre: invoice.taxReduction.amountOre,
            readyForSkatteverket: state.taxReductionClaimReady,
          },
        }
      : {}),
    customerShareOre: customerShareOre(invoice),
    paidOre: state.paidOre,
    claimOre: remainingClaimOre(state),
    status: invoiceStatus(state, now),
    caseId: current?.caseId ?? null,
    caseStatus: current?.status ?? null,
    sentAt: current?.requestedAt ?? null,
    partnerCaseId: current?.partnerCaseId ?? null,
    portalUrl: portalUrl(current?.partnerCaseId ?? null),
    creditedAt: state.credited?.at ?? null,
    allowedActions: allowedActions(state, now),
    version,
    updatedAt,
  };
}
