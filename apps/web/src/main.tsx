import { StrictMode, useCallback, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { AppProvider } from './app/context';
import { endSession, startSession } from './auth/session';
import { SignInPage } from './features/signin/SignInPage';
import { I18nProvider } from './i18n/i18n';
import './styles.css';

function Root() {
  const [session, setSession] = useState(() => startSession());
  const [expired, setExpired] = useState(false);
  const signOut = useCallback((wasExpired: boolean) => {
    endSession();
    setExpired(wasExpired);
    setSession(null);
  }, []);
  return (
    <I18nProvider>
      {session ? (
        <AppProvider session={session} onSignedOut={signOut}>
          <App />
        </AppProvider>
      ) : (
        <SignInPage expired={expired} />
      )}
    </I18nProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
