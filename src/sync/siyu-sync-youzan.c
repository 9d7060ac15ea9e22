/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-sync"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "siyu-sync-private.h"
#include "siyu-json.h"

/* Youzan cloud (PLATFORMS.md §3): a silent-grant token from /auth/token
 * for the shop id (kdt_id), then POST /api/{name}/{version} with the token
 * in the query only.  Every answer is HTTP 200; errors are in the envelope:
 * gw_err_resp (gateway: 4201/4202/4203 mean the token is missing, expired
 * or unknown — one refresh, then the error), error_response (old APIs), or
 * success false with a code.
 *
 * Orders come from youzan.trades.sold.get/4.0.4 by update-time windows of
 * at most 90 days in Beijing time (the API allows three months), ending 30
 * seconds ago for its indexing delay; customers from
 * youzan.scrm.customer.list/1.0.0 by creation time, as it has no
 * updated-since filter.  Money is yuan as decimal text; the currency is
 * always CNY.  The list carries no refund amounts: a fully refunded order
 * counts its whole payment as refunded, and the refunds of a partly
 * refunded one come from its detail, youzan.trade.get. */

#define ORDERS_API "youzan.trades.sold.get"
#define ORDERS_VERSION "4.0.4"
#define DETAIL_API "youzan.trade.get"
#define DETAIL_VERSION "4.0.2"
#define CUSTOMERS_API "youzan.scrm.customer.list"
#define CUSTOMERS_VERSION "1.0.0"
#define ORDERS_PAGE 100
#define CUSTOMERS_PAGE 50
#define MAX_ORDER_PAGES 100
#define MAX_CUSTOMER_PAGES 500
#define WINDOW_SECONDS (90 * 86400)
#define INDEX_DELAY_SECONDS 30
/* Youzan opened in 2012: a full sync starts there. */
#define FIRST_TIME G_GINT64_CONSTANT (1325347200)

static char *
youzan_authorize (SiyuSyncJob *job,
                  SoupMessage *message,
                  const char  *url)
{
  if (job->token == NULL)
    return NULL;

  return g_strdup_printf ("%s%saccess_token=%s", url, strchr (url, '?') != NULL ? "&" : "?", job->token);
}

static char *
beijing (gint64 utc)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (utc);
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("+08:00");
  g_autoptr(GDateTime) local = g_date_time_to_timezone (time, tz);

  return g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
}

static gboolean
get_token (SiyuSyncJob  *job,
           gboolean      refresh,
           GError      **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *url = g_strdup_printf ("%s/auth/token", job->base_url);
  g_autofree char *text = NULL;
  JsonObject *object, *data;
  const char *token;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "client_id");
  json_builder_add_string_value (builder, job->credentials->key);
  json_builder_set_member_name (builder, "client_secret");
  json_builder_add_string_value (builder, job->credentials->secret);
  json_builder_set_member_name (builder, "authorize_type");
  json_builder_add_string_value (builder, "silent");
  json_builder_set_member_name (builder, "grant_id");
  json_builder_add_string_value (builder, job->shop_id);
  json_builder_set_member_name (builder, "refresh");
  json_builder_add_boolean_value (builder, refresh);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  text = siyu_json_to_string (body, FALSE);

  g_clear_pointer (&job->token, g_free);
  root = _siyu_sync_request (job, "POST", url, text, NULL, error);
  memset (text, 0, strlen (text));
  if (root == NULL)
    return FALSE;

  object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  data = _siyu_sync_object (object, "data");
  token = _siyu_sync_string (data, "access_token");
  if (object == NULL || _siyu_sync_int (object, "success") != 1 || token == NULL)
    {
      const char *message = _siyu_sync_string (object, "message");

      _siyu_sync_fail (job, error, SIYU_SYNC_ERROR_AUTH, url, _("no token (code %lld: %s)."),
                       (long long) _siyu_sync_int (object, "code"), message != NULL ? message : "");
      return FALSE;
    }
  job->token = g_strdup (token);
  job->token_expires_ms = _siyu_sync_int (data, "expires");

  return TRUE;
}

/* The data of an answer's envelope, or %NULL with @error set;
 * *token_gone says the gateway refused the token (4201–4203). */
static JsonNode *
envelope_data (SiyuSyncJob  *job,
               JsonNode     *root,
               const char   *url,
               gboolean     *token_gone,
               GError      **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonObject *gateway, *old;

  *token_gone = FALSE;
  if (object == NULL)
    {
      _siyu_sync_fail (job, error, SIYU_SYNC_ERROR_MALFORMED, url, _("the answer is not an object."));
      return NULL;
    }
  gateway = _siyu_sync_object (object, "gw_err_resp");
  if (gateway != NULL)
    {
      gint64 code = _siyu_sync_int (gateway, "err_code");
      const char *message = _siyu_sync_string (gateway, "err_msg");

      *token_gone = code == 4201 || code == 4202 || code == 4203;
      _siyu_sync_fail (job, error, *token_gone ? SIYU_SYNC_ERROR_AUTH : SIYU_SYNC_ERROR_PLATFORM,
                       url, _("gateway error %lld: %s"), (long long) code, message != NULL ? message : "");
      return NULL;
    }
  old = _siyu_sync_object (object, "error_response");
  if (old != NULL)
    {
      const char *message = _siyu_sync_string (old, "msg");

      _siyu_sync_fail (job, error, SIYU_SYNC_ERROR_PLATFORM, url, _("error %lld: %s"),
                       (long long) _siyu_sync_int (old, "code"), message != NULL ? message : "");
      return NULL;
    }
  if (_siyu_sync_int (object, "success") != 1 || _siyu_sync_int (object, "code") != 200)
    {
      const char *message = _siyu_sync_string (object, "message");

      _siyu_sync_fail (job, error, SIYU_SYNC_ERROR_PLATFORM, url, _("error %lld: %s"),
                       (long long) _siyu_sync_int (object, "code"), message != NULL ? message : "");
      return NULL;
    }
  if (_siyu_sync_object (object, "data") == NULL)
    {
      _siyu_sync_fail (job, error, SIYU_SYNC_ERROR_MALFORMED, url, _("the answer has no data."));
      return NULL;
    }

  return json_object_get_member (object, "data");
}

/* Returns the envelope's data, or %NULL with @error set. */
static JsonNode *
call (SiyuSyncJob  *job,
      const char   *api,
      const char   *version,
      const char   *body,
      GError      **error)
{
  g_autofree char *url = g_strdup_printf ("%s/api/%s/%s", job->base_url, api, version);

  /* A retry of rejects has no session and no credentials: the request
   * says it needs the platform. */
  if (job->session == NULL)
    return _siyu_sync_request (job, "POST", url, body, NULL, error);

  for (int attempt = 0; ; attempt++)
    {
      g_autoptr(JsonNode) root = NULL;
      g_autoptr(GError) local_error = NULL;
      gboolean token_gone;
      JsonNode *data;

      if ((job->token == NULL ||
           (job->token_expires_ms > 0 && g_get_real_time () / 1000 >= job->token_expires_ms)) &&
          !get_token (job, job->token != NULL, error))
        return NULL;

      root = _siyu_sync_request (job, "POST", url, body, NULL, error);
      if (root == NULL)
        return NULL;
      data = envelope_data (job, root, url, &token_gone, &local_error);
      if (data != NULL)
        return json_node_copy (data);
      if (token_gone && attempt == 0)
        {
          /* The token ran out or was revoked: one new one. */
          if (!get_token (job, TRUE, error))
            return NULL;
          continue;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
}

/* A page's records: trades or customers, as their APIs put them in data;
 * a data without a list is an empty page. */
static JsonArray *
list_of (const char *resource,
         JsonNode   *data)
{
  JsonArray *list = JSON_NODE_HOLDS_OBJECT (data)
                    ? _siyu_sync_array (json_node_get_object (data),
                                        g_str_equal (resource, "orders") ? "full_order_info_list" : "record_list")
                    : NULL;

  return list != NULL ? json_array_ref (list) : json_array_new ();
}

static JsonArray *
youzan_records (SiyuSyncJob  *job,
                const char   *resource,
                JsonNode     *answer,
                const char   *url,
                GError      **error)
{
  gboolean token_gone;
  JsonNode *data = envelope_data (job, answer, url, &token_gone, error);

  return data != NULL ? list_of (resource, data) : NULL;
}

static gint64
youzan_time (JsonObject *object,
             const char *member)
{
  return _siyu_sync_parse_time (_siyu_sync_string (object, member), "+08:00");
}

static const char *
order_status (JsonObject *info)
{
  const char *status = _siyu_sync_string (info, "status");
  gint64 refund_state = _siyu_sync_int (info, "refund_state");

  if (refund_state == 12)
    return "refunded";
  if (g_strcmp0 (status, "WAIT_BUYER_PAY") == 0)
    return "unpaid";
  if (g_strcmp0 (status, "TRADE_CLOSED") == 0)
    return "cancelled";
  if (refund_state == 2)
    return "partially_refunded";
  return "paid";
}

typedef struct {
  char   *id;
  gint64  amount;
  gint64  created_at;
} Refund;

static void
refund_clear (gpointer data)
{
  g_free (((Refund *) data)->id);
}

/* The list says only that a trade was partly refunded; the trade's detail
 * has its refunds, of which those in state 60 went through. */
static GArray *
fetch_refunds (SiyuSyncJob  *job,
               const char   *tid,
               GError      **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(GArray) refunds = g_array_new (FALSE, TRUE, sizeof (Refund));
  g_autofree char *text = NULL;
  JsonArray *list;

  g_array_set_clear_func (refunds, refund_clear);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "tid");
  json_builder_add_string_value (builder, tid);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  text = siyu_json_to_string (body, FALSE);
  data = call (job, DETAIL_API, DETAIL_VERSION, text, error);
  if (data == NULL)
    return NULL;
  list = JSON_NODE_HOLDS_OBJECT (data) ? _siyu_sync_array (json_node_get_object (data), "refund_order") : NULL;
  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
    {
      JsonObject *object = _siyu_sync_element (list, i);
      Refund refund = { 0, };

      if (object == NULL || _siyu_sync_int (object, "refund_state") != 60)
        continue;
      if (!_siyu_sync_money_member (job, object, "refund_fee", &refund.amount, error))
        return NULL;
      refund.id = _siyu_sync_id_string (object, "refund_id");
      refund.created_at = youzan_time (object, "refund_time");
      g_array_append_val (refunds, refund);
    }

  return g_steal_pointer (&refunds);
}

/* A value as Youzan sent it: %NULL when blank or encrypted ($…$n$); an
 * encrypted one is noted in @encrypted (field, ciphertext pairs) to be
 * kept unread. */
static const char *
readable (JsonObject *object,
          const char *member,
          GPtrArray  *encrypted)
{
  const char *value = _siyu_sync_text (object, member);

  if (value != NULL && _siyu_sync_is_youzan_ciphertext (value))
    {
      g_ptr_array_add (encrypted, (gpointer) member);
      g_ptr_array_add (encrypted, (gpointer) value);
      return NULL;
    }
  return value;
}

static gboolean
keep_encrypted (SiyuSyncJob  *job,
                const char   *platform_id,
                GPtrArray    *encrypted,
                gint64        contact_id,
                gint64        order_id,
                GError      **error)
{
  for (guint i = 0; i + 1 < encrypted->len; i += 2)
    if (!_siyu_sync_encrypted (job, platform_id, g_ptr_array_index (encrypted, i),
                               g_ptr_array_index (encrypted, i + 1), contact_id, order_id, error))
      return FALSE;
  return TRUE;
}

static gboolean
sync_order (SiyuSyncJob  *job,
            JsonObject   *element,
            GError      **error)
{
  JsonObject *full = _siyu_sync_object (element, "full_order_info");
  JsonObject *info = _siyu_sync_object (full, "order_info");
  JsonObject *buyer = _siyu_sync_object (full, "buyer_info");
  JsonObject *pay = _siyu_sync_object (full, "pay_info");
  JsonObject *address = _siyu_sync_object (full, "address_info");
  JsonArray *lines = _siyu_sync_array (full, "orders");
  g_autofree char *tid = _siyu_sync_id_string (info, "tid");
  g_autoptr(GArray) items = g_array_new (FALSE, TRUE, sizeof (SiyuOrderItemRecord));
  g_autoptr(GPtrArray) encrypted = g_ptr_array_new ();
  g_autoptr(GError) contact_error = NULL;
  SiyuOrderRecord record = { 0, };
  SiyuContactRecord contact = { 0, };
  gint64 contact_id = 0, order_id, total_fee = 0, post_fee = 0;
  const char *phone = readable (buyer, "buyer_phone", encrypted);
  const char *receiver_tel = readable (address, "receiver_tel", encrypted);
  const char *receiver_name = readable (address, "receiver_name", encrypted);
  g_autoptr(GArray) refunds = NULL;

  /* The street is not kept; only whether Youzan encrypted it. */
  readable (address, "delivery_address", encrypted);
  _siyu_sync_saw (job, youzan_time (info, "update_time"));
  record.channel_id = job->channel_id;
  record.external_ref = tid;
  record.status = order_status (info);
  record.created_at = youzan_time (info, "created");
  record.currency = "CNY";
  if (tid == NULL || record.created_at <= 0)
    {
      g_set_error_literal (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_MALFORMED,
                           _("the record has no id or no creation time."));
      return FALSE;
    }
  /* payment = total_fee − discounts + adjust_fee + post_fee: what is not
   * paid of the goods and the postage was taken off. */
  if (!_siyu_sync_money_member (job, pay, "payment", &record.total_amount, error) ||
      !_siyu_sync_money_member (job, pay, "total_fee", &total_fee, error) ||
      !_siyu_sync_money_member (job, pay, "post_fee", &post_fee, error))
    return FALSE;
  record.shipping_amount = MAX (post_fee, 0);
  if (total_fee > 0 && total_fee < SIYU_INGEST_MAX_AMOUNT && record.shipping_amount < SIYU_INGEST_MAX_AMOUNT &&
      record.total_amount >= 0)
    record.discount_amount = MAX (0, total_fee + record.shipping_amount - record.total_amount);
  if (g_str_equal (record.status, "refunded"))
    record.refunded_amount = record.total_amount;

  contact.platform_id = _siyu_sync_text (buyer, "yz_open_id");
  contact.platform = contact.platform_id != NULL ? "youzan" : NULL;
  contact.phone = phone;
  /* The receiver is the buyer only when the phone numbers agree. */
  if (contact.phone != NULL && g_strcmp0 (receiver_tel, phone) == 0)
    {
      contact.name = receiver_name;
      contact.city = readable (address, "delivery_city", encrypted);
    }
  contact.seen_at = record.created_at;
  contact.channel_id = job->channel_id;
  contact.consent = -1;
  contact.do_not_contact = -1;
  /* Youzan sells in mainland China: its buyers' phones are written there. */
  contact.phone_region = "CN";
  contact.phone_as_written = TRUE;
  contact.keep_apart = TRUE;
  if ((contact.platform_id != NULL || contact.phone != NULL) &&
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
      const char *sku = _siyu_sync_text (line, "outer_sku_id");

      if (line == NULL)
        continue;
      if (sku == NULL)
        sku = _siyu_sync_text (line, "outer_item_id");
      item.sku = sku;
      item.name = _siyu_sync_string (line, "title");
      item.quantity = _siyu_sync_int (line, "num");
      if (!_siyu_sync_money_member (job, line, "price", &item.unit_price, error) ||
          !_siyu_sync_money_member (job, line, "payment", &item.line_total, error))
        return FALSE;
      g_array_append_val (items, item);
    }
  record.items = (const SiyuOrderItemRecord *) (gpointer) items->data;
  record.n_items = items->len;

  if (g_str_equal (record.status, "partially_refunded"))
    {
      refunds = fetch_refunds (job, tid, error);
      if (refunds == NULL)
        return FALSE;
      for (guint i = 0; i < refunds->len; i++)
        record.refunded_amount += MIN (g_array_index (refunds, Refund, i).amount, SIYU_INGEST_MAX_AMOUNT);
      record.refunded_amount = MIN (record.refunded_amount, record.total_amount);
      /* "refunded" is refunded in full, however the trade got there. */
      if (record.total_amount > 0 && record.refunded_amount == record.total_amount)
        record.status = "refunded";
    }

  if (!_siyu_sync_ingest_order (job, &record, &order_id, error))
    return FALSE;
  for (guint i = 0; refunds != NULL && i < refunds->len; i++)
    {
      Refund *refund = &g_array_index (refunds, Refund, i);

      if (!siyu_ingest_refund (job->ingest, order_id, refund->id, refund->amount,
                               refund->created_at > 0 ? refund->created_at : record.created_at, NULL, error))
        return FALSE;
    }
  if (!keep_encrypted (job, tid, encrypted, contact_id, order_id, error))
    return FALSE;
  if (contact_error != NULL)
    _siyu_sync_keep_reject (job, order_id, contact_error);

  return TRUE;
}

static gboolean
sync_customer (SiyuSyncJob  *job,
               JsonObject   *customer,
               GError      **error)
{
  g_autofree char *id = _siyu_sync_id_string (customer, "yz_open_id");
  g_autoptr(GPtrArray) encrypted = g_ptr_array_new ();
  SiyuContactRecord record = { 0, };
  gint64 contact_id;

  record.platform = "youzan";
  record.platform_id = id;
  record.name = readable (customer, "show_name", encrypted);
  record.phone = readable (customer, "mobile", encrypted);
  record.seen_at = _siyu_sync_int (customer, "created_at");
  record.member_since = _siyu_sync_int (customer, "is_member") == 1 ? _siyu_sync_int (customer, "created_member_at") : 0;
  record.channel_id = job->channel_id;
  record.consent = -1;
  record.do_not_contact = -1;
  record.phone_region = "CN";
  record.phone_as_written = TRUE;
  record.keep_apart = TRUE;
  _siyu_sync_saw (job, record.seen_at);
  if (id == NULL || record.seen_at <= 0)
    {
      g_set_error_literal (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_MALFORMED,
                           _("the record has no id or no creation time."));
      return FALSE;
    }
  if (!_siyu_sync_ingest_contact (job, &record, &contact_id, error))
    return FALSE;

  return keep_encrypted (job, id, encrypted, contact_id, 0, error);
}

static char *
youzan_record_id (const char *resource,
                  JsonObject *record)
{
  if (g_str_equal (resource, "orders"))
    return _siyu_sync_id_string (_siyu_sync_object (_siyu_sync_object (record, "full_order_info"), "order_info"), "tid");
  return _siyu_sync_id_string (record, "yz_open_id");
}

static gboolean
youzan_store (SiyuSyncJob  *job,
              const char   *resource,
              JsonObject   *record,
              GError      **error)
{
  if (g_str_equal (resource, "orders"))
    return sync_order (job, record, error);
  return sync_customer (job, record, error);
}

static gboolean
store_page (SiyuSyncJob  *job,
            JsonArray    *records,
            gboolean      orders,
            gboolean      last,
            GError      **error)
{
  return _siyu_sync_store_page (job, records, last, error);
}

static gboolean
sync_orders (SiyuSyncJob  *job,
             gint64        since,
             GError      **error)
{
  gint64 end = g_get_real_time () / G_USEC_PER_SEC - INDEX_DELAY_SECONDS;
  guint page_size = job->options.page_size > 0 ? MIN (job->options.page_size, ORDERS_PAGE) : ORDERS_PAGE;
  gint64 start = since > 0 ? since : FIRST_TIME;

  job->total = -1;
  for (gint64 from = start; from < end; from += WINDOW_SECONDS)
    {
      gint64 to = MIN (from + WINDOW_SECONDS, end);
      g_autofree char *from_text = beijing (from);
      g_autofree char *to_text = beijing (to);
      gboolean last_window = to >= end;

      for (guint page = 1; page <= MAX_ORDER_PAGES; page++)
        {
          g_autofree char *body = g_strdup_printf ("{\"start_update\":\"%s\",\"end_update\":\"%s\","
                                                   "\"page_no\":%u,\"page_size\":%u}",
                                                   from_text, to_text, page, page_size);
          g_autoptr(JsonNode) data = call (job, ORDERS_API, ORDERS_VERSION, body, error);
          g_autoptr(JsonArray) list = NULL;
          gboolean last_page;

          if (data == NULL)
            return FALSE;
          list = list_of ("orders", data);
          last_page = json_array_get_length (list) < page_size || page == MAX_ORDER_PAGES;
          if (json_array_get_length (list) > 0 && !store_page (job, list, TRUE, last_window && last_page, error))
            return FALSE;
          if (json_array_get_length (list) == 0 && last_window && last_page &&
              !store_page (job, NULL, TRUE, TRUE, error))
            return FALSE;
          if (last_page)
            break;
        }
    }

  return TRUE;
}

static gboolean
sync_customers (SiyuSyncJob  *job,
                gint64        since,
                GError      **error)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint page_size = job->options.page_size > 0 ? MIN (job->options.page_size, CUSTOMERS_PAGE) : CUSTOMERS_PAGE;

  for (guint page = 1; page <= MAX_CUSTOMER_PAGES; page++)
    {
      g_autofree char *body = g_strdup_printf ("{\"page_no\":%u,\"page_size\":%u,\"created_at_start\":%lld,"
                                               "\"created_at_end\":%lld}",
                                               page, page_size, (long long) MAX (since, 0) * 1000,
                                               (long long) now * 1000);
      g_autoptr(JsonNode) data = call (job, CUSTOMERS_API, CUSTOMERS_VERSION, body, error);
      g_autoptr(JsonArray) list = NULL;
      gboolean last;

      if (data == NULL)
        return FALSE;
      if (page == 1)
        job->total = _siyu_sync_int (json_node_get_object (data), "total");
      list = list_of ("customers", data);
      last = json_array_get_length (list) < page_size || page == MAX_CUSTOMER_PAGES;
      if (!store_page (job, list, FALSE, last, error))
        return FALSE;
      if (last)
        break;
    }

  return TRUE;
}

static gboolean
youzan_sync (SiyuSyncJob  *job,
             const char   *resource,
             gint64        since,
             GError      **error)
{
  if (g_str_equal (resource, "orders"))
    return sync_orders (job, since, error);

  return sync_customers (job, since, error);
}

static gboolean
youzan_check (SiyuSyncJob  *job,
              GError      **error)
{
  return get_token (job, FALSE, error);
}

/* Windows share their boundary second: an order updated then is read in
 * both. */
const SiyuSyncConnector _siyu_sync_youzan = {
  .platform = "youzan",
  .display_name = "Youzan",
  .authorize = youzan_authorize,
  .check = youzan_check,
  .sync = youzan_sync,
  .pages_overlap = TRUE,
  .record_id = youzan_record_id,
  .store = youzan_store,
  .records = youzan_records,
};
