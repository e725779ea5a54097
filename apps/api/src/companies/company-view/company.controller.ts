import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CallerCompany } from '../../shared/auth/auth.guard';
import { ErrorDto } from '../../shared/http/address.dto';
import { CompanyView } from './company-view';
import { GetCompanyQuery } from './get-company.query';

@ApiTags('companies')
@ApiBearerAuth()
@Controller('api/company')
export class CompanyController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOkResponse({ type: CompanyView, description: "The caller's company" })
  @ApiNotFoundResponse({ type: ErrorDto })
  get(@CallerCompany() companyId: string): Promise<CompanyView> {
    return this.queries.execute(new GetCompanyQuery(companyId));
  }
}
