/** The classic RMB form gateway (seed 004, 快钱 style): field orders, signMsg, charsets, XML answers. */
export * from './field-order.js';
export { formMd5Sign, formRsaSign, formSign, formSignContent, isFormSignType, verifyFormSign, type FormFields, type FormSigner, type FormVerifier } from './signature.js';
export { decodeForm, FORM_CHARSETS, type FormDecodeResult } from './charset.js';
export { escapeXml, parseFlatXml, renderFlatXml } from './flat-xml.js';
export { formNotifyAck, signFormRequest, verifyFormResult, verifyRemittanceAnswer } from './merchant.js';
export { FormGatewayClient, type FormGatewayClientOptions } from './client.js';
