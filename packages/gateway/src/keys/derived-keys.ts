import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DERIVED_PURPOSES, type DerivedPurpose, type KeyEncryptionKey } from './kek.js';

/**
 * The keys the gateway uses as keys of their own (card fingerprints, cashier
 * link signatures, the envelope's rejection secret, reconciliation links),
 * kept wrapped by the KEK in `<dataDir>/keys/derived-keys.json`. They are
 * derived from the KEK the first time and then kept: a KEK rotation re-wraps
 * them instead of changing them, so a card on a block list still matches and
 * a cashier link handed out before the rotation still opens.
 */
export function derivedKeysPath(dataDir: string): string {
  return join(dataDir, 'keys', 'derived-keys.json');
}

type Stored = Partial<Record<DerivedPurpose, string>>;

function write(dataDir: string, stored: Stored): void {
  mkdirSync(join(dataDir, 'keys'), { recursive: true, mode: 0o700 });
  const path = derivedKeysPath(dataDir);
  // Write then rename: a crash mid-write never leaves half a file.
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(stored, null, 2), { mode: 0o600 });
  renameSync(tmp, path);
}

/** Pins the derived keys on `kek`: read from the data directory, or derived from the current KEK and written on first use. */
export function loadDerivedKeys(dataDir: string, kek: KeyEncryptionKey): void {
  const path = derivedKeysPath(dataDir);
  const stored: Stored = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Stored) : {};
  const keys = new Map<DerivedPurpose, Buffer>();
  let missing = false;
  for (const purpose of DERIVED_PURPOSES) {
    const sealed = stored[purpose];
    if (sealed) {
      keys.set(purpose, kek.open('derived-keys', sealed));
    } else {
      // The same value the KEK gave before derived keys were kept: nothing already signed or fingerprinted changes.
      keys.set(purpose, kek.deriveFromCurrent(purpose));
      stored[purpose] = kek.seal('derived-keys', keys.get(purpose)!);
      missing = true;
    }
  }
  if (missing) write(dataDir, stored);
  kek.useDerivedKeys(keys);
}

/** Re-wraps the derived keys under the current KEK; returns how many were re-wrapped. */
export function rewrapDerivedKeys(dataDir: string, kek: KeyEncryptionKey): number {
  const path = derivedKeysPath(dataDir);
  if (!existsSync(path)) return 0;
  const stored = JSON.parse(readFileSync(path, 'utf8')) as Stored;
  let count = 0;
  for (const purpose of DERIVED_PURPOSES) {
    const sealed = stored[purpose];
    if (!sealed || kek.isCurrent(sealed)) continue;
    stored[purpose] = kek.rewrap('derived-keys', sealed);
    count += 1;
  }
  if (count > 0) write(dataDir, stored);
  return count;
}
