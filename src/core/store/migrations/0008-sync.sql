-- SPDX-License-Identifier: GPL-3.0-or-later
-- Migration 8: what sync needs to trust a shop file no more than it must.

-- The system keyring keys an account's secret by its platform, its shop's
-- address and this random id, so that a shop file made elsewhere, with an
-- account of the same name pointing at another address, cannot get it.
ALTER TABLE sync_accounts ADD COLUMN secret_id TEXT;
UPDATE sync_accounts SET secret_id = lower (hex (randomblob (16)));
