import { Writable } from 'node:stream';
import fc from 'fast-check';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { luhnValid } from '../domain/luhn.js';
import { redactCardNumbers, redactCensor, redactedFieldNames, redactPaths } from './redact.js';

describe('redactCardNumbers', () => {
  it.each([
    ['4111 1111 1111 1111', '4111 11** **** 1111'],
    ['4111-1111-1111-1111', '4111-11**-****-1111'],
    ['4111111111111111', '411111******1111'],
    ['3782 822463 10005', '3782 82**** *0005'],
    ['card=4111111111111111&cvv=***', 'card=411111******1111&cvv=***'],
    ['declined: 5555555555554444.', 'declined: 555555******4444.'],
    ['pan 4111 1111 1111 1111 exp 12 28', 'pan 4111 11** **** 1111 exp 12 28'],
    ['4111 1111 1111 1111 12 28', '4111 11** **** 1111 12 28'],
  ])('%s', (input, expected) => {
    expect(redactCardNumbers(input)).toBe(expected);
  });

  it('leaves digit runs that fail Luhn alone, such as order numbers and timestamps', () => {
    const samples = ['202506150001234567', '1718000000001', '4111111111111112', '8613800138000'];
    for (const s of samples) expect(luhnValid(s), s).toBe(false);
    const text = `order ${samples.join(', order ')} phone +86 138 0013 8000`;
    expect(redactCardNumbers(text)).toBe(text);
  });

  it('leaves short numbers and long identifiers alone', () => {
    const text = 'amount 12345, id 41111111111111110000000 (23 digits), v1.2.3';
    expect(redactCardNumbers(text)).toBe(text);
  });

  it('does not join groups across double spaces or other separators', () => {
    expect(redactCardNumbers('4111  1111  1111  1111')).toBe('4111  1111  1111  1111');
  });

  it('property: the output never contains a Luhn-valid PAN that was in the input', () => {
    const luhnPan = fc.stringMatching(/^[1-9][0-9]{10,17}$/).map((body) => {
      for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return body + d;
      throw new Error('unreachable');
    });
    const formatted = fc.tuple(luhnPan, fc.constantFrom('', ' ', '-'), fc.integer({ min: 3, max: 6 }))
      .map(([pan, sep, size]) => ({ pan, text: pan.match(new RegExp(`.{1,${size}}`, 'g'))!.join(sep) }));
    // Whatever surrounds the number, it is not glued to more digits.
    const context = fc.string({ maxLength: 40 });
    const boundary = fc.constantFrom(' ', '\n', '=', ':', '"', ' - ', ', ');
    fc.assert(
      fc.property(context, boundary, formatted, boundary, context, (before, b1, { pan, text }, b2, after) => {
        const out = redactCardNumbers(before + b1 + text + b2 + after);
        expect(out).not.toContain(pan);
        expect(out).not.toContain(text);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('redactPaths', () => {
  it('includes the card and credential fields at every depth', () => {
    for (const name of ['cvv', 'cvc', 'pan', 'cardNumber', 'number', 'password', 'pfxPassword', 'encryptKey', 'authorization', 'cookie']) {
      expect(redactedFieldNames).toContain(name);
      expect(redactPaths).toContain(name);
      expect(redactPaths).toContain(`*.*.*.${name}`);
    }
  });

  it('censors those fields in a real pino logger, wherever they sit', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = pino({ redact: { paths: [...redactPaths], censor: redactCensor } }, sink);
    log.info({
      cvv: 'secret-cvv-top',
      req: {
        headers: { authorization: 'Bearer secret-token', cookie: 'sid=secret-cookie', 'set-cookie': 'secret-set' },
        body: { number: '4111111111111111', cvv: 'secret-cvv-body', holder: 'Jane Doe', _csrf: 'secret-csrf' },
      },
      merchant: { config: { keys: { pfxPassword: 'secret-pfx', encryptKey: 'secret-key' } } },
    }, 'payment submitted');
    const out = lines.join('');
    for (const secret of ['secret-cvv-top', 'secret-token', 'secret-cookie', 'secret-set', '4111111111111111', 'secret-cvv-body', 'secret-csrf', 'secret-pfx', 'secret-key']) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('Jane Doe');
    expect(out).toContain(redactCensor);
  });
});
