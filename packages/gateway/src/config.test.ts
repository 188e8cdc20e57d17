import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULTS, ENV_VARS, loadConfig } from './config.js';

const doc = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');

describe('configuration', () => {
  it('every key is documented with its variable, and the docs name no other key', () => {
    const rows = [...doc.matchAll(/^\| `(\w+)` \| `(\w+)` \|/gm)].map((m) => [m[1], m[2]]);
    expect(new Map(rows.map(([k, e]) => [e, k]))).toEqual(new Map(Object.entries(ENV_VARS)));
    for (const [, key] of Object.entries(ENV_VARS)) expect(key in DEFAULTS || key === 'databaseUrl' || key === 'publicBaseUrl').toBe(true);
  });
  it('environment overrides the file, which overrides defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oc-config-'));
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ port: 9000, host: '0.0.0.0', workers: 2 }));
    const c = loadConfig({ PORT: '9100' }, file);
    expect(c.port).toBe(9100);
    expect(c.workers).toBe(2);
    expect(c.publicBaseUrl).toBe('http://localhost:9100');
    expect(c.databaseUrl).toBe(join(c.dataDir, 'opencashier.sqlite'));
  });
  it('refuses unknown keys and bad numbers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oc-config-'));
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ prot: 1 }));
    expect(() => loadConfig({}, file)).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(ConfigError);
    expect(() => loadConfig({ OPENCASHIER_DEMO_MERCHANT_ID: '12' })).toThrow(ConfigError);
  });
});
