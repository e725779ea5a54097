import { spec } from '../testing/spec';
import { type CompanyEvent, activationNeed, companyDecider, isActive } from './company';
import { fold } from '../shared/decider';

const user = { kind: 'user' as const, id: 'anna' };
const now = '2026-11-23T10:00:00.000Z';
const address = { line1: 'Storgatan 1', postalCode: '111 22', city: 'Stockholm', country: 'SE' };
const registered: CompanyEvent = {
  type: 'CompanyRegistered',
  data: {
    companyId: 'c1',
    organisationNumber: '556036-0793',
    name: 'Bygg AB',
    country: 'SE',
    address,
    fromLegacyService: false,
    registeredAt: now,
  },
};
const activated = (termsVersion: string): CompanyEvent => ({
  type: 'ServiceActivated',
  data: { termsVersion, acceptedBy: user, acceptedAt: now },
});
const register = (data: Partial<{ organisationNumber: string; country: string; fromLegacyService: boolean }> = {}) => ({
  type: 'RegisterCompany' as const,
  now,
  actor: { kind: 'system' as const, id: 'admin' },
  data: { companyId: 'c1', organisationNumber: '5560360793', name: ' Bygg AB ', country: 'SE', address, ...data },
});
const activate = (termsVersion: string, currentTermsVersion = '2026-1', accepted = true) => ({
  type: 'ActivateService' as const,
  now,
  actor: user,
  data: { termsVersion, currentTermsVersion, accepted },
});

describe('Company registration', () => {
  it('registers a Swedish company with a normalised organisation number', () => {
    spec(companyDecider).given([]).when(register()).then([registered]);
  });
  it('refuses a company outside Sweden', () => {
    spec(companyDecider).given([]).when(register({ country: 'NO' })).thenThrows('COMPANY.NOT_SWEDISH');
  });
  it('refuses an organisation number with a wrong check digit', () => {
    spec(companyDecider).given([]).when(register({ organisationNumber: '556036-0794' })).thenThrows('COMPANY.INVALID_ORGANISATION_NUMBER');
  });
  it('keeps a valid bankgiro number, formatted, and refuses a wrong check digit', () => {
    const [event] = spec(companyDecider).given([]).when({ ...register(), data: { ...register().data, bankgiro: '56775612' } }).events();
    expect(event).toMatchObject({ type: 'CompanyRegistered', data: { bankgiro: '5677-5612' } });
    spec(companyDecider).given([]).when({ ...register(), data: { ...register().data, bankgiro: '5677-5613' } }).thenThrows('COMPANY.INVALID_BANKGIRO');
  });
  it('refuses registering twice', () => {
    spec(companyDecider).given([registered]).when(register()).thenThrows('COMPANY.ALREADY_REGISTERED');
  });
});

describe('Service activation', () => {
  it('records who accepted which terms version, and when', () => {
    spec(companyDecider).given([registered]).when(activate('2026-1')).then([activated('2026-1')]);
  });
  it('needs explicit acceptance', () => {
    spec(companyDecider).given([registered]).when(activate('2026-1', '2026-1', false)).thenThrows('ACTIVATION.TERMS_NOT_ACCEPTED');
  });
  it('refuses acceptance of terms that are not in force', () => {
    spec(companyDecider).given([registered]).when(activate('2025-2', '2026-1')).thenThrows('ACTIVATION.TERMS_VERSION_OUTDATED');
  });
  it('does not record the same acceptance twice', () => {
    spec(companyDecider).given([registered, activated('2026-1')]).when(activate('2026-1')).then([]);
  });
  it('must activate again when a new terms version is in force', () => {
    const state = fold(companyDecider, [registered, activated('2025-2')]);
    expect(isActive(state, '2025-2')).toBe(true);
    expect(activationNeed(state, '2026-1')).toBe('new_terms');
    spec(companyDecider).given([registered, activated('2025-2')]).when(activate('2026-1')).then([activated('2026-1')]);
  });
  it('a company from the legacy service starts without an activation', () => {
    const legacy = { ...registered, data: { ...registered.data, fromLegacyService: true } } as CompanyEvent;
    expect(activationNeed(fold(companyDecider, [legacy]), '2026-1')).toBe('legacy_service');
    expect(activationNeed(fold(companyDecider, [legacy, activated('2026-1')]), '2026-1')).toBeNull();
  });
  it('deactivates, after which it must activate again', () => {
    const events = spec(companyDecider)
      .given([registered, activated('2026-1')])
      .when({ type: 'DeactivateService', now, actor: user, data: { reason: 'paus' } })
      .events();
    expect(events).toEqual([{ type: 'ServiceDeactivated', data: { deactivatedBy: user, deactivatedAt: now, reason: 'paus' } }]);
    expect(activationNeed(fold(companyDecider, [registered, activated('2026-1'), ...events]), '2026-1')).toBe('deactivated');
  });
  it('cannot deactivate what is not active, nor activate an unknown company', () => {
    spec(companyDecider).given([registered]).when({ type: 'DeactivateService', now, actor: user, data: {} }).thenThrows('ACTIVATION.NOT_ACTIVE');
    spec(companyDecider).given([]).when(activate('2026-1')).thenThrows('COMPANY.NOT_FOUND');
  });
});

describe('Partner creditor', () => {
  it('links the company to its creditor at the partner once', () => {
    const link = { type: 'LinkPartnerCreditor' as const, now, actor: { kind: 'partner' as const, id: 'amili' }, data: { creditorId: 'cr_1' } };
    const events = spec(companyDecider).given([registered, activated('2026-1')]).when(link).events();
    expect(events).toEqual([{ type: 'PartnerCreditorLinked', data: { creditorId: 'cr_1', linkedAt: now } }]);
    spec(companyDecider).given([registered, activated('2026-1'), ...events]).when(link).then([]);
    const state = fold(companyDecider, [registered, ...events]);
    expect(state.status === 'registered' && state.partnerCreditorId).toBe('cr_1');
  });
});
