/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-replenish"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "siyu-replenish.h"
#include "siyu-segments.h"
#include "siyu-time.h"

/* Who is due to restock what: the rows of replenishments (written by the
 * recompute: the last purchase of a product bought again and again plus the
 * product's median gap, ANALYTICS.md "Replenishment due") whose due day
 * falls in a span, soonest first, then by contact and product id.  Erased
 * contacts are left out.
 *
 * An export goes through siyu_export_segment(), so that consent,
 * do-not-contact, the temporary file, the touch and the audit line follow
 * the rules of segment exports: a segment "next_due between [first, last]"
 * is saved for the export and deleted afterwards (the touch keeps its name).
 */

#define OVERDUE_DAYS 30

void
siyu_due_span_days (SiyuDueSpan  span,
                    SiyuDay      today,
                    SiyuDay     *first,
                    SiyuDay     *last)
{
  switch (span)
    {
    case SIYU_DUE_OVERDUE:
      *first = today - OVERDUE_DAYS;
      *last = today - 1;
      break;
    case SIYU_DUE_THIS_WEEK:
      *first = today;
      *last = today + 6;
      break;
    case SIYU_DUE_TWO_WEEKS:
      *first = today;
      *last = today + 13;
      break;
    case SIYU_DUE_30_DAYS:
    default:
      *first = today;
      *last = today + 29;
      break;
    }
}

void
siyu_due_row_free (SiyuDueRow *row)
{
  if (row == NULL)
    return;
  g_free (row->name);
  g_free (row->phone);
  g_free (row->stage);
  g_free (row->product);
  g_free (row->sku);
  g_free (row);
}

/**
 * siyu_replenishments_describe:
 * @due: (array length=n_due): as siyu_prediction_due_between() gave them
 *
 * Names the buyer and the product of each replenishment computed but not
 * stored, for a list that shows them.  The rows keep their order; one
 * whose contact or product is no longer in the shop is left out.
 *
 * Returns: (transfer full) (element-type SiyuDueRow): the rows, without
 *   stage, or %NULL with @error set
 */
GPtrArray *
siyu_replenishments_describe (SiyuShop                 *shop,
                              const SiyuReplenishment  *due,
                              guint                     n_due,
                              GError                  **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  sqlite3_stmt *stmt;
  SiyuDb *db;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);
  g_return_val_if_fail (due != NULL || n_due == 0, NULL);

  db = siyu_shop_get_db (shop);
  stmt = siyu_db_prepare (db, "SELECT c.name, c.phone, p.sku, p.name FROM contacts c, products p "
                              "WHERE c.id = ? AND p.id = ?",
                          error);
  if (stmt == NULL)
    return NULL;

  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) siyu_due_row_free);
  for (guint i = 0; i < n_due; i++)
    {
      const SiyuReplenishment *r = &due[i];
      SiyuDueRow *row;
      int rc;

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, r->contact_id);
      sqlite3_bind_int64 (stmt, 2, r->product_id);
      rc = siyu_db_step (db, stmt, error);
      if (rc < 0)
        {
          sqlite3_reset (stmt);
          return NULL;
        }
      if (rc != SQLITE_ROW)
        continue;

      row = g_new0 (SiyuDueRow, 1);
      row->contact_id = r->contact_id;
      row->name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      row->phone = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      row->product_id = r->product_id;
      row->sku = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      row->product = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      row->last_purchase = r->last_purchase;
      row->interval_days = r->interval_days;
      row->due = r->due;
      g_ptr_array_add (rows, row);
    }
  sqlite3_reset (stmt);

  return g_steal_pointer (&rows);
}

static void
bind_span (sqlite3_stmt *stmt,
           SiyuDay       first,
           SiyuDay       last)
{
  g_autofree char *from = siyu_day_format (first);
  g_autofree char *to = siyu_day_format (last);

  sqlite3_bind_text (stmt, 1, from, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, to, -1, SQLITE_TRANSIENT);
}

static SiyuDay
column_day (sqlite3_stmt *stmt,
            int           column)
{
  SiyuDay day = SIYU_DAY_INVALID;
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  if (text == NULL || !siyu_day_parse (text, &day))
    return SIYU_DAY_INVALID;

  return day;
}

/**
 * siyu_replenishments_list:
 * @first: the first due day, included
 * @last: the last due day, included
 *
 * Returns: (transfer full) (element-type SiyuDueRow): up to @limit rows from
 *   @offset, or %NULL with @error set
 */
GPtrArray *
siyu_replenishments_list (SiyuShop  *shop,
                          SiyuDay    first,
                          SiyuDay    last,
                          guint      offset,
                          guint      limit,
                          GError   **error)
{
  SiyuDb *db;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) siyu_due_row_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  db = siyu_shop_get_db (shop);
  stmt = siyu_db_prepare (db,
                          "SELECT r.contact_id, c.name, c.phone, m.stage, r.product_id, p.name, p.sku, "
                          "  r.last_purchase, r.interval_days, r.due "
                          "FROM replenishments r JOIN contacts c ON c.id = r.contact_id "
                          "JOIN products p ON p.id = r.product_id "
                          "LEFT JOIN contact_metrics m ON m.contact_id = r.contact_id "
                          "WHERE r.due BETWEEN ?1 AND ?2 AND c.erased_at IS NULL "
                          "ORDER BY r.due, r.contact_id, r.product_id LIMIT ?3 OFFSET ?4",
                          error);
  if (stmt == NULL)
    return NULL;
  bind_span (stmt, first, last);
  sqlite3_bind_int64 (stmt, 3, limit);
  sqlite3_bind_int64 (stmt, 4, offset);

  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      SiyuDueRow *row = g_new0 (SiyuDueRow, 1);

      row->contact_id = sqlite3_column_int64 (stmt, 0);
      row->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      row->phone = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      row->stage = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      row->product_id = sqlite3_column_int64 (stmt, 4);
      row->product = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      row->sku = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
      row->last_purchase = column_day (stmt, 7);
      row->interval_days = sqlite3_column_int (stmt, 8);
      row->due = column_day (stmt, 9);
      g_ptr_array_add (rows, row);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return NULL;

  return g_steal_pointer (&rows);
}

/**
 * siyu_replenishments_count:
 * @buyers: (out) (optional): how many different contacts the rows have
 *
 * Returns: the rows due from @first to @last, or -1 with @error set
 */
gint64
siyu_replenishments_count (SiyuShop  *shop,
                           SiyuDay    first,
                           SiyuDay    last,
                           gint64    *buyers,
                           GError   **error)
{
  SiyuDb *db;
  sqlite3_stmt *stmt;
  gint64 total = -1;
  int rc;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), -1);

  db = siyu_shop_get_db (shop);
  stmt = siyu_db_prepare (db,
                          "SELECT count (*), count (DISTINCT r.contact_id) "
                          "FROM replenishments r JOIN contacts c ON c.id = r.contact_id "
                          "WHERE r.due BETWEEN ?1 AND ?2 AND c.erased_at IS NULL",
                          error);
  if (stmt == NULL)
    return -1;
  bind_span (stmt, first, last);
  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    {
      total = sqlite3_column_int64 (stmt, 0);
      if (buyers != NULL)
        *buyers = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);

  return total;
}

/**
 * siyu_replenishments_export:
 * @path: the file to write; replaced only when the export succeeds
 * @result: (out) (optional): what was done
 *
 * Exports the contacts with a product due from @first to @last by the rules
 * of siyu_export_segment().
 */
gboolean
siyu_replenishments_export (SiyuShop                *shop,
                            SiyuDay                  first,
                            SiyuDay                  last,
                            const char              *path,
                            const SiyuExportOptions *options,
                            SiyuExportResult        *result,
                            GError                 **error)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *name = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonNode) definition = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 segment;
  gboolean ok;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (options != NULL, FALSE);

  from = siyu_day_format (first);
  to = siyu_day_format (last);
  json = g_strdup_printf ("{\"match\":\"all\",\"conditions\":[{\"field\":\"next_due\",\"op\":\"between\","
                          "\"value\":[\"%s\",\"%s\"]}]}", from, to);
  definition = json_from_string (json, error);
  if (definition == NULL)
    return FALSE;
  /* Translators: the name of a list of buyers exported from the restock
   * list; the two dates are written YYYY-MM-DD. */
  name = g_strdup_printf (_("Due to restock %s – %s"), from, to);
  segment = siyu_segment_create (shop, name, definition, error);
  if (segment == 0)
    return FALSE;

  ok = siyu_export_segment (shop, segment, path, options, result, error);
  if (!siyu_segment_delete (shop, segment, &local_error))
    g_warning ("Could not delete the segment of a restock export: %s", local_error->message);

  return ok;
}
