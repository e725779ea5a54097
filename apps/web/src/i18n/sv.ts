/**
 * Swedish, the default. Every key here must exist in en.ts too (the types see to it). Placeholders are
 * written {name}. The texts are ours: not copied from the partner's or the product's marketing texts.
 */
export const sv = {
  'app.name': 'Påminnelsehantering',
  'app.skipToContent': 'Hoppa till innehållet',
  'app.loading': 'Laddar …',
  'app.retry': 'Försök igen',
  'app.close': 'Stäng',
  'app.cancel': 'Avbryt',
  'app.signOut': 'Logga ut',
  'app.signedInAs': 'Inloggad som {name}',
  'app.language': 'Språk',
  'app.language.sv': 'Svenska',
  'app.language.en': 'English',
  'app.partnerPortal': 'Inkassopartnerns portal',
  'app.opensInNewTab': '(öppnas i en ny flik)',
  'app.live.connected': 'Uppdateras direkt',
  'app.live.offline': 'Ingen direktuppdatering – visar senast hämtade läge',
  'app.error.title': 'Något gick fel',
  'app.error.network': 'Kontakten med servern bröts. Kontrollera anslutningen och försök igen.',
  'app.notFound': 'Sidan finns inte.',

  'nav.label': 'Huvudmeny',
  'nav.invoices': 'Fakturor',
  'nav.payments': 'Betalningar',
  'nav.reports': 'Rapporter',

  'signin.title': 'Logga in',
  'signin.intro': 'Du loggar in via ditt faktureringsprogram. Öppna Påminnelsehantering därifrån, så loggas du in automatiskt.',
  'signin.expired': 'Din inloggning har gått ut eller är inte giltig längre. Öppna tjänsten på nytt från faktureringsprogrammet.',
  'signin.operator': 'Driftar du tjänsten själv? Skapa en inloggningslänk för ett företag med kommandot:',
} as const;

export type CoreKey = keyof typeof sv;
