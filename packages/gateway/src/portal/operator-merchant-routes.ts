import { SUPPORTED_CURRENCIES } from '../domain/currencies.js';
import { FX_MARKUP_BPS_MAX } from '../domain/limits.js';
import { PAYMENT_METHODS } from '../domain/payment-method.js';
import type { Merchant } from '../store/merchant-repository.js';
import { issueKeyBundle, onboardMerchant, parseAllowedHosts, parseCurrencies, parseFeePlans, parseMethods, parseMode } from './merchant-onboarding.js';
import type { OperatorConsoleDeps } from './operator-deps.js';
import { portalError } from './portal-error.js';
import type { PortalContext, PortalRoute } from './route-table.js';
import { bodyOf, optionalText, paramOf, requiredText, type Body } from './request-fields.js';

function merchantJson(m: Merchant) {
  return { merchantId: m.merchantId, name: m.name, status: m.status, sandbox: m.sandbox, allowedHosts: m.allowedHosts, currencies: m.currencies ?? null, createdAtMs: m.createdAtMs };
}

/** A whole number field sent as text or number, within bounds. */
function wholeNumber(body: Body, field: string, min: number, max: number): number | undefined {
  const v = body[field];
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,6}$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw portalError('FIELD_INVALID', { field, reason: `a whole number from ${min} to ${max}` });
  return n;
}

/**
 * The operator console's merchants: onboarding with a key bundle, suspend
 * and reactivate (a suspended merchant's API calls are refused with
 * MERCHANT_SUSPENDED in every dialect), and the settings — mode, allowed
 * hosts, payment methods, currencies, FX markup, settlement cycle and fee plans. Each
 * change is audited with the state before and after.
 */
export function operatorMerchantRoutes(deps: () => OperatorConsoleDeps): PortalRoute[] {
  const known = async (request: Parameters<PortalRoute['handler']>[1]) => {
    const merchant = await deps().merchants.find(paramOf(request, 'merchantId'));
    if (!merchant) throw portalError('MERCHANT_UNKNOWN');
    return merchant;
  };
  const settings = async (merchantId: string) => {
    const d = deps();
    const own = await d.crossBorder.pricing.markup(merchantId);
    return {
      methods: await d.onlinePay.enabledMethods(merchantId),
      fxMarkupBps: own?.fxMarkupBps ?? d.config.fxMarkupBps,
      settlementDelayDays: own?.settlementDelayDays ?? d.config.settlementDelayDays,
      feePlans: (await d.crossBorder.pricing.feePlans(merchantId)).map((p) => ({ ...p, fixedMinor: p.fixedMinor.toString(), minimumMinor: p.minimumMinor.toString() })),
    };
  };
  const audit = (ctx: PortalContext, merchantId: string, action: string, before: unknown, after: unknown) => deps().audit.record(ctx.actor, { merchantId, action, target: merchantId, before, after }, deps().clock());

  /** What the gateway runs: each method with the currencies its channel takes. */
  const availableMethods = () => {
    const d = deps();
    return PAYMENT_METHODS.filter((m) => d.channels.offers(m)).map((m) => ({ method: m, currencies: d.channels.currenciesOf(m) }));
  };

  return [
    {
      method: 'GET',
      url: '/o/merchant-options',
      permission: 'operator.view',
      handler: async () => ({ availableMethods: availableMethods(), currencies: [...SUPPORTED_CURRENCIES] }),
    },
    {
      method: 'GET',
      url: '/o/merchants/:merchantId',
      permission: 'operator.view',
      handler: async (_ctx, request) => {
        const merchant = await known(request);
        const d = deps();
        const certificates = await d.merchants.verifyingCertificates(merchant.merchantId, d.clock());
        return {
          merchant: merchantJson(merchant),
          ...(await settings(merchant.merchantId)),
          certificates: certificates.map((c) => ({ fingerprintSha256: c.fingerprintSha256, notAfterMs: c.notAfterMs, createdAtMs: c.createdAtMs, retiresAtMs: c.retiresAtMs })),
          availableMethods: availableMethods(),
          supportedCurrencies: [...SUPPORTED_CURRENCIES],
        };
      },
    },
    {
      method: 'POST',
      url: '/o/merchants',
      permission: 'operator.merchants',
      handler: async (ctx, request) => {
        const result = await onboardMerchant(deps(), bodyOf(request));
        const feePlans = result.feePlans.map((p) => ({ ...p, fixedMinor: p.fixedMinor.toString(), minimumMinor: p.minimumMinor.toString() }));
        await audit(ctx, result.merchant.merchantId, 'merchant.onboard', null, { ...merchantJson(result.merchant), methods: result.methods, feePlans, keyBundleIssuedAtMs: result.bundle.issuedAtMs });
        return { merchant: merchantJson(result.merchant), methods: result.methods, feePlans, bundle: result.bundle };
      },
    },
    {
      method: 'POST',
      url: '/o/merchants/:merchantId/status',
      permission: 'operator.merchants',
      handler: async (ctx, request) => {
        const merchant = await known(request);
        const body = bodyOf(request);
        const status = requiredText(body, 'status', 16);
        if (status !== 'active' && status !== 'suspended') throw portalError('FIELD_INVALID', { field: 'status', reason: 'active or suspended' });
        const reason = optionalText(body, 'reason', 256) ?? null;
        if (status === 'suspended' && !reason) throw portalError('FIELD_MISSING', { field: 'reason' });
        await deps().merchants.setStatus(merchant.merchantId, status);
        await audit(ctx, merchant.merchantId, status === 'suspended' ? 'merchant.suspend' : 'merchant.reactivate', { status: merchant.status }, { status, reason });
        return { merchant: { ...merchantJson(merchant), status } };
      },
    },
    {
      method: 'POST',
      url: '/o/merchants/:merchantId/settings',
      permission: 'operator.merchants',
      handler: async (ctx, request) => {
        const merchant = await known(request);
        const d = deps();
        const body = bodyOf(request);
        // Everything is read and checked first: a refused field changes nothing.
        const sandbox = parseMode(body);
        const allowedHosts = parseAllowedHosts(requiredText(body, 'allowedHosts', 4096));
        const methods = parseMethods(body) ?? [];
        const currencies = parseCurrencies(body);
        const fxMarkupBps = wholeNumber(body, 'fxMarkupBps', 0, FX_MARKUP_BPS_MAX);
        const settlementDelayDays = wholeNumber(body, 'settlementDelayDays', 0, 30);
        const before = { sandbox: merchant.sandbox, allowedHosts: merchant.allowedHosts, currencies: merchant.currencies ?? null, ...(await settings(merchant.merchantId)) };
        await d.merchants.setSandbox(merchant.merchantId, sandbox);
        await d.merchants.setCurrencies(merchant.merchantId, currencies);
        await d.merchants.setAllowedHosts(merchant.merchantId, allowedHosts);
        await d.onlinePay.setEnabledMethods(merchant.merchantId, methods);
        if (fxMarkupBps !== undefined || settlementDelayDays !== undefined) {
          const own = await d.crossBorder.pricing.markup(merchant.merchantId);
          await d.crossBorder.pricing.setMarkup(merchant.merchantId, fxMarkupBps ?? own?.fxMarkupBps ?? d.config.fxMarkupBps, settlementDelayDays ?? own?.settlementDelayDays ?? null, d.clock());
        }
        const after = { sandbox, allowedHosts, currencies, ...(await settings(merchant.merchantId)) };
        await audit(ctx, merchant.merchantId, 'merchant.settings', before, after);
        return { merchant: { ...merchantJson(merchant), sandbox, allowedHosts, currencies }, ...after };
      },
    },
    {
      method: 'POST',
      url: '/o/merchants/:merchantId/fee-plans',
      permission: 'operator.merchants',
      handler: async (ctx, request) => {
        const merchant = await known(request);
        const plans = parseFeePlans(bodyOf(request));
        if (!plans) throw portalError('FIELD_MISSING', { field: 'plans' });
        const before = (await settings(merchant.merchantId)).feePlans;
        await deps().crossBorder.pricing.replaceFeePlans(merchant.merchantId, plans, deps().clock());
        const after = (await settings(merchant.merchantId)).feePlans;
        await audit(ctx, merchant.merchantId, 'merchant.fee_plans', before, after);
        return { feePlans: after };
      },
    },
    {
      method: 'POST',
      url: '/o/merchants/:merchantId/key-bundle',
      permission: 'operator.merchants',
      handler: async (ctx, request) => {
        const merchant = await known(request);
        // The operator types the merchant id again: a new bundle starts the retirement of the keys in use.
        if (requiredText(bodyOf(request), 'confirmMerchantId', 16) !== merchant.merchantId) throw portalError('FIELD_INVALID', { field: 'confirmMerchantId', reason: 'the merchant id again' });
        const bundle = await issueKeyBundle(deps(), merchant.merchantId, deps().config.keyRotationOverlapMs);
        await audit(ctx, merchant.merchantId, 'merchant.key_bundle', null, { issuedAtMs: bundle.issuedAtMs, previousRetireInMs: deps().config.keyRotationOverlapMs });
        return { bundle };
      },
    },
  ];
}
