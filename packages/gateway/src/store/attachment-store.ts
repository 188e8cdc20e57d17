import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export interface StoredFile {
  sha256: string;
  sizeBytes: number;
  /** Relative to the store's root, so the root can move. */
  storagePath: string;
}

/**
 * Files kept outside the database rows (dispute evidence), named by the
 * SHA-256 of their content: writing the same file twice stores it once,
 * and a name can never be chosen by whoever sent the file. A file is
 * written completely under a temporary name and then renamed, so a crash
 * never leaves half a file under a real name. A file written for an
 * answer that then fails to commit stays behind unreferenced; it is
 * harmless (the same content reuses it) and can be swept by comparing the
 * store with the rows.
 */
export class AttachmentStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  put(content: Uint8Array): StoredFile {
    const sha256 = createHash('sha256').update(content).digest('hex');
    const storagePath = join(sha256.slice(0, 2), sha256.slice(2, 4), sha256);
    const path = join(this.root, storagePath);
    if (!existsSync(path)) {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
      writeFileSync(temporary, content, { mode: 0o600, flag: 'wx' });
      renameSync(temporary, path);
    }
    return { sha256, sizeBytes: content.length, storagePath };
  }

  /** The content of a stored file, checked against its name: a changed file on disk is an error, not evidence. */
  get(storagePath: string): Buffer {
    const path = resolve(this.root, storagePath);
    if (relative(this.root, path).startsWith(`..${sep}`) || path === this.root) throw new Error(`attachment path ${storagePath} is outside the store`);
    const content = readFileSync(path);
    const sha256 = createHash('sha256').update(content).digest('hex');
    if (!path.endsWith(sha256)) throw new Error(`attachment ${storagePath} does not match its digest`);
    return content;
  }
}
