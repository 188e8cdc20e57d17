import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ChannelRouter, isEligible, type ChannelConfiguration, type RoutableChannel, type RouteRequest } from './channel-router.js';
import type { ChannelCapabilitySet } from './channel-module.js';
import { PAYMENT_METHODS, type PaymentMethod } from './payment-method.js';
import { SUPPORTED_CURRENCIES, type CurrencyCode } from './currencies.js';

const NAMES = ['ch-a', 'ch-b', 'ch-c', 'ch-d', 'ch-e'] as const;
const BRANDS = ['Visa', 'Mastercard', 'UnionPay'];

const capabilities = (methods: PaymentMethod[], currencies: CurrencyCode[], countries: string[] | 'any'): ChannelCapabilitySet => ({
  methods,
  currencies,
  countries,
  autoCapture: true,
  refunds: true,
  partialRefunds: true,
  threeDSecure: false,
  disputes: false,
  storedCredentials: false,
  payouts: false,
});

const channelArb: fc.Arbitrary<RoutableChannel[]> = fc
  .tuple(
    ...NAMES.map((name) =>
      fc.record({
        methods: fc.subarray([...PAYMENT_METHODS], { minLength: 1 }),
        currencies: fc.subarray([...SUPPORTED_CURRENCIES], { minLength: 1 }),
        countries: fc.oneof(fc.constant('any' as const), fc.subarray(['CN', 'US', 'JP'], { minLength: 1 })),
      }).map((c) => ({ name, capabilities: capabilities(c.methods, c.currencies, c.countries) })),
    ),
  )
  .map((list) => list);

const configurationArb: fc.Arbitrary<ChannelConfiguration> = fc.record(
  {
    channel: fc.constantFrom(...NAMES, 'not-running'),
    enabled: fc.boolean(),
    priority: fc.integer({ min: 0, max: 5 }),
    currencies: fc.subarray([...SUPPORTED_CURRENCIES]),
    cardBrands: fc.subarray(BRANDS, { minLength: 1 }),
    binPrefixes: fc.subarray(['4', '5', '62'], { minLength: 1 }),
    amountMinorMin: fc.bigInt({ min: 0n, max: 10_000n }),
    amountMinorMax: fc.bigInt({ min: 0n, max: 1_000_000n }),
  },
  { requiredKeys: ['channel', 'enabled', 'priority'] },
);

const requestArb: fc.Arbitrary<RouteRequest> = fc.record(
  {
    method: fc.constantFrom(...PAYMENT_METHODS),
    currency: fc.constantFrom(...SUPPORTED_CURRENCIES, 'XXX'),
    amountMinor: fc.bigInt({ min: 1n, max: 1_000_000n }),
    country: fc.constantFrom('CN', 'US', 'JP', 'DE'),
    cardBrand: fc.constantFrom(...BRANDS),
    bin: fc.constantFrom('424242', '555555', '621234', '378282'),
  },
  { requiredKeys: ['method', 'currency', 'amountMinor'] },
);

describe('channel router', () => {
  it('offers exactly the eligible configurations, in priority order, each once per configuration', () => {
    fc.assert(
      fc.property(channelArb, fc.array(configurationArb, { maxLength: 8 }), requestArb, (channels, configurations, request) => {
        const routed = new ChannelRouter(channels).route(configurations, request);
        const byName = new Map(channels.map((c) => [c.name, c]));
        const eligible = configurations.filter((c) => byName.has(c.channel) && isEligible(byName.get(c.channel)!, c, request));
        expect(routed).toHaveLength(eligible.length);
        expect([...routed].sort()).toEqual(eligible.map((c) => c.channel).sort());
        // Priorities never go down along the answer.
        const priorities = routed.map((name, i) => eligible.filter((c) => c.channel === name).map((c) => c.priority).sort((a, b) => a - b)[routed.slice(0, i).filter((n) => n === name).length]!);
        for (let i = 1; i < priorities.length; i += 1) expect(priorities[i]!).toBeGreaterThanOrEqual(priorities[i - 1]!);
      }),
    );
  });

  it('never offers a disabled configuration, or a channel that lacks the method, the currency or the country', () => {
    fc.assert(
      fc.property(channelArb, fc.array(configurationArb, { maxLength: 8 }), requestArb, (channels, configurations, request) => {
        const routed = new Set(new ChannelRouter(channels).route(configurations, request));
        for (const channel of channels) {
          const c = channel.capabilities;
          const incapable = !c.methods.includes(request.method) || !(c.currencies as readonly string[]).includes(request.currency) || (c.countries !== 'any' && !c.countries.includes(request.country ?? ''));
          const allDisabled = configurations.filter((x) => x.channel === channel.name).every((x) => !x.enabled);
          if (incapable || allDisabled) expect(routed.has(channel.name)).toBe(false);
        }
      }),
    );
  });

  it('with the default configurations, offers every capable channel in the order the gateway lists them', () => {
    fc.assert(
      fc.property(channelArb, requestArb, (channels, request) => {
        const router = new ChannelRouter(channels);
        const capable = channels.filter((ch) => isEligible(ch, { channel: ch.name, enabled: true, priority: 0 }, request)).map((ch) => ch.name);
        expect(router.route(router.defaultConfigurations(), request)).toEqual(capable);
      }),
    );
  });

  it('applies the merchant narrowing: amount range, card brand and BIN prefix', () => {
    const router = new ChannelRouter([{ name: 'ch-a', capabilities: capabilities(['CARD'], ['USD'], 'any') }, { name: 'ch-b', capabilities: capabilities(['CARD'], ['USD'], 'any') }]);
    const configurations: ChannelConfiguration[] = [
      { channel: 'ch-a', enabled: true, priority: 2, binPrefixes: ['62'], amountMinorMax: 50_000n },
      { channel: 'ch-b', enabled: true, priority: 1, cardBrands: ['Visa'] },
    ];
    const base = { method: 'CARD' as const, currency: 'USD' };
    expect(router.route(configurations, { ...base, amountMinor: 100n, bin: '62123456', cardBrand: 'UnionPay' })).toEqual(['ch-a']);
    expect(router.route(configurations, { ...base, amountMinor: 60_000n, bin: '62123456', cardBrand: 'UnionPay' })).toEqual([]);
    expect(router.route(configurations, { ...base, amountMinor: 100n, bin: '42424242', cardBrand: 'Visa' })).toEqual(['ch-b']);
    // A card with no BIN given cannot match a BIN-restricted configuration.
    expect(router.route(configurations, { ...base, amountMinor: 100n, cardBrand: 'UnionPay' })).toEqual([]);
  });
});
