/**
 * The bank connection: files the bank delivers into BANK_INBOX_DIR are imported for the company whose
 * bankgiro they are for, then moved to `processed/` — or to `failed/` beside a `<name>.errors.json`
 * that says why (a broken file, an unknown account). A failure on our side (the database is away) leaves
 * the file where it is, to be tried again. A file still being written is left for the next
 * round: only files unchanged since the previous round are taken. Without BANK_INBOX_DIR the job sleeps.
 */
import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { mkdir, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { PeriodicJob } from '../../infrastructure/periodic-job';
import { toErrorResponse } from '../../shared/http/error.filter';
import { ImportBankFileCommand } from '../import-bank-file/import-bank-file';

@Injectable()
export class BankInboxJob extends PeriodicJob {
  private readonly seen = new Map<string, string>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly commands: CommandBus,
  ) {
    super();
  }

  /** Without BANK_INBOX_DIR there is no bank connection, and nothing to watch. */
  override onApplicationBootstrap(): void {
    if (this.config.bankInbox) super.onApplicationBootstrap();
  }

  protected interval(): number {
    return this.config.bankInbox?.intervalMs ?? 60_000;
  }

  /** Imports every settled file; returns how many were handled. */
  protected async work(): Promise<number> {
    if (!this.config.bankInbox) return 0;
    const dir = this.config.bankInbox.dir;
    await mkdir(join(dir, 'processed'), { recursive: true });
    await mkdir(join(dir, 'failed'), { recursive: true });
    let handled = 0;
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (!entry.isFile() || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      const info = await stat(path);
      const signature = `${info.size}:${info.mtimeMs}`;
      // Wait one round for a file to stop changing: the bank may still be writing it.
      if (this.seen.get(entry.name) !== signature) {
        this.seen.set(entry.name, signature);
        continue;
      }
      this.seen.delete(entry.name);
      await this.importOne(dir, entry.name);
      handled++;
    }
    return handled;
  }

  private async importOne(dir: string, name: string): Promise<void> {
    const path = join(dir, name);
    const bytes = await readFile(path);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    try {
      // The file names its account; the import gives it to the company of that bankgiro.
      const report = await this.commands.execute(
        new ImportBankFileCommand(undefined, { bytes, name }, { actor: { kind: 'bank', id: 'bank-inbox' }, correlationId: `inbox:${name}`, causationId: `inbox:${name}` }, 'inbox'),
      );
      await rename(path, join(dir, 'processed', `${stamp}-${name}`));
      this.logger.log(`Imported ${name}: ${JSON.stringify(report)}`);
    } catch (error) {
      const { status, body } = toErrorResponse(error);
      // Our side failed (the database is away …): the file stays in the inbox and is tried again.
      if (status >= 500 || body.code === 'REQUEST.CONCURRENT_CHANGE') {
        this.logger.error(`Bank file ${name} could not be imported now; it stays in the inbox for the next round: ${(error as Error).message}`);
        return;
      }
      // The file itself is refused (broken, for an unknown account …): it goes aside with the reasons.
      await rename(path, join(dir, 'failed', `${stamp}-${name}`));
      await writeFile(join(dir, 'failed', `${stamp}-${name}.errors.json`), JSON.stringify(body, null, 2) + '\n');
      this.logger.warn(`Bank file ${name} was not imported: ${JSON.stringify(body)}`);
    }
  }
}
