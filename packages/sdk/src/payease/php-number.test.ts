import { describe, expect, it } from 'vitest';
import { phpFloatString, phpIntegerString } from './php-number.js';

describe('PHP number printing (precision=14)', () => {
  it.each([
    [1.5, '1.5'],
    [1000, '1000'],
    [1, '1'],
    [-2.25, '-2.25'],
    [0.5, '0.5'],
    [0.0001, '0.0001'],
    [0.00001, '1.0E-5'],
    [1e14, '1.0E+14'],
    [1e13, '10000000000000'],
    [99999999999999, '99999999999999'],
    [123456789012345, '1.2345678901234E+14'],
    [1e20, '1.0E+20'],
    [1.25e-7, '1.25E-7'],
    [0.1 + 0.2, '0.3'],
    [1 / 3, '0.33333333333333'],
    [-0, '-0'],
    [0, '0'],
  ])('%s prints as %s', (value, expected) => {
    expect(phpFloatString(value)).toBe(expected);
  });

  it('keeps integers in the 64-bit range exact and prints larger ones as floats', () => {
    expect(phpIntegerString(12345678901234567n)).toBe('12345678901234567');
    expect(phpIntegerString(-9223372036854775808n)).toBe('-9223372036854775808');
    expect(phpIntegerString(9223372036854775808n)).toBe('9.2233720368548E+18');
    expect(phpIntegerString(12345678901234567890n)).toBe('1.2345678901235E+19');
  });
});
