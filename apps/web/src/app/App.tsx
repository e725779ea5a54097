/** The shell: a skip link, the header with the main menu, the partner's portal, the language switch, and the current screen. */
import { useRef } from 'react';
import { useI18n, type Language } from '../i18n/i18n';
import { InvoiceListPage } from '../features/invoices/InvoiceListPage';
import { InvoicePage } from '../features/invoice/InvoicePage';
import { PaymentsPage } from '../features/payments/PaymentsPage';
import { ReportsPage } from '../features/reports/ReportsPage';
import { useApp } from './context';
import { Link, type Route, useFocusOnNavigation, useRoute } from './router';

function Screen({ route }: { route: Route }) {
  const { t } = useI18n();
  switch (route.name) {
    case 'invoices':
    case 'signin':
      return <InvoiceListPage />;
    case 'invoice':
      return <InvoicePage invoiceNumber={route.invoiceNumber} />;
    case 'payments':
      return <PaymentsPage />;
    case 'reports':
      return <ReportsPage />;
    default:
      return <p>{t('app.notFound')}</p>;
  }
}

export function App() {
  const { t, language, setLanguage } = useI18n();
  const { company, session, signOut } = useApp();
  const route = useRoute();
  const main = useRef<HTMLElement>(null);
  useFocusOnNavigation(main, JSON.stringify(route));
  const section = route.name === 'invoice' || route.name === 'signin' ? 'invoices' : route.name;
  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="header">
        <div className="header__brand">
          <span className="header__name">{t('app.name')}</span>
          {company && <span className="header__company">{company.name}</span>}
        </div>
        <nav aria-label={t('nav.label')} className="header__nav">
          {(['invoices', 'payments', 'reports'] as const).map((name) => (
            <Link key={name} to={{ name }} aria-current={section === name ? 'page' : undefined}>
              {t(`nav.${name}`)}
            </Link>
          ))}
        </nav>
        <div className="header__tools">
          {company?.portalUrl && (
            <a href={company.portalUrl} target="_blank" rel="noreferrer" className="header__portal">
              {t('app.partnerPortal')} <span className="visually-hidden">{t('app.opensInNewTab')}</span>
            </a>
          )}
          <label className="header__language">
            <span className="visually-hidden">{t('app.language')}</span>
            <select value={language} onChange={(event) => setLanguage(event.target.value as Language)}>
              <option value="sv">{t('app.language.sv')}</option>
              <option value="en">{t('app.language.en')}</option>
            </select>
          </label>
          {session.name && <span className="header__user">{t('app.signedInAs', { name: session.name })}</span>}
          <button type="button" className="button button--ghost" onClick={signOut}>
            {t('app.signOut')}
          </button>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1} className="main">
        <Screen route={route} />
      </main>
    </>
  );
}
