import { describe, expect, it } from 'vitest';
import { en } from './en.js';
import { zh } from './zh.js';
import { placeholders } from './i18n.js';

describe('back office texts', () => {
  it('has the same keys in English and Chinese, none empty', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(zh)) expect(text.trim(), key).not.toBe('');
  });

  it('fills the same placeholders in both languages', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) expect(placeholders(zh[key]), key).toEqual(placeholders(en[key]));
  });
});
