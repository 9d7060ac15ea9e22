/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-search-index"

#include "config.h"

#include "siyu-db.h"
#include "siyu-search-index.h"

/* The search index is written here, not by triggers: Siyu opens a shop with
 * trusted_schema off, under which SQLite lets no trigger write an FTS5
 * table.  The triggers of migration 7 note in search_pending which contacts
 * changed, with the values the index holds for them; siyu_db_commit() calls
 * siyu_search_index_flush() to bring the index up to date from those notes
 * in the same transaction.  That is also what keeps a large import fast:
 * FTS5 is written once, at the end, rather than row by row. */

typedef struct {
  char *remove;    /* 'delete' the values the index holds */
  char *add;       /* index the current values */
  char *optimize;  /* one segment, with nothing deleted left in it */
  char *find;      /* the first matches, by id */
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
          table[k].find = g_strdup_printf ("SELECT rowid FROM contacts_fts_%u WHERE contacts_fts_%u MATCH ? "
                                           "ORDER BY rowid LIMIT ?",
                                           k, k);
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
 * @parameter: the named parameter that will hold the FTS5 query, with its
 *   colon (":search")
 *
 * Returns: (transfer full): a SELECT of the ids of every contact that
 *   matches, to use in an IN (…) condition
 */
char *
siyu_search_index_rowids (const char *parameter)
{
  GString *sql = g_string_new (NULL);

  g_return_val_if_fail (parameter != NULL && parameter[0] == ':', NULL);

  for (guint k = 0; k < SIYU_SEARCH_SHARDS; k++)
    g_string_append_printf (sql, "%sSELECT rowid FROM contacts_fts_%u WHERE contacts_fts_%u MATCH %s",
                            k > 0 ? " UNION ALL " : "", k, k, parameter);

  return g_string_free (sql, FALSE);
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/**
 * siyu_search_index_find:
 * @phrase: an FTS5 query
 * @limit: the most ids to return
 *
 * Returns: (transfer full) (element-type gint64): the lowest ids of the
 *   contacts that match, in order; erased contacts are not in the index.
 */
GArray *
siyu_search_index_find (SiyuDb      *db,
                        const char  *phrase,
                        guint        limit,
                        GError     **error)
{
  const Shard *table = shards ();
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (phrase != NULL, NULL);

  if (!siyu_search_index_flush (db, error))
    return NULL;

  for (guint k = 0; k < SIYU_SEARCH_SHARDS; k++)
    {
      sqlite3_stmt *stmt = siyu_db_prepare (db, table[k].find, error);
      int rc;

      if (stmt == NULL)
        return NULL;
      sqlite3_bind_text (stmt, 1, phrase, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, limit);
      while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
        {
          gint64 id = sqlite3_column_int64 (stmt, 0);

          g_array_append_val (ids, id);
        }
      sqlite3_reset (stmt);
      if (rc < 0)
        return NULL;
    }

  g_array_sort (ids, compare_ids);
  if (ids->len > limit)
    g_array_set_size (ids, limit);

  return g_steal_pointer (&ids);
}
