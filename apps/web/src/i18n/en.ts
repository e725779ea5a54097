import { type CoreKey } from './sv';

/** English. Same keys as sv.ts. */
export const en: Record<CoreKey, string> = {
  'app.name': 'Reminder handling',
  'app.skipToContent': 'Skip to content',
  'app.loading': 'Loading …',
  'app.retry': 'Try again',
  'app.close': 'Close',
  'app.cancel': 'Cancel',
  'app.signOut': 'Sign out',
  'app.signedInAs': 'Signed in as {name}',
  'app.language': 'Language',
  'app.language.sv': 'Svenska',
  'app.language.en': 'English',
  'app.partnerPortal': "Collection partner's portal",
  'app.opensInNewTab': '(opens in a new tab)',
  'app.live.connected': 'Live updates on',
  'app.live.offline': 'No live updates – showing the last loaded state',
  'app.error.title': 'Something went wrong',
  'app.error.network': 'The connection to the server was lost. Check your connection and try again.',
  'app.notFound': 'There is no such page.',

  'nav.label': 'Main menu',
  'nav.invoices': 'Invoices',
  'nav.payments': 'Payments',
  'nav.reports': 'Reports',

  'signin.title': 'Sign in',
  'signin.intro': 'You sign in through your invoicing program. Open Reminder handling from there and you are signed in automatically.',
  'signin.expired': 'Your sign-in has expired or is no longer valid. Open the service again from your invoicing program.',
  'signin.operator': 'Running the service yourself? Create a sign-in link for a company with the command:',
};
