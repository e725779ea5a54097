/** `GET /api/admin/audit/verify?company=&stream=&heads=true` (admin): the hash chains of the event log, verified. */
import { BadRequestException, Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { type EventStore, type SqlClient } from '@pm/event-store';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { EVENT_STORE, SQL_CLIENT } from '../../infrastructure/database/tokens';
import { RequireRole } from '../../shared/auth/auth.guard';
import { ErrorDto } from '../../shared/http/address.dto';
import { companyIdFromParam } from '../export-audit-events/audit-filter';
import { type ChainVerification, type StreamHead, verifyChains } from './verify-chains';

export class VerifyChainsQueryDto {
  @ApiPropertyOptional({ example: '556036-0793', description: "Only this company's streams: its organisation number or id" })
  @IsOptional()
  @IsString()
  company?: string;

  @ApiPropertyOptional({ description: 'Only this stream' })
  @IsOptional()
  @IsString()
  stream?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: "Include every stream's head (version and hash): keep them outside the database" })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'heads must be true or false' })
  heads?: 'true' | 'false';
}

export class VerifyProblemDto {
  @ApiProperty({ enum: ['edited', 'missing', 'reordered', 'broken_link', 'truncated', 'rewritten'] }) kind!: string;
  @ApiProperty() streamId!: string;
  @ApiProperty() streamVersion!: number;
  @ApiPropertyOptional() eventId?: string;
  @ApiProperty() message!: string;
}

export class VerifyHeadsDto {
  @ApiProperty({ enum: ['rm_audit'], nullable: true, type: String, description: 'The read model the heads were compared with, if there was one' })
  witness!: 'rm_audit' | null;
  @ApiProperty({ description: 'Streams the audit trail had recorded up to their head' }) witnessedToHead!: number;
  @ApiProperty({ description: 'Streams it had not: deleting their last events cannot be shown' }) notWitnessedToHead!: number;
  @ApiProperty({ description: 'Streams compared with a kept head' }) anchored!: number;
}

export class StreamHeadDto {
  @ApiProperty() streamId!: string;
  @ApiProperty({ nullable: true, type: String }) companyId!: string | null;
  @ApiProperty() events!: number;
  @ApiProperty() version!: number;
  @ApiProperty({ nullable: true, type: String }) hash!: string | null;
  @ApiProperty({ nullable: true, type: Number }) witnessedVersion!: number | null;
}

export class ChainVerificationDto {
  @ApiProperty() verified!: boolean;
  @ApiProperty() streams!: number;
  @ApiProperty() events!: number;
  @ApiProperty({ type: [VerifyProblemDto] }) problems!: VerifyProblemDto[];
  @ApiProperty({ type: VerifyHeadsDto }) heads!: VerifyHeadsDto;
  @ApiProperty({ description: 'What the check cannot show' }) limits!: string;
  @ApiPropertyOptional({ type: [StreamHeadDto], description: 'With heads=true' }) streamHeads?: StreamHeadDto[];
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/admin/audit')
export class VerifyChainsController {
  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('verify')
  @RequireRole('admin')
  @ApiOkResponse({ type: ChainVerificationDto, description: 'Every stream’s hash chain recomputed from the event log, with every problem found' })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'AUDIT.INVALID_FILTER: a bad company' })
  @ApiForbiddenResponse({ type: ErrorDto, description: 'Not an admin token' })
  async verify(@Query() query: VerifyChainsQueryDto): Promise<ChainVerification & { streamHeads?: StreamHead[] }> {
    let companyId: string | undefined;
    if (query.company !== undefined) {
      companyId = companyIdFromParam(query.company);
      if (!companyId) {
        const message = `company must be an organisation number (NNNNNN-NNNN) or a company id, got ${JSON.stringify(query.company)}`;
        throw new BadRequestException({ code: 'AUDIT.INVALID_FILTER', message: `The filter is not valid: ${message}.`, errors: [{ field: 'company', message }] });
      }
    }
    const streamHeads: StreamHead[] = [];
    const report = await verifyChains({ sql: this.sql, store: this.store }, { companyId, streamId: query.stream }, query.heads === 'true' ? { onStream: (head) => streamHeads.push(head) } : {});
    return query.heads === 'true' ? { ...report, streamHeads } : report;
  }
}
