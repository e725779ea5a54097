/** What other contexts may use of the companies context. */
export { CompaniesModule } from './companies.module';
export { CompanyDirectory } from './company-directory';
export { CompanyProjection } from './read-model/company.projection';
