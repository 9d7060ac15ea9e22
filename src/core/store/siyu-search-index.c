/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-search-index"

#include "config.h"

#include "siyu-db.h"
#include "siyu-search-index.h"

/* The search index is written here, not by triggers: Siyu opens a shop with
 * trusted_schema off, under which SQLite lets no trigger write an FTS5
 * table.  The triggers of migration 8 note in search_pending which contacts
 * changed, with the values the index holds for them; siyu_db_commit() calls
 * siyu_search_index_flush() to bring the index up to date from those notes
 * in the same transaction.  That is also what keeps a large import fast:
 * FTS5 is written once, at the end, rather than row by row. */

typedef struct {
  char *remove;    /* 'delete' the values the index holds */
  char *add;       /* index the current values */
  char *optimize;  /* one segment, with nothing deleted left in it */
} Shard;

static const Shard *
shards (void)
{
  static Shard table[SIYU_SEARCH_SHARDS];
  static gsize ready = 0;

  if (g_once_init_enter (&ready))
    {
      for (guint k = 0; k < SIYU_SEARCH_SHARDS; k++)
        {
          table[k].remove = g_strdup_printf ("INSERT INTO contacts_fts_%u (contacts_fts_%u, rowid, name, phone, email, wechat_id) "
                                             "SELECT 'delete', contact_id, name, phone, email, wechat_id "
                                             "FROM search_pending WHERE shard = %u AND indexed = 1",
                                             k, k, k);
          table[k].add = g_strdup_printf ("INSERT INTO contacts_fts_%u (rowid, name, phone, email, wechat_id) "
                                          "SELECT c.id, c.name, c.phone, c.email, c.wechat_id "
                                          "FROM search_pending p JOIN contacts c ON c.id = p.contact_id "
                                          "WHERE p.shard = %u AND c.erased_at IS NULL",
                                          k, k);
          table[k].optimize = g_strdup_printf ("INSERT INTO contacts_fts_%u (contacts_fts_%u) VALUES ('optimize')", k, k);
        }
      g_once_init_leave (&ready, 1);
    }

  return table;
}

static gboolean
run (SiyuDb      *db,
     const char  *sql,
     GError     **error)
{
  sqlite3_stmt *stmt = siyu_db_prepare (db, sql, error);

  return stmt != NULL && siyu_db_step_done (db, stmt, error);
}

/**
 * siyu_search_index_flush:
 *
 * Brings the search index up to date with the contacts noted in
 * search_pending, inside the caller's transaction or, outside one, in a
 * transaction of its own.  Costs one query when nothing changed.
 */
gboolean
siyu_search_index_flush (SiyuDb  *db,
                         GError **error)
{
  const Shard *table = shards ();
  sqlite3_stmt *stmt;
  guint32 dirty = 0;
  gboolean own;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);

  stmt = siyu_db_prepare (db, "SELECT DISTINCT shard FROM search_pending", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      gint64 shard = sqlite3_column_int64 (stmt, 0);

      g_assert (shard >= 0 && shard < SIYU_SEARCH_SHARDS);
      dirty |= 1u << shard;
    }
  sqlite3_reset (stmt);
  if (rc < 0)
    return FALSE;
  if (dirty == 0)
    return TRUE;

  own = !siyu_db_in_transaction (db);
  if (own && !siyu_db_exec (db, "BEGIN IMMEDIATE", error))
    return FALSE;

  for (guint k = 0; k < SIYU_SEARCH_SHARDS; k++)
    if ((dirty & (1u << k)) != 0 &&
        (!run (db, table[k].remove, error) || !run (db, table[k].add, error)))
      goto fail;
  if (!run (db, "DELETE FROM search_pending", error))
    goto fail;

  if (own && !siyu_db_exec (db, "COMMIT", error))
    goto fail;

  return TRUE;

fail:
  if (own)
    siyu_db_rollback (db);
  return FALSE;
}

/**
 * siyu_search_index_purge:
 * @contact_id: a contact just erased or deleted
 *
 * Leaves nothing of @contact_id's old values in the index.  FTS5 keeps a
 * deleted row's words in the segment that first held them, and the
 * deletion itself writes them again as a marker; rewriting the contact's
 * part of the index as one segment drops both, and secure_delete zeroes
 * the pages they were on.  Call it in the transaction that erased them.
 */
gboolean
siyu_search_index_purge (SiyuDb  *db,
                         gint64   contact_id,
                         GError **error)
{
  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (contact_id > 0, FALSE);
  g_return_val_if_fail (siyu_db_in_transaction (db), FALSE);

  return siyu_search_index_flush (db, error) &&
         run (db, shards ()[contact_id % SIYU_SEARCH_SHARDS].optimize, error);
}

/**
 * siyu_search_index_rowids:
 * @parameter: the parameter that will hold the FTS5 query (":search",
 *   "?1")
 *
 * Returns: (transfer full): a SELECT of the ids of every contact that
 *   matches, to use in an IN (…) condition
 */
char *
siyu_search_index_rowids (const char *parameter)
{
  GString *sql = g_string_new (NULL);

  g_return_val_if_fail (parameter != NULL && (parameter[0] == ':' || parameter[0] == '?'), NULL);

  for (guint k = 0; k < SIYU_SEARCH_SHARDS; k++)
    g_string_append_printf (sql, "%sSELECT rowid FROM contacts_fts_%u WHERE contacts_fts_%u MATCH %s",
                            k > 0 ? " UNION ALL " : "", k, k, parameter);

  return g_string_free (sql, FALSE);
}
