-- SPDX-License-Identifier: GPL-3.0-or-later
-- Migration 13: an order remembers the lines it was imported from.
--
-- import_digest is a digest of the lines of the file an order was last
-- written from, with the settings that read them (src/core/import/
-- siyu-import.c, "A file imported again").  When the same lines come
-- again, the order is left as it is without reading them: importing a
-- file again changes nothing, and costs little more than reading it.
--
-- It says what the order was made from only while nothing else changed
-- the order since: any other change lets go of it, so that the next
-- import reads the lines whole.  Keeping it changes no figure, so it is
-- not counted in the data version, nor is the time of a change.
ALTER TABLE orders ADD COLUMN import_digest INTEGER;

DROP TRIGGER data_version_orders_update;
CREATE TRIGGER data_version_orders_update AFTER UPDATE OF channel_id, external_ref, contact_id, status,
  created_at, currency, total_amount, refunded_amount, item_count, discount_amount, shipping_amount,
  tax_amount ON orders BEGIN
  UPDATE data_version SET data = data + 1 WHERE id = 1;
END;
CREATE TRIGGER orders_import_digest_stale AFTER UPDATE OF channel_id, external_ref, contact_id, status,
  created_at, currency, total_amount, refunded_amount, item_count, discount_amount, shipping_amount,
  tax_amount ON orders
WHEN new.import_digest IS NOT NULL AND new.import_digest IS old.import_digest
BEGIN
  UPDATE orders SET import_digest = NULL WHERE id = new.id;
END;
