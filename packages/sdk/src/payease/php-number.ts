/**
 * How PHP turns a number from `json_decode` into the string it signs, for
 * the canonical string (`$value . '#'`).
 *
 * - A JSON integer within PHP's 64-bit int range stays an int: its decimal
 *   digits, exactly (`-0` is int 0: "0").
 * - Any other JSON number is a float, printed with `precision=14` (PHP's
 *   default) by `zend_gcvt`: 14 significant digits, trailing zeros dropped,
 *   exponent form `1.0E+25` when the decimal exponent is below -4 or above 14.
 *   `1.5` → "1.5", `1e3` → "1000", `1.0` → "1", `1e20` → "1.0E+20",
 *   `0.00001` → "1.0E-5", `12345678901234567890` → "1.2345678901235E+19".
 *   An exact half-way case rounds to even, as `zend_dtoa` does
 *   (`123456789012345` → "1.2345678901234E+14"), which `toExponential` does not.
 */

const PHP_INT_MAX = 2n ** 63n - 1n;
const PHP_INT_MIN = -(2n ** 63n);
const PHP_FLOAT_PRECISION = 14;

/** The string PHP makes of a JSON integer literal (here a bigint). */
export function phpIntegerString(value: bigint): string {
  if (value >= PHP_INT_MIN && value <= PHP_INT_MAX) return value.toString();
  return phpFloatString(Number(value));
}

/** The string PHP makes of a float (`precision=14`). */
export function phpFloatString(value: number): string {
  if (Number.isNaN(value)) return 'NAN';
  if (!Number.isFinite(value)) return value > 0 ? 'INF' : '-INF';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const sign = value < 0 ? '-' : '';
  const { digits, decpt } = roundedDigits(Math.abs(value), PHP_FLOAT_PRECISION);
  if (decpt < -3 || decpt > PHP_FLOAT_PRECISION) {
    const exponent = decpt - 1;
    const fraction = digits.length > 1 ? digits.slice(1) : '0';
    return `${sign}${digits[0]}.${fraction}E${exponent < 0 ? '-' : '+'}${Math.abs(exponent)}`;
  }
  if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
  if (digits.length <= decpt) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}`;
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}

/**
 * The first `precision` significant digits of a positive finite double,
 * rounded half to even from its exact decimal expansion, without trailing
 * zeros; `decpt` places the point as zend_dtoa does (value = 0.d1d2… × 10^decpt).
 */
function roundedDigits(value: number, precision: number): { digits: string; decpt: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const biasedExponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biasedExponent === 0 ? fraction : fraction | (1n << 52n);
  const exponent2 = (biasedExponent === 0 ? 1 : biasedExponent) - 1075;
  // value = mantissa × 2^exponent2, exactly; as a decimal: N × 10^-shift.
  const exact = exponent2 >= 0 ? (mantissa << BigInt(exponent2)).toString() : (mantissa * 5n ** BigInt(-exponent2)).toString();
  let decpt = exact.length - (exponent2 >= 0 ? 0 : -exponent2);
  let digits = exact.replace(/0+$/, '');
  if (digits.length > precision) {
    const rest = digits.slice(precision);
    let head = digits.slice(0, precision);
    const half = rest[0]!;
    const lastOdd = Number(head[head.length - 1]) % 2 === 1;
    if (half > '5' || (half === '5' && (/[1-9]/.test(rest.slice(1)) || lastOdd))) {
      const bumped = (BigInt(head) + 1n).toString();
      if (bumped.length > head.length) decpt += 1;
      head = bumped.slice(0, precision);
    }
    digits = head.replace(/0+$/, '');
  }
  return { digits, decpt };
}
