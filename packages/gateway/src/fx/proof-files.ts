import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { GatewayError } from '../domain/errors.js';
import { PROOF_FILE_BYTES_MAX } from '../domain/limits.js';

/** The seed's SFTP folder, served from the data directory: `<dataDir>/fe/proof/<merchantId>/<fileName>`. */
export const PROOF_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*\.[A-Za-z0-9]+$/;

/**
 * Proof files of FX orders. Merchants put them into their folder of the
 * watched inbox (by SFTP, see README) or upload them through the API; an
 * order naming a file that is present is ready for review.
 */
export class ProofFiles {
  constructor(private readonly root: string) {}

  folder(merchantId: string): string {
    return join(this.root, 'fe', 'proof', merchantId);
  }

  /** True when the merchant's folder holds the file, complete (non-empty and within the size bound). */
  present(merchantId: string, fileName: string): boolean {
    if (!PROOF_FILE_NAME.test(fileName)) return false;
    const path = join(this.folder(merchantId), fileName);
    if (!existsSync(path)) return false;
    const { size, isFile } = { size: statSync(path).size, isFile: statSync(path).isFile() };
    return isFile && size > 0 && size <= PROOF_FILE_BYTES_MAX;
  }

  /** The file's content for the operator's review; undefined when it is not (completely) there. */
  read(merchantId: string, fileName: string): Buffer | undefined {
    if (!this.present(merchantId, fileName)) return undefined;
    return readFileSync(join(this.folder(merchantId), fileName));
  }

  /** Stores an uploaded file, whole or not at all (written aside, then renamed into place). */
  store(merchantId: string, fileName: string, content: Buffer): void {
    if (!PROOF_FILE_NAME.test(fileName)) throw new GatewayError('PROOF_FILE_INVALID', { name: fileName, reason: 'letters, digits, ".", "_", "-" and an extension' });
    if (content.length === 0) throw new GatewayError('PROOF_FILE_INVALID', { name: fileName, reason: 'it is empty' });
    if (content.length > PROOF_FILE_BYTES_MAX) throw new GatewayError('PROOF_FILE_INVALID', { name: fileName, reason: `larger than ${PROOF_FILE_BYTES_MAX} bytes` });
    const folder = this.folder(merchantId);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const aside = join(folder, `.upload-${randomBytes(8).toString('hex')}`);
    writeFileSync(aside, content, { mode: 0o600 });
    renameSync(aside, join(folder, fileName));
  }
}
