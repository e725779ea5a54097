import { isSwedishIdentityNumber, luhnCheckDigit, normaliseOrganisationNumber, ocrFor, passesLuhn, payoutReferenceFor } from './identity';

describe('Luhn numbers', () => {
  it('computes the check digit of Swedish identity numbers', () => {
    expect(luhnCheckDigit('811218987')).toBe(6);
    expect(passesLuhn('8112189876')).toBe(true);
    expect(passesLuhn('8112189875')).toBe(false);
  });

  it('normalises and validates organisationsnummer', () => {
    expect(normaliseOrganisationNumber('556703-7485')).toBe('556703-7485');
    expect(normaliseOrganisationNumber('5567037485')).toBe('556703-7485');
    expect(normaliseOrganisationNumber('556703-7484')).toBeUndefined();
    expect(normaliseOrganisationNumber('55670-37485')).toBeUndefined();
    expect(normaliseOrganisationNumber(5567037485)).toBeUndefined();
  });

  it('recognises the identity numbers Kronofogden can act on', () => {
    expect(isSwedishIdentityNumber('198112189876')).toBe(true);
    expect(isSwedishIdentityNumber('811218-9876')).toBe(true);
    expect(isSwedishIdentityNumber('556703-7485')).toBe(true);
    expect(isSwedishIdentityNumber('198112189877')).toBe(false);
    expect(isSwedishIdentityNumber('DE-1234567')).toBe(false);
  });

  it('makes OCR references that pass the Luhn test and differ by sequence', () => {
    const refs = [1, 2, 3, 1000].map(ocrFor);
    expect(refs.every(passesLuhn)).toBe(true);
    expect(new Set(refs).size).toBe(4);
  });

  it('makes payout references of 10 to 16 digits that pass the Luhn test and never look like an OCR number', () => {
    const refs = [1, 2, 3, 1000, 8_999_999_999].map(payoutReferenceFor);
    expect(refs.every(passesLuhn)).toBe(true);
    expect(refs.every((ref) => /^\d{10,16}$/.test(ref))).toBe(true);
    expect(new Set(refs).size).toBe(5);
    expect(refs[0].length).toBeGreaterThan(ocrFor(1_000_000).length);
  });
});
