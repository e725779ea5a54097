import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiProperty, ApiPropertyOptional, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { RequireRole } from '../../shared/auth/auth.guard';
import { AddressDto, ErrorDto } from '../../shared/http/address.dto';
import { type CommandContext, Ctx } from '../../shared/http/command-context';
import { RegisterCompanyCommand } from './register-company.command';

export class RegisterCompanyDto {
  @ApiProperty({ example: '556036-0793', description: 'Swedish organisationsnummer; the check digit is verified' })
  @IsString()
  @Matches(/^(16)?\d{6}-?\d{4}$/, { message: 'organisationNumber must look like NNNNNN-NNNN' })
  organisationNumber!: string;

  @ApiProperty({ example: 'Byggfirman i Lund AB' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ example: 'SE', description: 'Only SE is accepted (Swedish companies only)' })
  @IsString()
  @Matches(/^[A-Z]{2}$/, { message: 'country must be a two-letter ISO country code such as SE' })
  country!: string;

  @ApiProperty({ type: AddressDto })
  @IsObject()
  @ValidateNested()
  @Type(() => AddressDto)
  address!: AddressDto;

  @ApiPropertyOptional({ example: '5677-5612', description: 'The bankgiro number incoming payments arrive on; bank files for other accounts are refused' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{3,4}-?\d{4}$/, { message: 'bankgiro must look like NNN-NNNN or NNNN-NNNN' })
  bankgiro?: string;

  @ApiPropertyOptional({ description: 'The company used the legacy service and must activate again' })
  @IsOptional()
  @IsBoolean()
  fromLegacyService?: boolean;
}

export class CompanyCreatedDto {
  @ApiProperty()
  companyId!: string;
}

@ApiTags('companies')
@ApiBearerAuth()
@Controller('api/companies')
export class RegisterCompanyController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @RequireRole('admin')
  @ApiCreatedResponse({ type: CompanyCreatedDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'COMPANY.ALREADY_REGISTERED' })
  @ApiUnprocessableEntityResponse({ type: ErrorDto, description: 'COMPANY.NOT_SWEDISH, COMPANY.INVALID_ORGANISATION_NUMBER, COMPANY.INVALID_BANKGIRO' })
  register(@Body() body: RegisterCompanyDto, @Ctx() context: CommandContext): Promise<CompanyCreatedDto> {
    return this.commands.execute(new RegisterCompanyCommand(body, context));
  }
}
