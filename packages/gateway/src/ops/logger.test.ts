import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger('info', stream) };
}

describe('logger', () => {
  it('masks card numbers in messages and errors, and censors secret fields', () => {
    const { lines, logger } = capture();
    logger.info('payer typed 4242 4242 4242 4242 into the remark');
    logger.info({ card: { cvv: '123', pan: '4242424242424242' }, pfxPassword: 'hunter2' }, 'card submitted');
    logger.error({ err: new Error('declined 5555555555554444') }, 'channel failed');
    const all = lines.join('\n');
    expect(all).not.toContain('4242 4242 4242 4242');
    expect(all).not.toContain('4242424242424242');
    expect(all).not.toContain('5555555555554444');
    expect(all).not.toContain('hunter2');
    expect(all).not.toMatch(/"cvv":"123"/);
    expect(all).toContain('card submitted');
  });
});
