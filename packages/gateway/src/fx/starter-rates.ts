/**
 * The bundled starter table, so the sandbox quotes rates from the first
 * start. Round, plausible numbers for testing — not market data. An
 * operator replaces them with a rate file (config `fxRateFile`).
 */
export const STARTER_RATE_TABLE = {
  source: 'opencashier-starter-table (sandbox, not market data)',
  rates: [
    { base: 'USD', quote: 'CNY', bid: '7.1000', ask: '7.1400', mid: '7.1200', asOf: '2026-01-01T00:00:00Z' },
    { base: 'EUR', quote: 'CNY', bid: '7.7000', ask: '7.7500', mid: '7.7250', asOf: '2026-01-01T00:00:00Z' },
    { base: 'GBP', quote: 'CNY', bid: '9.0000', ask: '9.0600', mid: '9.0300', asOf: '2026-01-01T00:00:00Z' },
    { base: 'CHF', quote: 'CNY', bid: '8.0000', ask: '8.0600', mid: '8.0300', asOf: '2026-01-01T00:00:00Z' },
    { base: 'CAD', quote: 'CNY', bid: '5.2000', ask: '5.2400', mid: '5.2200', asOf: '2026-01-01T00:00:00Z' },
    { base: 'AUD', quote: 'CNY', bid: '4.6000', ask: '4.6400', mid: '4.6200', asOf: '2026-01-01T00:00:00Z' },
    { base: 'HKD', quote: 'CNY', bid: '0.9100', ask: '0.9150', mid: '0.9125', asOf: '2026-01-01T00:00:00Z' },
    { base: 'JPY', quote: 'CNY', bid: '0.0470', ask: '0.0480', mid: '0.0475', asOf: '2026-01-01T00:00:00Z' },
  ],
} as const;
