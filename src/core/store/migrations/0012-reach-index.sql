-- SPDX-License-Identifier: GPL-3.0-or-later
-- Migration 12: who may be contacted, counted from an index alone.
--
-- Every segment count sums, over the contacts not erased, who may be
-- contacted (consent and do_not_contact).  The partial index of migration
-- 7 holds those two columns but not erased_at, so SQLite read the whole
-- contacts table for it: 0.5 s for 200,000 contacts.  With erased_at in
-- the index, a count that reads no figure is an index scan (30 ms).
DROP INDEX contacts_consent;
CREATE INDEX contacts_reach ON contacts (erased_at, consent, do_not_contact);
