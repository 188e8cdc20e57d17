import type { TestGateway } from './harness.js';

/** Calls the operator admin API of a test gateway with a bearer token; a body is sent as JSON. */
export function adminClient(t: () => TestGateway, token: string) {
  return (method: string, path: string, body?: unknown) =>
    fetch(`${t().baseUrl}/admin/v1${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
}
