import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { requestLogger } from './request-logger.js';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return { lines, root: createLogger(level, stream) };
}

describe('requestLogger', () => {
  it('writes the request id on every line, with the root’s redaction, without a child per request', () => {
    const { lines, root } = capture('info');
    const log = requestLogger(root, { reqId: 'req-7' });
    expect(log).not.toBe(root);
    log.info({ route: '/icc/order', card: { pan: '4242424242424242' } }, 'request');
    log.warn('payer typed 4242 4242 4242 4242');
    log.error(new Error('declined'));
    log.debug({ noisy: true }, 'below the level');
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => l.reqId)).toEqual(['req-7', 'req-7', 'req-7']);
    expect(lines[0]).toMatchObject({ route: '/icc/order', msg: 'request', level: 30 });
    expect(JSON.stringify(lines)).not.toContain('4242424242424242');
    expect(JSON.stringify(lines)).not.toContain('4242 4242 4242 4242');
    expect(lines[2]).toMatchObject({ err: { message: 'declined' }, level: 50 });
  });

  it('hands out the root logger itself when nothing is ever written', () => {
    const { root } = capture('silent');
    expect(requestLogger(root, { reqId: 'req-8' })).toBe(root);
  });

  it('still builds a real child, keeping the request id, when asked for one', () => {
    const { lines, root } = capture('info');
    requestLogger(root, { reqId: 'req-9' }).child({ component: 'x' }).info('from the child');
    expect(lines).toMatchObject([{ reqId: 'req-9', component: 'x', msg: 'from the child' }]);
  });
});
