/**
 * Signed push notifications from the partner (besides polling). The signature is checked over the raw
 * body; the idempotency key and the signature are remembered (`SeenPushes`) so a replayed or duplicated notification
 * does nothing. A notification only says which case changed: we fetch the case and converge to it.
 */
import { Controller, HttpCode, Inject, Logger, Post, Req, UnauthorizedException } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AmiliAdapter, PUSH_TOLERANCE_SECONDS } from '@pm/amili-adapter';
import { type SqlClient } from '@pm/event-store';
import { type FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { Clock } from '../../infrastructure/event-sourcing/clock';
import { SQL_CLIENT } from '../../infrastructure/database/tokens';
import { Public } from '../../shared/auth/auth.guard';
import { PartnerCaseSync } from './partner-case-sync';
import { SeenPushes } from './seen-pushes';

@ApiTags('partner')
@Controller('api/partner')
export class PushNotificationsController {
  private readonly logger = new Logger(PushNotificationsController.name);
  private readonly seen: SeenPushes;

  constructor(
    @Inject(SQL_CLIENT) sql: SqlClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly partner: AmiliAdapter,
    private readonly sync: PartnerCaseSync,
  ) {
    this.seen = new SeenPushes(sql, PUSH_TOLERANCE_SECONDS);
  }

  @Post('notifications')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: "The partner's signed push notification that a case changed (no bearer token: the signature authenticates)" })
  @ApiHeader({ name: 'X-Webhook-Signature', description: 'sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">' })
  @ApiHeader({ name: 'X-Webhook-Timestamp', description: 'Unix seconds; older than 5 minutes is refused' })
  @ApiHeader({ name: 'X-Idempotency-Key', description: 'A repeated key is answered `duplicate` and does nothing' })
  @ApiOkResponse({ description: '{status: applied | duplicate | deferred}' })
  @ApiUnauthorizedResponse({ description: 'PARTNER.BAD_SIGNATURE' })
  async receive(@Req() request: FastifyRequest & { rawBody?: Buffer }): Promise<{ status: 'applied' | 'duplicate' | 'deferred' }> {
    const now = this.clock.now();
    const verified = this.partner.verifyPushNotification({
      headers: request.headers as Record<string, string | string[] | undefined>,
      rawBody: request.rawBody?.toString('utf8') ?? '',
      secret: this.config.partner!.webhookSecret,
      now,
      toleranceSeconds: PUSH_TOLERANCE_SECONDS,
    });
    if (!verified.ok) throw new UnauthorizedException({ code: 'PARTNER.BAD_SIGNATURE', message: `The notification is not from the partner: ${verified.reason}` });
    // The signature does not cover X-Idempotency-Key, so a captured notification replayed within the window
    // under a key of its own would pass as new: the signature itself (one per body and second) is kept too,
    // and a notification counts as new only when neither was seen. The partner's own retries keep their key.
    const signature = String(request.headers['x-webhook-signature']).trim().toLowerCase();
    if (!(await this.seen.firstTime(verified.idempotencyKey, signature, now))) return { status: 'duplicate' };
    try {
      const view = await this.partner.getCase(verified.partnerCaseId);
      if (view) await this.sync.apply(view, 'push');
      return { status: 'applied' };
    } catch (error) {
      // The partner cannot be read right now: polling and reconciliation will catch up.
      this.logger.warn(`Could not fetch partner case ${verified.partnerCaseId} after a notification: ${(error as Error).message}`);
      return { status: 'deferred' };
    }
  }
}
