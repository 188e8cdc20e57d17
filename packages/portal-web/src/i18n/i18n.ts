import { en, type MessageKey } from './en.js';
import { zh } from './zh.js';

export type Locale = 'en' | 'zh';
export const LOCALES: Record<Locale, Record<MessageKey, string>> = { en, zh };

const STORAGE_KEY = 'opencashier.locale';

export function initialLocale(): Locale {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
  if (saved === 'en' || saved === 'zh') return saved;
  return globalThis.navigator?.language?.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export function saveLocale(locale: Locale): void {
  globalThis.localStorage?.setItem(STORAGE_KEY, locale);
}

export function translate(locale: Locale, key: MessageKey, params: Record<string, string | number> = {}): string {
  return LOCALES[locale][key].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

/** The text's placeholders, to check both languages fill the same ones. */
export function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
}
