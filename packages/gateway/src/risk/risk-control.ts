import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config.js';
import type { KeyEncryptionKey } from '../keys/kek.js';
import type { Database } from '../store/schema.js';
import { RiskKeys } from './card-fingerprint.js';
import { BinTable, IpCountryTable } from './country-tables.js';
import { RISK_RULE_FILE_BYTES_MAX } from './limits.js';
import { ListService } from './list-service.js';
import { RiskEngine, type RiskEngineDeps, type RuleLoadResult } from './risk-engine.js';
import { RiskRepository } from './risk-repository.js';
import { SAMPLE_BIN_TABLE, SAMPLE_IP_TABLE } from './sample-tables.js';

export interface RiskControl {
  engine: RiskEngine;
  lists: ListService;
  repository: RiskRepository;
  keys: RiskKeys;
  /** Reads the configured rule file and puts it in force if it has no mistakes (and changed). */
  reloadRuleFile(): Promise<RuleLoadResult & { file: string }>;
}

/** Builds risk control from the configuration: tables loaded once at start, rules from the database. */
export function createRiskControl(
  config: Pick<GatewayConfig, 'riskRulesFile' | 'riskBinTableFile' | 'riskIpTableFile'>,
  db: Kysely<Database>,
  kek: KeyEncryptionKey,
  clock: () => number,
  logger: Logger,
  onDecision?: RiskEngineDeps['onDecision'],
  /** The sandbox's published test card numbers: never auto-blocked (see RiskEngineDeps.sharedTestCards). */
  sharedTestPans: readonly string[] = [],
): RiskControl {
  const repository = new RiskRepository(db);
  const keys = new RiskKeys(kek.subkey('card-fingerprint'));
  const bins = new BinTable(config.riskBinTableFile ? readFileSync(config.riskBinTableFile, 'utf8') : SAMPLE_BIN_TABLE);
  const ips = new IpCountryTable(config.riskIpTableFile ? readFileSync(config.riskIpTableFile, 'utf8') : SAMPLE_IP_TABLE);
  const sharedTestCards = new Set(sharedTestPans.map((pan) => keys.cardFingerprint(pan)));
  const engine = new RiskEngine({ repository, keys, bins, ips, clock, logger, sharedTestCards, ...(onDecision ? { onDecision } : {}) });
  return {
    engine,
    repository,
    keys,
    lists: new ListService({ repository, keys, clock }),
    async reloadRuleFile() {
      const file = config.riskRulesFile;
      if (!file) return { ok: false, file: '', errors: [{ line: 0, path: '', cause: 'no rule file is configured (riskRulesFile)' }] };
      const text = readRuleFile(file);
      if (typeof text !== 'string') return { ...text, file };
      const current = await repository.currentRuleSet();
      if (current?.document === text) return { ok: true, version: current.version, file };
      return { ...(await engine.loadRules(text, `file ${file}`)), file };
    },
  };
}

/** A rule file's text, or why it cannot be read. */
export function readRuleFile(file: string): string | { ok: false; errors: { line: number; path: string; cause: string }[] } {
  try {
    const bytes = readFileSync(file);
    if (bytes.length > RISK_RULE_FILE_BYTES_MAX) return { ok: false, errors: [{ line: 0, path: '', cause: `larger than ${RISK_RULE_FILE_BYTES_MAX} bytes` }] };
    return bytes.toString('utf8');
  } catch (error) {
    return { ok: false, errors: [{ line: 0, path: '', cause: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}` }] };
  }
}

/** One line per mistake, as the CLI and logs print them. */
export function formatRuleErrors(errors: readonly { line: number; path: string; cause: string }[]): string[] {
  return errors.map((e) => `line ${e.line}${e.path ? ` (${e.path})` : ''}: ${e.cause}`);
}
