import { readFileSync, statSync } from 'node:fs';
import type { Logger } from 'pino';
import type { CurrencyCode } from '../domain/currencies.js';
import { FX_RATE_FILE_BYTES_MAX } from '../domain/limits.js';
import type { MarketRate, RateProvider } from './rate-provider.js';
import { parseRateTable } from './rate-table.js';
import { STARTER_RATE_TABLE } from './starter-rates.js';

/**
 * Rates from a JSON file the operator may replace while the gateway runs
 * (write a new file and rename it over the old one). The file is read again
 * when its modification time or size changes; a file that does not parse is
 * logged and ignored, and the last good table stays in force — a typo must
 * never stop payments. Without a file, the bundled starter table answers.
 */
export class RateFileProvider implements RateProvider {
  private table: ReadonlyMap<string, MarketRate>;
  private seen = '';

  constructor(
    private readonly path: string,
    private readonly logger?: Pick<Logger, 'warn' | 'info'>,
  ) {
    this.table = index(parseRateTable(STARTER_RATE_TABLE, 'starter'));
  }

  private refresh(): void {
    let stamp: string;
    try {
      const s = statSync(this.path);
      stamp = `${s.mtimeMs}:${s.size}`;
      if (stamp === this.seen) return;
      this.seen = stamp;
      if (s.size > FX_RATE_FILE_BYTES_MAX) throw new Error(`larger than ${FX_RATE_FILE_BYTES_MAX} bytes`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      this.logger?.warn({ path: this.path, err: error }, 'rate file ignored; the previous rates stay in force');
      return;
    }
    try {
      const rates = parseRateTable(JSON.parse(readFileSync(this.path, 'utf8')), this.path);
      this.table = index(rates);
      this.logger?.info({ path: this.path, pairs: rates.length }, 'rate file loaded');
    } catch (error) {
      this.logger?.warn({ path: this.path, err: error }, 'rate file ignored; the previous rates stay in force');
    }
  }

  async rate(base: CurrencyCode, quote: CurrencyCode): Promise<MarketRate | undefined> {
    this.refresh();
    return this.table.get(`${base}/${quote}`);
  }

  async all(): Promise<readonly MarketRate[]> {
    this.refresh();
    return [...this.table.values()];
  }
}

function index(rates: readonly MarketRate[]): ReadonlyMap<string, MarketRate> {
  return new Map(rates.map((r) => [`${r.base}/${r.quote}`, r]));
}
