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
  job_leases: JobLeaseTable;
  refunds: RefundTable;
  ledger_postings: LedgerPostingTable;
  dispute_events: DisputeEventTable;
  dispute_evidence: DisputeEvidenceTable;
  dispute_attachments: DisputeAttachmentTable;
  deliveries: DeliveryTable;
  portal_users: PortalUserTable;
  portal_sessions: PortalSessionTable;
  portal_audit: PortalAuditTable;
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
  product: 'icc';
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
  /** Refunds not failed (processing and succeeded): what the refund guard checks. */
  refund_reserved_minor: Generated<bigint>;
  /** Refunds succeeded, and how many. */
  refunded_minor: Generated<bigint>;
  refund_count: Generated<bigint>;
  /** Chargebacks holding or having taken money. */
  disputed_minor: Generated<bigint>;
  delivery_status: string | null;
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
