import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { closestName } from './config-checks.js';

const refusal = (env: NodeJS.ProcessEnv): string => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
};

describe('strict configuration', () => {
  it('refuses a mistyped OPENCASHIER_* variable, suggesting the one meant', () => {
    expect(refusal({ OPENCASHIER_DEMO_MERCHNAT: 'false' })).toContain('unknown variable OPENCASHIER_DEMO_MERCHNAT; did you mean OPENCASHIER_DEMO_MERCHANT?');
    expect(refusal({ OPENCASHIER_PUBLIC_BASEURL: 'https://pay.example.com' })).toContain('did you mean OPENCASHIER_PUBLIC_BASE_URL?');
    expect(refusal({ OPENCASHIER_SOMETHING_ELSE_ENTIRELY: '1' })).toMatch(/unknown variable OPENCASHIER_SOMETHING_ELSE_ENTIRELY \(docs/);
  });

  it('leaves alone the variables of the test and verification tools, and other programs', () => {
    expect(() => loadConfig({ OPENCASHIER_TEST_DATABASE: 'sqlite', OPENCASHIER_VERIFY: '1', OPENCASHIER_CONFIG: '', HOME: '/root' })).not.toThrow();
  });

  it('refuses a public base URL that is not an http(s) URL, and a malformed host or database URL', () => {
    expect(refusal({ OPENCASHIER_PUBLIC_BASE_URL: 'notaurl' })).toContain('publicBaseUrl notaurl is not a URL');
    expect(refusal({ OPENCASHIER_PUBLIC_BASE_URL: 'ftp://pay.example.com' })).toContain('must be http:// or https://');
    expect(refusal({ OPENCASHIER_PUBLIC_BASE_URL: 'https://user:pw@pay.example.com' })).toContain('must not carry credentials');
    expect(refusal({ HOST: 'my host' })).toContain('host my host is not a host name');
    expect(refusal({ OPENCASHIER_DATABASE_URL: 'postgres://' })).toContain('databaseUrl');
    expect(loadConfig({ OPENCASHIER_PUBLIC_BASE_URL: 'https://pay.example.com/', HOST: '::' }).publicBaseUrl).toBe('https://pay.example.com');
  });

  it('suggests only names close enough to be a typo', () => {
    expect(closestName('OPENCASHIER_PORT', ['PORT', 'OPENCASHIER_HOST'])).toBe('OPENCASHIER_HOST');
    expect(closestName('OPENCASHIER_ZZZZZZZZZZZZZZZZ', ['OPENCASHIER_KEK'])).toBeUndefined();
  });
});
