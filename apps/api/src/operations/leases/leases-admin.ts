import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Leases } from '../../infrastructure/leases/leases';
import { RequireRole } from '../../shared/auth/auth.guard';

export class LeaseDto {
  @ApiProperty({ example: 'projections', description: 'projections, partner-outbox, partner-poller, payout-poller, reconciliation, resume-expired-pauses, bank-inbox' })
  name!: string;
  @ApiProperty({ description: 'The instance that holds (or last held) it' }) holder!: string;
  @ApiProperty({ description: 'Fencing token: grows with every new holder' }) token!: number;
  @ApiProperty() acquiredAt!: string;
  @ApiProperty() renewedAt!: string;
  @ApiProperty({ description: 'When it runs out unless renewed' }) expiresAt!: string;
  @ApiProperty({ description: 'Still in force' }) active!: boolean;
}

export class LeasesDto {
  @ApiProperty({ description: 'The instance that answered (INSTANCE_ID, default host:pid:random)' }) instance!: string;
  @ApiProperty({ description: 'How long a lease lasts without renewal, in ms (LEASE_TTL_MS)' }) ttlMs!: number;
  @ApiProperty({ type: [String], description: 'The leases this instance holds now' }) held!: string[];
  @ApiProperty({ type: [LeaseDto] }) leases!: LeaseDto[];
}

/** Which API instance runs which background work (see infrastructure/leases). */
@ApiTags('operations')
@ApiBearerAuth()
@RequireRole('admin')
@Controller('api/admin/leases')
export class LeasesAdminController {
  constructor(private readonly leases: Leases) {}

  @Get()
  @ApiOkResponse({ type: LeasesDto })
  async list(): Promise<LeasesDto> {
    const leases = await this.leases.list();
    return {
      instance: this.leases.holder,
      ttlMs: this.leases.ttlMs,
      held: leases.filter((lease) => lease.holder === this.leases.holder && this.leases.holds(lease.name)).map((lease) => lease.name),
      leases,
    };
  }
}
