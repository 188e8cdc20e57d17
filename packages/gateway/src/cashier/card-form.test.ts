import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cardDisplay, maskPan, parseCardForm, type CardFormResult } from './card-form.js';
import { luhnValid } from '../domain/luhn.js';

const now = new Date('2025-06-15T10:00:00Z');
const form = (overrides: Record<string, unknown> = {}) => ({
  holder: 'Jane Doe',
  number: '4111 1111 1111 1111',
  expiryMonth: '12',
  expiryYear: '28',
  cvv: '123',
  ...overrides,
});

function expectOk(result: CardFormResult) {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.errors)}`);
  return result.card;
}
function expectErrors(result: CardFormResult) {
  if (result.ok) throw new Error('expected errors');
  return result.errors;
}

/** Appends the Luhn check digit. */
function withCheckDigit(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return body + d;
  throw new Error('unreachable');
}

describe('parseCardForm: accepted cards', () => {
  it.each([
    ['visa', '4111 1111 1111 1111', '123'],
    ['mastercard', '5555-5555-5555-4444', '123'],
    ['american-express', '3782 822463 10005', '1234'],
    ['unionpay', '6212345678901232', '123'],
    ['unionpay', '6200000000000005', '123'],
    ['unionpay', '6250941006528599', '123'],
    ['jcb', '3530111333300000', '123'],
    ['discover', '6011111111111117', '123'],
    ['diners-club', '30569309025904', '123'],
    ['maestro', '6304000000000000', '123'],
  ])('%s %s', (brand, number, cvv) => {
    const card = expectOk(parseCardForm(form({ number, cvv }), now));
    expect(card).toEqual({
      holder: 'Jane Doe',
      pan: number.replace(/\D/g, ''),
      expiryMonth: 12,
      expiryYear: 2028,
      cvv,
      brand,
    });
  });

  it('normalises the holder name and accepts non-Latin names', () => {
    expect(expectOk(parseCardForm(form({ holder: '  Jane \t  Doe ' }), now)).holder).toBe('Jane Doe');
    expect(expectOk(parseCardForm(form({ holder: '张三' }), now)).holder).toBe('张三');
    expect(expectOk(parseCardForm(form({ holder: '7-ELEVEN INC' }), now)).holder).toBe('7-ELEVEN INC');
  });

  it('takes one- or four-digit expiry parts', () => {
    const card = expectOk(parseCardForm(form({ expiryMonth: '3', expiryYear: '2031' }), now));
    expect([card.expiryMonth, card.expiryYear]).toEqual([3, 2031]);
  });

  it('accepts a card in its expiry month, and until that month has ended everywhere', () => {
    expect(parseCardForm(form({ expiryMonth: '06', expiryYear: '25' }), now).ok).toBe(true);
    const justAfter = new Date('2025-07-01T05:00:00Z'); // still 30 June in UTC-12
    expect(parseCardForm(form({ expiryMonth: '06', expiryYear: '25' }), justAfter).ok).toBe(true);
    const later = new Date('2025-07-01T13:00:00Z');
    expect(expectErrors(parseCardForm(form({ expiryMonth: '06', expiryYear: '25' }), later))).toEqual({ expiry: 'error.expiry.past' });
  });
});

describe('parseCardForm: rejected input', () => {
  it.each([
    ['bad Luhn', '4111111111111112', 'error.number.invalid'],
    ['bad Luhn on UnionPay (checked on request)', '6212345678901234', 'error.number.invalid'],
    ['letters', '4111 1111 abcd 1111', 'error.number.invalid'],
    ['too short for Visa', '4111 1111 1111', 'error.number.length'],
    ['17-digit Mastercard', withCheckDigit('5555555555555444'), 'error.number.length'],
    ['unknown prefix, valid Luhn', withCheckDigit('999999999999999'), 'error.number.unsupported'],
    ['brand we do not accept (Mir)', withCheckDigit('220000000000000'), 'error.number.unsupported'],
    ['absurdly long input', '4'.repeat(100), 'error.number.invalid'],
  ])('%s', (_label, number, error) => {
    expect(expectErrors(parseCardForm(form({ number }), now))).toEqual({ number: error });
  });

  it('rejects an expired card', () => {
    expect(expectErrors(parseCardForm(form({ expiryMonth: '05', expiryYear: '25' }), now))).toEqual({ expiry: 'error.expiry.past' });
    expect(expectErrors(parseCardForm(form({ expiryMonth: '12', expiryYear: '2019' }), now))).toEqual({ expiry: 'error.expiry.past' });
  });

  it.each(['13', '0', '00', 'ab', '1.5', '123'])('rejects month %j', (expiryMonth) => {
    expect(expectErrors(parseCardForm(form({ expiryMonth }), now))).toEqual({ expiry: 'error.expiry.month' });
  });

  it.each(['5', '202', '2099', 'yy', '1999'])('rejects year %j', (expiryYear) => {
    expect(expectErrors(parseCardForm(form({ expiryYear }), now))).toEqual({ expiry: 'error.expiry.year' });
  });

  it('sizes the CVV by brand', () => {
    expect(expectErrors(parseCardForm(form({ cvv: '1234' }), now))).toEqual({ cvv: 'error.cvv.invalid' });
    expect(expectErrors(parseCardForm(form({ number: '378282246310005', cvv: '123' }), now))).toEqual({ cvv: 'error.cvv.amex' });
    expect(expectErrors(parseCardForm(form({ cvv: '12a' }), now))).toEqual({ cvv: 'error.cvv.invalid' });
  });

  it.each([
    ['too short', 'J'],
    ['too long', 'J'.repeat(65)],
    ['control character', 'Jane\u0007Doe'],
    ['a card number', '4111 1111 1111 1111'],
  ])('rejects a holder that is %s', (_label, holder) => {
    expect(expectErrors(parseCardForm(form({ holder }), now))).toEqual({ holder: 'error.holder.invalid' });
  });

  it('reports every missing field', () => {
    expect(expectErrors(parseCardForm({}, now))).toEqual({
      holder: 'error.holder.required',
      number: 'error.number.required',
      expiry: 'error.expiry.required',
      cvv: 'error.cvv.required',
    });
    expect(expectErrors(parseCardForm(form({ number: '   ', expiryYear: '' }), now))).toEqual({
      number: 'error.number.required',
      expiry: 'error.expiry.required',
    });
  });

  it('treats repeated (array) and non-string fields as invalid without throwing', () => {
    const result = parseCardForm({
      holder: ['Jane', 'Doe'],
      number: ['4111111111111111', '4111111111111111'],
      expiryMonth: ['12'],
      expiryYear: { y: 28 },
      cvv: 123,
    }, now);
    expect(expectErrors(result)).toEqual({
      holder: 'error.holder.invalid',
      number: 'error.number.invalid',
      expiry: 'error.expiry.month',
      cvv: 'error.cvv.invalid',
    });
  });

  it('ignores inherited properties', () => {
    const body = Object.create(form()) as Record<string, unknown>;
    expect(expectErrors(parseCardForm(body, now)).number).toBe('error.number.required');
  });
});

describe('parseCardForm: card data never leaks', () => {
  it('echoes only the holder and expiry back on failure', () => {
    const result = parseCardForm(form({ cvv: '12' }), now);
    expect(result).toEqual({
      ok: false,
      errors: { cvv: 'error.cvv.invalid' },
      values: { holder: 'Jane Doe', expiryMonth: '12', expiryYear: '28' /* as typed */ },
    });
  });

  it('a parsed card serialises and inspects without PAN or CVV', () => {
    const card = expectOk(parseCardForm(form({ cvv: '987' }), now));
    for (const text of [JSON.stringify(card), JSON.stringify({ card }), inspect(card), inspect({ card })]) {
      expect(text).not.toContain('4111111111111111');
      expect(text).not.toContain('987');
      expect(text).toContain('1111');
    }
    expect(Object.keys(card).sort()).toEqual(['brand', 'cvv', 'expiryMonth', 'expiryYear', 'holder', 'pan']);
  });

  it('property: any input never throws, errors are message keys, and nothing echoed holds the number', () => {
    const field = fc.oneof(fc.string(), fc.constant(undefined), fc.array(fc.string()), fc.integer(), fc.constant(null));
    const pan = fc.stringMatching(/^[0-9]{6,19}$/);
    fc.assert(
      fc.property(pan, field, field, field, field, (number, cvv, holder, month, year) => {
        const result = parseCardForm({ number, cvv, holder, expiryMonth: month, expiryYear: year }, now);
        if (result.ok) return;
        for (const key of Object.values(result.errors)) expect(key).toMatch(/^error\.[a-z]+\.[a-zA-Z]+$/);
        // Only the holder and expiry come back, and a holder holds at most 4 digits.
        expect(Object.keys(result.values).filter((k) => !['holder', 'expiryMonth', 'expiryYear'].includes(k))).toEqual([]);
        expect(JSON.stringify(result.values)).not.toContain(number);
      }),
    );
  });
});

describe('cardDisplay and maskPan', () => {
  it('keeps BIN and last four only', () => {
    expect(cardDisplay('4111111111111111', 'visa')).toEqual({ bin: '411111', last4: '1111', brand: 'visa' });
    expect(maskPan('4111111111111111')).toBe('411111******1111');
    expect(maskPan('378282246310005')).toBe('378282*****0005');
    expect(maskPan('4111-1111-1111-1111')).toBe('411111******1111');
  });

  it('masks everything when too short to be a card', () => {
    expect(maskPan('12345678')).toBe('********');
  });
});
