/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-sync"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "siyu-sync-private.h"

/* WooCommerce REST v3 (PLATFORMS.md §2): Basic auth with the consumer key
 * and secret over https only; page/per_page with X-WP-TotalPages; orders
 * by modification time ascending from modified_after (UTC, with
 * dates_are_gmt); customers have no such filter and are walked whole (they
 * are few).  Times are the _gmt fields, written without an offset.  Guests
 * have no customer record: the buyer comes from the order's billing.  The
 * order's refunds carry no time; the order's modification time stands in. */

#define MAX_PER_PAGE 100

static char *
woocommerce_authorize (SiyuSyncJob *job,
                       SoupMessage *message,
                       const char  *url)
{
  g_autofree char *pair = g_strdup_printf ("%s:%s", job->credentials->key, job->credentials->secret);
  g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
  g_autofree char *value = g_strconcat ("Basic ", encoded, NULL);

  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", value);
  memset (pair, 0, strlen (pair));
  memset (encoded, 0, strlen (encoded));
  memset (value, 0, strlen (value));

  return NULL;
}

static gint64
gmt (JsonObject *object,
     const char *member)
{
  return _siyu_sync_parse_time (_siyu_sync_string (object, member), "Z");
}

static char *
full_name (JsonObject *object)
{
  const char *first = _siyu_sync_string (object, "first_name");
  const char *last = _siyu_sync_string (object, "last_name");
  g_autofree char *name = g_strdup_printf ("%s %s", first != NULL ? first : "", last != NULL ? last : "");

  g_strstrip (name);
  return *name != '\0' ? g_steal_pointer (&name) : NULL;
}

static const char *
blank_to_null (const char *text)
{
  return text != NULL && *text != '\0' ? text : NULL;
}

static gboolean
sync_customer (SiyuSyncJob  *job,
               JsonObject   *customer,
               GError      **error)
{
  JsonObject *billing = _siyu_sync_object (customer, "billing");
  g_autofree char *id = _siyu_sync_id_string (customer, "id");
  g_autofree char *name = full_name (customer);
  g_autoptr(GError) local_error = NULL;
  SiyuContactRecord record = { 0, };
  gint64 contact_id;

  _siyu_sync_saw (job, gmt (customer, "date_modified_gmt"));
  if (name == NULL)
    name = full_name (billing);
  record.name = name;
  record.email = blank_to_null (_siyu_sync_string (customer, "email"));
  record.phone = blank_to_null (_siyu_sync_string (billing, "phone"));
  record.city = blank_to_null (_siyu_sync_string (billing, "city"));
  record.platform = "woocommerce";
  record.platform_id = id;
  record.seen_at = gmt (customer, "date_created_gmt");
  record.channel_id = job->channel_id;
  record.consent = -1;
  record.do_not_contact = -1;
  if (id == NULL || record.seen_at <= 0)
    {
      local_error = g_error_new_literal (SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_MALFORMED,
                                         _("the record has no id or no creation time."));
      goto bad;
    }
  if (!_siyu_sync_ingest_contact (job, &record, &contact_id, &local_error))
    goto bad;

  return TRUE;

bad:
  _siyu_sync_bad_record (job, error, id, local_error);
  return FALSE;
}

static const char *
order_status (JsonObject *order)
{
  const char *status = _siyu_sync_string (order, "status");

  if (g_strcmp0 (status, "cancelled") == 0 || g_strcmp0 (status, "failed") == 0 ||
      g_strcmp0 (status, "trash") == 0)
    return "cancelled";
  if (g_strcmp0 (status, "refunded") == 0)
    return "refunded";
  if (g_strcmp0 (status, "pending") == 0 || g_strcmp0 (status, "on-hold") == 0 ||
      g_strcmp0 (status, "checkout-draft") == 0)
    return "unpaid";
  if (g_strcmp0 (status, "processing") == 0 || g_strcmp0 (status, "completed") == 0)
    return "paid";
  /* A plugin's status: paid if the order says it was. */
  return _siyu_sync_string (order, "date_paid_gmt") != NULL ? "paid" : "unpaid";
}

static gboolean
sync_order (SiyuSyncJob  *job,
            JsonObject   *order,
            GError      **error)
{
  JsonObject *billing = _siyu_sync_object (order, "billing");
  JsonArray *lines = _siyu_sync_array (order, "line_items");
  JsonArray *refunds = _siyu_sync_array (order, "refunds");
  g_autofree char *id = _siyu_sync_id_string (order, "id");
  g_autofree char *customer_id = NULL;
  g_autofree char *name = full_name (billing);
  g_autoptr(GArray) items = g_array_new (FALSE, TRUE, sizeof (SiyuOrderItemRecord));
  g_autoptr(GError) local_error = NULL;
  SiyuOrderRecord record = { 0, };
  SiyuContactRecord contact = { 0, };
  gint64 modified = gmt (order, "date_modified_gmt");
  gint64 contact_id = 0, order_id, refunded = 0;
  const char *number = blank_to_null (_siyu_sync_string (order, "number"));

  _siyu_sync_saw (job, modified);
  record.channel_id = job->channel_id;
  record.external_ref = number != NULL ? number : id;
  record.status = order_status (order);
  record.created_at = gmt (order, "date_created_gmt");
  record.currency = _siyu_sync_string (order, "currency");
  if (id == NULL || record.created_at <= 0)
    {
      local_error = g_error_new_literal (SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_MALFORMED,
                                         _("the record has no id or no creation time."));
      goto bad;
    }
  if (!_siyu_sync_money_member (job, order, "total", &record.total_amount, &local_error))
    goto bad;

  if (_siyu_sync_int (order, "customer_id") > 0)
    customer_id = _siyu_sync_id_string (order, "customer_id");
  contact.name = name;
  contact.email = blank_to_null (_siyu_sync_string (billing, "email"));
  contact.phone = blank_to_null (_siyu_sync_string (billing, "phone"));
  contact.city = blank_to_null (_siyu_sync_string (billing, "city"));
  contact.platform = customer_id != NULL ? "woocommerce" : NULL;
  contact.platform_id = customer_id;
  contact.seen_at = record.created_at;
  contact.channel_id = job->channel_id;
  contact.consent = -1;
  contact.do_not_contact = -1;
  if ((customer_id != NULL || contact.email != NULL || contact.phone != NULL) &&
      !_siyu_sync_ingest_contact (job, &contact, &contact_id, &local_error))
    goto bad;
  record.contact_id = contact_id;

  for (guint i = 0; lines != NULL && i < json_array_get_length (lines); i++)
    {
      JsonObject *line = json_array_get_object_element (lines, i);
      SiyuOrderItemRecord item = { 0, };

      if (line == NULL)
        continue;
      item.sku = blank_to_null (_siyu_sync_string (line, "sku"));
      item.name = _siyu_sync_string (line, "name");
      item.quantity = _siyu_sync_int (line, "quantity");
      if (!_siyu_sync_money_member (job, line, "price", &item.unit_price, &local_error) ||
          !_siyu_sync_money_member (job, line, "total", &item.line_total, &local_error))
        goto bad;
      g_array_append_val (items, item);
    }
  record.items = (const SiyuOrderItemRecord *) (gpointer) items->data;
  record.n_items = items->len;

  for (guint i = 0; refunds != NULL && i < json_array_get_length (refunds); i++)
    {
      gint64 amount;

      if (!_siyu_sync_money_member (job, json_array_get_object_element (refunds, i), "total", &amount, &local_error))
        goto bad;
      refunded += -amount;
    }
  record.refunded_amount = CLAMP (refunded, 0, record.total_amount);
  if (g_str_equal (record.status, "refunded"))
    record.refunded_amount = record.total_amount;
  else if (g_str_equal (record.status, "paid") && record.refunded_amount > 0)
    record.status = record.refunded_amount == record.total_amount ? "refunded" : "partially_refunded";

  if (!_siyu_sync_ingest_order (job, &record, &order_id, &local_error))
    goto bad;
  for (guint i = 0; refunds != NULL && i < json_array_get_length (refunds); i++)
    {
      JsonObject *refund = json_array_get_object_element (refunds, i);
      g_autofree char *refund_id = _siyu_sync_id_string (refund, "id");
      gint64 amount = 0;

      _siyu_sync_money_member (job, refund, "total", &amount, NULL);
      if (-amount > 0 &&
          !siyu_ingest_refund (job->ingest, order_id, refund_id, -amount,
                               modified > 0 ? modified : record.created_at,
                               blank_to_null (_siyu_sync_string (refund, "reason")), &local_error))
        goto bad;
    }

  return TRUE;

bad:
  _siyu_sync_bad_record (job, error, id, local_error);
  return FALSE;
}

static gint64
header_int (SoupMessageHeaders *headers,
            const char         *name)
{
  const char *value = soup_message_headers_get_one (headers, name);

  return value != NULL ? g_ascii_strtoll (value, NULL, 10) : -1;
}

/* The modification time of a page's last order, or 0. */
static gint64
last_modified (JsonArray *records)
{
  guint n = json_array_get_length (records);
  JsonObject *last = n > 0 ? json_array_get_object_element (records, n - 1) : NULL;

  return last != NULL ? gmt (last, "date_modified_gmt") : 0;
}

/* Orders are walked by modification time, each page asked for from the
 * last time the page before ended on (less a second: WordPress's
 * modified_after is strict, and several orders can share a second), so
 * that an order modified during the walk, which moves to the end of the
 * list, does not push one not yet read back onto a page already read.
 * Orders read twice change nothing.  Only when a whole page shares one
 * second does the walk count pages within that second.  Customers have no
 * such filter and are walked by page number. */
static gboolean
woocommerce_sync (SiyuSyncJob  *job,
                  const char   *resource,
                  gint64        since,
                  GError      **error)
{
  gboolean orders = g_str_equal (resource, "orders");
  guint per_page = job->options.page_size > 0 ? MIN (job->options.page_size, MAX_PER_PAGE) : MAX_PER_PAGE;
  gint64 after = since > 0 ? since : 0;
  gint64 total_pages = -1;
  gint64 page = 1;

  for (guint n_pages = 1; ; n_pages++)
    {
      g_autoptr(SoupMessageHeaders) headers = NULL;
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *url = NULL;
      JsonArray *records;
      gboolean last;

      if (orders)
        {
          g_autofree char *filter = NULL;

          if (after > 0)
            {
              g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (after);
              g_autofree char *text = g_date_time_format (time, "%Y-%m-%dT%H:%M:%S");

              filter = g_strdup_printf ("&modified_after=%s", text);
            }
          url = g_strdup_printf ("%s/wp-json/wc/v3/orders?per_page=%u&page=%" G_GINT64_FORMAT
                                 "&orderby=modified&order=asc&dates_are_gmt=true%s",
                                 job->base_url, per_page, page, filter != NULL ? filter : "");
        }
      else
        url = g_strdup_printf ("%s/wp-json/wc/v3/customers?per_page=%u&page=%" G_GINT64_FORMAT
                               "&orderby=id&order=asc&role=all",
                               job->base_url, per_page, page);

      root = _siyu_sync_request (job, "GET", url, NULL, &headers, error);
      if (root == NULL)
        return FALSE;
      if (!JSON_NODE_HOLDS_ARRAY (root))
        {
          _siyu_sync_fail (job, error, SIYU_SYNC_ERROR_MALFORMED, url, _("the answer is not a list."));
          return FALSE;
        }
      records = json_node_get_array (root);
      if (n_pages == 1)
        job->total = header_int (headers, "X-WP-Total");
      if (page == 1)
        total_pages = header_int (headers, "X-WP-TotalPages");
      last = json_array_get_length (records) < per_page || (total_pages >= 0 && page >= total_pages);

      if (!_siyu_sync_page_begin (job, error))
        return FALSE;
      for (guint i = 0; i < json_array_get_length (records); i++)
        {
          JsonObject *object = json_array_get_object_element (records, i);
          gboolean ok;

          if (object == NULL)
            {
              _siyu_sync_fail (job, error, SIYU_SYNC_ERROR_MALFORMED, url,
                               _("element %u of the list is not an object."), i + 1);
              ok = FALSE;
            }
          else
            ok = orders ? sync_order (job, object, error) : sync_customer (job, object, error);
          if (!ok)
            {
              _siyu_sync_page_abort (job);
              return FALSE;
            }
        }
      if (!_siyu_sync_page_commit (job, json_array_get_length (records), last, error))
        return FALSE;
      if (last)
        return TRUE;

      if (orders && last_modified (records) - 1 > after)
        {
          after = last_modified (records) - 1;
          page = 1;
        }
      else
        page++;
    }
}

static gboolean
woocommerce_check (SiyuSyncJob  *job,
                   GError      **error)
{
  g_autofree char *url = g_strdup_printf ("%s/wp-json/wc/v3/orders?per_page=1", job->base_url);
  g_autoptr(JsonNode) root = _siyu_sync_request (job, "GET", url, NULL, NULL, error);

  return root != NULL;
}

const SiyuSyncConnector _siyu_sync_woocommerce = {
  "woocommerce", "WooCommerce", woocommerce_authorize, woocommerce_check, woocommerce_sync, TRUE,
};
