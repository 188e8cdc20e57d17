import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiFailure } from '../api.js';
import { errorText } from '../components.js';

/**
 * A form's submit state for the operator pages: a refusal that names a
 * field is shown next to that field, any other under the form; the button
 * is disabled while the request runs.
 */
export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string>();
  const run = async (task: () => Promise<void>) => {
    setBusy(true);
    setFieldErrors({});
    setFormError(undefined);
    try {
      await task();
    } catch (e) {
      // A field of a list (`plans[0].fixedMinor`) is shown at the list's field.
      const field = e instanceof ApiFailure ? e.error.field?.replace(/\[.*$/, '') : undefined;
      if (field) setFieldErrors({ [field]: errorText(e) });
      else setFormError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return { busy, fieldErrors, formError, run, error: (field: string) => fieldErrors[field] };
}

/** A status or outcome with its colour. */
export function State({ value }: { value: string | null }) {
  return <span class={`state state-${value ?? ''}`}>{value ?? '—'}</span>;
}

/** A titled section of a page. */
export function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

/** Offers JSON as a file the browser saves; nothing leaves the page. */
export function downloadJson(fileName: string, value: unknown): void {
  const blob = new Blob([JSON.stringify(value, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A fee plan as the gateway answers it: amounts as strings of minor units. */
export interface FeePlan {
  method: string;
  currency: string;
  percentBps: number;
  fixedMinor: string;
  minimumMinor: string;
}

/** Fee plans as text, one a line: `METHOD CURRENCY percentBps fixedMinor minimumMinor`. */
export function plansToText(plans: readonly FeePlan[]): string {
  return plans.map((p) => `${p.method} ${p.currency} ${p.percentBps} ${p.fixedMinor} ${p.minimumMinor}`).join('\n');
}

export function textToPlans(text: string): unknown[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const [method, currency, percentBps, fixedMinor, minimumMinor] = line.split(/\s+/);
      // Numbers stay text until the gateway checks them; only the basis points are a small whole number.
      return { method, currency, percentBps: /^\d+$/.test(percentBps ?? '') ? Number(percentBps) : percentBps, fixedMinor: fixedMinor ?? '0', minimumMinor: minimumMinor ?? '0' };
    });
}
