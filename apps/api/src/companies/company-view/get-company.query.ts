import { Inject, NotFoundException } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { type CompanyState } from '@pm/domain';
import { type SqlClient } from '@pm/event-store';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { SQL_CLIENT } from '../../infrastructure/database/tokens';
import { PartnerPortal } from '../../infrastructure/partner/amili.provider';
import { type CompanyView, companyView } from './company-view';

export class GetCompanyQuery {
  constructor(readonly companyId: string) {}
}

@QueryHandler(GetCompanyQuery)
export class GetCompanyHandler implements IQueryHandler<GetCompanyQuery, CompanyView> {
  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly portal: PartnerPortal,
  ) {}

  async execute({ companyId }: GetCompanyQuery): Promise<CompanyView> {
    const { rows } = await this.sql.query<{ state: CompanyState }>('SELECT state FROM rm_companies WHERE company_id = $1', [companyId]);
    const state = rows[0]?.state;
    if (!state || state.status !== 'registered')
      throw new NotFoundException({ code: 'COMPANY.NOT_FOUND', message: 'The company is not registered for reminder handling.' });
    return companyView(state, this.config.termsVersion, this.portal.general());
  }
}
