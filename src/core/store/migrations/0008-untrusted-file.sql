-- SPDX-License-Identifier: GPL-3.0-or-later
-- Migration 8: a shop file is untrusted input, and an erased person leaves
-- no trace and does not come back (docs/SECURITY.md).
--
-- Siyu opens a shop with trusted_schema off, under which SQLite refuses
-- json_valid () in a CHECK constraint and an FTS5 table written by a
-- trigger.  So the three tables that checked their JSON are rebuilt without
-- that check (Siyu writes that JSON itself), and the search index is no
-- longer written by triggers: they only note which contacts changed, in
-- search_pending, and Siyu brings the index up to date before each commit
-- (src/core/store/siyu-search-index.c).
--
-- The index is split in 16 by contact id, so that erasing a person rewrites
-- one sixteenth of it rather than all of it: FTS5 keeps a deleted row's
-- words in its older segments until they are merged.

CREATE TEMP TABLE migrate_segments AS SELECT * FROM segments;
DROP TABLE segments;
CREATE TABLE segments (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  definition TEXT NOT NULL,
  builtin    INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
INSERT INTO segments SELECT * FROM temp.migrate_segments;
DROP TABLE temp.migrate_segments;

CREATE TEMP TABLE migrate_analytics_runs AS SELECT * FROM analytics_runs;
DROP TABLE analytics_runs;
CREATE TABLE analytics_runs (
  id          INTEGER PRIMARY KEY,
  as_of       TEXT NOT NULL,
  computed_at INTEGER NOT NULL,
  summary     TEXT NOT NULL
);
INSERT INTO analytics_runs SELECT * FROM temp.migrate_analytics_runs;
DROP TABLE temp.migrate_analytics_runs;

-- Exports, merges, deletions and other acts on personal data.  detail never
-- holds the personal data itself.
CREATE TEMP TABLE migrate_audit_log AS SELECT * FROM audit_log;
DROP TABLE audit_log;
CREATE TABLE audit_log (
  id          INTEGER PRIMARY KEY,
  at          INTEGER NOT NULL,
  actor       TEXT NOT NULL,
  action      TEXT NOT NULL,
  object_kind TEXT,
  object_id   INTEGER,
  detail      TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
INSERT INTO audit_log SELECT * FROM temp.migrate_audit_log;
DROP TABLE temp.migrate_audit_log;

DROP TRIGGER contacts_fts_insert;
DROP TRIGGER contacts_fts_delete;
DROP TRIGGER contacts_fts_update;
DROP TABLE contacts_fts;
CREATE VIRTUAL TABLE contacts_fts_0 USING fts5 (
  name, phone, email, wechat_id,
  content = 'contacts', content_rowid = 'id', tokenize = 'trigram'
);
CREATE VIRTUAL TABLE contacts_fts_1 USING fts5 (
  name, phone, email, wechat_id,
  content = 'contacts', content_rowid = 'id', tokenize = 'trigram'
);
CREATE VIRTUAL TABLE contacts_fts_2 USING fts5 (
  name, phone, email, wechat_id,
  content = 'contacts', content_rowid = 'id', tokenize = 'trigram'
);
CREATE VIRTUAL TABLE contacts_fts_3 USING fts5 (
  name, phone, email, wechat_id,
  content = 'contacts', content_rowid = 'id', tokenize = 'trigram'
);
CREATE VIRTUAL TABLE contacts_fts_4 USING fts5 (
  name, phone, email, wechat_id,
  content = 'contacts', content_rowid = 'id', tokenize = 'trigram'
);
CREATE VIRTUAL TABLE contacts_fts_5 USING fts5 (
  name, phone, email, wechat_id,
  content = 'contacts', content_rowid = 'id', tokenize = 'trigram'
);
CREATE VIRTUAL TABLE contacts_fts_6 USING fts5 (
  name, phone, email, wechat_id,
  content = 'contacts', content_rowid = 'id', tokenize = 'trigram'
);
CREATE VIRTUAL TABLE contacts_fts_7 USING fts5 (
  name, phone, email, wechat_id,
  content = 'contacts', content_rowid = 'id', tokenize = 'trigram'
);
CREATE VIRTUAL TABLE contacts_fts_8 USING fts5 (
  name, phone, email, wechat_id,
  content = 'contacts', content_rowid = 'id', tokenize = 'trigram'
);
CREATE VIRTUAL TABLE contacts_fts_9 USING fts5 (
  name, phone, email, wechat_id,
  content = 'contacts', content_rowid = 'id', tokenize = 'trigram'
);
CREATE VIRTUAL TABLE contacts_fts_10 USING fts5 (
  name, phone, email, wechat_id,
  content = 'contacts', content_rowid = 'id', tokenize = 'trigram'
);
CREATE VIRTUAL TABLE contacts_fts_11 USING fts5 (
  name, phone, email, wechat_id,
  content = 'contacts', content_rowid = 'id', tokenize = 'trigram'
);
CREATE VIRTUAL TABLE contacts_fts_12 USING fts5 (
  name, phone, email, wechat_id,
  content = 'contacts', content_rowid = 'id', tokenize = 'trigram'
);
CREATE VIRTUAL TABLE contacts_fts_13 USING fts5 (
  name, phone, email, wechat_id,
  content = 'contacts', content_rowid = 'id', tokenize = 'trigram'
);
CREATE VIRTUAL TABLE contacts_fts_14 USING fts5 (
  name, phone, email, wechat_id,
  content = 'contacts', content_rowid = 'id', tokenize = 'trigram'
);
CREATE VIRTUAL TABLE contacts_fts_15 USING fts5 (
  name, phone, email, wechat_id,
  content = 'contacts', content_rowid = 'id', tokenize = 'trigram'
);

-- The contacts whose indexed fields changed since the index was last
-- brought up to date, with the values the index holds for them (indexed = 1)
-- or none (indexed = 0: a new contact, or an erased one).  The first note of
-- a contact wins: it describes what the index holds.
CREATE TABLE search_pending (
  shard      INTEGER NOT NULL,
  contact_id INTEGER NOT NULL,
  indexed    INTEGER NOT NULL CHECK (indexed IN (0, 1)),
  name       TEXT,
  phone      TEXT,
  email      TEXT,
  wechat_id  TEXT,
  PRIMARY KEY (shard, contact_id)
) WITHOUT ROWID;

CREATE TRIGGER contacts_search_insert AFTER INSERT ON contacts BEGIN
  INSERT OR IGNORE INTO search_pending (shard, contact_id, indexed) VALUES (new.id % 16, new.id, 0);
END;

CREATE TRIGGER contacts_search_update AFTER UPDATE OF name, phone, email, wechat_id, erased_at ON contacts
WHEN old.name IS NOT new.name OR old.phone IS NOT new.phone OR old.email IS NOT new.email
  OR old.wechat_id IS NOT new.wechat_id OR old.erased_at IS NOT new.erased_at
BEGIN
  INSERT OR IGNORE INTO search_pending (shard, contact_id, indexed, name, phone, email, wechat_id)
  VALUES (old.id % 16, old.id, old.erased_at IS NULL, old.name, old.phone, old.email, old.wechat_id);
END;

CREATE TRIGGER contacts_search_delete AFTER DELETE ON contacts BEGIN
  INSERT OR IGNORE INTO search_pending (shard, contact_id, indexed, name, phone, email, wechat_id)
  VALUES (old.id % 16, old.id, old.erased_at IS NULL, old.name, old.phone, old.email, old.wechat_id);
END;

INSERT INTO contacts_fts_0 (rowid, name, phone, email, wechat_id)
  SELECT id, name, phone, email, wechat_id FROM contacts WHERE id % 16 = 0 AND erased_at IS NULL;
INSERT INTO contacts_fts_1 (rowid, name, phone, email, wechat_id)
  SELECT id, name, phone, email, wechat_id FROM contacts WHERE id % 16 = 1 AND erased_at IS NULL;
INSERT INTO contacts_fts_2 (rowid, name, phone, email, wechat_id)
  SELECT id, name, phone, email, wechat_id FROM contacts WHERE id % 16 = 2 AND erased_at IS NULL;
INSERT INTO contacts_fts_3 (rowid, name, phone, email, wechat_id)
  SELECT id, name, phone, email, wechat_id FROM contacts WHERE id % 16 = 3 AND erased_at IS NULL;
INSERT INTO contacts_fts_4 (rowid, name, phone, email, wechat_id)
  SELECT id, name, phone, email, wechat_id FROM contacts WHERE id % 16 = 4 AND erased_at IS NULL;
INSERT INTO contacts_fts_5 (rowid, name, phone, email, wechat_id)
  SELECT id, name, phone, email, wechat_id FROM contacts WHERE id % 16 = 5 AND erased_at IS NULL;
INSERT INTO contacts_fts_6 (rowid, name, phone, email, wechat_id)
  SELECT id, name, phone, email, wechat_id FROM contacts WHERE id % 16 = 6 AND erased_at IS NULL;
INSERT INTO contacts_fts_7 (rowid, name, phone, email, wechat_id)
  SELECT id, name, phone, email, wechat_id FROM contacts WHERE id % 16 = 7 AND erased_at IS NULL;
INSERT INTO contacts_fts_8 (rowid, name, phone, email, wechat_id)
  SELECT id, name, phone, email, wechat_id FROM contacts WHERE id % 16 = 8 AND erased_at IS NULL;
INSERT INTO contacts_fts_9 (rowid, name, phone, email, wechat_id)
  SELECT id, name, phone, email, wechat_id FROM contacts WHERE id % 16 = 9 AND erased_at IS NULL;
INSERT INTO contacts_fts_10 (rowid, name, phone, email, wechat_id)
  SELECT id, name, phone, email, wechat_id FROM contacts WHERE id % 16 = 10 AND erased_at IS NULL;
INSERT INTO contacts_fts_11 (rowid, name, phone, email, wechat_id)
  SELECT id, name, phone, email, wechat_id FROM contacts WHERE id % 16 = 11 AND erased_at IS NULL;
INSERT INTO contacts_fts_12 (rowid, name, phone, email, wechat_id)
  SELECT id, name, phone, email, wechat_id FROM contacts WHERE id % 16 = 12 AND erased_at IS NULL;
INSERT INTO contacts_fts_13 (rowid, name, phone, email, wechat_id)
  SELECT id, name, phone, email, wechat_id FROM contacts WHERE id % 16 = 13 AND erased_at IS NULL;
INSERT INTO contacts_fts_14 (rowid, name, phone, email, wechat_id)
  SELECT id, name, phone, email, wechat_id FROM contacts WHERE id % 16 = 14 AND erased_at IS NULL;
INSERT INTO contacts_fts_15 (rowid, name, phone, email, wechat_id)
  SELECT id, name, phone, email, wechat_id FROM contacts WHERE id % 16 = 15 AND erased_at IS NULL;

-- What keeps an erased person from coming back through an import or a sync:
-- a keyed hash (HMAC-SHA256) of each of their identities, never the value.
-- The key is made by Siyu at the first erasure.  erasure is the id of the
-- erased contact, which groups one person's identities.
CREATE TABLE erasure_keys (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  hmac_key BLOB NOT NULL CHECK (length (hmac_key) = 32)
);

CREATE TABLE erasure_tombstones (
  hash      BLOB PRIMARY KEY CHECK (length (hash) = 32),
  erasure   INTEGER NOT NULL,
  erased_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX erasure_tombstones_erasure ON erasure_tombstones (erasure);
