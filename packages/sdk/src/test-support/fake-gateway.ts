/**
 * A tiny PayEase gateway on 127.0.0.1 for client tests: it opens requests
 * with the test gateway key, checks the merchant signature, and answers
 * with whatever the current `respond` function decides, sealed with the
 * same codec the real gateway uses.
 */

import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { extractCiphertext, openEnvelope, sealResponse } from '../payease/envelope.js';
import { headerValue } from '../payease/headers.js';
import { verifyPayload } from '../payease/signature.js';
import type { VectorKeys } from './fixtures.js';

export interface ReceivedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  rawBody: string;
  payload: Record<string, unknown>;
  signatureValid: boolean;
}

/** What the fake gateway does with one request. */
export type Respond = (request: ReceivedRequest, reply: Reply) => void;

export interface Reply {
  /** Answers 200 with a properly sealed and signed payload. */
  sealed(payload: Record<string, unknown>, options?: { signingKey?: KeyObject }): void;
  raw(status: number, body: string, headers?: Record<string, string>): void;
  /** Never answers (for timeouts); the socket is closed when the server stops. */
  hang(): void;
}

export interface FakeGateway {
  baseUrl: string;
  received: ReceivedRequest[];
  respond: Respond;
  close(): Promise<void>;
}

const rejectionSecret = Buffer.alloc(32, 11);

/** A key that is not the gateway's, for forged answers. */
export const impostorKey: KeyObject = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

export async function startFakeGateway(keys: VectorKeys): Promise<FakeGateway> {
  const gateway: FakeGateway = {
    baseUrl: '',
    received: [],
    respond: (_request, reply) => reply.raw(500, 'no responder'),
    close: async () => undefined,
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(gateway, keys, req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  gateway.baseUrl = `http://127.0.0.1:${port}/v3`;
  gateway.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return gateway;
}

function handle(gateway: FakeGateway, keys: VectorKeys, req: IncomingMessage, res: ServerResponse, rawBody: string): void {
  let payload: Record<string, unknown> = {};
  try {
    payload = openEnvelope({
      encryptKey: headerValue(req.headers, 'encryptKey') ?? '',
      ciphertext: extractCiphertext(rawBody),
      privateKey: keys.gatewayKey,
      rejectionSecret,
    }).payload;
  } catch {
    res.writeHead(400).end('bad envelope');
    return;
  }
  const request: ReceivedRequest = {
    path: req.url ?? '',
    headers: req.headers,
    rawBody,
    payload,
    signatureValid: verifyPayload(payload, [keys.merchantCert.publicKey]),
  };
  gateway.received.push(request);
  gateway.respond(request, {
    sealed(answer, options) {
      const sealed = sealResponse({
        payload: answer,
        merchantId: String(payload['merchantId']),
        signingKey: options?.signingKey ?? keys.gatewayKey,
        recipient: keys.merchantCert.publicKey,
      });
      res.writeHead(200, { ...sealed.headers }).end(sealed.body);
    },
    raw(status, body, headers = {}) {
      res.writeHead(status, headers).end(body);
    },
    hang() {
      // leave the response open
    },
  });
}
