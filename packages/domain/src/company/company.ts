/**
 * Company and its activation of the service (B1). The partner's terms are versioned: an activation
 * counts only for the terms version currently in force, so a new version means activating again, and a
 * company that comes from the legacy service ("Påminnelse Direkt") starts without an activation.
 */
import { type Actor, type CommandContext, type Decider, type DomainEvent, assertNever } from '../shared/decider';
import { refuse } from '../shared/errors';
import { parseBankgiro, parseOrganisationNumber } from '../rules/identity-numbers';

export interface PostalAddress {
  line1: string;
  line2?: string;
  postalCode: string;
  city: string;
  country: string;
}

export type CompanyEvent =
  | DomainEvent<
      'CompanyRegistered',
      {
        companyId: string;
        organisationNumber: string;
        name: string;
        country: string;
        address: PostalAddress;
        fromLegacyService: boolean;
        registeredAt: string;
        /** The bankgiro number incoming payments arrive on (NNN-NNNN or NNNN-NNNN). */
        bankgiro?: string;
      }
    >
  | DomainEvent<'ServiceActivated', { termsVersion: string; acceptedBy: Actor; acceptedAt: string }>
  | DomainEvent<'ServiceDeactivated', { deactivatedBy: Actor; deactivatedAt: string; reason?: string }>
  /** The company is a creditor at the collection partner (created or found on activation). */
  | DomainEvent<'PartnerCreditorLinked', { creditorId: string; linkedAt: string }>;

export type CompanyCommand =
  | (CommandContext & {
      type: 'RegisterCompany';
      data: {
        companyId: string;
        organisationNumber: string;
        name: string;
        country: string;
        address: PostalAddress;
        fromLegacyService?: boolean;
        bankgiro?: string;
      };
    })
  | (CommandContext & {
      type: 'ActivateService';
      /** `currentTermsVersion` is the version in force (configuration); the user must accept exactly it. */
      data: { termsVersion: string; accepted: boolean; currentTermsVersion: string };
    })
  | (CommandContext & { type: 'DeactivateService'; data: { reason?: string } })
  | (CommandContext & { type: 'LinkPartnerCreditor'; data: { creditorId: string } });

export interface Activation {
  termsVersion: string;
  acceptedBy: Actor;
  acceptedAt: string;
}

export type CompanyState =
  | { status: 'unknown' }
  | {
      status: 'registered';
      companyId: string;
      organisationNumber: string;
      name: string;
      country: string;
      address: PostalAddress;
      fromLegacyService: boolean;
      bankgiro: string | null;
      activation: Activation | null;
      deactivatedAt: string | null;
      partnerCreditorId: string | null;
    };

export type ActivationNeed = 'never_activated' | 'legacy_service' | 'new_terms' | 'deactivated' | null;

/** Why the company must (re)activate before sending, or null when it is active for these terms. */
export function activationNeed(state: CompanyState, currentTermsVersion: string): ActivationNeed {
  if (state.status !== 'registered') return 'never_activated';
  if (state.activation === null) {
    if (state.deactivatedAt) return 'deactivated';
    return state.fromLegacyService ? 'legacy_service' : 'never_activated';
  }
  return state.activation.termsVersion === currentTermsVersion ? null : 'new_terms';
}

export function isActive(state: CompanyState, currentTermsVersion: string): boolean {
  return activationNeed(state, currentTermsVersion) === null;
}

function requireRegistered(state: CompanyState) {
  if (state.status !== 'registered') throw refuse.notFound('COMPANY.NOT_FOUND', 'The company is not registered.');
  return state;
}

export const companyDecider: Decider<CompanyState, CompanyCommand, CompanyEvent> = {
  initialState: () => ({ status: 'unknown' }),

  evolve(state, event) {
    switch (event.type) {
      case 'CompanyRegistered':
        return {
          status: 'registered',
          companyId: event.data.companyId,
          organisationNumber: event.data.organisationNumber,
          name: event.data.name,
          country: event.data.country,
          address: event.data.address,
          fromLegacyService: event.data.fromLegacyService,
          bankgiro: event.data.bankgiro ?? null,
          activation: null,
          deactivatedAt: null,
          partnerCreditorId: null,
        };
      case 'ServiceActivated':
        if (state.status !== 'registered') return state;
        return { ...state, activation: { ...event.data }, deactivatedAt: null };
      case 'ServiceDeactivated':
        if (state.status !== 'registered') return state;
        return { ...state, activation: null, deactivatedAt: event.data.deactivatedAt };
      case 'PartnerCreditorLinked':
        if (state.status !== 'registered') return state;
        return { ...state, partnerCreditorId: event.data.creditorId };
      default:
        return assertNever(event);
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'RegisterCompany': {
        if (state.status === 'registered')
          throw refuse.conflict('COMPANY.ALREADY_REGISTERED', 'A company with this organisation number is already registered.');
        const { data } = command;
        // B8: the partner collects for Swedish companies only.
        if (data.country.toUpperCase() !== 'SE')
          throw refuse.rule('COMPANY.NOT_SWEDISH', 'Only Swedish companies can use reminder handling.', { country: data.country });
        const orgNo = parseOrganisationNumber(data.organisationNumber);
        if (!orgNo.ok)
          throw refuse.rule('COMPANY.INVALID_ORGANISATION_NUMBER', `The organisation number is not valid: ${orgNo.reason}`);
        if (!data.name.trim()) throw refuse.invalid('COMPANY.NAME_REQUIRED', 'The company needs a name.');
        const bankgiro = data.bankgiro === undefined ? undefined : parseBankgiro(data.bankgiro);
        if (bankgiro && !bankgiro.ok) throw refuse.rule('COMPANY.INVALID_BANKGIRO', `The bankgiro number is not valid: ${bankgiro.reason}`);
        return [
          {
            type: 'CompanyRegistered',
            data: {
              companyId: data.companyId,
              organisationNumber: orgNo.value,
              name: data.name.trim(),
              country: 'SE',
              address: data.address,
              fromLegacyService: data.fromLegacyService ?? false,
              registeredAt: command.now,
              ...(bankgiro?.ok ? { bankgiro: bankgiro.formatted } : {}),
            },
          },
        ];
      }
      case 'ActivateService': {
        const company = requireRegistered(state);
        if (!command.data.accepted)
          throw refuse.rule('ACTIVATION.TERMS_NOT_ACCEPTED', 'The terms must be accepted to activate the service.');
        if (command.data.termsVersion !== command.data.currentTermsVersion)
          throw refuse.conflict(
            'ACTIVATION.TERMS_VERSION_OUTDATED',
            `The accepted terms version ${command.data.termsVersion} is not the one in force (${command.data.currentTermsVersion}).`,
            { currentTermsVersion: command.data.currentTermsVersion },
          );
        // Accepting the same version twice changes nothing: the first acceptance is the record.
        if (company.activation?.termsVersion === command.data.termsVersion) return [];
        return [
          {
            type: 'ServiceActivated',
            data: { termsVersion: command.data.termsVersion, acceptedBy: command.actor, acceptedAt: command.now },
          },
        ];
      }
      case 'DeactivateService': {
        const company = requireRegistered(state);
        if (company.activation === null)
          throw refuse.conflict('ACTIVATION.NOT_ACTIVE', 'The service is not active for this company.');
        return [
          {
            type: 'ServiceDeactivated',
            data: { deactivatedBy: command.actor, deactivatedAt: command.now, ...(command.data.reason ? { reason: command.data.reason } : {}) },
          },
        ];
      }
      case 'LinkPartnerCreditor': {
        const company = requireRegistered(state);
        if (company.partnerCreditorId === command.data.creditorId) return [];
        return [{ type: 'PartnerCreditorLinked', data: { creditorId: command.data.creditorId, linkedAt: command.now } }];
      }
      default:
        return assertNever(command);
    }
  },
};
