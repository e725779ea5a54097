import { Module } from '@nestjs/common';
import { ActivateServiceHandler, DeactivateServiceHandler } from './activation/activation.commands';
import { ActivationController } from './activation/activation.controller';
import { CompanyDirectory } from './company-directory';
import { CompanyController } from './company-view/company.controller';
import { GetCompanyHandler } from './company-view/get-company.query';
import { CompanyProjection } from './read-model/company.projection';
import { RegisterCompanyHandler } from './register-company/register-company.command';
import { RegisterCompanyController } from './register-company/register-company.controller';

/** Companies and their activation of the service. */
@Module({
  controllers: [RegisterCompanyController, CompanyController, ActivationController],
  providers: [CompanyDirectory, RegisterCompanyHandler, GetCompanyHandler, ActivateServiceHandler, DeactivateServiceHandler, CompanyProjection],
  exports: [CompanyDirectory, CompanyProjection],
})
export class CompaniesModule {}
