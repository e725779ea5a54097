import { KNOWN_REFUSAL_CODES, refusalText } from '../src/i18n/errors';

describe('Refusals in the user’s language', () => {
  it('have our sentence in Swedish and English for every known code, filled from the details', () => {
    for (const code of KNOWN_REFUSAL_CODES)
      for (const language of ['sv', 'en'] as const) expect(refusalText(code, 'API text', {}, language)).not.toBe('API text');
    expect(refusalText('INVOICE.NOT_OVERDUE', 'x', { lastDayToPay: '2026-12-28' }, 'sv')).toBe('Fakturan har inte förfallit än: kunden kan betala i tid till och med 2026-12-28.');
    expect(refusalText('PAYMENT.EXCEEDS_REMAINING', 'x', { remainingClaimOre: 123456 }, 'sv')).toBe('Betalningen är större än det som återstår att betala (1\u00a0234,56 kr).');
    expect(refusalText('PAYMENT.EXCEEDS_REMAINING', 'x', { remainingClaimOre: 123456 }, 'en')).toBe('The payment is more than what remains to be paid (SEK 1,234.56).');
  });
  it('fall back to the API’s own message for a code we have no sentence for', () => {
    expect(refusalText('SOMETHING.NEW', 'The API says so.', undefined, 'sv')).toBe('The API says so.');
  });
});
