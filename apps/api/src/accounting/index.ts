export { AccountingModule } from './accounting.module';
export { JournalProjection } from './read-model/journal.projection';
