-- SPDX-License-Identifier: GPL-3.0-or-later
-- Migration 10: consent in three states (ANALYTICS.md "Added for batch 2"),
-- and where a membership comes from.
--
-- consent is given, refused or unknown (the default: people known only
-- from their orders were never asked), with consent_at and consent_source
-- saying when and where the answer was recorded.  do_not_contact stays
-- separate and always wins.
--
-- The yes/no of marketing_consent maps as follows:
--   1                                              → given
--   0 with a recorded answer (consent_at or
--     consent_source set: a "no" in an import, a
--     platform's unsubscribed, the switch turned off) → refused
--   0 with neither                                 → unknown
-- consent_at and consent_source are kept as they were.
ALTER TABLE contacts ADD COLUMN consent TEXT NOT NULL DEFAULT 'unknown'
  CHECK (consent IN ('unknown', 'given', 'refused'));

UPDATE contacts SET consent = CASE
  WHEN marketing_consent = 1 THEN 'given'
  WHEN consent_at IS NOT NULL OR consent_source IS NOT NULL THEN 'refused'
  ELSE 'unknown' END;

-- marketing_consent stays, as "consent is given", for code and files that
-- still read or write it: writing 1 gives consent, 0 refuses it, and
-- setting consent keeps marketing_consent in step.
CREATE TRIGGER contacts_consent_from_flag AFTER UPDATE OF marketing_consent ON contacts
WHEN new.marketing_consent IS NOT (new.consent = 'given')
BEGIN
  UPDATE contacts SET consent = CASE new.marketing_consent WHEN 1 THEN 'given' ELSE 'refused' END
  WHERE id = new.id;
END;

CREATE TRIGGER contacts_consent_to_flag AFTER UPDATE OF consent ON contacts
WHEN new.marketing_consent IS NOT (new.consent = 'given')
BEGIN
  UPDATE contacts SET marketing_consent = (new.consent = 'given') WHERE id = new.id;
END;

CREATE TRIGGER contacts_consent_insert AFTER INSERT ON contacts
WHEN new.marketing_consent IS NOT (new.consent = 'given')
BEGIN
  UPDATE contacts SET consent = CASE WHEN new.marketing_consent = 1 THEN 'given' ELSE new.consent END
  WHERE id = new.id;
  UPDATE contacts SET marketing_consent = (consent = 'given') WHERE id = new.id;
END;

-- source: an import column or a platform said so; manual: the owner, one by
-- one or in bulk; rule: the shop's membership rule (settings
-- membership_rule), which Siyu recomputes and may withdraw.
ALTER TABLE contacts ADD COLUMN member_source TEXT
  CHECK (member_source IS NULL OR member_source IN ('source', 'manual', 'rule'));

UPDATE contacts SET member_source = 'source' WHERE member_since IS NOT NULL;

CREATE INDEX contacts_consent ON contacts (consent, do_not_contact) WHERE erased_at IS NULL;
