import { FORM_REMITTANCE_FIELDS, FORM_RESULT_FAILURE, FORM_RESULT_SUCCESS, amountMinorToWire, renderFlatXml } from '@opencashier/sdk';
import { GatewayError, renderMessage, type ErrorCode } from '../../domain/errors.js';
import type { Order } from '../../domain/order.js';
import { html } from '../../cashier/html.js';
import { renderPage } from '../../cashier/layout.js';
import { cashierCssHref } from '../../cashier/assets.js';
import { signedFields, type FormSigningDeps } from './result-fields.js';
import { formErrCode } from './wire-codes.js';

/** A refusal in this dialect's terms: its errCode and the core's message. */
export function describeRefusal(error: unknown): { code: ErrorCode; errCode: string; message: string; known: boolean } {
  const known = error instanceof GatewayError;
  const code: ErrorCode = known ? error.code : 'INTERNAL_ERROR';
  return { code, errCode: formErrCode(code, known ? error.params.field : undefined), message: known ? error.message : renderMessage(code, {}), known };
}

/** The page a payer's browser sees when the shop's order form is refused: the errCode to quote to the shop. */
export function refusalPage(errCode: string, message: string, lang: 'zh' | 'en'): string {
  const title = lang === 'zh' ? '支付请求无法受理' : 'The payment request was refused';
  const main = html`<section class="panel result" aria-labelledby="error-title">
<div class="result__icon result__icon--error" aria-hidden="true"></div>
<h1 class="result__title" id="error-title">${title}</h1>
<p class="result__message">${message}</p>
<p class="status-code">errCode ${errCode}</p>
</section>`;
  return renderPage({ lang, title, cssHref: cashierCssHref, sandbox: false, main });
}

/**
 * The XML answer to an offline remittance order (seed: requestResult 10 /
 * 11, errCode, signMsg over the answer's fields in their order). A refusal
 * echoes what the form said; the signature is left empty when the account
 * cannot be signed for (unknown merchant, no key).
 */
export async function remittanceXml(
  submitted: Readonly<Record<string, string>>,
  outcome: { order: Order } | { errCode: string },
  merchantId: string | undefined,
  deps: FormSigningDeps,
): Promise<string> {
  const order = 'order' in outcome ? outcome.order : undefined;
  const fields: Record<string, string> = {};
  const values: Record<string, string | undefined> = {
    merchantAcctId: submitted.merchantAcctId,
    version: submitted.version,
    language: submitted.language,
    signType: submitted.signType,
    orderId: submitted.orderId,
    orderTime: submitted.orderTime,
    orderAmount: order ? amountMinorToWire(order.amountMinor) : undefined,
    dealId: order?.orderId,
    remitType: submitted.remitType,
    remitCode: order ? submitted.remitCode : undefined,
    requestResult: order ? FORM_RESULT_SUCCESS : FORM_RESULT_FAILURE,
    errCode: 'errCode' in outcome ? outcome.errCode : undefined,
  };
  for (const name of FORM_REMITTANCE_FIELDS) if (values[name]) fields[name] = values[name]!;
  let signMsg: string | undefined;
  if (merchantId) {
    try {
      signMsg = (await signedFields(fields, FORM_REMITTANCE_FIELDS, merchantId, deps)).signMsg;
    } catch {
      signMsg = undefined;
    }
  }
  return renderFlatXml('res', [...FORM_REMITTANCE_FIELDS.map((name) => [name, fields[name]] as const), ['signMsg', signMsg] as const]);
}
