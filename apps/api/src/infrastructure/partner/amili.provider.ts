import { AmiliAdapter } from '@pm/amili-adapter';
import { Injectable, Logger, Optional } from '@nestjs/common';
import { type AppConfig, APP_CONFIG } from '../../config/app-config';

/** The one partner adapter of this process, built from configuration (AMILI_URL, AMILI_API_KEY, …). */
export const AmiliAdapterProvider = {
  provide: AmiliAdapter,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => {
    const partner = config.partner!;
    const logger = new Logger('Partner');
    return new AmiliAdapter({
      baseUrl: partner.url,
      apiKey: partner.apiKey,
      portalUrl: partner.portalUrl,
      logger: { warn: (message: string, details?: Record<string, unknown>) => logger.warn(details ? `${message} ${JSON.stringify(details)}` : message) },
    });
  },
};

/** Who the partner is in our events. */
export const PARTNER_ACTOR = { kind: 'partner', id: 'amili' } as const;

/**
 * Links into the partner's portal for the read models. Without a configured partner there is no portal
 * (null); the URL scheme itself is the adapter's knowledge.
 */
@Injectable()
export class PartnerPortal {
  constructor(@Optional() private readonly partner?: AmiliAdapter) {}

  general(): string | null {
    return this.partner?.portalUrl() ?? null;
  }

  forCase(partnerCaseId: string | null | undefined): string | null {
    return this.partner && partnerCaseId ? this.partner.portalUrl(partnerCaseId) : null;
  }
}
