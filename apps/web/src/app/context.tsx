/** What every screen needs: the typed API client, the live connection, the session and the company. */
import { type ReactNode, createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { type ApiClient, type Schemas, createApi, unwrap } from '../api/client';
import { LiveConnection } from '../api/live';
import { type Session } from '../auth/session';

export interface AppServices {
  api: ApiClient;
  live: LiveConnection;
  session: Session;
  company: Schemas['CompanyView'] | null;
  /** Loads the company again (after activation, or when told it changed). */
  refreshCompany(): Promise<void>;
  signOut(): void;
}

const AppContext = createContext<AppServices | null>(null);

/** `onSignedOut(expired)`: the API refused the token (expired: true), or the user signed out. */
export function AppProvider({ session, onSignedOut, children, api: given, live: givenLive }: { session: Session; onSignedOut: (expired: boolean) => void; children: ReactNode; api?: ApiClient; live?: LiveConnection }) {
  const api = useMemo(() => given ?? createApi(() => session.token, () => onSignedOut(true)), [given, session.token, onSignedOut]);
  const live = useMemo(() => givenLive ?? new LiveConnection(session.token), [givenLive, session.token]);
  const [company, setCompany] = useState<Schemas['CompanyView'] | null>(null);
  const refreshCompany = useCallback(async () => {
    setCompany(await unwrap(api.GET('/api/company')));
  }, [api]);
  useEffect(() => {
    void refreshCompany().catch(() => undefined);
    const stop = live.subscribe((event) => {
      if (event.type === 'company.changed' || event.type === 'reconnected') void refreshCompany().catch(() => undefined);
    });
    return stop;
  }, [live, refreshCompany]);
  useEffect(() => () => live.close(), [live]);
  const value = useMemo<AppServices>(() => ({ api, live, session, company, refreshCompany, signOut: () => onSignedOut(false) }), [api, live, session, company, refreshCompany, onSignedOut]);
  return <AppContext.Provider value={value}>{children}</AppContext.Provider>;
}

export function useApp(): AppServices {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp outside AppProvider');
  return value;
}
