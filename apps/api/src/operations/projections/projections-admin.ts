/**
 * The operator's view of the read models over HTTP (admin only): status, and a rebuild that runs in this
 * process. The CLI uses it when the running API holds the embedded store (one process at a time); on a
 * PostgreSQL server the CLI rebuilds directly, and both ways share ProjectionRebuild.
 */
import { Body, ConflictException, Controller, Delete, Get, HttpCode, Inject, Injectable, Logger, NotFoundException, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { type EventStore, type SqlClient } from '@pm/event-store';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { EVENT_STORE, SQL_CLIENT } from '../../infrastructure/database/tokens';
import { PROJECTIONS, type Projection } from '../../infrastructure/projections/projection';
import { ProjectionRebuild, type RebuildProgress, RebuildRunningError, UnknownProjectionError } from '../../infrastructure/projections/projection-rebuild';
import { projectionStatus } from '../../infrastructure/projections/projection-status';
import { RequireRole } from '../../shared/auth/auth.guard';
import { ErrorDto } from '../../shared/http/address.dto';

export class StartRebuildDto {
  @ApiPropertyOptional({ type: [String], example: ['invoice-list'], description: 'The projections to rebuild; omit for all of them' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Matches(/^[a-z0-9-]{1,64}$/, { each: true, message: 'each projection is a name like invoice-list' })
  projections?: string[];

  @ApiPropertyOptional({ description: 'Start over instead of resuming an interrupted rebuild' })
  @IsOptional()
  @IsBoolean()
  restart?: boolean;

  @ApiPropertyOptional({ minimum: 1, maximum: 100_000, default: 5000, description: 'Events per page of the replay' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  batchSize?: number;
}

export class ProjectionStatusDto {
  @ApiProperty() projection!: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: '"commit/prepare" of the last event taken in' }) checkpoint!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) checkpointUpdatedAt!: string | null;
  @ApiProperty({ description: 'Events of the log not taken in yet' }) lagEvents!: number;
  @ApiProperty({ description: 'Age of the oldest of those, in seconds' }) lagSeconds!: number;
  @ApiProperty() rebuildable!: boolean;
}

export class RebuildStateDto {
  @ApiProperty() projection!: string;
  @ApiProperty({ enum: ['running', 'interrupted', 'done'] }) status!: string;
  @ApiProperty() events!: number;
  @ApiProperty() startedAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) finishedAt!: string | null;
}

export class RebuildProgressDto {
  @ApiProperty({ type: [String] }) projections!: string[];
  @ApiProperty({ enum: ['replaying', 'indexing', 'switching', 'done', 'interrupted'] }) phase!: string;
  @ApiProperty() events!: number;
  @ApiProperty() totalEvents!: number;
  @ApiProperty() logEvents!: number;
  @ApiProperty() eventsPerSecond!: number;
  @ApiProperty() resumed!: boolean;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Why the run stopped, when it failed' }) error!: string | null;
}

export class ProjectionsOverviewDto {
  @ApiProperty({ type: [ProjectionStatusDto] }) projections!: ProjectionStatusDto[];
  @ApiProperty({ type: [RebuildStateDto] }) rebuilds!: RebuildStateDto[];
  @ApiPropertyOptional({ nullable: true, type: RebuildProgressDto, description: 'The rebuild this process runs or ran last' }) current!: RebuildProgressDto | null;
}

/** One rebuild at a time in this process, in the background; its progress is read by polling. */
@Injectable()
export class RebuildService {
  private readonly logger = new Logger(RebuildService.name);
  private abort?: AbortController;
  private running?: Promise<unknown>;
  current: (RebuildProgress & { error: string | null }) | null = null;

  constructor(
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: Projection[],
  ) {}

  engine(): ProjectionRebuild {
    return new ProjectionRebuild(this.sql, this.store, this.projections);
  }

  start(names: string[] | 'all', restart: boolean, batchSize?: number): RebuildProgress & { error: string | null } {
    if (this.running) throw new RebuildRunningError(this.current?.projections ?? []);
    const engine = this.engine();
    const selected = engine.select(names).map((p) => p.name);
    const abort = new AbortController();
    this.abort = abort;
    this.current = { projections: selected, phase: 'replaying', events: 0, totalEvents: 0, logEvents: 0, eventsPerSecond: 0, resumed: false, error: null };
    this.running = engine
      .run(selected, { restart, batchSize, signal: abort.signal, onProgress: (progress) => (this.current = { ...progress, error: null }) })
      .catch((error: Error) => {
        this.logger.error(`Rebuild of ${selected.join(', ')} failed: ${error.message}`);
        this.current = { ...(this.current ?? { projections: selected, events: 0, totalEvents: 0, logEvents: 0, eventsPerSecond: 0, resumed: false }), phase: 'interrupted', error: error.message };
      })
      .finally(() => {
        this.running = undefined;
        this.abort = undefined;
      });
    return this.current;
  }

  interrupt(): boolean {
    if (!this.abort) return false;
    this.abort.abort();
    return true;
  }
}

@ApiTags('operations')
@ApiBearerAuth()
@RequireRole('admin')
@Controller('api/admin/projections')
export class ProjectionsAdminController {
  constructor(
    private readonly rebuilds: RebuildService,
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: Projection[],
  ) {}

  @Get()
  @ApiOkResponse({ type: ProjectionsOverviewDto })
  async overview(): Promise<ProjectionsOverviewDto> {
    return {
      projections: await projectionStatus({ sql: this.sql, store: this.store }, this.projections),
      rebuilds: (await this.rebuilds.engine().status()).map(({ projection, status, events, startedAt, finishedAt }) => ({ projection, status, events, startedAt, finishedAt })),
      current: this.rebuilds.current,
    };
  }

  @Post('rebuild')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: RebuildProgressDto, description: 'Started; follow it at GET /api/admin/projections' })
  @ApiConflictResponse({ type: ErrorDto, description: 'REBUILD.RUNNING' })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'REBUILD.UNKNOWN_PROJECTION' })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'REQUEST.INVALID' })
  start(@Body() body: StartRebuildDto): RebuildProgressDto {
    try {
      return this.rebuilds.start(body.projections?.length ? body.projections : 'all', body.restart === true, body.batchSize);
    } catch (error) {
      if (error instanceof RebuildRunningError) throw new ConflictException({ code: error.code, message: error.message });
      if (error instanceof UnknownProjectionError) throw new NotFoundException({ code: error.code, message: error.message });
      throw error;
    }
  }

  @Delete('rebuild')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'The running rebuild stops after its current page; running it again resumes it' })
  interrupt(): { interrupted: boolean } {
    return { interrupted: this.rebuilds.interrupt() };
  }
}
