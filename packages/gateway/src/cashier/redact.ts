/**
 * Keeping card data out of logs. Two layers, because either alone leaks:
 * `redactPaths` censors fields we know are sensitive before they are
 * serialised, and `redactCardNumbers` masks card numbers that end up inside
 * free text (error messages, upstream response bodies, URLs).
 */
import { luhnValid } from '../domain/luhn.js';

/** Card numbers have 12 to 19 digits (ISO/IEC 7812). */
const panDigitsMin = 12;
const panDigitsMax = 19;
/** PCI DSS lets the first 6 and last 4 digits be shown; everything between is masked. */
const keepLeading = 6;
const keepTrailing = 4;

/** Digit groups joined by single spaces or dashes — how people and systems format card numbers. */
const digitRun = /\d+(?:[ -]\d+)*/g;

/**
 * Masks every Luhn-valid card number in `text`, keeping separators so the
 * text keeps its shape: `4111 1111 1111 1111` → `4111 11** **** 1111`.
 *
 * Candidates are whole digit groups, so a card number written next to other
 * numbers ("4111 1111 1111 1111 12/28") is still found. Every candidate is
 * masked, not only the longest: overlapping false positives cost a few extra
 * asterisks, while picking one could leave the real number visible. An
 * unbroken run of more than 19 digits is an identifier, not a card, and is
 * left alone; so are runs that fail Luhn, like most order numbers.
 */
export function redactCardNumbers(text: string): string {
  return text.replace(digitRun, maskRun);
}

function maskRun(run: string): string {
  if (run.length < panDigitsMin) return run;
  const groups = run.split(/[ -]/);
  const digits = groups.join('');
  if (digits.length < panDigitsMin) return run;

  const masked = new Uint8Array(digits.length);
  let found = false;
  for (let i = 0, start = 0; i < groups.length; start += (groups[i] ?? '').length, i++) {
    let length = 0;
    for (let j = i; j < groups.length; j++) {
      length += (groups[j] ?? '').length;
      if (length > panDigitsMax) break;
      if (length >= panDigitsMin && luhnValid(digits.slice(start, start + length))) {
        masked.fill(1, start + keepLeading, start + length - keepTrailing);
        found = true;
      }
    }
  }
  if (!found) return run;

  let index = 0;
  let out = '';
  for (const ch of run) {
    if (ch === ' ' || ch === '-') {
      out += ch;
    } else {
      out += masked[index] === 1 ? '*' : ch;
      index++;
    }
  }
  return out;
}

/** What pino writes in place of a censored value. */
export const redactCensor = '[redacted]';

/**
 * Field names whose values never belong in a log, wherever they appear.
 * `number` is on the list because it is the card form's field name; a
 * harmless `number` elsewhere being censored is the cheaper mistake.
 */
export const redactedFieldNames = [
  // card data (PCI sensitive authentication data and the PAN)
  'cvv', 'cvc', 'cvn', 'cvv2', 'securityCode', 'pan', 'cardNumber', 'card_number', 'card_no', 'cardNum', 'number', 'otp',
  // credentials and keys
  'password', 'pfxPassword', 'passphrase', 'encryptKey', 'privateKey', 'secretKey', 'apiKey', 'secret', 'md5Key',
  'authorization', 'cookie', 'set-cookie', 'x-api-key', '_csrf',
] as const;

/**
 * pino's wildcards match exactly one level (`*.cvv` does not reach
 * `req.body.cvv`), so each name is listed at every depth down to this one.
 * 3 covers `err.config.headers.authorization`, the deepest shape our HTTP
 * clients and request logs produce.
 */
export const redactDepthMax = 3;

function pathsFor(name: string): string[] {
  const safeIdentifier = /^[A-Za-z_$][\w$]*$/.test(name);
  const paths: string[] = [];
  for (let depth = 0; depth <= redactDepthMax; depth++) {
    const prefix = Array.from({ length: depth }, () => '*').join('.');
    const key = safeIdentifier ? name : `["${name}"]`;
    paths.push(prefix === '' ? key : safeIdentifier ? `${prefix}.${key}` : `${prefix}${key}`);
  }
  return paths;
}

/** For `pino({ redact: { paths: redactPaths, censor: redactCensor } })`. */
export const redactPaths: readonly string[] = Object.freeze(redactedFieldNames.flatMap(pathsFor));
