-- SPDX-License-Identifier: GPL-3.0-or-later
-- Migration 3: predicted customer value and replenishment (ANALYTICS.md "Predictive").
-- Empty fields mean no prediction: too little data, or no fit.

CREATE TABLE contact_predictions (
  contact_id          INTEGER PRIMARY KEY REFERENCES contacts (id) ON DELETE CASCADE,
  p_alive             REAL CHECK (p_alive IS NULL OR (p_alive >= 0 AND p_alive <= 1)),
  exp_orders_90d      REAL CHECK (exp_orders_90d IS NULL OR exp_orders_90d >= 0),
  exp_order_value     INTEGER CHECK (exp_order_value IS NULL OR exp_order_value >= 0),
  value_12m           INTEGER CHECK (value_12m IS NULL OR value_12m >= 0),
  next_due            TEXT,
  next_due_product_id INTEGER REFERENCES products (id) ON DELETE SET NULL
);
CREATE INDEX contact_predictions_next_due_product_id ON contact_predictions (next_due_product_id);

-- When each buyer of a product that is bought again and again should run
-- out: their last purchase of it plus the product's median gap.
CREATE TABLE replenishments (
  contact_id    INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  product_id    INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
  last_purchase TEXT NOT NULL,
  interval_days INTEGER NOT NULL CHECK (interval_days >= 0),
  due           TEXT NOT NULL,
  PRIMARY KEY (contact_id, product_id)
) WITHOUT ROWID;
CREATE INDEX replenishments_product_id ON replenishments (product_id);
CREATE INDEX replenishments_due ON replenishments (due);
