-- SPDX-License-Identifier: GPL-3.0-or-later
-- Migration 11: the data version, so that figures are never stale without
-- saying so.
--
-- data counts the changes to what the figures are counted from: orders and
-- their lines and refunds, returns, contacts, events, group memberships, the
-- model (lifecycle model, tiers, pyramid weights, membership rule) and the
-- settings that move days or money.  Triggers keep it, so no way of writing
-- can forget to.  figures is the data version the stored figures were
-- counted from, written by the recompute in the transaction that stores
-- them (src/core/analytics/siyu-recompute.c).  The figures are out of date
-- while the two differ.
--
-- A shop from an older Siyu starts with its figures taken as up to date:
-- that Siyu counted them again after every change.
CREATE TABLE data_version (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  data    INTEGER NOT NULL,
  figures INTEGER NOT NULL
);
INSERT INTO data_version (id, data, figures) VALUES (1, 0, 0);

-- Every row of these is counted.
CREATE TRIGGER data_version_orders_insert AFTER INSERT ON orders BEGIN
  UPDATE data_version SET data = data + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_orders_update AFTER UPDATE ON orders BEGIN
  UPDATE data_version SET data = data + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_orders_delete AFTER DELETE ON orders BEGIN
  UPDATE data_version SET data = data + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_order_items_insert AFTER INSERT ON order_items BEGIN
  UPDATE data_version SET data = data + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_order_items_update AFTER UPDATE ON order_items BEGIN
  UPDATE data_version SET data = data + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_order_items_delete AFTER DELETE ON order_items BEGIN
  UPDATE data_version SET data = data + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_refunds_insert AFTER INSERT ON refunds BEGIN
  UPDATE data_version SET data = data + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_refunds_update AFTER UPDATE ON refunds BEGIN
  UPDATE data_version SET data = data + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_refunds_delete AFTER DELETE ON refunds BEGIN
  UPDATE data_version SET data = data + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_returns_insert AFTER INSERT ON returns BEGIN
  UPDATE data_version SET data = data + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_returns_update AFTER UPDATE ON returns BEGIN
  UPDATE data_version SET data = data + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_returns_delete AFTER DELETE ON returns BEGIN
  UPDATE data_version SET data = data + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_return_items_insert AFTER INSERT ON return_items BEGIN
  UPDATE data_version SET data = data + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_return_items_update AFTER UPDATE ON return_items BEGIN
  UPDATE data_version SET data = data + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_return_items_delete AFTER DELETE ON return_items BEGIN
  UPDATE data_version SET data = data + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_events_insert AFTER INSERT ON events BEGIN
  UPDATE data_version SET data = data + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_events_update AFTER UPDATE ON events BEGIN
  UPDATE data_version SET data = data + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_events_delete AFTER DELETE ON events BEGIN
  UPDATE data_version SET data = data + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_lifecycle_models_insert AFTER INSERT ON lifecycle_models BEGIN
  UPDATE data_version SET data = data + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_lifecycle_models_update AFTER UPDATE ON lifecycle_models BEGIN
  UPDATE data_version SET data = data + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_lifecycle_models_delete AFTER DELETE ON lifecycle_models BEGIN
  UPDATE data_version SET data = data + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_tiers_insert AFTER INSERT ON tiers BEGIN
  UPDATE data_version SET data = data + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_tiers_update AFTER UPDATE ON tiers BEGIN
  UPDATE data_version SET data = data + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_tiers_delete AFTER DELETE ON tiers BEGIN
  UPDATE data_version SET data = data + 1 WHERE id = 1;
END;

-- A contact's name, phone, email, WeChat id and notes are in no figure;
-- an update that changes nothing is no change.
CREATE TRIGGER data_version_contacts_insert AFTER INSERT ON contacts BEGIN
  UPDATE data_version SET data = data + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_contacts_update AFTER UPDATE OF first_seen_at, first_channel_id, city, birthday,
  marketing_consent, consent, do_not_contact, member_since, member_source, erased_at ON contacts
WHEN old.first_seen_at IS NOT new.first_seen_at
  OR old.first_channel_id IS NOT new.first_channel_id
  OR old.city IS NOT new.city
  OR old.birthday IS NOT new.birthday
  OR old.marketing_consent IS NOT new.marketing_consent
  OR old.consent IS NOT new.consent
  OR old.do_not_contact IS NOT new.do_not_contact
  OR old.member_since IS NOT new.member_since
  OR old.member_source IS NOT new.member_source
  OR old.erased_at IS NOT new.erased_at BEGIN
  UPDATE data_version SET data = data + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_contacts_delete AFTER DELETE ON contacts BEGIN
  UPDATE data_version SET data = data + 1 WHERE id = 1;
END;

-- A sync or an import stores a membership it already has again.
CREATE TRIGGER data_version_group_members_insert AFTER INSERT ON group_members BEGIN
  UPDATE data_version SET data = data + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_group_members_update AFTER UPDATE ON group_members
WHEN old.group_id IS NOT new.group_id
  OR old.contact_id IS NOT new.contact_id
  OR old.role IS NOT new.role
  OR old.joined_at IS NOT new.joined_at
  OR old.left_at IS NOT new.left_at BEGIN
  UPDATE data_version SET data = data + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_group_members_delete AFTER DELETE ON group_members BEGIN
  UPDATE data_version SET data = data + 1 WHERE id = 1;
END;

-- The settings figures depend on; the others (the shop's name, remembered
-- choices of dialogs) are in none.  Siyu never changes a setting's key.
CREATE TRIGGER data_version_settings_insert AFTER INSERT ON settings
WHEN new.key IN ('currency', 'time_zone', 'data_end', 'membership_rule', 'membership_threshold',
  'consent_unknown_policy', 'pyramid_weight_referral', 'pyramid_weight_share', 'pyramid_weight_review',
  'pyramid_weight_group_message', 'pyramid_weight_order') BEGIN
  UPDATE data_version SET data = data + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_settings_update AFTER UPDATE ON settings
WHEN new.key IN ('currency', 'time_zone', 'data_end', 'membership_rule', 'membership_threshold',
  'consent_unknown_policy', 'pyramid_weight_referral', 'pyramid_weight_share', 'pyramid_weight_review',
  'pyramid_weight_group_message', 'pyramid_weight_order')
  AND (old.key IS NOT new.key OR old.value IS NOT new.value) BEGIN
  UPDATE data_version SET data = data + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_settings_delete AFTER DELETE ON settings
WHEN old.key IN ('currency', 'time_zone', 'data_end', 'membership_rule', 'membership_threshold',
  'consent_unknown_policy', 'pyramid_weight_referral', 'pyramid_weight_share', 'pyramid_weight_review',
  'pyramid_weight_group_message', 'pyramid_weight_order') BEGIN
  UPDATE data_version SET data = data + 1 WHERE id = 1;
END;
