/** The back office JSON API: same origin, session cookie, CSRF token on every state change. */
export interface ApiError {
  status: number;
  code: string;
  message: string;
  /** The form field at fault, when the refusal names one. */
  field?: string;
}

export interface Me {
  user: { userId: string; email: string; kind: 'merchant' | 'operator'; merchantId: string | null; role: string; totpEnabled: boolean; mustChangePassword: boolean };
  permissions: string[];
  csrfToken: string;
}

let csrfToken = '';
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

export class ApiFailure extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
  }
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method === 'POST') {
    headers['content-type'] = 'application/json';
    headers['x-csrf-token'] = csrfToken;
  }
  const response = await fetch(`/portal/api${path}`, { method, headers, credentials: 'same-origin', ...(method === 'POST' ? { body: JSON.stringify(body ?? {}) } : {}) });
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) throw new ApiFailure({ status: response.status, code: String(json.code ?? 'INTERNAL_ERROR'), message: String(json.message ?? response.statusText), ...(typeof json.field === 'string' ? { field: json.field } : {}) });
  // A new password or second factor renews the session: its answer carries the new session's token.
  if (typeof json.csrfToken === 'string' && json.csrfToken !== '') csrfToken = json.csrfToken;
  return json as T;
}

export const api = {
  get: <T>(path: string) => call<T>('GET', path),
  post: <T>(path: string, body?: unknown) => call<T>('POST', path, body),
};

/** Which API prefix a user's pages use: merchant users see their merchant, operators all. */
export function prefixOf(me: Me): '/m' | '/o' {
  return me.user.kind === 'merchant' ? '/m' : '/o';
}

export function can(me: Me, permission: string): boolean {
  return me.permissions.includes(permission);
}
