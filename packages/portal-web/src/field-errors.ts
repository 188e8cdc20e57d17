import { ApiFailure } from './api.js';
import { errorText } from './components.js';

/**
 * Puts a refusal next to the field it names: the gateway's messages name
 * the field (`Field customerEmail …`), so the form shows the error under
 * that input, and under `fallback` when no field of the form is named.
 */
export function fieldErrors(e: unknown, fields: readonly string[], fallback: string): Record<string, string> {
  const text = errorText(e);
  const message = e instanceof ApiFailure ? e.error.message : text;
  const named = fields.find((f) => new RegExp(`\\b${f}\\b`).test(message));
  return { [named ?? fallback]: text };
}

/** A file's bytes as base64, for JSON bodies that carry attachments. */
export async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  // In slices: String.fromCharCode takes a limited number of arguments.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
