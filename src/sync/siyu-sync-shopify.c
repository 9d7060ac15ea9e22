/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-sync"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "siyu-http.h"
#include "siyu-sync-private.h"

/* Shopify Admin REST (PLATFORMS.md §1): X-Shopify-Access-Token, lists
 * filtered by updated_at_min and paged by the Link header's rel="next",
 * which is requested exactly as given; the call-limit header feeds the
 * leaky bucket in the engine.  Money is decimal text; refunds count what
 * their successful refund transactions paid back. */

#define API_VERSION "2024-01"
#define MAX_LIMIT 250

static char *
shopify_authorize (SiyuSyncJob *job,
                   SoupMessage *message,
                   const char  *url)
{
  soup_message_headers_replace (soup_message_get_request_headers (message),
                                "X-Shopify-Access-Token", job->credentials->token);
  return NULL;
}

static char *
iso_utc (gint64 utc)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (utc);

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
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

/* The country a customer's or an order's phone is from. */
static const char *
country_of (JsonObject *customer,
            JsonObject *order)
{
  const char *code = _siyu_sync_text (_siyu_sync_object (customer, "default_address"), "country_code");

  if (code == NULL)
    code = _siyu_sync_text (_siyu_sync_object (order, "billing_address"), "country_code");
  if (code == NULL)
    code = _siyu_sync_text (_siyu_sync_object (order, "shipping_address"), "country_code");
  return code;
}

static void
customer_record (SiyuSyncJob       *job,
                 JsonObject        *customer,
                 SiyuContactRecord *record,
                 char             **id,
                 char             **name)
{
  JsonObject *consent = _siyu_sync_object (customer, "email_marketing_consent");
  JsonObject *address = _siyu_sync_object (customer, "default_address");
  const char *state = _siyu_sync_string (consent, "state");

  *id = _siyu_sync_id_string (customer, "id");
  *name = full_name (customer);
  memset (record, 0, sizeof *record);
  record->name = *name;
  record->phone = _siyu_sync_text (customer, "phone");
  record->email = _siyu_sync_text (customer, "email");
  record->city = _siyu_sync_text (address, "city");
  record->platform = "shopify";
  record->platform_id = *id;
  record->seen_at = _siyu_sync_parse_time (_siyu_sync_string (customer, "created_at"), "Z");
  record->channel_id = job->channel_id;
  record->consent = g_strcmp0 (state, "subscribed") == 0 ? 1 :
                    g_strcmp0 (state, "not_subscribed") == 0 || g_strcmp0 (state, "unsubscribed") == 0 ? 0 : -1;
  record->consent_at = record->consent >= 0
                       ? _siyu_sync_parse_time (_siyu_sync_string (consent, "consent_updated_at"), "Z") : 0;
  record->consent_source = record->consent >= 0 ? "shopify" : NULL;
  record->do_not_contact = -1;
  record->phone_region = country_of (customer, NULL);
  record->phone_as_written = TRUE;
  record->keep_apart = TRUE;
}

static gboolean
sync_customer (SiyuSyncJob  *job,
               JsonObject   *customer,
               GError      **error)
{
  SiyuContactRecord record;
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  gint64 contact_id;

  customer_record (job, customer, &record, &id, &name);
  _siyu_sync_saw (job, _siyu_sync_parse_time (_siyu_sync_string (customer, "updated_at"), "Z"));
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
  const char *financial = _siyu_sync_string (order, "financial_status");

  if (_siyu_sync_string (order, "cancelled_at") != NULL || g_strcmp0 (financial, "voided") == 0)
    return "cancelled";
  if (g_strcmp0 (financial, "refunded") == 0)
    return "refunded";
  if (g_strcmp0 (financial, "partially_refunded") == 0)
    return "partially_refunded";
  if (g_strcmp0 (financial, "pending") == 0 || g_strcmp0 (financial, "authorized") == 0)
    return "unpaid";
  return "paid";
}

typedef struct {
  char   *id;
  gint64  amount;
  gint64  created_at;
  const char *note;
} Refund;

static void
refund_clear (gpointer data)
{
  Refund *refund = data;

  g_free (refund->id);
}

/* Sums without overflow: a sum too large to be real stays too large, and
 * the order is refused for it. */
static gint64
add (gint64 a,
     gint64 b)
{
  gint64 sum;

  return __builtin_add_overflow (a, b, &sum) ? G_MAXINT64 : sum;
}

/* What a line's discounts took off it: its discount allocations (the
 * field Shopify fills), else total_discount (set by apps and scripts). */
static gboolean
line_discount (SiyuSyncJob  *job,
               JsonObject   *line,
               gint64       *discount,
               GError      **error)
{
  JsonArray *allocations = _siyu_sync_array (line, "discount_allocations");

  *discount = 0;
  if (allocations == NULL || json_array_get_length (allocations) == 0)
    return _siyu_sync_shop_money (job, line, "total_discount", discount, error);
  for (guint i = 0; i < json_array_get_length (allocations); i++)
    {
      JsonObject *allocation = _siyu_sync_element (allocations, i);
      gint64 amount;

      if (allocation == NULL)
        continue;
      if (!_siyu_sync_shop_money (job, allocation, "amount", &amount, error))
        return FALSE;
      *discount = add (*discount, MAX (amount, 0));
    }
  return TRUE;
}

static gboolean
shipping (SiyuSyncJob  *job,
          JsonObject   *order,
          gint64       *amount,
          GError      **error)
{
  JsonArray *lines = _siyu_sync_array (order, "shipping_lines");

  *amount = 0;
  if (_siyu_sync_object (order, "total_shipping_price_set") != NULL)
    return _siyu_sync_shop_money (job, order, "total_shipping_price", amount, error);
  for (guint i = 0; lines != NULL && i < json_array_get_length (lines); i++)
    {
      JsonObject *line = _siyu_sync_element (lines, i);
      gint64 price;

      if (line == NULL)
        continue;
      if (!_siyu_sync_shop_money (job, line, "price", &price, error))
        return FALSE;
      *amount = add (*amount, MAX (price, 0));
    }
  return TRUE;
}

/* What a refund paid back in the shop's currency: its successful refund
 * transactions, which are in the order's currency unless they say
 * otherwise; then its refunded lines and their tax in shop money. */
static gboolean
refund_amount (SiyuSyncJob  *job,
               JsonObject   *order,
               JsonObject   *refund,
               gint64       *amount,
               GError      **error)
{
  JsonArray *transactions = _siyu_sync_array (refund, "transactions");
  JsonArray *lines = _siyu_sync_array (refund, "refund_line_items");
  const char *currency = _siyu_sync_string (order, "currency");
  gboolean foreign = FALSE;

  *amount = 0;
  for (guint t = 0; transactions != NULL && t < json_array_get_length (transactions); t++)
    {
      JsonObject *transaction = _siyu_sync_element (transactions, t);
      const char *paid_in = _siyu_sync_string (transaction, "currency");
      gint64 paid;

      if (g_strcmp0 (_siyu_sync_string (transaction, "kind"), "refund") != 0 ||
          g_strcmp0 (_siyu_sync_string (transaction, "status"), "success") != 0)
        continue;
      if (paid_in != NULL && currency != NULL && g_ascii_strcasecmp (paid_in, currency) != 0)
        {
          foreign = TRUE;
          continue;
        }
      if (!_siyu_sync_money_member (job, transaction, "amount", &paid, error))
        return FALSE;
      *amount = add (*amount, MAX (paid, 0));
    }
  if (!foreign)
    return TRUE;

  *amount = 0;
  for (guint i = 0; lines != NULL && i < json_array_get_length (lines); i++)
    {
      JsonObject *line = _siyu_sync_element (lines, i);
      gint64 subtotal, tax;

      if (line == NULL)
        continue;
      if (!_siyu_sync_shop_money (job, line, "subtotal", &subtotal, error) ||
          !_siyu_sync_shop_money (job, line, "total_tax", &tax, error))
        return FALSE;
      *amount = add (*amount, add (MAX (subtotal, 0), MAX (tax, 0)));
    }
  return TRUE;
}

static gboolean
sync_order (SiyuSyncJob  *job,
            JsonObject   *order,
            GError      **error)
{
  g_autofree char *id = _siyu_sync_id_string (order, "id");
  const char *name = _siyu_sync_text (order, "name");
  JsonObject *customer = _siyu_sync_object (order, "customer");
  JsonArray *lines = _siyu_sync_array (order, "line_items");
  JsonArray *refunds = _siyu_sync_array (order, "refunds");
  g_autoptr(GArray) items = g_array_new (FALSE, TRUE, sizeof (SiyuOrderItemRecord));
  g_autoptr(GArray) refund_list = g_array_new (FALSE, TRUE, sizeof (Refund));
  g_autoptr(GError) contact_error = NULL;
  SiyuOrderRecord record = { 0, };
  gint64 contact_id = 0, order_id, refunded = 0;

  g_array_set_clear_func (refund_list, refund_clear);
  _siyu_sync_saw (job, _siyu_sync_parse_time (_siyu_sync_string (order, "updated_at"), "Z"));

  record.channel_id = job->channel_id;
  record.external_ref = name != NULL ? name : id;
  record.status = order_status (order);
  record.created_at = _siyu_sync_parse_time (_siyu_sync_string (order, "created_at"), "Z");
  record.currency = _siyu_sync_string (order, "currency");
  if (id == NULL || record.created_at <= 0)
    {
      g_set_error_literal (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_MALFORMED,
                           _("the record has no id or no creation time."));
      return FALSE;
    }
  if (!_siyu_sync_shop_money (job, order, "total_price", &record.total_amount, error) ||
      !_siyu_sync_shop_money (job, order, "total_discounts", &record.discount_amount, error) ||
      !_siyu_sync_shop_money (job, order, "total_tax", &record.tax_amount, error) ||
      !shipping (job, order, &record.shipping_amount, error))
    return FALSE;

  /* The buyer: the customer record when there is one, else what the
   * order says of a guest.  A guest with neither e-mail nor phone buys
   * anonymously; one that cannot be told apart keeps the order anonymous
   * and the record among the rejects. */
  {
    JsonObject *billing = _siyu_sync_object (order, "billing_address");
    SiyuContactRecord contact;
    g_autofree char *customer_id = NULL;
    g_autofree char *customer_name = NULL;

    if (customer != NULL)
      customer_record (job, customer, &contact, &customer_id, &customer_name);
    else
      {
        memset (&contact, 0, sizeof contact);
        customer_name = full_name (billing);
        contact.name = customer_name;
        contact.city = _siyu_sync_text (billing, "city");
        contact.consent = -1;
        contact.do_not_contact = -1;
        contact.phone_as_written = TRUE;
        contact.keep_apart = TRUE;
      }
    if (contact.email == NULL)
      contact.email = _siyu_sync_text (order, "email");
    if (contact.phone == NULL)
      contact.phone = _siyu_sync_text (order, "phone");
    if (contact.phone == NULL)
      contact.phone = _siyu_sync_text (billing, "phone");
    contact.phone_region = country_of (customer, order);
    contact.platform = contact.platform_id != NULL ? "shopify" : NULL;
    contact.seen_at = contact.seen_at > 0 ? MIN (contact.seen_at, record.created_at) : record.created_at;
    contact.channel_id = job->channel_id;
    if ((contact.platform_id != NULL || contact.email != NULL || contact.phone != NULL) &&
        !_siyu_sync_ingest_contact (job, &contact, &contact_id, &contact_error))
      {
        if (!_siyu_sync_is_record_error (job, contact_error))
          {
            g_propagate_error (error, g_steal_pointer (&contact_error));
            return FALSE;
          }
        contact_id = 0;
      }
  }
  record.contact_id = contact_id;

  for (guint i = 0; lines != NULL && i < json_array_get_length (lines); i++)
    {
      JsonObject *line = _siyu_sync_element (lines, i);
      SiyuOrderItemRecord item = { 0, };
      gint64 discount = 0, gross;

      if (line == NULL)
        continue;
      item.sku = _siyu_sync_text (line, "sku");
      item.name = _siyu_sync_string (line, "title");
      item.quantity = _siyu_sync_int (line, "quantity");
      if (!_siyu_sync_shop_money (job, line, "price", &item.unit_price, error) ||
          !line_discount (job, line, &discount, error))
        return FALSE;
      if (item.quantity > 0 && __builtin_mul_overflow (item.unit_price, item.quantity, &gross))
        gross = G_MAXINT64;
      else
        gross = item.unit_price * MAX (item.quantity, 0);
      if (__builtin_sub_overflow (gross, MAX (discount, 0), &item.line_total))
        item.line_total = 0;
      item.line_total = MAX (0, item.line_total);
      g_array_append_val (items, item);
    }
  record.items = (const SiyuOrderItemRecord *) (gpointer) items->data;
  record.n_items = items->len;

  for (guint i = 0; refunds != NULL && i < json_array_get_length (refunds); i++)
    {
      JsonObject *object = _siyu_sync_element (refunds, i);
      Refund refund = { 0, };

      if (object == NULL)
        continue;
      if (!refund_amount (job, order, object, &refund.amount, error))
        return FALSE;
      if (refund.amount <= 0)
        continue;
      refund.id = _siyu_sync_id_string (object, "id");
      refund.created_at = _siyu_sync_parse_time (_siyu_sync_string (object, "created_at"), "Z");
      refund.note = _siyu_sync_text (object, "note");
      refunded = add (refunded, refund.amount);
      g_array_append_val (refund_list, refund);
    }
  /* "refunded" is refunded in full, whatever the transactions add up to. */
  if (g_str_equal (record.status, "refunded"))
    record.refunded_amount = record.total_amount;
  else
    record.refunded_amount = MIN (refunded, record.total_amount);
  if (g_str_equal (record.status, "paid") && record.refunded_amount > 0)
    record.status = record.refunded_amount == record.total_amount ? "refunded" : "partially_refunded";
  else if (g_str_equal (record.status, "partially_refunded") && record.total_amount > 0 &&
           record.refunded_amount == record.total_amount)
    record.status = "refunded";

  if (!_siyu_sync_ingest_order (job, &record, &order_id, error))
    return FALSE;
  for (guint i = 0; i < refund_list->len; i++)
    {
      Refund *refund = &g_array_index (refund_list, Refund, i);

      if (!siyu_ingest_refund (job->ingest, order_id, refund->id, refund->amount,
                               refund->created_at > 0 ? refund->created_at : record.created_at,
                               refund->note, error))
        return FALSE;
    }
  if (contact_error != NULL)
    _siyu_sync_keep_reject (job, order_id, contact_error);

  return TRUE;
}

/* A list answer: {"orders": […]} or {"customers": […]}. */
static JsonArray *
shopify_records (SiyuSyncJob  *job,
                 const char   *resource,
                 JsonNode     *answer,
                 const char   *url,
                 GError      **error)
{
  JsonArray *records = JSON_NODE_HOLDS_OBJECT (answer) ? _siyu_sync_array (json_node_get_object (answer), resource)
                                                       : NULL;

  if (records == NULL)
    {
      _siyu_sync_fail (job, error, SIYU_SYNC_ERROR_MALFORMED, url, _("the answer has no “%s” list."), resource);
      return NULL;
    }
  return json_array_ref (records);
}

static char *
shopify_record_id (const char *resource,
                   JsonObject *record)
{
  return _siyu_sync_id_string (record, "id");
}

static gboolean
shopify_store (SiyuSyncJob  *job,
               const char   *resource,
               JsonObject   *record,
               GError      **error)
{
  if (g_str_equal (resource, "orders"))
    return sync_order (job, record, error);
  return sync_customer (job, record, error);
}

static gboolean
shopify_sync (SiyuSyncJob  *job,
              const char   *resource,
              gint64        since,
              GError      **error)
{
  g_autofree char *url = NULL;
  g_autofree char *filters = NULL;
  g_autofree char *since_text = since > 0 ? iso_utc (since) : NULL;
  guint limit = job->options.page_size > 0 ? MIN (job->options.page_size, MAX_LIMIT) : MAX_LIMIT;
  gboolean orders = g_str_equal (resource, "orders");

  filters = g_strdup_printf ("%s%s%s", orders ? "status=any" : "",
                             since_text != NULL ? (orders ? "&updated_at_min=" : "updated_at_min=") : "",
                             since_text != NULL ? since_text : "");

  /* The count makes an ETA possible; it costs one call. */
  {
    g_autofree char *count_url = g_strdup_printf ("%s/admin/api/" API_VERSION "/%s/count.json%s%s",
                                                  job->base_url, resource, *filters != '\0' ? "?" : "", filters);
    g_autoptr(JsonNode) root = _siyu_sync_request (job, "GET", count_url, NULL, NULL, error);

    if (root == NULL)
      return FALSE;
    if (JSON_NODE_HOLDS_OBJECT (root))
      job->total = _siyu_sync_int (json_node_get_object (root), "count");
  }

  url = g_strdup_printf ("%s/admin/api/" API_VERSION "/%s.json?limit=%u%s%s", job->base_url, resource, limit,
                         *filters != '\0' ? "&" : "", filters);
  while (url != NULL)
    {
      g_autoptr(SoupMessageHeaders) headers = NULL;
      g_autoptr(JsonNode) root = _siyu_sync_request (job, "GET", url, NULL, &headers, error);
      g_autoptr(JsonArray) records = NULL;
      g_autofree char *next = NULL;

      if (root == NULL)
        return FALSE;
      records = shopify_records (job, resource, root, url, error);
      if (records == NULL)
        return FALSE;
      next = siyu_http_next_link (soup_message_headers_get_one (headers, "Link"));

      if (!_siyu_sync_store_page (job, records, next == NULL, error))
        return FALSE;

      g_free (url);
      url = g_steal_pointer (&next);
    }

  return TRUE;
}

static gboolean
shopify_check (SiyuSyncJob  *job,
               GError      **error)
{
  g_autofree char *url = g_strdup_printf ("%s/admin/api/" API_VERSION "/orders.json?limit=1&status=any&fields=id",
                                          job->base_url);
  g_autoptr(JsonNode) root = _siyu_sync_request (job, "GET", url, NULL, NULL, error);

  return root != NULL;
}

const SiyuSyncConnector _siyu_sync_shopify = {
  .platform = "shopify",
  .display_name = "Shopify",
  .authorize = shopify_authorize,
  .check = shopify_check,
  .sync = shopify_sync,
  .pages_overlap = FALSE,
  .record_id = shopify_record_id,
  .store = shopify_store,
  .records = shopify_records,
};
