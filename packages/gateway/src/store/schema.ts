import type { Generated } from 'kysely';

/**
 * Table shapes as both databases return them. Every integer column is a
 * `bigint`: better-sqlite3 runs with safe integers and pg parses int8 to
 * BigInt, so money and millisecond timestamps are exact in both.
 */
export interface Database {
  merchants: MerchantTable;
  merchant_certificates: MerchantCertificateTable;
  orders: OrderTable;
  order_events: OrderEventTable;
  notifications: NotificationTable;
  notification_attempts: NotificationAttemptTable;
  disputes: DisputeTable;
  risk_rule_sets: RiskRuleSetTable;
  risk_list_entries: RiskListEntryTable;
  risk_counter_events: RiskCounterEventTable;
  risk_attempts: RiskAttemptTable;
  merchant_secrets: MerchantSecretTable;
  recurring_consents: RecurringConsentTable;
  job_leases: JobLeaseTable;
  cluster_identity: ClusterIdentityTable;
  refunds: RefundTable;
  ledger_postings: LedgerPostingTable;
  merchant_payment_methods: MerchantPaymentMethodTable;
  incoming_transfers: IncomingTransferTable;
  card_bindings: CardBindingTable;
  dispute_events: DisputeEventTable;
  dispute_evidence: DisputeEvidenceTable;
  dispute_attachments: DisputeAttachmentTable;
  deliveries: DeliveryTable;
  fx_quotes: FxQuoteTable;
  merchant_pricing: MerchantPricingTable;
  fee_plans: FeePlanTable;
  fx_orders: FxOrderTable;
  fx_sell_backs: FxSellBackTable;
  customs_declarations: CustomsDeclarationTable;
  settlement_batches: SettlementBatchTable;
  settlement_lines: SettlementLineTable;
  portal_users: PortalUserTable;
  portal_sessions: PortalSessionTable;
  portal_audit: PortalAuditTable;
  portal_login_attempts_by_ip: PortalLoginAttemptsByIpTable;
  // The merchant side of the back office (0080).
  portal_refund_policies: PortalRefundPolicyTable;
  portal_refund_approvals: PortalRefundApprovalTable;
  merchant_request_log: MerchantRequestLogTable;
  channel_events: ChannelEventTable;
}

export interface CardBindingTable {
  bind_card_id: string;
  merchant_id: string;
  merchant_user_id: string;
  card_fingerprint: string;
  vault_token: string;
  card_kind: string;
  brand: string;
  bin: string;
  last4: string;
  holder: string;
  expiry_month: bigint;
  expiry_year: bigint;
  state: string;
  created_at_ms: bigint;
  unbound_at_ms: bigint | null;
}

export interface IncomingTransferTable {
  transfer_id: string;
  /** The bank's own reference of the transfer: the same transfer is recorded once. */
  bank_reference: string;
  postscript: string;
  amount_minor: bigint;
  currency: string;
  payer_name: string | null;
  payer_account: string | null;
  order_id: string | null;
  outcome: string;
  received_at_ms: bigint;
  recorded_at_ms: bigint;
}

export interface MerchantPaymentMethodTable {
  merchant_id: string;
  method: string;
  created_at_ms: bigint;
}

export interface MerchantTable {
  merchant_id: string;
  name: string;
  status: 'active' | 'suspended';
  sandbox: bigint; // 0 or 1
  allowed_hosts: string; // JSON array of host names; "*" allows any
  created_at_ms: bigint;
  /** Where dispute notifications go; null: each order's notifyUrl. */
  dispute_notify_url: Generated<string | null>;
  /** JSON array of the currencies its orders may be in; null: every currency. */
  allowed_currencies: Generated<string | null>;
  /** 1: the form gateway requires a fresh orderTimestamp in every order form. */
  form_anti_replay: Generated<number | bigint>;
}

export interface MerchantCertificateTable {
  id: string;
  merchant_id: string;
  certificate_pem: string;
  fingerprint_sha256: string;
  not_after_ms: bigint;
  created_at_ms: bigint;
  /** After this instant the certificate no longer verifies (rotation overlap end); null = current. */
  retires_at_ms: bigint | null;
}

export interface OrderTable {
  order_id: string; // the serialNumber merchants see
  merchant_id: string;
  request_id: string;
  request_digest: string; // SHA-256 of the request content, for requestId replays
  product: string; // 'icc' | 'onlinePay' | 'foreignExchange'
  amount_minor: bigint;
  currency: string;
  state: string;
  language: string;
  notify_url: string;
  callback_url: string;
  terminal_no: string | null;
  remark: string | null;
  order_type: string;
  details_json: string; // productDetails, payer, shipInfo, billInfo
  client_ip: string | null;
  expires_at_ms: bigint;
  created_at_ms: bigint;
  updated_at_ms: bigint;
  completed_at_ms: bigint | null;
  card_brand: string | null;
  card_bin: string | null;
  card_last4: string | null;
  vault_token: string | null;
  channel: string | null;
  channel_reference: string | null;
  decline_code: string | null;
  challenge_attempts: bigint;
  fee_minor: bigint;
  version: bigint;
  /** The merchant protocol that created the order; its answers and notifications use it. */
  dialect: string;
  /** The dialect's own fields echoed in its answers (JSON object of strings; never card data). */
  dialect_context_json: string;
  /** Refunds not failed (processing and succeeded): what the refund guard checks. */
  refund_reserved_minor: Generated<bigint>;
  /** Refunds succeeded, and how many. */
  refunded_minor: Generated<bigint>;
  refund_count: Generated<bigint>;
  /** Chargebacks holding or having taken money. */
  disputed_minor: Generated<bigint>;
  delivery_status: string | null;
  /** onlinePay: the payment method (`PaymentMethod`) and what the payer was handed for it (JSON). */
  payment_method: Generated<string | null>;
  payer_action_json: Generated<string | null>;
}

export interface OrderEventTable {
  id: Generated<bigint>;
  order_id: string;
  from_state: string | null;
  to_state: string;
  reason: string;
  at_ms: bigint;
}

export interface NotificationTable {
  notification_id: string;
  merchant_id: string;
  order_id: string;
  url: string;
  sandbox: bigint;
  payload_json: string;
  state: 'pending' | 'delivered' | 'failed';
  attempt_count: bigint;
  next_attempt_at_ms: bigint;
  lease_until_ms: bigint;
  created_at_ms: bigint;
  delivered_at_ms: bigint | null;
  /** Encodes the payload and judges the merchant's answer (see protocols/dialect-registry.ts). */
  dialect: Generated<string>;
  /** Place in its order's notifications, 1, 2, 3 … in commit order (delivery order). */
  order_seq: Generated<bigint>;
  /** The host of `url` (notify/outbox.ts notificationHost): the dispatcher claims per host. */
  host: Generated<string>;
}

export interface NotificationAttemptTable {
  id: Generated<bigint>;
  notification_id: string;
  attempt_no: bigint;
  started_at_ms: bigint;
  latency_ms: bigint;
  http_status: bigint | null;
  response_excerpt: string;
  error: string | null;
  delivered: bigint;
}

export interface DisputeTable {
  dispute_id: string;
  order_id: string;
  merchant_id: string;
  stage: string;
  status: string;
  reason_code: string;
  reason_text: string | null;
  amount_minor: bigint;
  currency: string;
  /** What the case counts in orders.disputed_minor. */
  held_minor: bigint;
  acquirer_reference: string | null;
  opened_at_ms: bigint;
  respond_by_ms: bigint;
  evidence_submitted_at_ms: bigint | null;
  closed_at_ms: bigint | null;
  updated_at_ms: bigint;
  version: bigint;
}

export interface DisputeEventTable {
  id: Generated<bigint>;
  dispute_id: string;
  actor: string;
  actor_name: string | null;
  from_stage: string | null;
  from_status: string | null;
  to_stage: string;
  to_status: string;
  note: string | null;
  at_ms: bigint;
}

export interface DisputeEvidenceTable {
  evidence_id: string;
  dispute_id: string;
  stage: string;
  /** The merchant's number for the answer, when it sent one: a replay answers the same. */
  request_id: string | null;
  request_digest: string;
  details_json: string;
  submitted_at_ms: bigint;
}

export interface DisputeAttachmentTable {
  evidence_id: string;
  position: bigint;
  name: string;
  content_type: string;
  size_bytes: bigint;
  sha256: string;
  /** Relative to the attachment store's root. */
  storage_path: string;
}

export interface DeliveryTable {
  order_id: string;
  status: string;
  logistics_company: string;
  tracking_numbers_json: string;
  event_at_ms: bigint;
  content_digest: string;
  created_at_ms: bigint;
}

export interface RiskRuleSetTable {
  version: bigint;
  document: string; // the rule file's text, as loaded
  source: string;
  loaded_at_ms: bigint;
}

export interface RiskListEntryTable {
  entry_id: string;
  scope: string; // a merchant id, or * for every merchant
  list: string; // BLOCK | ALLOW
  kind: string;
  value: string;
  range_start: string | null; // IP entries: first address, 32 hex digits
  range_end: string | null;
  reason: string;
  source: string;
  created_at_ms: bigint;
  expires_at_ms: bigint | null;
}

export interface RiskCounterEventTable {
  id: Generated<bigint>;
  counter_key: string; // kind:keyed hash (the card's fingerprint, never its number)
  event: string; // attempt | decline | approved
  amount_minor: bigint;
  currency: string;
  at_ms: bigint;
}

export interface RiskAttemptTable {
  attempt_id: string;
  order_id: string;
  merchant_id: string;
  at_ms: bigint;
  action: string;
  score: bigint;
  fired_json: string;
  rules_version: bigint;
  decision_us: bigint;
  amount_minor: bigint;
  currency: string;
  card_fingerprint: string;
  card_bin: string;
  card_country: string | null;
  ip: string | null;
  ip_country: string | null;
  email: string | null;
  phone: string | null;
  device_id: string | null;
  merchant_user: string | null;
  billing_country: string | null;
  shipping_country: string | null;
  review_status: string | null; // PENDING | APPROVED | REJECTED for REVIEW decisions
  reviewed_at_ms: bigint | null;
  review_note: string | null;
  outcome_recorded: bigint; // 1 once the order's final state fed the counters
}

/** A shared secret (MD5 signing key) of one merchant app or account, sealed with the KEK. */
export interface MerchantSecretTable {
  id: string;
  merchant_id: string;
  /** Which dialect's key: `global-json-app` (appid) or `form-gateway-md5` (merchantAcctId). */
  kind: string;
  /** The appid or merchantAcctId the merchant sends. */
  key_id: string;
  secret_sealed: string;
  created_at_ms: bigint;
  /** After this instant the secret no longer verifies (rotation overlap end); null = current. */
  retires_at_ms: bigint | null;
}

/** A payer's consent to merchant-initiated charges on the card of a first RECURRING payment. */
export interface RecurringConsentTable {
  consent_id: string;
  merchant_id: string;
  app_id: string;
  user_id: string;
  /** The order whose card (vault token) later charges reuse. */
  origin_order_id: string;
  expiry_month: bigint;
  expiry_year: bigint;
  holder: string;
  created_at_ms: bigint;
}

export interface ClusterIdentityTable {
  item: string;
  value: string;
  recorded_at_ms: bigint;
  recorded_by: string;
}

export interface JobLeaseTable {
  job_name: string;
  holder_id: string; // the process that may run the job until lease_until_ms
  lease_until_ms: bigint;
  acquired_at_ms: bigint; // when this holder took the job (unchanged by renewals)
  renewed_at_ms: bigint;
}

export interface RefundTable {
  refund_id: string;
  merchant_id: string;
  request_id: string;
  request_digest: string;
  order_id: string;
  amount_minor: bigint;
  currency: string;
  state: string;
  origin: string;
  remark: string | null;
  notify_url: string | null;
  channel_reference: string | null;
  failure_code: string | null;
  created_at_ms: bigint;
  updated_at_ms: bigint;
  completed_at_ms: bigint | null;
}

export interface LedgerPostingTable {
  id: Generated<bigint>;
  journal_kind: string;
  source_id: string;
  order_id: string;
  account: string;
  direction: 'D' | 'C';
  amount_minor: bigint;
  currency: string;
  at_ms: bigint;
}

/** Every rate the gateway quoted or applied, with its source and time; locked quotes carry a token. */
export interface FxQuoteTable {
  quote_id: string;
  merchant_id: string;
  purpose: string; // LOCK | ORDER | CAPTURE | SETTLEMENT
  request_id: string | null;
  token: string | null;
  order_id: string | null;
  base_currency: string;
  quote_currency: string;
  side: string; // bid | ask | mid
  market_rate: string; // exact decimal as the provider gave it
  markup_bps: bigint;
  rate: string; // exact decimal applied (market rate with the merchant's markup)
  source: string;
  rate_as_of_ms: bigint;
  amount_minor: bigint | null;
  converted_minor: bigint | null;
  created_at_ms: bigint;
  expires_at_ms: bigint | null;
  used_at_ms: bigint | null;
  used_by_request_id: string | null;
}

export interface MerchantPricingTable {
  merchant_id: string;
  fx_markup_bps: bigint;
  settlement_delay_days: bigint | null;
  updated_at_ms: bigint;
}

export interface FeePlanTable {
  merchant_id: string;
  method: string; // CARD | FX | * (any)
  currency: string; // ISO code or * (any)
  percent_bps: bigint;
  fixed_minor: bigint;
  minimum_minor: bigint;
  updated_at_ms: bigint;
}

export interface FxOrderTable {
  order_id: string;
  merchant_id: string;
  request_id: string;
  order_amount_minor: bigint;
  order_currency: string;
  fx_amount_minor: bigint | null;
  fx_currency: string;
  for_use: string;
  declaration_json: string;
  file_name: string | null;
  need_review: bigint;
  review_status: string | null;
  review_remark: string | null;
  purchase_status: string;
  purchase_rate: string | null;
  purchased_minor: bigint | null;
  deduction_minor: bigint | null;
  purchase_reference: string | null;
  purchase_completed_at_ms: bigint | null;
  purchase_base_minor: bigint | null;
  sold_back_minor: Generated<bigint>;
  created_at_ms: bigint;
  updated_at_ms: bigint;
}

/** A sale of bought currency back to the FX desk, for refunds after the purchase. */
export interface FxSellBackTable {
  sale_id: string;
  order_id: string;
  merchant_id: string;
  seq: bigint;
  currency: string;
  sold_minor: bigint;
  /** CNY the sold currency cost at the purchase. */
  cost_minor: bigint;
  /** The order's refunds (CNY, after the purchase) this sale brings the sold total up to. */
  refunded_through_minor: bigint;
  rate: string;
  proceeds_minor: bigint;
  status: string; // PENDING, SUCCESS, FAILED
  desk_reference: string | null;
  created_at_ms: bigint;
  completed_at_ms: bigint | null;
}

export interface SettlementBatchTable {
  batch_id: string;
  merchant_id: string;
  business_date: string; // YYYY-MM-DD in the gateway's time zone
  settle_date: string;
  currency: string; // always CNY
  captured_minor: bigint;
  refunded_minor: bigint;
  chargeback_minor: bigint;
  fee_minor: bigint;
  net_minor: bigint;
  line_count: bigint;
  created_at_ms: bigint;
}

export interface SettlementLineTable {
  id: Generated<bigint>;
  batch_id: string;
  order_id: string;
  journal_kind: string;
  source_id: string;
  currency: string;
  amount_minor: bigint; // signed: positive is owed to the merchant
  rate: string;
  cny_minor: bigint;
  at_ms: bigint;
}

export interface PortalUserTable {
  user_id: string;
  email: string; // lower-cased
  kind: 'merchant' | 'operator';
  merchant_id: string | null; // set exactly for merchant users
  role: string;
  password_hash: string; // scrypt$N$r$p$salt$hash
  totp_secret_sealed: string | null; // KEK-sealed TOTP secret; null = no second factor
  status: 'active' | 'disabled';
  failed_logins: bigint;
  locked_until_ms: bigint;
  must_change_password: bigint; // 0 or 1
  created_at_ms: bigint;
  updated_at_ms: bigint;
}

export interface PortalSessionTable {
  token_hash: string; // SHA-256 of the cookie value: a database read does not yield a usable cookie
  user_id: string;
  csrf_token: string;
  second_factor_pending: bigint; // 1 until the TOTP code is given
  created_at_ms: bigint;
  last_seen_at_ms: bigint;
  expires_at_ms: bigint;
  client_ip: string | null; // where the session was opened (0110); null for sessions from before
}

/** Log-in attempts from one client address in the current window, across accounts (0110). */
export interface PortalLoginAttemptsByIpTable {
  client_ip: string;
  window_start_ms: bigint;
  attempts: bigint;
}

export interface PortalAuditTable {
  id: Generated<bigint>;
  at_ms: bigint;
  actor_user_id: string | null;
  actor_email: string;
  merchant_id: string | null;
  action: string;
  target: string;
  before_json: string | null;
  after_json: string | null;
  client_ip: string | null;
}

/** Maker / checker: which portal refunds need a second user. */
export interface PortalRefundPolicyTable {
  merchant_id: string;
  mode: string;
  threshold_minor: bigint | null;
  threshold_currency: string | null;
  updated_at_ms: bigint;
}

/** A portal refund waiting for (or decided by) a second user. */
export interface PortalRefundApprovalTable {
  approval_id: string;
  merchant_id: string;
  order_id: string;
  request_id: string;
  request_digest: string;
  amount_minor: bigint | null;
  estimated_minor: bigint;
  currency: string;
  remark: string | null;
  requested_by_user_id: string;
  requested_by_email: string;
  state: string;
  decided_by_user_id: string | null;
  decided_by_email: string | null;
  decided_at_ms: bigint | null;
  decision_note: string | null;
  refund_id: string | null;
  refund_state: string | null;
  failure_code: string | null;
  created_at_ms: bigint;
  updated_at_ms: bigint;
}

/** One merchant API call: route and result only, never the body. */
export interface MerchantRequestLogTable {
  id: Generated<bigint>;
  merchant_id: string;
  at_ms: bigint;
  method: string;
  path: string;
  http_status: bigint;
  result_code: string | null;
  elapsed_ms: bigint;
}

/** A customs declaration of an FX order or one of its sub-orders. */
export interface CustomsDeclarationTable {
  declaration_id: string;
  merchant_id: string;
  request_id: string;
  request_digest: string;
  order_id: string;
  sub_order_request_id: string; // '' for the order itself
  target_key: string; // order_id/sub-order requestId; failed/<declaration_id> once customs rejected it
  payment_serial_number: string;
  customs_code: string;
  ecp_code: string;
  ecp_name: string;
  amount_minor: bigint;
  currency: string;
  status: string; // SUCCESS, FAILED
  customs_reference: string | null;
  failure_reason: string | null;
  created_at_ms: bigint;
  completed_at_ms: bigint | null;
}

/** An upstream event a channel has applied (0095): the key that makes a resent webhook harmless. */
export interface ChannelEventTable {
  channel: string;
  event_id: string;
  order_id: string | null;
  kind: string;
  received_at_ms: bigint;
}
