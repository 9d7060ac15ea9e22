-- SPDX-License-Identifier: GPL-3.0-or-later
-- Migration 6: a campaign's plan (the GMV gap deduction as it was made) and
-- several segments per phase, each with a planned reach and touch days.

-- The deduction's inputs and figures, one row per campaign.
CREATE TABLE campaign_plans (
  campaign_id       INTEGER PRIMARY KEY REFERENCES campaigns (id) ON DELETE CASCADE,
  planned_on        TEXT NOT NULL,
  reference_start   TEXT NOT NULL,
  reference_end     TEXT NOT NULL CHECK (reference_end >= reference_start),
  reference_source  TEXT NOT NULL CHECK (reference_source IN ('year_ago', 'recent', 'override')),
  reference_orders  INTEGER NOT NULL CHECK (reference_orders >= 0),
  reference_net     INTEGER NOT NULL CHECK (reference_net >= 0),
  reference_contact_orders INTEGER NOT NULL CHECK (reference_contact_orders >= 0),
  reference_buyers  INTEGER NOT NULL CHECK (reference_buyers >= 0),
  reference_newcomers INTEGER NOT NULL DEFAULT 0 CHECK (reference_newcomers >= 0),
  aov               REAL NOT NULL CHECK (aov >= 0),
  orders_per_buyer  REAL NOT NULL CHECK (orders_per_buyer >= 0),
  buyers_needed     INTEGER NOT NULL CHECK (buyers_needed >= 0),
  expected          REAL NOT NULL CHECK (expected >= 0),
  gap               REAL NOT NULL CHECK (gap >= 0),
  thin              TEXT NOT NULL CHECK (thin IN ('none', 'no_orders', 'few_buyers'))
) WITHOUT ROWID;

-- One row per lifecycle stage of the deduction.
CREATE TABLE campaign_plan_stages (
  campaign_id      INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  stage            TEXT NOT NULL CHECK (stage IN ('prospect', 'new', 'growing', 'mature', 'dormant', 'lost')),
  reference_size   INTEGER NOT NULL CHECK (reference_size >= 0),
  reference_buyers INTEGER NOT NULL CHECK (reference_buyers >= 0),
  size             INTEGER NOT NULL CHECK (size >= 0),
  weight           REAL NOT NULL CHECK (weight >= 0),
  PRIMARY KEY (campaign_id, stage)
) WITHOUT ROWID;

-- The segments to reach in a phase.
CREATE TABLE campaign_phase_segments (
  id            INTEGER PRIMARY KEY,
  phase_id      INTEGER NOT NULL REFERENCES campaign_phases (id) ON DELETE CASCADE,
  position      INTEGER NOT NULL,
  segment_id    INTEGER REFERENCES segments (id) ON DELETE SET NULL,
  segment_name  TEXT NOT NULL,
  stage         TEXT CHECK (stage IS NULL OR stage IN ('prospect', 'new', 'growing', 'mature', 'dormant', 'lost')),
  size          INTEGER NOT NULL DEFAULT -1,
  planned_reach INTEGER NOT NULL CHECK (planned_reach >= 0)
);
CREATE INDEX campaign_phase_segments_phase_id ON campaign_phase_segments (phase_id, position);
CREATE INDEX campaign_phase_segments_segment_id ON campaign_phase_segments (segment_id);

-- Planned touch days of a phase's segment.
CREATE TABLE campaign_touch_days (
  phase_segment_id INTEGER NOT NULL REFERENCES campaign_phase_segments (id) ON DELETE CASCADE,
  day              TEXT NOT NULL,
  PRIMARY KEY (phase_segment_id, day)
) WITHOUT ROWID;

CREATE INDEX campaigns_sale_start ON campaigns (sale_start, sale_end);
