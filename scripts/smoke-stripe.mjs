// Runs the Stripe channel against Stripe's real test mode: `STRIPE_SECRET_KEY=sk_test_… npm run smoke:stripe`.
// Not part of the test command. Without a key it says so and exits 0.
const key = process.env.STRIPE_SECRET_KEY;
if (!key) {
  console.log('smoke:stripe: STRIPE_SECRET_KEY is not set; nothing was run. Set it to a test-mode key (sk_test_…) to run the Stripe channel against Stripe.');
  process.exit(0);
}
if (!key.startsWith('sk_test_')) {
  console.error('smoke:stripe: STRIPE_SECRET_KEY must be a test-mode key (sk_test_…): the smoke run never moves real money.');
  process.exit(2);
}
// The gateway is built by the npm script before this runs.
const { stripeModule } = await import('../packages/gateway/dist/channels/stripe/module.js');
const secrets = { secret_key: key, webhook_secret: process.env.STRIPE_WEBHOOK_SECRET ?? 'whsec_unused' };
const { channel } = stripeModule.create({ clock: Date.now, config: {}, publicBaseUrl: process.env.OPENCASHIER_PUBLIC_BASE_URL ?? 'https://example.com', secret: (kind) => Buffer.from(secrets[kind]) });
const card = (pan) => ({ holder: 'Smoke Test', pan, expiryMonth: 12, expiryYear: new Date().getFullYear() + 3, cvv: '123', brand: 'Visa' });
const order = (n) => ({ orderId: `smoke-${Date.now()}-${n}`, merchantId: 'smoke', amountMinor: 1250n, currency: 'USD' });

let failures = 0;
const check = (label, ok, detail) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}${detail ? ` — ${detail}` : ''}`);
  if (!ok) failures += 1;
};

const approved = await channel.authorize({ ...order(1), card: card('4242424242424242') });
check('4242… is approved', approved.outcome === 'approved', JSON.stringify(approved));
if (approved.outcome === 'declined') console.log('     (a PROCESSING_ERROR here usually means the account lacks the raw card data API permission: see docs/channels.md)');
const declined = await channel.authorize({ ...order(2), card: card('4000000000000002') });
check('4000000000000002 is declined DO_NOT_HONOR', declined.outcome === 'declined' && declined.declineCode === 'DO_NOT_HONOR', JSON.stringify(declined));
const funds = await channel.authorize({ ...order(3), card: card('4000000000009995') });
check('4000000000009995 is declined INSUFFICIENT_FUNDS', funds.outcome === 'declined' && funds.declineCode === 'INSUFFICIENT_FUNDS', JSON.stringify(funds));
const challenged = await channel.authorize({ ...order(4), card: card('4000002500003155') });
check('4000002500003155 asks for 3-D Secure by redirect', challenged.outcome === 'challenge' && typeof challenged.hint === 'string', JSON.stringify(challenged));
if (approved.outcome === 'approved') {
  const part = await channel.refund(approved.reference, 250n, `smoke-rf-${Date.now()}`, Date.now());
  check('a partial refund succeeds', part.outcome === 'succeeded' || part.outcome === 'pending', JSON.stringify(part));
  const queried = await channel.query(approved.reference);
  check('the query reads the payment intent', queried.outcome === 'approved', JSON.stringify(queried));
}
console.log(failures === 0 ? 'smoke:stripe: all checks passed' : `smoke:stripe: ${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
