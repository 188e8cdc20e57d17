import { describe, expect, it } from 'vitest';

import * as limits from './limits.js';

describe('limits relate as their reasons say', () => {
  it('leaves room for PKCS#1 v1.5 padding (11 bytes, 8 of them random) around the AES key', () => {
    expect(limits.RSA_MODULUS_BYTES_MIN).toBeGreaterThanOrEqual(limits.AES_KEY_BYTES + 11);
  });

  it('asks at least as much entropy of a rejection secret as the key it stands in for', () => {
    expect(limits.REJECTION_SECRET_BYTES_MIN).toBeGreaterThanOrEqual(limits.AES_KEY_BYTES);
  });

  it('walks exactly the three levels real clients sign', () => {
    expect(limits.CANONICAL_DEPTH_MAX).toBe(3);
  });

  it('keeps error excerpts well inside a readable body', () => {
    expect(limits.HTTP_ERROR_BODY_EXCERPT_CHARS_MAX).toBeLessThan(limits.RESPONSE_BODY_BYTES_MAX);
  });

  it('writes PKCS#12 files with at least the salt and iterations readers expect', () => {
    expect(limits.PFX_SALT_BYTES).toBeGreaterThanOrEqual(8);
    expect(limits.PFX_ITERATION_COUNT).toBeGreaterThanOrEqual(2048);
    expect(limits.CERTIFICATE_BACKDATE_SECONDS).toBeLessThan(86_400);
  });
});
