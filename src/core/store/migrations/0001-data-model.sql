-- SPDX-License-Identifier: GPL-3.0-or-later
-- Migration 1: the whole data model of DESIGN.md.
-- Money: integers of minor units (fen, cents) with a currency code.
-- Times: UTC seconds.  Local dates are computed in the shop's time zone.

CREATE TABLE settings (
  key   TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE channels (
  id         INTEGER PRIMARY KEY,
  kind       TEXT NOT NULL CHECK (kind IN ('online_shop', 'offline_store', 'mini_program',
                                           'marketplace', 'group', 'other')),
  name       TEXT NOT NULL UNIQUE,
  platform   TEXT,
  created_at INTEGER NOT NULL
);

CREATE TABLE contacts (
  id                INTEGER PRIMARY KEY,
  name              TEXT,
  phone             TEXT,
  email             TEXT,
  wechat_id         TEXT,
  city              TEXT,
  birthday          TEXT CHECK (birthday IS NULL OR birthday GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  first_seen_at     INTEGER NOT NULL,
  first_channel_id  INTEGER REFERENCES channels (id) ON DELETE SET NULL,
  marketing_consent INTEGER NOT NULL DEFAULT 0 CHECK (marketing_consent IN (0, 1)),
  consent_at        INTEGER,
  consent_source    TEXT,
  do_not_contact    INTEGER NOT NULL DEFAULT 0 CHECK (do_not_contact IN (0, 1)),
  member_since      INTEGER,
  notes             TEXT,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  erased_at         INTEGER
);
CREATE INDEX contacts_first_channel_id ON contacts (first_channel_id);
CREATE INDEX contacts_first_seen_at ON contacts (first_seen_at);
CREATE INDEX contacts_member_since ON contacts (member_since) WHERE member_since IS NOT NULL;
CREATE INDEX contacts_phone ON contacts (phone);

-- One person seen in several channels is one contact: every way we know them
-- points here.  kind is phone, email, shopify, woocommerce, youzan,
-- wechat_unionid or import:<source>.
CREATE TABLE contact_identities (
  id         INTEGER PRIMARY KEY,
  kind       TEXT NOT NULL,
  value      TEXT NOT NULL,
  contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  UNIQUE (kind, value)
);
CREATE INDEX contact_identities_contact_id ON contact_identities (contact_id);

CREATE TABLE products (
  id         INTEGER PRIMARY KEY,
  sku        TEXT NOT NULL UNIQUE,
  name       TEXT NOT NULL,
  category   TEXT,
  unit_price INTEGER CHECK (unit_price IS NULL OR unit_price >= 0),
  currency   TEXT,
  created_at INTEGER NOT NULL
);

CREATE TABLE orders (
  id              INTEGER PRIMARY KEY,
  channel_id      INTEGER NOT NULL REFERENCES channels (id),
  external_ref    TEXT NOT NULL,
  contact_id      INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
  status          TEXT NOT NULL CHECK (status IN ('unpaid', 'paid', 'partially_refunded',
                                                  'refunded', 'cancelled')),
  created_at      INTEGER NOT NULL,
  currency        TEXT NOT NULL,
  total_amount    INTEGER NOT NULL CHECK (total_amount >= 0),
  refunded_amount INTEGER NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0),
  item_count      INTEGER NOT NULL DEFAULT 0 CHECK (item_count >= 0),
  updated_at      INTEGER NOT NULL,
  UNIQUE (channel_id, external_ref)
);
CREATE INDEX orders_contact_id ON orders (contact_id, created_at);
CREATE INDEX orders_created_at ON orders (created_at);

CREATE TABLE order_items (
  id         INTEGER PRIMARY KEY,
  order_id   INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  product_id INTEGER REFERENCES products (id) ON DELETE SET NULL,
  sku        TEXT,
  name       TEXT NOT NULL,
  quantity   INTEGER NOT NULL CHECK (quantity > 0),
  unit_price INTEGER NOT NULL CHECK (unit_price >= 0),
  line_total INTEGER NOT NULL CHECK (line_total >= 0)
);
CREATE INDEX order_items_order_id ON order_items (order_id);
CREATE INDEX order_items_product_id ON order_items (product_id);

CREATE TABLE refunds (
  id           INTEGER PRIMARY KEY,
  order_id     INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  external_ref TEXT,
  amount       INTEGER NOT NULL CHECK (amount > 0),
  created_at   INTEGER NOT NULL,
  reason       TEXT,
  UNIQUE (order_id, external_ref)
);
CREATE INDEX refunds_order_id ON refunds (order_id);

CREATE TABLE community_groups (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  kind        TEXT NOT NULL CHECK (kind IN ('wecom', 'wechat', 'club', 'other')),
  description TEXT,
  created_at  INTEGER NOT NULL,
  archived_at INTEGER
);

CREATE TABLE group_members (
  id         INTEGER PRIMARY KEY,
  group_id   INTEGER NOT NULL REFERENCES community_groups (id) ON DELETE CASCADE,
  contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  role       TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'admin', 'member')),
  joined_at  INTEGER NOT NULL,
  left_at    INTEGER CHECK (left_at IS NULL OR left_at >= joined_at),
  UNIQUE (group_id, contact_id, joined_at)
);
CREATE INDEX group_members_contact_id ON group_members (contact_id);
CREATE INDEX group_members_joined_at ON group_members (joined_at);

-- Interactions short of an order.
CREATE TABLE events (
  id          INTEGER PRIMARY KEY,
  contact_id  INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  kind        TEXT NOT NULL CHECK (kind IN ('visit', 'view', 'cart', 'favourite', 'inquiry',
                                            'review', 'share', 'referral', 'group_message')),
  occurred_at INTEGER NOT NULL,
  channel_id  INTEGER REFERENCES channels (id) ON DELETE SET NULL,
  detail      TEXT,
  UNIQUE (contact_id, kind, occurred_at)
);
CREATE INDEX events_channel_id ON events (channel_id);
CREATE INDEX events_occurred_at ON events (occurred_at);

CREATE TABLE tags (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
);

CREATE TABLE contact_tags (
  contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  tag_id     INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
  source     TEXT NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'rule', 'import')),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (contact_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX contact_tags_tag_id ON contact_tags (tag_id);

-- Member tiers, ordered by position (0 is the entry tier).  Money thresholds
-- are net spend in minor units over the 365 days ending on the as-of date.
CREATE TABLE tiers (
  id             INTEGER PRIMARY KEY,
  position       INTEGER NOT NULL UNIQUE CHECK (position >= 0),
  name           TEXT NOT NULL,
  name_zh        TEXT,
  threshold      INTEGER NOT NULL CHECK (threshold >= 0),
  capacity       INTEGER CHECK (capacity IS NULL OR capacity > 0),
  by_application INTEGER NOT NULL DEFAULT 0 CHECK (by_application IN (0, 1)),
  benefits       TEXT
);

CREATE TABLE tier_history (
  id           INTEGER PRIMARY KEY,
  contact_id   INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  from_tier_id INTEGER REFERENCES tiers (id) ON DELETE SET NULL,
  to_tier_id   INTEGER REFERENCES tiers (id) ON DELETE SET NULL,
  changed_on   TEXT NOT NULL,
  reason       TEXT
);
CREATE INDEX tier_history_contact_id ON tier_history (contact_id);
CREATE INDEX tier_history_from_tier_id ON tier_history (from_tier_id);
CREATE INDEX tier_history_to_tier_id ON tier_history (to_tier_id);

CREATE TABLE lifecycle_models (
  id                 INTEGER PRIMARY KEY,
  name               TEXT NOT NULL,
  dormant_days       INTEGER NOT NULL CHECK (dormant_days > 0),
  lost_days          INTEGER NOT NULL CHECK (lost_days > dormant_days),
  mature_orders      INTEGER NOT NULL CHECK (mature_orders > 1),
  mature_window_days INTEGER NOT NULL CHECK (mature_window_days > 0),
  active             INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
  created_at         INTEGER NOT NULL
);
CREATE UNIQUE INDEX lifecycle_models_active ON lifecycle_models (active) WHERE active = 1;

-- The stage of every contact on the last day of every month.
CREATE TABLE stage_snapshots (
  model_id   INTEGER NOT NULL REFERENCES lifecycle_models (id) ON DELETE CASCADE,
  month      TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]'),
  contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  stage      TEXT NOT NULL CHECK (stage IN ('prospect', 'new', 'growing', 'mature',
                                             'dormant', 'lost')),
  PRIMARY KEY (model_id, month, contact_id)
) WITHOUT ROWID;
CREATE INDEX stage_snapshots_contact_id ON stage_snapshots (contact_id);

CREATE TABLE segments (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  definition TEXT NOT NULL CHECK (json_valid (definition)),
  builtin    INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE campaigns (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  sale_start TEXT NOT NULL,
  sale_end   TEXT NOT NULL CHECK (sale_end >= sale_start),
  target_gmv INTEGER NOT NULL CHECK (target_gmv > 0),
  currency   TEXT NOT NULL,
  channel_id INTEGER REFERENCES channels (id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX campaigns_channel_id ON campaigns (channel_id);

CREATE TABLE campaign_phases (
  id          INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  kind        TEXT NOT NULL CHECK (kind IN ('seeding', 'growing', 'harvest', 'nurturing')),
  starts_on   TEXT NOT NULL,
  ends_on     TEXT NOT NULL CHECK (ends_on >= starts_on),
  theme       TEXT,
  segment_id  INTEGER REFERENCES segments (id) ON DELETE SET NULL,
  planned_reach INTEGER CHECK (planned_reach IS NULL OR planned_reach >= 0)
);
CREATE INDEX campaign_phases_campaign_id ON campaign_phases (campaign_id);
CREATE INDEX campaign_phases_segment_id ON campaign_phases (segment_id);

-- An export or message sent to a segment, with who got it and who was held out.
CREATE TABLE touches (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL,
  segment_id    INTEGER REFERENCES segments (id) ON DELETE SET NULL,
  campaign_id   INTEGER REFERENCES campaigns (id) ON DELETE SET NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('export', 'message')),
  format        TEXT,
  created_at    INTEGER NOT NULL,
  window_days   INTEGER NOT NULL DEFAULT 14 CHECK (window_days > 0),
  holdout_share REAL NOT NULL DEFAULT 0 CHECK (holdout_share >= 0 AND holdout_share < 1),
  seed          INTEGER
);
CREATE INDEX touches_segment_id ON touches (segment_id);
CREATE INDEX touches_campaign_id ON touches (campaign_id);

CREATE TABLE touch_members (
  touch_id   INTEGER NOT NULL REFERENCES touches (id) ON DELETE CASCADE,
  contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  holdout    INTEGER NOT NULL DEFAULT 0 CHECK (holdout IN (0, 1)),
  PRIMARY KEY (touch_id, contact_id)
) WITHOUT ROWID;
CREATE INDEX touch_members_contact_id ON touch_members (contact_id);

-- A shop platform account.  Credentials live in the system keyring, never here.
CREATE TABLE sync_accounts (
  id           INTEGER PRIMARY KEY,
  platform     TEXT NOT NULL CHECK (platform IN ('shopify', 'woocommerce', 'youzan')),
  name         TEXT NOT NULL UNIQUE,
  shop_url     TEXT NOT NULL,
  channel_id   INTEGER NOT NULL REFERENCES channels (id),
  created_at   INTEGER NOT NULL,
  last_sync_at INTEGER,
  last_result  TEXT
);
CREATE INDEX sync_accounts_channel_id ON sync_accounts (channel_id);

CREATE TABLE sync_cursors (
  account_id INTEGER NOT NULL REFERENCES sync_accounts (id) ON DELETE CASCADE,
  resource   TEXT NOT NULL,
  cursor     TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, resource)
) WITHOUT ROWID;

-- Exports, merges, deletions and other acts on personal data.  detail never
-- holds the personal data itself.
CREATE TABLE audit_log (
  id          INTEGER PRIMARY KEY,
  at          INTEGER NOT NULL,
  actor       TEXT NOT NULL,
  action      TEXT NOT NULL,
  object_kind TEXT,
  object_id   INTEGER,
  detail      TEXT CHECK (detail IS NULL OR json_valid (detail))
);
CREATE INDEX audit_log_at ON audit_log (at);

-- Defaults from ANALYTICS.md; the owner changes them in Preferences.
INSERT INTO lifecycle_models (name, dormant_days, lost_days, mature_orders, mature_window_days,
                              active, created_at)
VALUES ('default', 30, 180, 4, 365, 1, CAST(strftime ('%s', 'now') AS INTEGER));

INSERT INTO tiers (position, name, name_zh, threshold) VALUES
  (0, 'Regular', '普通', 0),
  (1, 'Silver', '银卡', 50000),
  (2, 'Gold', '金卡', 200000),
  (3, 'Diamond', '钻石', 800000);
