import { Controller, Get, Inject, NotFoundException, Param, ParseUUIDPipe } from '@nestjs/common';
import { type IQueryHandler, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { type EventStore, type SqlClient } from '@pm/event-store';
import { EVENT_STORE, SQL_CLIENT } from '../infrastructure/database/tokens';
import { CallerCompany } from '../shared/auth/auth.guard';
import { ErrorDto } from '../shared/http/address.dto';
import { CHAIN_LIMITS, verifyChains } from './verify-chains/verify-chains';

export class AuditActorDto {
  @ApiProperty({ enum: ['user', 'partner', 'bank', 'system'] }) kind!: string;
  @ApiProperty() id!: string;
}

export class AuditEntryDto {
  @ApiProperty() eventId!: string;
  @ApiProperty({ example: 'ReminderCaseRequested' }) type!: string;
  @ApiProperty() streamVersion!: number;
  @ApiProperty({ description: 'When it happened' }) occurredAt!: string;
  @ApiProperty({ description: 'When it was stored' }) recordedAt!: string;
  @ApiProperty({ type: AuditActorDto }) actor!: AuditActorDto;
  @ApiPropertyOptional({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty() correlationId!: string;
  @ApiProperty() causationId!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: Record<string, unknown>;
  @ApiProperty() previousHash!: string;
  @ApiProperty() hash!: string;
}

export class ChainProblemDto {
  @ApiProperty({
    enum: ['edited', 'missing', 'reordered', 'broken_link', 'truncated', 'rewritten'],
    description:
      'edited: the content no longer matches its hash; missing: the version was deleted; reordered: the event sits at another version ' +
      'than it was written at; broken_link: its previousHash is not the hash of the event before; truncated: the audit trail recorded ' +
      'versions beyond the end of the log (the last events were deleted); rewritten: the event is not the one the audit trail recorded',
  })
  kind!: string;
  @ApiProperty({ description: 'The version of the invoice stream the problem is at' }) streamVersion!: number;
  @ApiProperty() message!: string;
}

export class ChainStatusDto {
  @ApiProperty({ description: "Whether the hash chain of the invoice's whole stream (the case's events and the invoice's) verifies, read from the event log" })
  verified!: boolean;
  @ApiProperty({ description: 'Events of the stream whose hash was recomputed' }) checkedEvents!: number;
  @ApiProperty({ type: [ChainProblemDto] }) problems!: ChainProblemDto[];
  @ApiProperty({ description: 'What the check cannot show (deleting the last events of a stream)' }) note!: string;
}

export class CaseAuditTrailDto {
  @ApiProperty() caseId!: string;
  @ApiProperty({ type: [AuditEntryDto] }) events!: AuditEntryDto[];
  @ApiProperty({ type: ChainStatusDto, description: "Tamper evidence: the invoice stream's hash chain, verified from the event log (not the read model)" })
  chain!: ChainStatusDto;
}

export class GetCaseAuditTrailQuery {
  constructor(
    readonly companyId: string,
    readonly caseId: string,
  ) {}
}

interface AuditRow {
  stream_id: string;
  event_id: string;
  type: string;
  stream_version: number;
  occurred_at: string;
  recorded_at: string;
  actor: AuditActorDto | string;
  reason: string | null;
  correlation_id: string;
  causation_id: string;
  data: Record<string, unknown> | string;
  previous_hash: string;
  hash: string;
}

const json = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

@QueryHandler(GetCaseAuditTrailQuery)
export class GetCaseAuditTrailHandler implements IQueryHandler<GetCaseAuditTrailQuery, CaseAuditTrailDto> {
  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute({ companyId, caseId }: GetCaseAuditTrailQuery): Promise<CaseAuditTrailDto> {
    const { rows } = await this.sql.query<AuditRow>(
      `SELECT stream_id, event_id, type, stream_version, occurred_at, recorded_at, actor, reason, correlation_id, causation_id, data,
              previous_hash, hash
       FROM rm_audit WHERE case_id = $1 AND company_id = $2 ORDER BY stream_version`,
      [caseId, companyId],
    );
    if (rows.length === 0) throw new NotFoundException({ code: 'CASE.NOT_FOUND', message: 'There is no such reminder case.' });
    // The stream the case lives in (the invoice's), verified whole from the log itself.
    const reports = await Promise.all([...new Set(rows.map((row) => row.stream_id))].map((streamId) => verifyChains({ sql: this.sql, store: this.store }, { streamId })));
    const problems = reports.flatMap((report) => report.problems);
    return {
      caseId,
      events: rows.map((row) => ({
        eventId: row.event_id,
        type: row.type,
        streamVersion: Number(row.stream_version),
        occurredAt: row.occurred_at,
        recordedAt: row.recorded_at,
        actor: json(row.actor),
        reason: row.reason,
        correlationId: row.correlation_id,
        causationId: row.causation_id,
        data: json(row.data),
        previousHash: row.previous_hash,
        hash: row.hash,
      })),
      chain: {
        verified: problems.length === 0,
        checkedEvents: reports.reduce((sum, report) => sum + report.events, 0),
        problems: problems.map(({ kind, streamVersion, message }) => ({ kind, streamVersion, message })),
        note: CHAIN_LIMITS,
      },
    };
  }
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/cases')
export class CaseAuditTrailController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':caseId/events')
  @ApiOkResponse({ type: CaseAuditTrailDto, description: "Every event of the case: who, when, what, why; and whether the invoice stream's hash chain verifies" })
  @ApiNotFoundResponse({ type: ErrorDto })
  get(
    @CallerCompany() companyId: string,
    @Param('caseId', new ParseUUIDPipe({ exceptionFactory: () => new NotFoundException({ code: 'CASE.NOT_FOUND', message: 'There is no such reminder case.' }) }))
    caseId: string,
  ): Promise<CaseAuditTrailDto> {
    return this.queries.execute(new GetCaseAuditTrailQuery(companyId, caseId));
  }
}
