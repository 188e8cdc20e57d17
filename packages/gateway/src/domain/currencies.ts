import currencyCodes from 'currency-codes';

/**
 * The currencies the international card cashier accepts (the seed's list).
 * Exponents come from the ISO 4217 data set, never from `Intl`, whose answers
 * vary with the ICU build.
 */
export const SUPPORTED_CURRENCIES = ['CNY', 'USD', 'JPY', 'EUR', 'CHF', 'GBP', 'CAD', 'AUD', 'HKD'] as const;
export type CurrencyCode = (typeof SUPPORTED_CURRENCIES)[number];

export interface Currency {
  code: CurrencyCode;
  numeric: string;
  exponent: number;
  name: string;
}

const CATALOGUE: ReadonlyMap<string, Currency> = new Map(
  SUPPORTED_CURRENCIES.map((code) => {
    const entry = currencyCodes.code(code);
    if (!entry) throw new Error(`ISO 4217 data lacks ${code}`);
    return [code, { code, numeric: entry.number, exponent: entry.digits, name: entry.currency }];
  }),
);

export function findCurrency(code: unknown): Currency | undefined {
  return typeof code === 'string' ? CATALOGUE.get(code) : undefined;
}

export function currency(code: CurrencyCode): Currency {
  const found = CATALOGUE.get(code);
  if (!found) throw new Error(`unsupported currency ${code}`);
  return found;
}
