import { describe, expect, it } from 'vitest';
import { isMessageKey, messages, normaliseLang, t, tKey } from './i18n.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogues', () => {
  it('en and zh have exactly the same keys', () => {
    expect(Object.keys(messages.zh).sort()).toEqual(Object.keys(messages.en).sort());
  });

  it('every translation uses the same placeholders as English and is not empty', () => {
    for (const [key, english] of Object.entries(messages.en)) {
      const chinese = messages.zh[key as keyof typeof messages.en];
      expect(chinese.trim(), key).not.toBe('');
      expect(placeholders(chinese), key).toEqual(placeholders(english));
    }
  });
});

describe('normaliseLang', () => {
  it.each([
    ['en', 'en'], ['en-US', 'en'], ['EN_gb', 'en'],
    ['zh', 'zh'], ['zh-CN', 'zh'], ['zh_CN', 'zh'], ['ZH-Hans', 'zh'], ['zh-TW', 'zh'], ['cn', 'zh'], [' CN ', 'zh'],
    ['fr', 'en'], ['', 'en'], [undefined, 'en'], [['zh'], 'en'], [42, 'en'],
  ])('%j → %s', (input, expected) => {
    expect(normaliseLang(input)).toBe(expected);
  });
});

describe('t', () => {
  it('fills placeholders in either language', () => {
    expect(t('en', 'card.submit', { amount: '1.00', currency: 'USD' })).toBe('Pay 1.00 USD');
    expect(t('zh', 'card.submit', { amount: '1.00', currency: 'USD' })).toBe('支付 1.00 USD');
  });

  it('leaves a placeholder without a value visible instead of throwing', () => {
    expect(t('en', 'card.submit', { amount: '1.00' })).toBe('Pay 1.00 {currency}');
  });

  it('does not read params from the prototype', () => {
    expect(t('en', 'result.return', {})).toBe('Return to {merchant}');
  });

  it('tKey falls back for unknown keys', () => {
    expect(tKey('en', 'nope', 'error.generic')).toBe(messages.en['error.generic']);
    expect(tKey('zh', 'error.cvv.required', 'error.generic')).toBe('请输入安全码。');
    expect(isMessageKey('toString')).toBe(false);
  });
});

describe('method names inside sentences', () => {
  it('never says a word twice ("使用微信扫码支付支付")', () => {
    for (const lang of ['en', 'zh'] as const) {
      for (const key of Object.keys(messages.en).filter((k) => k.startsWith('method.'))) {
        const method = messages[lang][key as keyof typeof messages.en];
        for (const sentence of [t(lang, 'methods.choose', { method }), t(lang, 'redirect.continue', { method })]) {
          expect(sentence, sentence).not.toMatch(/(支付|付款|Pay)\s*\1/i);
        }
      }
    }
  });
});
