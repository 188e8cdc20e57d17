/**
 * A tiny tagged-template HTML builder.
 *
 * Every interpolated value is escaped unless it is already a `SafeHtml`
 * fragment, so forgetting to escape merchant-supplied text is impossible by
 * construction: the only way to emit markup is to build it with `html` (or,
 * for a fragment that really is markup, `raw`).
 */

/** Markup that has already been escaped or built by `html`. */
export class SafeHtml {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  toString(): string {
    return this.#value;
  }
}

/** Values `html` accepts; arrays are joined, `null`/`undefined`/`false` render nothing. */
export type HtmlValue = SafeHtml | string | number | bigint | boolean | null | undefined | readonly HtmlValue[];

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Escapes text for use both in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (ch) => escapes[ch] ?? ch);
}

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.toString();
  if (Array.isArray(value)) return value.map(render).join('');
  // `false` renders nothing so `${cond && html`...`}` reads naturally; `true` would
  // only ever appear by mistake, so it renders nothing too.
  if (value === null || value === undefined || typeof value === 'boolean') return '';
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) {
    out += render(values[i]) + (strings[i + 1] ?? '');
  }
  return new SafeHtml(out);
}

/**
 * Marks a string as markup. Only for fragments this module family built itself
 * (never for request or merchant data) — that is the whole point of `html`.
 */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** Boolean attribute helper: `<input${attr('required', true)}>`. */
export function attr(name: string, value: string | boolean | undefined): SafeHtml {
  if (value === undefined || value === false) return raw('');
  if (value === true) return raw(` ${name}`);
  return html` ${raw(name)}="${value}"`;
}
