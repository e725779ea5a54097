/**
 * Swedish by default, with an English switch; the choice is remembered in this browser. `t(key, values)`
 * fills {placeholders}; formatting of money and dates follows the language too (see format/).
 */
import { type ReactNode, createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { type MessageKey, type Messages, enCatalog, svCatalog } from './catalog';

export type Language = 'sv' | 'en';
const CATALOGS: Record<Language, Messages> = { sv: svCatalog, en: enCatalog };
const KEY = 'pm.language';

export type { MessageKey };
/** Translates a key; carries its language, for what is formatted along with the text (error sentences). */
export type Translate = ((key: MessageKey, values?: Record<string, string | number>) => string) & { readonly language: Language };

export function translator(language: Language): Translate {
  const catalog = CATALOGS[language];
  const t = (key: MessageKey, values?: Record<string, string | number>) => {
    const text = catalog[key] ?? svCatalog[key] ?? key;
    return values ? text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole)) : text;
  };
  return Object.assign(t, { language });
}

interface I18nValue {
  language: Language;
  setLanguage(language: Language): void;
  t: Translate;
}

const I18nContext = createContext<I18nValue>({ language: 'sv', setLanguage: () => undefined, t: translator('sv') });

function initialLanguage(): Language {
  try {
    const kept = window.localStorage.getItem(KEY);
    return kept === 'en' || kept === 'sv' ? kept : 'sv';
  } catch {
    return 'sv';
  }
}

export function I18nProvider({ children, language: fixed }: { children: ReactNode; language?: Language }) {
  const [language, setState] = useState<Language>(fixed ?? initialLanguage);
  const setLanguage = useCallback((next: Language) => {
    setState(next);
    try {
      window.localStorage.setItem(KEY, next);
    } catch {
      // Private mode: the choice lasts for this page only.
    }
  }, []);
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  const value = useMemo(() => ({ language, setLanguage, t: translator(language) }), [language, setLanguage]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18nValue {
  return useContext(I18nContext);
}
