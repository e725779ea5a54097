import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** A postal address, shared by companies and customers. */
export class AddressDto {
  @ApiProperty({ example: 'Storgatan 1' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  line1!: string;

  @ApiPropertyOptional({ example: 'c/o Andersson' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  line2?: string;

  @ApiProperty({ example: '111 22' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(20)
  postalCode!: string;

  @ApiProperty({ example: 'Stockholm' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  city!: string;

  @ApiProperty({ example: 'SE', description: 'ISO 3166-1 alpha-2 country code' })
  @IsString()
  @Matches(/^[A-Z]{2}$/, { message: 'country must be a two-letter ISO country code such as SE' })
  country!: string;
}

/** One problem of a refused request: a field (400), or a place in a refused bank file (422 PAYMENT_FILE.INVALID). */
export class ErrorItemDto {
  @ApiPropertyOptional({ description: 'The request field (400)' }) field?: string;
  @ApiPropertyOptional({ description: 'The 1-based line of the file' }) line?: number;
  @ApiPropertyOptional({ description: 'camt.054: the XML path of the element' }) path?: string;
  @ApiProperty() message!: string;
}

/** Standard error body: a stable code and a sentence a person understands. */
export class ErrorDto {
  @ApiProperty({ example: 'INVOICE.NOT_OVERDUE' })
  code!: string;
  @ApiProperty({ example: 'The invoice is not overdue yet: it can be paid on time until 2026-12-28.' })
  message!: string;
  @ApiPropertyOptional({ type: [ErrorItemDto], description: 'Each problem: the fields of a 400, or the located errors of a refused file' })
  errors?: ErrorItemDto[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  details?: Record<string, unknown>;
}
