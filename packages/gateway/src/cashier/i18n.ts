/**
 * Cashier language handling: which of our two catalogues to use, and lookup.
 *
 * Merchants send `language` in many spellings (BCP 47 tags, `zh_CN`, the
 * common-but-wrong `cn`); anything we do not recognise falls back to English
 * rather than failing the payment.
 */
import { en, type MessageKey } from './messages-en.js';
import { zh } from './messages-zh.js';

export type { MessageKey } from './messages-en.js';
export type Lang = 'en' | 'zh';
export type MessageParams = Readonly<Record<string, string | number>>;

export const messages: Readonly<Record<Lang, Readonly<Record<MessageKey, string>>>> = { en, zh };

/** Maps a merchant- or browser-supplied language value to a catalogue we have. */
export function normaliseLang(value: unknown): Lang {
  if (typeof value !== 'string') return 'en';
  const primary = value.trim().toLowerCase().split(/[-_]/, 1)[0];
  // Traditional-script tags (zh-TW, zh-Hant) also map to zh: Simplified is far
  // more readable to those users than English.
  return primary === 'zh' || primary === 'cn' ? 'zh' : 'en';
}

export function isMessageKey(key: unknown): key is MessageKey {
  return typeof key === 'string' && Object.hasOwn(en, key);
}

/**
 * Looks up a message and fills `{name}` placeholders. A placeholder without a
 * value is left visible rather than throwing: a slightly odd label is better
 * than a failed payment page.
 */
export function t(lang: Lang, key: MessageKey, params?: MessageParams): string {
  const template = messages[lang][key];
  if (params === undefined) return template;
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : placeholder,
  );
}

/**
 * For keys that arrive as plain strings (view models, reason codes): unknown
 * keys fall back to `fallback`, so a typo never renders a raw key to a payer.
 */
export function tKey(lang: Lang, key: string, fallback: MessageKey, params?: MessageParams): string {
  return t(lang, isMessageKey(key) ? key : fallback, params);
}
