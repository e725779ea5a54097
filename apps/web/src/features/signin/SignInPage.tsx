/** Shown without a (valid) token: how to get signed in. In a host platform its single sign-on hands the token over. */
import { type Language, useI18n } from '../../i18n/i18n';

export function SignInPage({ expired }: { expired: boolean }) {
  const { t, language, setLanguage } = useI18n();
  return (
    <main id="main" className="signin" tabIndex={-1}>
      <label className="field signin__language">
        {t('app.language')}
        <select value={language} onChange={(event) => setLanguage(event.target.value as Language)}>
          <option value="sv">{t('app.language.sv')}</option>
          <option value="en">{t('app.language.en')}</option>
        </select>
      </label>
      <h1>{t('signin.title')}</h1>
      {expired && (
        <p className="notice notice--warning" role="alert">
          {t('signin.expired')}
        </p>
      )}
      <p>{t('signin.intro')}</p>
      <p>{t('signin.operator')}</p>
      <pre className="code">pnpm admin login-url --company 556677-8899</pre>
    </main>
  );
}
