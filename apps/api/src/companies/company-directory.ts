import { Inject, Injectable } from '@nestjs/common';
import { type CompanyEvent, type CompanyState, activationNeed, companyDecider, fold, streams } from '@pm/domain';
import { type EventStore } from '@pm/event-store';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { EVENT_STORE } from '../infrastructure/database/tokens';

/**
 * The companies context's public face for other contexts: whether a company may send now. Read from
 * the company's stream, not a read model, so an activation counts the moment it is stored.
 */
@Injectable()
export class CompanyDirectory {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async state(companyId: string): Promise<CompanyState> {
    const { events } = await this.store.readStream(streams.company(companyId));
    return fold(companyDecider, events as unknown as CompanyEvent[]);
  }

  async isActive(companyId: string): Promise<boolean> {
    return activationNeed(await this.state(companyId), this.config.termsVersion) === null;
  }
}
