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

/* Text as WooCommerce writes it, with HTML entities (&ndash;, &#8217;)
 * decoded; blank is %NULL.  The pool owns it. */
static const char *
text (GPtrArray  *pool,
      JsonObject *object,
      const char *member)
{
  char *decoded = _siyu_sync_decode_html (_siyu_sync_text (object, member));

  if (decoded == NULL)
    return NULL;
  g_ptr_array_add (pool, decoded);
  return decoded;
}

static const char *
full_name (GPtrArray  *pool,
           JsonObject *object)
{
  const char *first = text (pool, object, "first_name");
  const char *last = text (pool, object, "last_name");
  char *name = g_strdup_printf ("%s %s", first != NULL ? first : "", last != NULL ? last : "");

  g_strstrip (name);
  if (*name == '\0')
    {
      g_free (name);
      return NULL;
    }
  g_ptr_array_add (pool, name);
  return name;
}

static gboolean
sync_customer (SiyuSyncJob  *job,
               JsonObject   *customer,
               GError      **error)
{
  g_autoptr(GPtrArray) pool = g_ptr_array_new_with_free_func (g_free);
  JsonObject *billing = _siyu_sync_object (customer, "billing");
  g_autofree char *id = _siyu_sync_id_string (customer, "id");
  SiyuContactRecord record = { 0, };
  gint64 contact_id;

  _siyu_sync_saw (job, gmt (customer, "date_modified_gmt"));
  record.name = full_name (pool, customer);
  if (record.name == NULL)
    record.name = full_name (pool, billing);
  record.email = text (pool, customer, "email");
  if (record.email == NULL)
    record.email = text (pool, billing, "email");
  record.phone = text (pool, billing, "phone");
  record.city = text (pool, billing, "city");
  record.platform = "woocommerce";
  record.platform_id = id;
  record.seen_at = gmt (customer, "date_created_gmt");
  record.channel_id = job->channel_id;
  record.consent = -1;
  record.do_not_contact = -1;
  record.phone_region = _siyu_sync_text (billing, "country");
  record.phone_as_written = TRUE;
  record.keep_apart = TRUE;
  if (id == NULL || record.seen_at <= 0)
    {
      g_set_error_literal (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_MALFORMED,
                           _("the record has no id or no creation time."));
      return FALSE;
    }

  return _siyu_sync_ingest_contact (job, &record, &contact_id, error);
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
  g_autoptr(GPtrArray) pool = g_ptr_array_new_with_free_func (g_free);
  JsonObject *billing = _siyu_sync_object (order, "billing");
  JsonArray *lines = _siyu_sync_array (order, "line_items");
  JsonArray *refunds = _siyu_sync_array (order, "refunds");
  g_autofree char *id = _siyu_sync_id_string (order, "id");
  g_autofree char *customer_id = NULL;
  g_autoptr(GArray) items = g_array_new (FALSE, TRUE, sizeof (SiyuOrderItemRecord));
  g_autoptr(GError) contact_error = NULL;
  SiyuOrderRecord record = { 0, };
  SiyuContactRecord contact = { 0, };
  gint64 modified = gmt (order, "date_modified_gmt");
  gint64 contact_id = 0, order_id, refunded = 0;
  const char *number = text (pool, order, "number");

  _siyu_sync_saw (job, modified);
  record.channel_id = job->channel_id;
  record.external_ref = number != NULL ? number : id;
  record.status = order_status (order);
  record.created_at = gmt (order, "date_created_gmt");
  record.currency = _siyu_sync_string (order, "currency");
  if (id == NULL || record.created_at <= 0)
    {
      g_set_error_literal (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_MALFORMED,
                           _("the record has no id or no creation time."));
      return FALSE;
    }
  if (!_siyu_sync_money_member (job, order, "total", &record.total_amount, error) ||
      !_siyu_sync_money_member (job, order, "discount_total", &record.discount_amount, error) ||
      !_siyu_sync_money_member (job, order, "shipping_total", &record.shipping_amount, error) ||
      !_siyu_sync_money_member (job, order, "total_tax", &record.tax_amount, error))
    return FALSE;

  /* Guests have no customer record: the buyer is what the billing says. */
  if (_siyu_sync_int (order, "customer_id") > 0)
    customer_id = _siyu_sync_id_string (order, "customer_id");
  contact.name = full_name (pool, billing);
  contact.email = text (pool, billing, "email");
  contact.phone = text (pool, billing, "phone");
  contact.city = text (pool, billing, "city");
  contact.platform = customer_id != NULL ? "woocommerce" : NULL;
  contact.platform_id = customer_id;
  contact.seen_at = record.created_at;
  contact.channel_id = job->channel_id;
  contact.consent = -1;
  contact.do_not_contact = -1;
  contact.phone_region = _siyu_sync_text (billing, "country");
  contact.phone_as_written = TRUE;
  contact.keep_apart = TRUE;
  if ((customer_id != NULL || contact.email != NULL || contact.phone != NULL) &&
      !_siyu_sync_ingest_contact (job, &contact, &contact_id, &contact_error))
    {
      if (!_siyu_sync_is_record_error (job, contact_error))
        {
          g_propagate_error (error, g_steal_pointer (&contact_error));
          return FALSE;
        }
      contact_id = 0;
    }
  record.contact_id = contact_id;

  for (guint i = 0; lines != NULL && i < json_array_get_length (lines); i++)
    {
      JsonObject *line = _siyu_sync_element (lines, i);
      SiyuOrderItemRecord item = { 0, };

      if (line == NULL)
        continue;
      item.sku = text (pool, line, "sku");
      item.name = text (pool, line, "name");
      item.quantity = _siyu_sync_int (line, "quantity");
      if (!_siyu_sync_money_member (job, line, "price", &item.unit_price, error) ||
          !_siyu_sync_money_member (job, line, "total", &item.line_total, error))
        return FALSE;
      g_array_append_val (items, item);
    }
  record.items = (const SiyuOrderItemRecord *) (gpointer) items->data;
  record.n_items = items->len;

  for (guint i = 0; refunds != NULL && i < json_array_get_length (refunds); i++)
    {
      gint64 amount;

      if (!_siyu_sync_money_member (job, _siyu_sync_element (refunds, i), "total", &amount, error))
        return FALSE;
      if (amount < 0)
        refunded = refunded > G_MAXINT64 + amount ? G_MAXINT64 : refunded - amount;
    }
  record.refunded_amount = CLAMP (refunded, 0, record.total_amount);
  if (g_str_equal (record.status, "refunded"))
    record.refunded_amount = record.total_amount;
  else if (g_str_equal (record.status, "paid") && record.refunded_amount > 0)
    record.status = record.refunded_amount == record.total_amount ? "refunded" : "partially_refunded";

  if (!_siyu_sync_ingest_order (job, &record, &order_id, error))
    return FALSE;
  for (guint i = 0; refunds != NULL && i < json_array_get_length (refunds); i++)
    {
      JsonObject *refund = _siyu_sync_element (refunds, i);
      g_autofree char *refund_id = _siyu_sync_id_string (refund, "id");
      /* The docs' example calls the reason "refund"; WooCommerce sends "reason". */
      const char *reason = text (pool, refund, "reason");
      gint64 amount = 0;

      if (reason == NULL)
        reason = text (pool, refund, "refund");
      _siyu_sync_money_member (job, refund, "total", &amount, NULL);
      if (amount < 0 && amount != G_MININT64 &&
          !siyu_ingest_refund (job->ingest, order_id, refund_id, -amount,
                               modified > 0 ? modified : record.created_at, reason, error))
        return FALSE;
    }
  if (contact_error != NULL)
    _siyu_sync_keep_reject (job, order_id, contact_error);

  return TRUE;
}

/* A list answer is a bare array. */
static JsonArray *
woocommerce_records (SiyuSyncJob  *job,
                     const char   *resource,
                     JsonNode     *answer,
                     const char   *url,
                     GError      **error)
{
  if (!JSON_NODE_HOLDS_ARRAY (answer))
    {
      _siyu_sync_fail (job, error, SIYU_SYNC_ERROR_MALFORMED, url, _("the answer is not a list."));
      return NULL;
    }
  return json_array_ref (json_node_get_array (answer));
}

static char *
woocommerce_record_id (const char *resource,
                       JsonObject *record)
{
  return _siyu_sync_id_string (record, "id");
}

static gboolean
woocommerce_store (SiyuSyncJob  *job,
                   const char   *resource,
                   JsonObject   *record,
                   GError      **error)
{
  if (g_str_equal (resource, "orders"))
    return sync_order (job, record, error);
  return sync_customer (job, record, error);
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
  JsonObject *last = n > 0 ? _siyu_sync_element (records, n - 1) : NULL;

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
      g_autoptr(JsonArray) records = NULL;
      g_autofree char *url = NULL;
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
      records = woocommerce_records (job, resource, root, url, error);
      if (records == NULL)
        return FALSE;
      if (n_pages == 1)
        job->total = header_int (headers, "X-WP-Total");
      if (page == 1)
        total_pages = header_int (headers, "X-WP-TotalPages");
      last = json_array_get_length (records) < per_page || (total_pages >= 0 && page >= total_pages);

      if (!_siyu_sync_store_page (job, records, last, error))
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
  .platform = "woocommerce",
  .display_name = "WooCommerce",
  .authorize = woocommerce_authorize,
  .check = woocommerce_check,
  .sync = woocommerce_sync,
  .pages_overlap = TRUE,
  .record_id = woocommerce_record_id,
  .store = woocommerce_store,
  .records = woocommerce_records,
};
