import { Body, Controller, Headers, Param, Put, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { type FastifyReply } from 'fastify';
import { CallerCompany } from '../../shared/auth/auth.guard';
import { AddressDto, ErrorDto } from '../../shared/http/address.dto';
import { type CommandContext, Ctx } from '../../shared/http/command-context';
import { InvoiceNumberPipe, parseIfMatch } from '../../shared/http/params';
import { InvoiceView } from '../invoice-view/invoice-view';
import { UpsertInvoiceCommand } from './upsert-invoice.command';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_ORE = 1_000_000_000_000; // 10 000 000 000 kr: far above any invoice, far below unsafe integers

export class CustomerDto {
  @ApiProperty({ example: 'Kalle Svensson' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ example: '19811218-9876', description: 'Personnummer (YYYYMMDD-NNNN) or organisationsnummer' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(20)
  identityNumber!: string;

  @ApiProperty()
  @IsBoolean()
  isCompany!: boolean;

  @ApiPropertyOptional({ example: 'kalle@example.se' })
  @IsOptional()
  @IsEmail()
  @MaxLength(200)
  email?: string;

  @ApiProperty({ type: AddressDto })
  @IsObject()
  @ValidateNested()
  @Type(() => AddressDto)
  address!: AddressDto;
}

export class TaxReductionBuyerDto {
  @ApiProperty({ description: 'Personnummer' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(20)
  identityNumber!: string;

  @ApiProperty()
  @IsInt()
  @Min(1)
  @Max(MAX_ORE)
  amountOre!: number;
}

export class TaxReductionDto {
  @ApiProperty({ enum: ['ROT', 'RUT', 'GREEN_TECH'] })
  @IsIn(['ROT', 'RUT', 'GREEN_TECH'])
  type!: 'ROT' | 'RUT' | 'GREEN_TECH';

  @ApiProperty({ description: 'The reduction Skatteverket pays, in öre; never claimed from the customer' })
  @IsInt()
  @Min(1)
  @Max(MAX_ORE)
  amountOre!: number;

  @ApiPropertyOptional({ type: [TaxReductionBuyerDto], description: 'Buyers sharing the reduction' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => TaxReductionBuyerDto)
  buyers?: TaxReductionBuyerDto[];
}

export class UpsertInvoiceDto {
  @ApiProperty({ example: '2026-10-01' })
  @Matches(DATE, { message: 'invoiceDate must be a date written YYYY-MM-DD' })
  invoiceDate!: string;

  @ApiProperty({ example: '2026-10-31' })
  @Matches(DATE, { message: 'dueDate must be a date written YYYY-MM-DD' })
  dueDate!: string;

  @ApiProperty({ example: 'SEK', description: 'ISO 4217; only SEK invoices can be sent to reminder handling' })
  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be a three-letter ISO 4217 code such as SEK' })
  currency!: string;

  @ApiProperty({ example: 125000, description: 'Invoice total including VAT, in öre' })
  @IsInt()
  @Min(0)
  @Max(MAX_ORE)
  totalOre!: number;

  @ApiProperty({ example: 25000 })
  @IsInt()
  @Min(0)
  @Max(MAX_ORE)
  vatOre!: number;

  @ApiPropertyOptional({ example: '10018', description: 'OCR reference: 2–25 digits with a Luhn check digit' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{2,25}$/, { message: 'ocr must be 2–25 digits' })
  ocr?: string;

  @ApiProperty({ type: CustomerDto })
  @IsObject()
  @ValidateNested()
  @Type(() => CustomerDto)
  customer!: CustomerDto;

  @ApiPropertyOptional({ type: TaxReductionDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TaxReductionDto)
  taxReduction?: TaxReductionDto;
}

@ApiTags('invoices')
@ApiBearerAuth()
@Controller('api/invoices')
export class UpsertInvoiceController {
  constructor(private readonly commands: CommandBus) {}

  @Put(':invoiceNumber')
  @ApiHeader({ name: 'If-Match', required: false, description: 'The version you saw; 409 if the invoice changed since' })
  @ApiCreatedResponse({ type: InvoiceView, description: 'The invoice was new' })
  @ApiOkResponse({ type: InvoiceView, description: 'The invoice was updated, or was already identical' })
  @ApiBadRequestResponse({ type: ErrorDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'INVOICE.LOCKED_BY_CASE, INVOICE.CREDITED, REQUEST.STALE_VERSION' })
  @ApiUnprocessableEntityResponse({ type: ErrorDto, description: 'INVOICE.INVALID_OCR, INVOICE.INVALID_TAX_REDUCTION, …' })
  async upsert(
    @CallerCompany() companyId: string,
    @Param('invoiceNumber', InvoiceNumberPipe) invoiceNumber: string,
    @Body() body: UpsertInvoiceDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Ctx() context: CommandContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<InvoiceView> {
    const { created, invoice } = await this.commands.execute(
      new UpsertInvoiceCommand(companyId, { invoiceNumber, ...body }, context, parseIfMatch(ifMatch)),
    );
    reply.status(created ? 201 : 200).header('ETag', `"${invoice.version}"`);
    return invoice;
  }
}
