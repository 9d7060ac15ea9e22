-- SPDX-License-Identifier: GPL-3.0-or-later
-- Migration 4: find anyone by any part of their name, phone, e-mail or
-- WeChat id.  A trigram index matches substrings of three characters or
-- more, Chinese included ("5678" finds +8613812345678).

CREATE VIRTUAL TABLE contacts_fts USING fts5 (
  name, phone, email, wechat_id,
  content = 'contacts', content_rowid = 'id', tokenize = 'trigram'
);

CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts BEGIN
  INSERT INTO contacts_fts (rowid, name, phone, email, wechat_id)
  VALUES (new.id, new.name, new.phone, new.email, new.wechat_id);
END;

CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN
  INSERT INTO contacts_fts (contacts_fts, rowid, name, phone, email, wechat_id)
  VALUES ('delete', old.id, old.name, old.phone, old.email, old.wechat_id);
END;

CREATE TRIGGER contacts_fts_update AFTER UPDATE OF name, phone, email, wechat_id ON contacts
WHEN old.name IS NOT new.name OR old.phone IS NOT new.phone OR old.email IS NOT new.email
  OR old.wechat_id IS NOT new.wechat_id
BEGIN
  INSERT INTO contacts_fts (contacts_fts, rowid, name, phone, email, wechat_id)
  VALUES ('delete', old.id, old.name, old.phone, old.email, old.wechat_id);
  INSERT INTO contacts_fts (rowid, name, phone, email, wechat_id)
  VALUES (new.id, new.name, new.phone, new.email, new.wechat_id);
END;

INSERT INTO contacts_fts (contacts_fts) VALUES ('rebuild');
