import { Body, Controller, Delete, Get, HttpCode, Inject, NotFoundException, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { CallerCompany } from '../../shared/auth/auth.guard';
import { ErrorDto } from '../../shared/http/address.dto';
import { type CommandContext, Ctx } from '../../shared/http/command-context';
import { CompanyDirectory } from '../company-directory';
import { ActivationView, activationView } from '../company-view/company-view';
import { ActivateServiceCommand, DeactivateServiceCommand } from './activation.commands';

export class ActivateDto {
  @ApiProperty({ example: '2026-1', description: 'The terms version the user read and accepts' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  termsVersion!: string;

  @ApiProperty({ example: true, description: 'Explicit acceptance; must be true' })
  @IsBoolean()
  accepted!: boolean;
}

export class DeactivateDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

@ApiTags('activation')
@ApiBearerAuth()
@Controller('api/activation')
export class ActivationController {
  constructor(
    private readonly commands: CommandBus,
    private readonly companies: CompanyDirectory,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiOkResponse({ type: ActivationView })
  async get(@CallerCompany() companyId: string): Promise<ActivationView> {
    const state = await this.companies.state(companyId);
    if (state.status !== 'registered')
      throw new NotFoundException({ code: 'COMPANY.NOT_FOUND', message: 'The company is not registered for reminder handling.' });
    return activationView(state, this.config.termsVersion);
  }

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: ActivationView })
  @ApiConflictResponse({ type: ErrorDto, description: 'ACTIVATION.TERMS_VERSION_OUTDATED' })
  @ApiUnprocessableEntityResponse({ type: ErrorDto, description: 'ACTIVATION.TERMS_NOT_ACCEPTED' })
  activate(@CallerCompany() companyId: string, @Body() body: ActivateDto, @Ctx() context: CommandContext): Promise<ActivationView> {
    return this.commands.execute(new ActivateServiceCommand(companyId, body, context));
  }

  @Delete()
  @ApiOkResponse({ type: ActivationView })
  deactivate(@CallerCompany() companyId: string, @Body() body: DeactivateDto, @Ctx() context: CommandContext): Promise<ActivationView> {
    return this.commands.execute(new DeactivateServiceCommand(companyId, body?.reason, context));
  }
}
