/**
 * The cashier stylesheet, served as `/cashier/assets/cashier.<hash>.css`.
 *
 * It lives in a TypeScript module rather than a .css file because the build
 * is a bare `tsc -b`, which does not copy non-TS files into dist; embedding it
 * means the server cannot start without its stylesheet. The CSP forbids inline
 * styles, so every visual rule of every cashier page is here.
 *
 * Layout is mobile first: one column, 48px tap targets, 16px inputs (smaller
 * makes iOS zoom on focus). Icons are data: SVGs, which the CSP's
 * `img-src data:` allows and which need no extra request.
 */
export const cashierCss = String.raw`
:root {
  --bg: #f3f5f9;
  --surface: #ffffff;
  --text: #172033;
  --muted: #566178;
  --border: #cfd6e2;
  --accent: #1f4fd1;
  --accent-strong: #173ea8;
  --accent-text: #ffffff;
  /* Focus rings: 9:1 against the white panels and 8:1 against the page (WCAG asks 3:1). */
  --focus: #173ea8;
  --danger: #b42318;
  --danger-bg: #fef3f2;
  --danger-border: #f5b8b1;
  --success: #067647;
  --warning-text: #7a2e0e;
  --warning-bg: #fff4d6;
  --warning-border: #f5c451;
  --radius: 12px;
  --shadow: 0 1px 2px rgb(16 24 40 / 6%), 0 8px 24px rgb(16 24 40 / 8%);
  color-scheme: light dark;
}

@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1420;
    --surface: #182030;
    --text: #e8ecf4;
    --muted: #a3adc2;
    --border: #34405a;
    --accent: #5b8cff;
    --accent-strong: #7aa2ff;
    --accent-text: #0b1020;
    --danger: #ff8a80;
    --danger-bg: #3a1a1a;
    --danger-border: #7a2e2e;
    --success: #4ade80;
    --warning-text: #ffe3a3;
    --warning-bg: #3a2e10;
    --warning-border: #8a6a1c;
    --shadow: none;
  }
}

*, *::before, *::after { box-sizing: border-box; }

html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }

body {
  margin: 0;
  min-height: 100vh;
  background: var(--bg);
  color: var(--text);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "PingFang SC", "Hiragino Sans GB",
    "Microsoft YaHei", "Noto Sans CJK SC", sans-serif;
}

a { color: var(--accent); }

.visually-hidden {
  position: absolute;
  width: 1px;
  height: 1px;
  overflow: hidden;
  clip-path: inset(50%);
  white-space: nowrap;
}

.sandbox-banner {
  margin: 0;
  padding: 0.625rem 1rem;
  background: var(--warning-bg);
  border-bottom: 2px solid var(--warning-border);
  color: var(--warning-text);
  font-weight: 600;
  text-align: center;
}

.page {
  width: 100%;
  max-width: 30rem;
  margin: 0 auto;
  padding: 1rem 0.75rem 2rem;
}

.header { padding: 0.5rem 0.25rem 1rem; }
.header__eyebrow { margin: 0; color: var(--muted); font-size: 0.875rem; }
.header__merchant { margin: 0; font-size: 1.25rem; line-height: 1.3; overflow-wrap: anywhere; }

.panel {
  margin: 0 0 1rem;
  padding: 1.25rem 1rem;
  background: var(--surface);
  border: 1px solid var(--border);
  border-radius: var(--radius);
  box-shadow: var(--shadow);
}

.panel__title { margin: 0 0 1rem; font-size: 1.0625rem; }

.amount { margin: 0 0 0.75rem; font-variant-numeric: tabular-nums; }
.amount__value { font-size: 2rem; font-weight: 700; letter-spacing: -0.01em; }
.amount__currency { margin-left: 0.375rem; color: var(--muted); font-weight: 600; }

.details { margin: 0; }
.details__row {
  display: flex;
  flex-wrap: wrap;
  justify-content: space-between;
  gap: 0 1rem;
  padding: 0.5rem 0;
  border-top: 1px solid var(--border);
}
.details dt { color: var(--muted); }
.details dd { margin: 0; overflow-wrap: anywhere; text-align: right; }

.items { margin: 0.25rem 0 0; padding: 0; list-style: none; }
.item {
  display: grid;
  grid-template-columns: minmax(0, 1fr) auto;
  gap: 0 1rem;
  padding: 0.5rem 0;
  border-top: 1px solid var(--border);
}
.item__name { overflow-wrap: anywhere; }
.item__qty { grid-column: 1; color: var(--muted); font-size: 0.875rem; }
.item__amount { grid-column: 2; grid-row: 1; font-variant-numeric: tabular-nums; text-align: right; }

.expires { margin: 0.75rem 0 0; color: var(--muted); font-size: 0.875rem; }

.error-summary {
  margin: 0 0 1.25rem;
  padding: 0.875rem 1rem;
  background: var(--danger-bg);
  border: 1px solid var(--danger-border);
  border-left: 4px solid var(--danger);
  border-radius: 8px;
  color: var(--text);
}
.error-summary__title { margin: 0 0 0.25rem; color: var(--danger); font-size: 1rem; }
.error-summary ul { margin: 0; padding-left: 1.25rem; }
.error-summary a { color: var(--danger); font-weight: 600; }

.notice { margin: 0 0 1rem; color: var(--muted); font-size: 0.9375rem; }

.field { margin: 0 0 1rem; border: 0; padding: 0; min-width: 0; }
.field__label { display: block; margin: 0 0 0.375rem; padding: 0; font-weight: 600; }
.field__hint { display: block; margin: 0.375rem 0 0; color: var(--muted); font-size: 0.8125rem; }
.field__error { display: block; margin: 0.375rem 0 0; color: var(--danger); font-size: 0.875rem; font-weight: 600; }

.field-row { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 0 0.75rem; }
.split { display: grid; grid-template-columns: 1fr 1fr; gap: 0.5rem; }

@media (max-width: 20rem) {
  .field-row { grid-template-columns: 1fr; }
}

.input {
  display: block;
  width: 100%;
  min-height: 3rem;
  padding: 0.625rem 0.75rem;
  background: var(--surface);
  border: 1px solid var(--border);
  border-radius: 8px;
  color: var(--text);
  font: inherit;
  font-size: 1rem;
}
.input--numeric { font-variant-numeric: tabular-nums; letter-spacing: 0.04em; }
.input:focus { outline: 3px solid var(--focus); outline-offset: 1px; border-color: var(--accent); }
.input[aria-invalid="true"] { border: 2px solid var(--danger); background: var(--danger-bg); }

.actions { display: flex; flex-direction: column; gap: 0.75rem; margin-top: 1.5rem; }

.button {
  display: flex;
  align-items: center;
  justify-content: center;
  gap: 0.5rem;
  width: 100%;
  min-height: 3.25rem;
  padding: 0.75rem 1rem;
  border: 1px solid transparent;
  border-radius: 10px;
  font: inherit;
  font-size: 1.0625rem;
  font-weight: 700;
  text-align: center;
  text-decoration: none;
  cursor: pointer;
}
.button:focus-visible, a:focus-visible, .error-summary:focus { outline: 3px solid var(--focus); outline-offset: 2px; }
.button--primary { background: var(--accent); color: var(--accent-text); }
.button--primary:hover { background: var(--accent-strong); }
.button--secondary { background: transparent; border-color: var(--border); color: var(--text); font-weight: 600; }
.button--secondary:hover { border-color: var(--muted); }

.button--pay::before {
  content: "";
  width: 1.125rem;
  height: 1.125rem;
  flex: none;
  background: url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24' fill='none' stroke='white' stroke-width='2.2' stroke-linecap='round'%3E%3Crect x='4' y='10' width='16' height='11' rx='2'/%3E%3Cpath d='M8 10V7a4 4 0 0 1 8 0v3'/%3E%3C/svg%3E") center / contain no-repeat;
}

.result { text-align: center; }
.result__icon {
  width: 4rem;
  height: 4rem;
  margin: 0.5rem auto 1rem;
  border-radius: 50%;
  background: var(--muted) center / 2.25rem no-repeat;
}
.result__icon--success {
  background-color: var(--success);
  background-image: url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24' fill='none' stroke='white' stroke-width='3' stroke-linecap='round' stroke-linejoin='round'%3E%3Cpath d='M5 12.5l4.5 4.5L19 7.5'/%3E%3C/svg%3E");
}
.result__icon--failed, .result__icon--error {
  background-color: var(--danger);
  background-image: url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24' fill='none' stroke='white' stroke-width='3' stroke-linecap='round'%3E%3Cpath d='M7 7l10 10M17 7L7 17'/%3E%3C/svg%3E");
}
.result__icon--pending, .result__icon--expired {
  background-color: var(--accent);
  background-image: url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24' fill='none' stroke='white' stroke-width='2.5' stroke-linecap='round'%3E%3Ccircle cx='12' cy='12' r='8'/%3E%3Cpath d='M12 8v4.5l3 2'/%3E%3C/svg%3E");
}
.result__icon--cancelled, .result__icon--withdrawn {
  background-image: url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24' fill='none' stroke='white' stroke-width='3' stroke-linecap='round'%3E%3Cpath d='M6 12h12'/%3E%3C/svg%3E");
}
.result__title { margin: 0 0 0.5rem; font-size: 1.5rem; }
.result__message { margin: 0 0 1rem; color: var(--muted); }
.result__reason { margin: 0 0 1rem; }
.result .details { text-align: left; }
.status-code { margin: 0 0 1rem; color: var(--muted); font-size: 0.875rem; }

.footer {
  display: flex;
  align-items: center;
  justify-content: center;
  gap: 0.375rem;
  margin: 1.5rem 0 0;
  color: var(--muted);
  font-size: 0.8125rem;
}
.footer::before {
  content: "";
  width: 0.875rem;
  height: 0.875rem;
  background: url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24' fill='none' stroke='%23808a9f' stroke-width='2.2' stroke-linecap='round'%3E%3Crect x='4' y='10' width='16' height='11' rx='2'/%3E%3Cpath d='M8 10V7a4 4 0 0 1 8 0v3'/%3E%3C/svg%3E") center / contain no-repeat;
}

@media (min-width: 30rem) {
  .page { padding-top: 2.5rem; }
  .panel { padding: 1.5rem; }
}

@media (prefers-reduced-motion: no-preference) {
  .button, .input { transition: background-color 120ms, border-color 120ms; }
}
`;
