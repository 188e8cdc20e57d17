import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { loadKek } from '../app.js';
import { openDatabase } from '../store/database.js';
import { KeyEncryptionKey } from '../keys/kek.js';
import { rotateKek } from '../keys/kek-rotation.js';

/**
 * `opencashier kek …`: a new key-encryption key, and the re-wrap of
 * everything the previous one sealed (docs/deploy.md, "Rotating the KEK").
 */
export function kekCommands(program: Command): void {
  const kek = program.command('kek').description('the key-encryption key');
  kek
    .command('generate')
    .description('print a new random KEK (base64 of 32 bytes) for OPENCASHIER_KEK')
    .action(() => {
      console.log(KeyEncryptionKey.generate().toBase64());
    });
  kek
    .command('rotate')
    .description('re-wrap every vaulted card, merchant secret, second-factor secret and key file under OPENCASHIER_KEK; the old key must be in OPENCASHIER_KEK_PREVIOUS')
    .action(async () => {
      const config = loadConfig();
      const { kek: ring } = loadKek(config);
      const db = await openDatabase(config.databaseUrl, { migrate: true, sqliteSynchronous: config.sqliteSynchronous });
      try {
        const report = await rotateKek(db.db, config.dataDir, ring);
        console.log(JSON.stringify({ keyId: ring.id, ...report }, null, 2));
        console.log('every sealed value is under the current KEK: OPENCASHIER_KEK_PREVIOUS can be removed once every node runs with the new key');
      } finally {
        await db.close();
      }
    });
}
