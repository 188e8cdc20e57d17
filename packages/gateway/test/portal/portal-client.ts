import type { Gateway } from '../../src/app.js';
import type { UserKind } from '../../src/portal/roles.js';

/** A browser's view of the back office API: one cookie, the CSRF token from log-in, JSON both ways. */
export class PortalClient {
  cookie = '';
  csrfToken = '';
  constructor(readonly baseUrl: string) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any; text: string; headers: Headers }> {
    const h: Record<string, string> = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (body !== undefined) h['content-type'] = 'application/json';
    if (method !== 'GET' && this.csrfToken && !('x-csrf-token' in h)) h['x-csrf-token'] = this.csrfToken;
    const response = await fetch(`${this.baseUrl}/portal/api${path}`, { method, headers: h, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) {
      const value = /oc_portal=([^;]*)/.exec(setCookie)?.[1] ?? '';
      this.cookie = value ? `oc_portal=${value}` : '';
    }
    const text = await response.text();
    let json: any = undefined;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text, headers: response.headers };
  }

  get(path: string) {
    return this.request('GET', path);
  }
  post(path: string, body: unknown = {}, headers: Record<string, string> = {}) {
    return this.request('POST', path, body, headers);
  }

  async login(email: string, password: string): Promise<any> {
    const r = await this.post('/login', { email, password });
    if (r.status !== 200) throw new Error(`login ${email}: ${r.status} ${r.text}`);
    if (r.json.csrfToken) this.csrfToken = r.json.csrfToken;
    return r.json;
  }
}

let userSeq = 0;
export const TEST_PASSWORD = 'correct horse battery';

/** Creates a back-office user straight through the account service and returns a client logged in as it. */
export async function loggedIn(gateway: Gateway, baseUrl: string, kind: UserKind, role: string, merchantId: string | null): Promise<{ client: PortalClient; email: string; userId: string }> {
  userSeq += 1;
  const email = `${kind}-${role}-${userSeq}-${merchantId ?? 'op'}@example.test`.toLowerCase();
  const user = await gateway.accounts.createUser({ email, password: TEST_PASSWORD, kind, merchantId, role, mustChangePassword: false }, { userId: null, email: 'test', clientIp: null });
  const client = new PortalClient(baseUrl);
  await client.login(email, TEST_PASSWORD);
  return { client, email, userId: user.userId };
}
