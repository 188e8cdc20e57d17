import { isCommonPassword } from './common-passwords.js';
import { PASSWORD_LENGTH_MAX, PASSWORD_LENGTH_MIN, PASSWORD_CONTEXT_CHARS_MIN } from './limits.js';
import { portalError } from './portal-error.js';

/** What the password must not contain: the account's own e-mail, and its merchant's name. */
export interface PasswordContext {
  email: string;
  merchantName?: string | undefined;
}

/**
 * The password rules of NIST SP 800-63B §5.1.1.2: a length, no composition
 * rules, and no value from a list of common or breached passwords or from
 * the context of the account. Throws the refusal, or returns when the
 * password is acceptable.
 */
export function assertPasswordAcceptable(password: string, context: PasswordContext): void {
  if (password.length < PASSWORD_LENGTH_MIN) throw portalError('PORTAL_PASSWORD_WEAK', { rule: `at least ${PASSWORD_LENGTH_MIN} characters` });
  if (password.length > PASSWORD_LENGTH_MAX) throw portalError('PORTAL_PASSWORD_WEAK', { rule: `at most ${PASSWORD_LENGTH_MAX} characters` });
  if (isCommonPassword(password)) throw portalError('PORTAL_PASSWORD_COMMON');
  const found = contextWordIn(password, context);
  if (found) throw portalError('PORTAL_PASSWORD_PERSONAL', { what: found });
}

/** Which word of the account's context the password contains, if any, ignoring case, spaces and punctuation. */
function contextWordIn(password: string, context: PasswordContext): string | undefined {
  const squeezed = squeeze(password);
  const email = context.email.trim().toLowerCase();
  const words: [string, string][] = [
    ['your e-mail address', email],
    ['the name in your e-mail address', email.split('@')[0] ?? ''],
    ['the merchant name', context.merchantName ?? ''],
  ];
  for (const [what, word] of words) {
    const w = squeeze(word);
    if (w.length >= PASSWORD_CONTEXT_CHARS_MIN && squeezed.includes(w)) return what;
  }
  return undefined;
}

function squeeze(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}
