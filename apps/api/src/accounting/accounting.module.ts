import { Module } from '@nestjs/common';
import { CompaniesModule } from '../companies';
import { JournalProjection } from './read-model/journal.projection';
import { SieExportController, SieExportHandler } from './sie-export/sie-export';

/** Bookkeeping of payments: the journal and its SIE 4 export. */
@Module({
  imports: [CompaniesModule],
  controllers: [SieExportController],
  providers: [JournalProjection, SieExportHandler],
  exports: [JournalProjection],
})
export class AccountingModule {}
