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

/** Standard error body: a stable code and a sentence a person understands. */
export class ErrorDto {
  @ApiProperty({ example: 'INVOICE.NOT_OVERDUE' })
  code!: string;
  @ApiProperty({ example: 'The invoice is not overdue yet: it can be paid on time until 2026-12-28.' })
  message!: string;
  @ApiPropertyOptional({ description: 'Field errors for a 400', type: 'array', items: { type: 'object' } })
  errors?: { field: string; message: string }[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  details?: Record<string, unknown>;
}
