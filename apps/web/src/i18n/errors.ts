/**
 * The API answers refusals with a stable code and an English sentence. The UI speaks the user's language:
 * for the codes a user meets, our own Swedish and English sentences (filled from the refusal's details);
 * for any other code, the API's own message as it is — never the raw code, never a blank.
 */
import { type Language } from './i18n';

type Details = Record<string, unknown>;
type Text = string | ((details: Details) => string);

const d = (details: Details, key: string, fallback = '…') => (details[key] === undefined || details[key] === null ? fallback : String(details[key]));
const kr = (ore: unknown, language: Language) => {
  if (typeof ore !== 'number' || !Number.isSafeInteger(ore)) return '…';
  const abs = BigInt(Math.abs(ore));
  const whole = new Intl.NumberFormat(language === 'sv' ? 'sv-SE' : 'en-GB').format(abs / 100n);
  const cents = String(abs % 100n).padStart(2, '0');
  return language === 'sv' ? `${whole},${cents} kr` : `SEK ${whole}.${cents}`;
};

const TEXTS: Record<string, Record<Language, Text>> = {
  'COMPANY.NOT_ACTIVATED': {
    sv: 'Påminnelsehanteringen måste aktiveras, och villkoren godkännas, innan fakturor kan skickas.',
    en: 'Reminder handling must be activated, with the terms accepted, before invoices can be sent.',
  },
  'COMPANY.NOT_SWEDISH': { sv: 'Tjänsten är bara för svenska företag.', en: 'The service is for Swedish companies only.' },
  'COMPANY.NOT_FOUND': { sv: 'Företaget är inte registrerat i tjänsten.', en: 'The company is not registered with the service.' },
  'COMPANY.NO_BANKGIRO': { sv: 'Företagets bankgironummer saknas, så bankfiler kan inte läsas in.', en: "The company's bankgiro number is missing, so bank files cannot be imported." },
  'INVOICE.NOT_FOUND': { sv: 'Fakturan finns inte.', en: 'There is no such invoice.' },
  'INVOICE.NOT_OVERDUE': {
    sv: (x) => `Fakturan har inte förfallit än: kunden kan betala i tid till och med ${d(x, 'lastDayToPay')}.`,
    en: (x) => `The invoice is not overdue yet: the customer can pay on time until ${d(x, 'lastDayToPay')}.`,
  },
  'INVOICE.CURRENCY_NOT_SEK': {
    sv: (x) => `Bara fakturor i kronor kan skickas; den här är i ${d(x, 'currency')}.`,
    en: (x) => `Only invoices in SEK can be sent; this one is in ${d(x, 'currency')}.`,
  },
  'INVOICE.NOTHING_TO_CLAIM': { sv: 'Kunden har redan betalat sin del; det finns inget kvar att kräva.', en: 'The customer has already paid their share; there is nothing left to claim.' },
  'INVOICE.CREDITED': { sv: 'Fakturan är krediterad.', en: 'The invoice has been credited.' },
  'INVOICE.ALREADY_CREDITED': { sv: 'Fakturan är redan krediterad.', en: 'The invoice is already credited.' },
  'INVOICE.CASE_OPEN': { sv: 'Fakturan har ett pågående ärende. Avsluta ärendet innan du krediterar fakturan.', en: 'The invoice is in reminder handling. Close the case before crediting the invoice.' },
  'INVOICE.LOCKED_BY_CASE': { sv: 'Fakturan har ett pågående ärende och kan inte ändras förrän ärendet är avslutat.', en: 'The invoice is in reminder handling and cannot change until the case is closed.' },
  'CASE.ALREADY_OPEN': { sv: 'Fakturan är redan skickad till påminnelsehantering.', en: 'The invoice is already in reminder handling.' },
  'CASE.NOT_OPEN': { sv: 'Fakturan har inget pågående ärende.', en: 'The invoice has no open case.' },
  'CASE.NOT_FOUND': { sv: 'Ärendet finns inte.', en: 'There is no such case.' },
  'CASE.ALREADY_ENDED': { sv: 'Ärendet är redan avslutat.', en: 'The case has already ended.' },
  'CASE.CLAIM_CHANGED': { sv: 'Beloppet att kräva har ändrats sedan du såg det. Titta på det nya beloppet och bekräfta igen.', en: 'The amount to claim has changed since you saw it. Check the new amount and confirm again.' },
  'CASE.DISPUTED': { sv: 'Kunden har bestridit kravet; ärendet står still tills tvisten är löst.', en: 'The customer has disputed the claim; the case is on hold until the dispute is resolved.' },
  'CASE.INVALID_TRANSITION': { sv: 'Det går inte att göra så med ärendet i det läge det är nu.', en: 'That cannot be done with the case in its current state.' },
  'CASE.PAUSE_END_IN_PAST': { sv: 'Pausen måste sluta ett datum efter i dag.', en: 'The pause must end on a date after today.' },
  'CASE.REASON_REQUIRED': { sv: 'Ange en anledning.', en: 'Give a reason.' },
  'CUSTOMER.ADDRESS_INCOMPLETE': { sv: 'Kundens postadress är ofullständig; inkassopartnern behöver den för sina brev.', en: "The customer's postal address is incomplete; the partner needs it for its letters." },
  'CUSTOMER.NOT_IN_SWEDEN': { sv: 'Kunden har en adress utanför Sverige; påminnelsehanteringen gäller bara kunder i Sverige.', en: 'The customer has an address outside Sweden; reminder handling covers customers in Sweden only.' },
  'CUSTOMER.INVALID_IDENTITY_NUMBER': { sv: 'Kundens person- eller organisationsnummer är inte giltigt.', en: "The customer's personal or organisation number is not valid." },
  'ACTIVATION.TERMS_NOT_ACCEPTED': { sv: 'Villkoren måste godkännas för att aktivera tjänsten.', en: 'The terms must be accepted to activate the service.' },
  'PAYMENT.EXCEEDS_REMAINING': {
    sv: (x) => `Betalningen är större än det som återstår att betala (${kr(x.remainingClaimOre, 'sv')}).`,
    en: (x) => `The payment is more than what remains to be paid (${kr(x.remainingClaimOre, 'en')}).`,
  },
  'PAYMENT.DUPLICATE': { sv: 'Betalningen är redan registrerad.', en: 'This payment has already been registered.' },
  'PAYMENT.ALREADY_MATCHED': { sv: 'Betalningen är redan placerad på en faktura.', en: 'The payment has already been placed on an invoice.' },
  'PAYMENT.DISMISSED': { sv: 'Betalningen är redan hanterad utanför påminnelsehanteringen.', en: 'The payment was already settled outside reminder handling.' },
  'PAYMENT.IS_REVERSAL': { sv: 'Det här är en återföring: banken har tagit tillbaka pengar, så den kan inte placeras på en faktura.', en: 'This is a reversal: the bank took money back, so it cannot be placed on an invoice.' },
  'PAYMENT.ALLOCATION_MISMATCH': {
    sv: (x) => `Delarna måste tillsammans bli hela betalningen (${kr(x.amountOre, 'sv')}).`,
    en: (x) => `The parts must add up to the whole payment (${kr(x.amountOre, 'en')}).`,
  },
  'PAYMENT.NOT_FOUND': { sv: 'Betalningen finns inte.', en: 'There is no such payment.' },
  'PAYMENT_FILE.INVALID': { sv: 'Filen lästes inte in: den innehåller fel. Ingenting bokades.', en: 'The file was not imported: it contains errors. Nothing was booked.' },
  'PAYMENT_FILE.WRONG_ACCOUNT': { sv: 'Filen gäller ett annat konto än företagets bankgiro. Ingenting lästes in.', en: "The file is for another account than the company's bankgiro. Nothing was imported." },
  'PAYMENT_FILE.UNKNOWN_ACCOUNT': { sv: 'Inget företag har det bankgironummer som filen gäller.', en: 'No company has the bankgiro number the file is for.' },
  'REQUEST.STALE_VERSION': { sv: 'Någon annan har ändrat det här medan du tittade. Läs in på nytt och försök igen.', en: 'Someone changed this while you were looking. Reload and try again.' },
  'REQUEST.CONCURRENT_CHANGE': { sv: 'Någon annan ändrade samma sak i samma stund. Försök igen.', en: 'Someone else changed the same thing at the same moment. Try again.' },
  'REQUEST.TOO_LARGE': { sv: 'Filen är för stor.', en: 'The file is too large.' },
  'AUTH.TOKEN_INVALID': { sv: 'Din inloggning har gått ut. Logga in igen.', en: 'Your sign-in has expired. Sign in again.' },
  'AUTH.TOKEN_MISSING': { sv: 'Du behöver logga in.', en: 'You need to sign in.' },
};

/** Our sentence for an API refusal in `language`, or the API's own message when we have none for the code. */
export function refusalText(code: string, apiMessage: string, details: Details | undefined, language: Language): string {
  const text = TEXTS[code]?.[language];
  if (text === undefined) return apiMessage;
  return typeof text === 'function' ? text(details ?? {}) : text;
}

export const KNOWN_REFUSAL_CODES = Object.keys(TEXTS);
