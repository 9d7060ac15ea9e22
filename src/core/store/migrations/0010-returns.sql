-- SPDX-License-Identifier: GPL-3.0-or-later
-- Migration 10: returns, kept apart from orders.

-- An invoice whose quantities are all negative (a credit note, such as the
-- C-numbered invoices of UCI Online Retail) is a return, not a sale
-- (ANALYTICS.md, "Returns").  It is kept in its own table so that it is
-- never a paid order and no figure read from orders counts it.  When the
-- source names the order it returns, order_id links it there.  Quantities
-- and amounts are stored as positive numbers: what came back.
CREATE TABLE returns (
  id           INTEGER PRIMARY KEY,
  channel_id   INTEGER NOT NULL REFERENCES channels (id),
  external_ref TEXT NOT NULL,
  contact_id   INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
  order_id     INTEGER REFERENCES orders (id) ON DELETE SET NULL,
  created_at   INTEGER NOT NULL,
  currency     TEXT NOT NULL,
  total_amount INTEGER NOT NULL CHECK (total_amount >= 0),
  item_count   INTEGER NOT NULL DEFAULT 0 CHECK (item_count >= 0),
  updated_at   INTEGER NOT NULL,
  UNIQUE (channel_id, external_ref)
);
CREATE INDEX returns_contact_id ON returns (contact_id, created_at);
CREATE INDEX returns_order_id ON returns (order_id);

CREATE TABLE return_items (
  id         INTEGER PRIMARY KEY,
  return_id  INTEGER NOT NULL REFERENCES returns (id) ON DELETE CASCADE,
  product_id INTEGER REFERENCES products (id) ON DELETE SET NULL,
  sku        TEXT,
  name       TEXT NOT NULL,
  quantity   INTEGER NOT NULL CHECK (quantity > 0),
  unit_price INTEGER NOT NULL CHECK (unit_price >= 0),
  line_total INTEGER NOT NULL CHECK (line_total >= 0)
);
CREATE INDEX return_items_return_id ON return_items (return_id);
CREATE INDEX return_items_product_id ON return_items (product_id);
