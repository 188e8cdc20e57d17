/** Debian's Chromium, headless, as every browser suite launches it, with every background connection off (the machine has no network beyond loopback). */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** What a page reports as broken while a test drives it: uncaught errors and console errors (failed subresources are judged by the test that cares). */
export function watchPageProblems(page: { on(event: 'pageerror', listener: (error: Error) => void): unknown; on(event: 'console', listener: (message: { type(): string; text(): string }) => void): unknown }): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(`console: ${message.text()}`);
  });
  return problems;
}
