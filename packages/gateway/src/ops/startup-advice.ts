import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KEK_BYTES, UnknownKeyIdError } from '../keys/kek.js';

/**
 * The messages a person sees when the gateway cannot start from what it was
 * given: each says what is wrong and how to put it right. Each returns the
 * problem, or undefined when there is none; callers throw.
 */

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** OPENCASHIER_LOG_LEVEL names one of the logger's levels. */
export function logLevelProblem(level: unknown): string | undefined {
  if ((LOG_LEVELS as readonly unknown[]).includes(level)) return undefined;
  return `OPENCASHIER_LOG_LEVEL (logLevel) is ${JSON.stringify(level)}: use one of ${LOG_LEVELS.join(', ')}`;
}

/** A KEK is the base64 of exactly 32 bytes. `source` names where it came from. */
export function kekTextProblem(text: string, source: string): string | undefined {
  const trimmed = text.trim();
  const bytes = Buffer.from(trimmed, 'base64').length;
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) && bytes === KEK_BYTES) return undefined;
  return `${source} must be the base64 of ${KEK_BYTES} random bytes (44 characters), but it ${trimmed === '' ? 'is empty' : `decodes to ${bytes} bytes`}: make one with \`opencashier kek generate\``;
}

/**
 * No KEK is configured and none is in the data directory, yet the directory
 * holds keys sealed under one: generating a new KEK would lock them away.
 */
export function missingKekProblem(dataDir: string): string | undefined {
  if (!existsSync(join(dataDir, 'keys', 'gateway-keys.json'))) return undefined;
  return `OPENCASHIER_KEK is not set and ${join(dataDir, 'kek')} is missing, but ${dataDir} holds keys sealed under a key-encryption key: set OPENCASHIER_KEK to the key this data directory was created with (or restore its kek file)`;
}

/** Shows a database URL without its password. */
export function redactedDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

interface SystemError {
  code?: string;
  address?: string;
  port?: number;
  hostname?: string;
  message?: string;
}

/**
 * Explains a failure met while starting or opening the store, or
 * undefined when it is not one of the known mistakes of configuration.
 */
export function explainStartupFailure(error: unknown, databaseUrl: string | undefined): string | undefined {
  const where = databaseUrl ? ` (OPENCASHIER_DATABASE_URL=${redactedDatabaseUrl(databaseUrl)})` : '';
  if (error instanceof UnknownKeyIdError) {
    return `the data directory's keys are ${error.message}: set OPENCASHIER_KEK to the key this data directory was created with; after a rotation, keep the old key in OPENCASHIER_KEK_PREVIOUS until \`opencashier kek rotate\` has run`;
  }
  const e = (error ?? {}) as SystemError;
  switch (e.code) {
    case 'ECONNREFUSED':
      return `cannot reach PostgreSQL${e.address ? ` at ${e.address}:${e.port}` : ''}${where}: start it, or fix the host and port in the URL`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot find the PostgreSQL host ${e.hostname ?? ''}${where}: fix the host name in the URL`;
    case '28P01':
    case '28000':
      return `PostgreSQL refused the log-in${where}: fix the user name and password in the URL`;
    case '3D000':
      return `the PostgreSQL database does not exist${where}: create it (createdb) or fix the database name in the URL`;
  }
  if (typeof e.message === 'string' && e.message.includes('Cannot open database because the directory does not exist')) {
    return `the directory of the SQLite database does not exist${where}: create it, or point OPENCASHIER_DATABASE_URL at a file in an existing directory`;
  }
  return undefined;
}
