import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Me } from './api.js';
import type { MessageKey } from './i18n/en.js';
import type { Locale } from './i18n/i18n.js';

export interface AppContext {
  me: Me;
  locale: Locale;
  t: (key: MessageKey, params?: Record<string, string | number>) => string;
  navigate: (path: string) => void;
}

export const App = createContext<AppContext | null>(null);

export function useApp(): AppContext {
  const ctx = useContext(App);
  if (!ctx) throw new Error('outside the app');
  return ctx;
}
