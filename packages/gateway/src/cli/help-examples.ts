/**
 * Examples shown in `--help`, by command path, where the one a command's
 * required options make would not say enough.
 */
export const CURATED_EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  start: ['opencashier start', 'opencashier start --port 9000 --host 0.0.0.0', 'PORT=9000 opencashier start'],
  migrate: ['opencashier migrate', 'OPENCASHIER_DATABASE_URL=postgres://opencashier@localhost/opencashier opencashier migrate'],
  'merchant create': [
    'opencashier merchant create --id 300000001 --name "My Shop" --issue-keys ./keys',
    'opencashier merchant create --id 300000001 --name "My Shop" --cert ./300000001.cer --allowed-hosts shop.example',
  ],
  'merchant list': ['opencashier merchant list', 'opencashier merchant list | jq ".[].merchantId"'],
  'sandbox merchant': ['opencashier sandbox merchant', 'opencashier sandbox merchant --json | jq .baseUrl'],
  'sandbox pay': ['opencashier sandbox pay --merchant 100000001 --request-id order-1 --card 4242424242424242'],
  'settlement run': ['opencashier settlement run --date today', 'opencashier settlement run --date 2026-12-07 --merchant 100000001 --json'],
  'kek generate': ['export OPENCASHIER_KEK=$(opencashier kek generate)'],
};
