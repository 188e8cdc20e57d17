import { inspect } from 'node:util';

/**
 * A secret that redacts itself: logging, JSON-encoding or inspecting it by
 * accident prints `[redacted]`; only `reveal()` gives the value, at the one
 * place that signs or verifies with it.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toJSON(): string {
    return '[redacted]';
  }
  toString(): string {
    return '[redacted]';
  }
  [inspect.custom](): string {
    return 'Secret([redacted])';
  }
}
