import { Module } from '@nestjs/common';
import { ReportOverviewController, ReportOverviewHandler } from './overview/overview';

/** Reports over the read models: ageing, cases by status, amounts collected. */
@Module({
  controllers: [ReportOverviewController],
  providers: [ReportOverviewHandler],
})
export class ReportsModule {}
