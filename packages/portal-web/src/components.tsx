import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiFailure } from './api.js';
import { useApp } from './context.js';

/** Loads data for a page; shows progress and errors the same way everywhere. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | undefined; error: string | undefined; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setError(undefined);
    load().then(
      (d) => live && setData(d),
      (e: unknown) => live && setError(e instanceof ApiFailure ? `${e.error.code}: ${e.error.message}` : String(e)),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { data, error, reload: () => setTick((n) => n + 1) };
}

export function ErrorLine({ error }: { error: string | undefined }) {
  if (!error) return null;
  return (
    <p class="error" role="alert">
      {error}
    </p>
  );
}

export function Loading() {
  const { t } = useApp();
  return <p aria-busy="true">{t('common.loading')}</p>;
}

export function Field({ label, id, children, error }: { label: string; id: string; children: ComponentChildren; error?: string | undefined }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children}
      {error ? (
        <span class="field-error" role="alert" id={`${id}-error`}>
          {error}
        </span>
      ) : null}
    </div>
  );
}

export function Link({ href, children }: { href: string; children: ComponentChildren }) {
  const { navigate } = useApp();
  return (
    <a
      href={`/portal${href}`}
      onClick={(e) => {
        if (e.ctrlKey || e.metaKey || e.shiftKey) return;
        e.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}

export function errorText(e: unknown): string {
  return e instanceof ApiFailure ? `${e.error.code}: ${e.error.message}` : String(e);
}

/**
 * The box a wide table scrolls in on a phone. It takes keyboard focus and is
 * a named region, so a keyboard user can reach and scroll what does not fit.
 * The name defaults to the table's columns.
 */
export function TableScroll({ label, headings, children }: { label?: string | undefined; headings: readonly string[]; children: ComponentChildren }) {
  const { t } = useApp();
  const name = label ?? t('common.table', { columns: headings.filter((h) => h !== '').join(', ') });
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label={name}>
      {children}
    </div>
  );
}

/**
 * A scrollable table with one heading row: every list of the back office.
 * `headings` are already translated; an empty string is a heading cell with no text (an actions column).
 */
export function DataTable({ headings, label, children }: { headings: readonly string[]; label?: string; children: ComponentChildren }) {
  return (
    <TableScroll label={label} headings={headings}>
      <table>
        <thead>
          <tr>
            {headings.map((h, i) => (h === '' ? <th key={i} /> : <th key={i}>{h}</th>))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </TableScroll>
  );
}
