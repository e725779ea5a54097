import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { type CompanyState, activationNeed } from '@pm/domain';
import { AddressDto } from '../../shared/http/address.dto';

export class ActorDto {
  @ApiProperty({ enum: ['user', 'partner', 'bank', 'system'] })
  kind!: string;
  @ApiProperty()
  id!: string;
}

export class ActivationView {
  @ApiProperty({ description: 'The service may be used: the terms in force are accepted' })
  active!: boolean;
  @ApiProperty({ description: 'The terms version in force, which the user must accept', example: '2026-1' })
  termsVersion!: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'The version this company accepted last' })
  acceptedTermsVersion!: string | null;
  @ApiPropertyOptional({ nullable: true, type: ActorDto })
  acceptedBy!: ActorDto | null;
  @ApiPropertyOptional({ nullable: true, type: String })
  acceptedAt!: string | null;
  @ApiPropertyOptional({
    nullable: true,
    enum: ['never_activated', 'legacy_service', 'new_terms', 'deactivated'],
    description: 'Why activation is needed, when it is',
  })
  activationNeeded!: string | null;
}

export class CompanyView {
  @ApiProperty() companyId!: string;
  @ApiProperty({ example: '556036-0793' }) organisationNumber!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'SE' }) country!: string;
  @ApiProperty({ type: AddressDto }) address!: AddressDto;
  @ApiProperty() fromLegacyService!: boolean;
  @ApiPropertyOptional({ nullable: true, type: String, example: '5677-5612' }) bankgiro!: string | null;
  @ApiProperty({ type: ActivationView }) activation!: ActivationView;
  @ApiPropertyOptional({ nullable: true, type: String, description: "The partner's portal, for details and complex handling" })
  portalUrl!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'The company as a creditor at the partner' })
  partnerCreditorId!: string | null;
}

export function activationView(state: CompanyState, termsVersion: string): ActivationView {
  const activation = state.status === 'registered' ? state.activation : null;
  const need = activationNeed(state, termsVersion);
  return {
    active: need === null,
    termsVersion,
    acceptedTermsVersion: activation?.termsVersion ?? null,
    acceptedBy: activation?.acceptedBy ?? null,
    acceptedAt: activation?.acceptedAt ?? null,
    activationNeeded: need,
  };
}

export function companyView(state: Extract<CompanyState, { status: 'registered' }>, termsVersion: string, portalUrl: string | null): CompanyView {
  return {
    companyId: state.companyId,
    organisationNumber: state.organisationNumber,
    name: state.name,
    country: state.country,
    address: state.address,
    fromLegacyService: state.fromLegacyService,
    bankgiro: state.bankgiro ?? null,
    activation: activationView(state, termsVersion),
    portalUrl,
    partnerCreditorId: state.partnerCreditorId ?? null,
  };
}
