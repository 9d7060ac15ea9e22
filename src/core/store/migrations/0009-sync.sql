-- SPDX-License-Identifier: GPL-3.0-or-later
-- Migration 9: what sync needs to trust a shop file no more than it must.

-- The system keyring keys an account's secret by its platform, its shop's
-- address and this random id, so that a shop file made elsewhere, with an
-- account of the same name pointing at another address, cannot get it.
ALTER TABLE sync_accounts ADD COLUMN secret_id TEXT;
UPDATE sync_accounts SET secret_id = lower (hex (randomblob (16)));

-- What an order's total is made of, as the platform says: discounts given,
-- shipping and tax charged.  Net sales stay total − refunds (ANALYTICS.md).
ALTER TABLE orders ADD COLUMN discount_amount INTEGER NOT NULL DEFAULT 0 CHECK (discount_amount >= 0);
ALTER TABLE orders ADD COLUMN shipping_amount INTEGER NOT NULL DEFAULT 0 CHECK (shipping_amount >= 0);
ALTER TABLE orders ADD COLUMN tax_amount INTEGER NOT NULL DEFAULT 0 CHECK (tax_amount >= 0);

-- A record a sync could not store as it came (no usable identity, a shape
-- error): kept as the platform sent it, with why, until a retry stores it.
-- Its order is stored anonymously when that is possible (order_id).
CREATE TABLE sync_rejects (
  id          INTEGER PRIMARY KEY,
  account_id  INTEGER NOT NULL REFERENCES sync_accounts (id) ON DELETE CASCADE,
  resource    TEXT NOT NULL CHECK (resource IN ('customers', 'orders')),
  platform_id TEXT NOT NULL,
  reason      TEXT NOT NULL,
  raw         TEXT NOT NULL,
  order_id    INTEGER REFERENCES orders (id) ON DELETE SET NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  UNIQUE (account_id, resource, platform_id)
);
CREATE INDEX sync_rejects_order_id ON sync_rejects (order_id);

-- Two contacts that may be one person, kept apart because the sources
-- disagree (two platform customer ids or two e-mails on one phone): the
-- owner merges them or says they are two.  contact_id < other_id.
CREATE TABLE possible_duplicates (
  id           INTEGER PRIMARY KEY,
  contact_id   INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  other_id     INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  reason       TEXT NOT NULL CHECK (reason IN ('phone', 'email', 'wechat', 'platform')),
  created_at   INTEGER NOT NULL,
  dismissed_at INTEGER,
  CHECK (contact_id < other_id),
  UNIQUE (contact_id, other_id)
);
CREATE INDEX possible_duplicates_other_id ON possible_duplicates (other_id);

-- Values a platform sent encrypted (Youzan's $…$n$), kept as they came
-- until they can be decrypted; never read as a name, phone or address.
CREATE TABLE sync_encrypted (
  id          INTEGER PRIMARY KEY,
  account_id  INTEGER NOT NULL REFERENCES sync_accounts (id) ON DELETE CASCADE,
  resource    TEXT NOT NULL CHECK (resource IN ('customers', 'orders')),
  platform_id TEXT NOT NULL,
  field       TEXT NOT NULL,
  ciphertext  TEXT NOT NULL,
  contact_id  INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
  order_id    INTEGER REFERENCES orders (id) ON DELETE SET NULL,
  created_at  INTEGER NOT NULL,
  UNIQUE (account_id, resource, platform_id, field)
);
CREATE INDEX sync_encrypted_contact_id ON sync_encrypted (contact_id);
CREATE INDEX sync_encrypted_order_id ON sync_encrypted (order_id);
