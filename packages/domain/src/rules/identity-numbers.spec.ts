import {
  luhnCheck,
  luhnCheckDigit,
  parseBankgiro,
  parseIdentityNumber,
  parseOcr,
  parseOrganisationNumber,
  parsePersonnummer,
} from './identity-numbers';

const reasonOf = (r: { ok: boolean; reason?: string }): string | undefined => (r.ok ? undefined : r.reason);

describe('luhnCheck / luhnCheckDigit', () => {
  it.each(['1230', '65599', '655969', '12351', '8112189876', '5560360793', '54029681', '0', '00'])('%s is valid', (d) => {
    expect(luhnCheck(d)).toBe(true);
  });
  it.each(['1231', '8112189875', '5560360794', '54029680'])('%s has a wrong check digit', (d) => {
    expect(luhnCheck(d)).toBe(false);
  });
  it('rejects empty strings and non-digits', () => {
    expect(luhnCheck('')).toBe(false);
    expect(luhnCheck('123 0')).toBe(false);
    expect(luhnCheck('12-30')).toBe(false);
    expect(luhnCheck('１２３０')).toBe(false); // full-width digits are not ASCII digits
  });
  it('computes the digit to append (formats.md examples)', () => {
    expect(luhnCheckDigit('123')).toBe(0);
    expect(luhnCheckDigit('6559')).toBe(9);
    expect(luhnCheckDigit('65596')).toBe(9);
    expect(luhnCheckDigit('1235')).toBe(1);
    expect(() => luhnCheckDigit('')).toThrow(RangeError);
  });
  it('a single-digit error or an adjacent swap is always caught', () => {
    const valid = '8112189876';
    for (let i = 0; i < valid.length; i++) {
      for (let d = 0; d <= 9; d++) {
        if (String(d) === valid[i]) continue;
        expect(luhnCheck(valid.slice(0, i) + d + valid.slice(i + 1))).toBe(false);
      }
    }
    expect(luhnCheck('1812189876')).toBe(false); // 8 and 1 swapped
  });
});

describe('parseOrganisationNumber', () => {
  it.each([
    ['556036-0793', '556036-0793'],
    ['5560360793', '556036-0793'],
    ['16556036-0793', '556036-0793'],
    ['165560360793', '556036-0793'],
    ['  202100-5489 ', '202100-5489'],
  ])('%s → %s', (input, value) => {
    expect(parseOrganisationNumber(input)).toEqual({ ok: true, value });
  });
  it('rejects a wrong check digit', () => {
    expect(reasonOf(parseOrganisationNumber('556036-0794'))).toMatch(/check digit/);
  });
  it('rejects a personnummer-shaped number (third digit below 2)', () => {
    expect(reasonOf(parseOrganisationNumber('811218-9876'))).toMatch(/third digit/);
  });
  it.each(['55603-60793', '556036-079', '5560360793x', '19556036-0793', '556036 0793', '', '556036--0793'])(
    'rejects the shape %j',
    (input) => {
      expect(reasonOf(parseOrganisationNumber(input))).toMatch(/10 digits/);
    },
  );
});

describe('parsePersonnummer', () => {
  const today = '2026-03-15';

  it.each([
    ['19811218-9876', '19811218-9876'],
    ['198112189876', '19811218-9876'],
    ['811218-9876', '19811218-9876'],
    ['8112189876', '19811218-9876'],
    ['121212-1212', '20121212-1212'],
    ['121212+1212', '19121212-1212'],
  ])('%s → %s', (input, value) => {
    const r = parsePersonnummer(input, today);
    expect(r.ok && r.value).toBe(value);
  });

  it('infers the century from the reference date: the latest one not in the future', () => {
    // 260401-1235: 1 April 2026 is after today, so the person was born 1926 (still under 100).
    expect(parsePersonnummer('260401-1235', today)).toMatchObject({ ok: true, value: '19260401-1235' });
    // The same number one month later is a newborn.
    expect(parsePersonnummer('260401-1235', '2026-04-01')).toMatchObject({ ok: true, value: '20260401-1235' });
    // '+' marks someone aged 100 or more: one century further back.
    expect(parsePersonnummer('260401+1235', '2026-04-01')).toMatchObject({ ok: true, value: '19260401-1235' });
    expect(parsePersonnummer('000229-1235', today)).toMatchObject({ ok: true, birthDate: '2000-02-29' });
  });

  it('refuses the 10-digit form without a reference date, but not the 12-digit one', () => {
    expect(reasonOf(parsePersonnummer('811218-9876'))).toMatch(/12 digits/);
    expect(parsePersonnummer('19811218-9876')).toMatchObject({ ok: true, value: '19811218-9876' });
  });

  it('accepts a samordningsnummer (day + 60) and reports it', () => {
    expect(parsePersonnummer('701063-2391', today)).toEqual({
      ok: true,
      value: '19701063-2391',
      samordningsnummer: true,
      birthDate: '1970-10-03',
    });
    expect(parsePersonnummer('811218-9876', today)).toMatchObject({ samordningsnummer: false, birthDate: '1981-12-18' });
  });

  it('validates the date, leap years included', () => {
    expect(reasonOf(parsePersonnummer('19811318-9876', today))).toMatch(/date of birth/); // month 13
    expect(reasonOf(parsePersonnummer('19810230-0000', today))).toMatch(/date of birth/);
    expect(reasonOf(parsePersonnummer('19010229-0000', today))).toMatch(/date of birth/); // 1901 not a leap year
    expect(reasonOf(parsePersonnummer('19811200-0000', today))).toMatch(/date of birth/); // day 00
    expect(reasonOf(parsePersonnummer('19811292-0000', today))).toMatch(/date of birth/); // samordning day 32
    expect(reasonOf(parsePersonnummer('20270101-0000', today))).toMatch(/future/);
  });

  it('rejects a wrong check digit (Luhn over the 10-digit form)', () => {
    expect(reasonOf(parsePersonnummer('19811218-9875', today))).toMatch(/check digit/);
    // The century is not part of the check: Luhn over all 12 digits would reject this valid number.
    expect(luhnCheck('198112189876')).toBe(false);
    expect(parsePersonnummer('19811218-9876', today).ok).toBe(true);
  });

  it.each(['19811218+9876', '811218--9876', '81121-89876', '1981121-89876', 'abc', ''])('rejects the shape %j', (input) => {
    expect(reasonOf(parsePersonnummer(input, today))).toMatch(/written/);
  });
});

describe('parseIdentityNumber', () => {
  const today = '2026-03-15';

  it('a company by organisationsnummer', () => {
    expect(parseIdentityNumber('5560360793', { isCompany: true, today })).toEqual({
      ok: true,
      value: '556036-0793',
      kind: 'organisationsnummer',
    });
  });
  it('a company that is a sole trader, by personnummer', () => {
    expect(parseIdentityNumber('811218-9876', { isCompany: true, today })).toEqual({
      ok: true,
      value: '19811218-9876',
      kind: 'personnummer',
    });
  });
  it('a private person by personnummer', () => {
    expect(parseIdentityNumber('198112189876', { isCompany: false, today })).toMatchObject({ ok: true, kind: 'personnummer' });
  });
  it('refuses an organisationsnummer for a private person', () => {
    expect(reasonOf(parseIdentityNumber('556036-0793', { isCompany: false, today }))).toMatch(/private person/);
  });
  it('reports the error of the kind the input looks like', () => {
    expect(reasonOf(parseIdentityNumber('556036-0794', { isCompany: true, today }))).toMatch(/organisationsnummer/);
    expect(reasonOf(parseIdentityNumber('811218-9875', { isCompany: true, today }))).toMatch(/personnummer/);
    expect(reasonOf(parseIdentityNumber('811218-9875', { isCompany: false, today }))).toMatch(/personnummer/);
  });
});

describe('parseOcr', () => {
  it('accepts a check-digit-only reference and says whether a length digit fits', () => {
    expect(parseOcr('1230')).toEqual({ ok: true, value: '1230', lengthDigitValid: false });
    expect(parseOcr('65599')).toEqual({ ok: true, value: '65599', lengthDigitValid: false });
  });
  it('recognises a valid length digit (second to last = length mod 10)', () => {
    expect(parseOcr('655969')).toEqual({ ok: true, value: '655969', lengthDigitValid: true });
    expect(parseOcr('12351')).toMatchObject({ lengthDigitValid: true });
    expect(parseOcr('123067')).toMatchObject({ lengthDigitValid: true }); // padded with a zero
  });
  it("Bankgirot's example 4: passes Luhn but not the length check", () => {
    expect(parseOcr('657775')).toEqual({ ok: true, value: '657775', lengthDigitValid: false });
  });
  it('uses only the ones digit of lengths of 10 or more', () => {
    const body = '12345678' + '0'; // 9 digits, then length digit 1 for a total of 11
    const ocr = body + '1' + luhnCheckDigit(body + '1');
    expect(ocr).toHaveLength(11);
    expect(parseOcr(ocr)).toMatchObject({ ok: true, lengthDigitValid: true });
  });
  it('accepts the limits 2 and 25 and rejects beyond them', () => {
    expect(parseOcr('26')).toMatchObject({ ok: true });
    const body24 = '1'.repeat(24);
    expect(parseOcr(body24 + luhnCheckDigit(body24))).toMatchObject({ ok: true });
    expect(reasonOf(parseOcr('0'))).toMatch(/2 to 25/);
    const body25 = '1'.repeat(25);
    expect(reasonOf(parseOcr(body25 + luhnCheckDigit(body25)))).toMatch(/2 to 25/);
  });
  it('ignores whitespace and keeps leading zeros', () => {
    expect(parseOcr(' 0012 3067 ')).toEqual({ ok: true, value: '00123067', lengthDigitValid: false });
    expect(parseOcr('00 1230')).toMatchObject({ ok: true, value: '001230' });
  });
  it('rejects wrong check digits and non-digits', () => {
    expect(reasonOf(parseOcr('1231'))).toMatch(/check digit/);
    expect(reasonOf(parseOcr('12-30'))).toMatch(/digits only/);
    expect(reasonOf(parseOcr(''))).toMatch(/digits only/);
  });
});

describe('parseBankgiro', () => {
  it.each([
    ['5402-9681', '54029681', '5402-9681'],
    ['54029681', '54029681', '5402-9681'],
    ['902-0033', '9020033', '902-0033'],
    [' 9020033 ', '9020033', '902-0033'],
  ])('%j → %s', (input, value, formatted) => {
    expect(parseBankgiro(input)).toEqual({ ok: true, value, formatted });
  });
  it('rejects a wrong check digit', () => {
    expect(reasonOf(parseBankgiro('5402-9682'))).toMatch(/check digit/);
  });
  it.each(['540-29681', '123456', '123456789', '54029-681', '5402 9681', 'BG 5402-9681'])('rejects the shape %j', (input) => {
    expect(reasonOf(parseBankgiro(input))).toMatch(/7 or 8 digits/);
  });
});
