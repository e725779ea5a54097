import { Controller, Sse, type MessageEvent } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { type Observable, interval, map, merge } from 'rxjs';
import { LiveUpdates } from '../infrastructure/projections/live-updates';
import { CallerCompany } from '../shared/auth/auth.guard';

/**
 * Server-sent events with the caller's company's read-model changes, sent after they are committed:
 * `invoice.changed` (the invoice view), `case.changed` (the case view), `company.changed`.
 * A comment-free `ping` every 25 s keeps proxies from closing an idle stream.
 */
@ApiTags('live')
@ApiBearerAuth()
@Controller('api/events')
export class LiveController {
  constructor(private readonly live: LiveUpdates) {}

  @Sse()
  @ApiQuery({ name: 'access_token', required: false, description: 'For EventSource, which cannot send headers' })
  @ApiOkResponse({ description: 'text/event-stream of invoice.changed, case.changed and company.changed events' })
  stream(@CallerCompany() companyId: string): Observable<MessageEvent> {
    const changes = this.live.messagesFor(companyId).pipe(
      map((message): MessageEvent => ({ type: message.type, data: message.data as object })),
    );
    const pings = interval(25_000).pipe(map((): MessageEvent => ({ type: 'ping', data: {} })));
    return merge(changes, pings);
  }
}
