import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { ConfigError, type GatewayConfig } from '../config.js';

/**
 * Everything the gateway writes — the SQLite database and its WAL and shm
 * files, keys, the demo log-ins, exports, attachments — is for the
 * gateway's own user only: group and others get nothing. The umask makes
 * that true of every file created from now on, whatever code creates it;
 * files from before (an older install, a restored backup) are tightened.
 */
export const PRIVATE_UMASK = 0o077;
export const PRIVATE_DIR_MODE = 0o700;

/** Sets the umask and makes the data directory 0700 (the SQLite files are made 0600 where the database opens them). */
export function secureDataDir(config: Pick<GatewayConfig, 'dataDir'>): void {
  process.umask(PRIVATE_UMASK);
  mkdirSync(config.dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(config.dataDir, PRIVATE_DIR_MODE);
}

/**
 * Refuses to start with a key-encryption key file that group or others can
 * read or write: whoever reads it opens every secret the gateway keeps.
 * Not tightened silently, because it may already have been read.
 */
export function assertKekFilePrivate(path: string): void {
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) === 0) return;
  throw new ConfigError(
    `the key-encryption key file ${path} has mode ${mode.toString(8).padStart(4, '0')}: group or others can read or write it. ` +
      `Make it private to the gateway's user (chmod 600 ${path}), and if other users could read it, rotate the KEK (opencashier kek rotate, see docs/deploy.md).`,
  );
}
