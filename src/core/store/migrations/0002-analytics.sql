-- SPDX-License-Identifier: GPL-3.0-or-later
-- Migration 2: materialised analytics (ANALYTICS.md), recomputed as of a day.

-- One pass over a shop's paid orders in contact order reads only this index.
CREATE INDEX orders_contact_paid ON orders (contact_id, created_at, currency, total_amount, refunded_amount)
  WHERE status IN ('paid', 'partially_refunded');

-- Every figure of one contact as of the last recompute.
CREATE TABLE contact_metrics (
  contact_id    INTEGER PRIMARY KEY REFERENCES contacts (id) ON DELETE CASCADE,
  orders        INTEGER NOT NULL,
  net_spend     INTEGER NOT NULL,
  first_order   TEXT,
  last_order    TEXT,
  stage         TEXT NOT NULL,
  rfm_r         INTEGER,
  rfm_f         INTEGER,
  rfm_m         INTEGER,
  rfm_r_score   INTEGER,
  rfm_f_score   INTEGER,
  rfm_m_score   INTEGER,
  rfm_segment   TEXT,
  spend_365     INTEGER NOT NULL,
  tier_id       INTEGER REFERENCES tiers (id) ON DELETE SET NULL,
  tier_gap      INTEGER,
  points        INTEGER NOT NULL,
  pyramid       TEXT,
  aipl          TEXT
);
CREATE INDEX contact_metrics_tier_id ON contact_metrics (tier_id);

-- The shop-level figures of each recompute, as JSON.
CREATE TABLE analytics_runs (
  id          INTEGER PRIMARY KEY,
  as_of       TEXT NOT NULL,
  computed_at INTEGER NOT NULL,
  summary     TEXT NOT NULL CHECK (json_valid (summary))
);

-- Cohort retention: of the buyers whose first paid order fell in month
-- cohort, how many bought in month cohort + month_offset.
CREATE TABLE cohort_cells (
  cohort       TEXT NOT NULL,
  month_offset INTEGER NOT NULL CHECK (month_offset >= 0),
  size         INTEGER NOT NULL,
  buyers       INTEGER NOT NULL,
  PRIMARY KEY (cohort, month_offset)
) WITHOUT ROWID;
