/**
 * Parses the hosted card form. Pure: the clock is a parameter, nothing is
 * logged, and no error or echoed value ever carries the card number or CVV —
 * the result of a failed parse is safe to re-render and to log.
 */
import { inspect } from 'node:util';
import { identifyCard, type CardBrand } from '../domain/card-brand.js';
import type { MessageKey } from './i18n.js';

/** Longest card-number input we look at: 19 digits plus generous spacing. Longer is not a card. */
export const cardNumberInputCharsMax = 40;
/** Names are embossed with at most ~26 characters; 64 leaves room for long non-Latin names. */
export const holderCharsMin = 2;
export const holderCharsMax = 64;
/**
 * A real name holds at most a few digits ("3M", "7-ELEVEN"). More means card
 * data typed into the wrong box, and the holder name is stored in clear.
 */
export const holderDigitsMax = 4;
/** Cards are issued for at most ~10 years; 20 catches typos like 2208 without rejecting real cards. */
export const expiryYearsAheadMax = 20;
/**
 * A card is valid through the last day of its expiry month in the issuer's
 * time zone. We only reject what has expired everywhere (UTC-12) and leave the
 * edge to the issuer, so a payer is never turned away for our clock's zone.
 */
const earliestZoneOffsetMs = 12 * 60 * 60 * 1000;

export type CardField = 'holder' | 'number' | 'expiry' | 'cvv';
export type CardFormErrors = Partial<Record<CardField, MessageKey>>;

export interface ParsedCard {
  holder: string;
  /** Digits only. */
  pan: string;
  expiryMonth: number;
  /** Four digits. */
  expiryYear: number;
  cvv: string;
  brand: CardBrand;
}

/** Values that passed validation and are safe to put back into the form. */
export interface CardFormEcho {
  holder?: string;
  expiryMonth?: string;
  expiryYear?: string;
}

export type CardFormResult =
  | { ok: true; card: ParsedCard }
  | { ok: false; errors: CardFormErrors; values: CardFormEcho };

/** Marks a field that was posted but is not a single string (e.g. repeated). */
const notText = Symbol('notText');
type FieldValue = string | undefined | typeof notText;

function readField(body: Record<string, unknown>, name: string): FieldValue {
  if (!Object.hasOwn(body, name)) return undefined;
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return notText;
  return value.trim() === '' ? undefined : value;
}

export function parseCardForm(body: Record<string, unknown>, now: Date): CardFormResult {
  const errors: CardFormErrors = {};
  const values: CardFormEcho = {};

  const holder = parseHolder(readField(body, 'holder'));
  if (typeof holder === 'string') values.holder = holder;
  else errors.holder = holder.error;

  const number = parseNumber(readField(body, 'number'));
  if ('error' in number) errors.number = number.error;

  const expiry = parseExpiry(readField(body, 'expiryMonth'), readField(body, 'expiryYear'), now);
  if (expiry.month !== undefined) values.expiryMonth = String(expiry.month).padStart(2, '0');
  // Echo the year as typed (YY or YYYY), so the field still matches its placeholder.
  if (expiry.year !== undefined) values.expiryYear = (readField(body, 'expiryYear') as string).trim();
  if (expiry.error !== undefined) errors.expiry = expiry.error;

  const cvvSize = 'pan' in number ? number.cvvSize : undefined;
  const cvv = parseCvv(readField(body, 'cvv'), cvvSize);
  if (typeof cvv !== 'string') errors.cvv = cvv.error;

  if (
    typeof holder !== 'string' || !('pan' in number) || typeof cvv !== 'string' ||
    expiry.error !== undefined || expiry.month === undefined || expiry.year === undefined
  ) {
    return { ok: false, errors, values };
  }
  const card = selfRedacting({
    holder,
    pan: number.pan,
    expiryMonth: expiry.month,
    expiryYear: expiry.year,
    cvv,
    brand: number.brand,
  });
  return { ok: true, card };
}

function parseHolder(raw: FieldValue): string | { error: MessageKey } {
  if (raw === undefined) return { error: 'error.holder.required' };
  if (raw === notText) return { error: 'error.holder.invalid' };
  const holder = raw.normalize('NFC').trim().replace(/\s+/g, ' ');
  const chars = [...holder].length;
  const digits = holder.match(/\p{Nd}/gu)?.length ?? 0;
  // \p{C} covers control, format and unassigned code points: nothing printable.
  if (chars < holderCharsMin || chars > holderCharsMax || /\p{C}/u.test(holder) || digits > holderDigitsMax) {
    return { error: 'error.holder.invalid' };
  }
  return holder;
}

const NUMBER_ERRORS = { unsupported: 'error.number.unsupported', length: 'error.number.length', invalid: 'error.number.invalid' } as const satisfies Record<string, MessageKey>;

type NumberResult = { pan: string; brand: CardBrand; cvvSize: number } | { error: MessageKey };

function parseNumber(raw: FieldValue): NumberResult {
  if (raw === undefined) return { error: 'error.number.required' };
  if (raw === notText || raw.length > cardNumberInputCharsMax) return { error: 'error.number.invalid' };
  const pan = raw.replace(/[\s-]/g, '');
  if (!/^\d+$/.test(pan)) return { error: 'error.number.invalid' };

  const identity = identifyCard(pan);
  if ('problem' in identity) return { error: NUMBER_ERRORS[identity.problem] };
  return { pan, ...identity };
}

interface ExpiryResult {
  month?: number;
  year?: number;
  error?: MessageKey;
}

function parseExpiry(rawMonth: FieldValue, rawYear: FieldValue, now: Date): ExpiryResult {
  // Each valid half is returned even when the other is wrong, so the payer
  // does not have to retype it.
  const month = parseMonth(rawMonth);
  const year = parseYear(rawYear, now);
  if (rawMonth === undefined || rawYear === undefined) return { month, year, error: 'error.expiry.required' };
  if (month === undefined) return { year, error: 'error.expiry.month' };
  if (year === undefined) return { month, error: 'error.expiry.year' };

  const reference = new Date(now.getTime() - earliestZoneOffsetMs);
  const current = reference.getUTCFullYear() * 12 + reference.getUTCMonth() + 1;
  if (year * 12 + month < current) return { month, year, error: 'error.expiry.past' };
  return { month, year };
}

function parseMonth(raw: FieldValue): number | undefined {
  if (typeof raw !== 'string' || !/^\d{1,2}$/.test(raw.trim())) return undefined;
  const month = Number(raw.trim());
  return month >= 1 && month <= 12 ? month : undefined;
}

function parseYear(raw: FieldValue, now: Date): number | undefined {
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim();
  // Cards print two-digit years; 20xx holds until 2100.
  const year = /^\d{2}$/.test(text) ? 2000 + Number(text) : /^\d{4}$/.test(text) ? Number(text) : undefined;
  if (year === undefined) return undefined;
  const thisYear = now.getUTCFullYear();
  // Years already past are reported as "expired" (clearer than "bad year"), so
  // only the far future is a format error here.
  return year >= 2000 && year <= thisYear + expiryYearsAheadMax ? year : undefined;
}

function parseCvv(raw: FieldValue, size: number | undefined): string | { error: MessageKey } {
  if (raw === undefined) return { error: 'error.cvv.required' };
  const wrong: MessageKey = size === 4 ? 'error.cvv.amex' : 'error.cvv.invalid';
  if (raw === notText) return { error: wrong };
  const cvv = raw.trim();
  // Without a recognised brand we cannot know the size; accept either so the
  // payer sees only the card-number error.
  const sizeOk = size === undefined ? cvv.length === 3 || cvv.length === 4 : cvv.length === size;
  return /^\d+$/.test(cvv) && sizeOk ? cvv : { error: wrong };
}

/**
 * Card data redacts itself (house style: secrets redact themselves): logging
 * or JSON-encoding a parsed card by accident shows only brand, BIN and last 4.
 * The methods are non-enumerable so the object still has exactly the fields
 * of `ParsedCard`.
 */
function selfRedacting(card: ParsedCard): ParsedCard {
  const safe = () => ({ ...cardDisplay(card.pan, card.brand), redacted: true });
  Object.defineProperty(card, 'toJSON', { value: safe, enumerable: false });
  Object.defineProperty(card, inspect.custom, { value: () => safe(), enumerable: false });
  return card;
}

/** What may be stored and shown about a card: BIN (first 6), last 4 and brand. */
export function cardDisplay(pan: string, brand: CardBrand): { bin: string; last4: string; brand: CardBrand } {
  const digits = pan.replace(/\D/g, '');
  return { bin: digits.slice(0, 6), last4: digits.slice(-4), brand };
}

/** `4111111111111111` → `411111******1111`. Too short to be a card → fully masked. */
export function maskPan(pan: string): string {
  const digits = pan.replace(/\D/g, '');
  if (digits.length < 12) return '*'.repeat(digits.length);
  return digits.slice(0, 6) + '*'.repeat(digits.length - 10) + digits.slice(-4);
}
