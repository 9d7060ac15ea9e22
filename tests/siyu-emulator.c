/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "siyu-emulator.h"

/* A file of tests/data/sync, found as tests find theirs, or from
 * G_TEST_SRCDIR in a benchmark. */
static char *
data_path (const char *name)
{
  if (g_test_initialized ())
    return g_test_build_filename (G_TEST_DIST, "data", "sync", name, NULL);
  return g_build_filename (g_getenv ("G_TEST_SRCDIR"), "data", "sync", name, NULL);
}

static JsonNode *
fixture (const char *name)
{
  g_autofree char *path = data_path (name);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* The bytes of a file of tests/data/sync, unchanged. */
static char *
fixture_bytes (const char *name,
               gsize      *length)
{
  g_autofree char *path = data_path (name);
  g_autoptr(GError) error = NULL;
  char *bytes = NULL;

  g_file_get_contents (path, &bytes, length, &error);
  g_assert_no_error (error);
  return bytes;
}

/* Where the object or array starting at @start ends (one past its
 * closing bracket), brackets inside strings not counted; 0 if it does not. */
static gsize
value_end (const char *text,
           gsize       length,
           gsize       start)
{
  guint depth = 0;
  gboolean in_string = FALSE;

  for (gsize i = start; i < length; i++)
    {
      if (in_string)
        {
          if (text[i] == '\\')
            i++;
          else if (text[i] == '"')
            in_string = FALSE;
        }
      else if (text[i] == '"')
        in_string = TRUE;
      else if (text[i] == '{' || text[i] == '[')
        depth++;
      else if ((text[i] == '}' || text[i] == ']') && --depth == 0)
        return i + 1;
    }
  return 0;
}

static void
reply_bytes (SoupServerMessage *msg,
             char              *bytes,
             gsize              length)
{
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, bytes, length);
}

static void
reply (SoupServerMessage *msg,
       guint              status,
       const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static void
reply_node (SoupServerMessage *msg,
            JsonNode          *node)
{
  g_autofree char *text = json_to_string (node, FALSE);
  reply (msg, 200, text);
}

static guint
query_uint (GHashTable *query,
            const char *name,
            guint       fallback)
{
  const char *value = query != NULL ? g_hash_table_lookup (query, name) : NULL;
  return value != NULL ? (guint) g_ascii_strtoull (value, NULL, 10) : fallback;
}

static JsonArray *
slice (JsonArray *all,
       guint      offset,
       guint      limit)
{
  JsonArray *out = json_array_new ();

  for (guint i = offset; i < json_array_get_length (all) && i < offset + limit; i++)
    json_array_add_element (out, json_node_copy (json_array_get_element (all, i)));
  return out;
}

static void
set_currency (JsonArray  *orders,
              const char *currency)
{
  for (guint i = 0; i < json_array_get_length (orders); i++)
    json_object_set_string_member (json_array_get_object_element (orders, i), "currency", currency);
}

/* Shopify */

/* A money object of Shopify: the shop's amount, and the buyer's. */
static void
add_money_set (JsonBuilder *builder,
               const char  *member,
               const char  *amount)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "shop_money");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "amount");
  json_builder_add_string_value (builder, amount);
  json_builder_set_member_name (builder, "currency_code");
  json_builder_add_string_value (builder, "CNY");
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "presentment_money");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "amount");
  json_builder_add_string_value (builder, amount);
  json_builder_set_member_name (builder, "currency_code");
  json_builder_add_string_value (builder, "CNY");
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

static void
add_money (JsonBuilder *builder,
           const char  *member,
           const char  *amount)
{
  g_autofree char *set = g_strconcat (member, "_set", NULL);

  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, amount);
  add_money_set (builder, set, amount);
}

/* Order @i of the made-up ones, in the shape of Shopify's own examples: a
 * customer in 500, one line, updated a minute after the one before; every
 * third line has a discount allocation, every fourth order pays shipping,
 * every tenth is a guest without e-mail and phone, and every seventh a
 * guest from the United States known by a phone without its country code. */
static JsonNode *
synthetic_order (guint i)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GDateTime) base = g_date_time_new_utc (2024, 1, 1, 0, 0, 0);
  g_autoptr(GDateTime) when = g_date_time_add_minutes (base, i);
  g_autofree char *time = g_date_time_format_iso8601 (when);
  g_autofree char *name = g_strdup_printf ("#%u", 100000 + i);
  guint cents = (10 + i % 490) * 100 + i % 100;
  guint discount = i % 3 == 0 ? 100 : 0;
  guint postage = i % 4 == 0 ? 800 : 0;
  g_autofree char *price = g_strdup_printf ("%u.%02u", cents / 100, cents % 100);
  g_autofree char *off = g_strdup_printf ("%u.%02u", discount / 100, discount % 100);
  g_autofree char *shipping = g_strdup_printf ("%u.%02u", postage / 100, postage % 100);
  g_autofree char *total = g_strdup_printf ("%u.%02u", (cents - discount + postage) / 100,
                                            (cents - discount + postage) % 100);
  g_autofree char *email = g_strdup_printf ("buyer%u@example.com", i % 500);
  g_autofree char *phone = g_strdup_printf ("(415) 555-%04u", i % 10000);
  gboolean guest = i % 10 == 5, foreign = i % 7 == 3;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, G_GINT64_CONSTANT (7000000000000) + i);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "created_at");
  json_builder_add_string_value (builder, time);
  json_builder_set_member_name (builder, "updated_at");
  json_builder_add_string_value (builder, time);
  json_builder_set_member_name (builder, "email");
  json_builder_add_string_value (builder, guest || foreign ? "" : email);
  json_builder_set_member_name (builder, "phone");
  json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "currency");
  json_builder_add_string_value (builder, "CNY");
  json_builder_set_member_name (builder, "presentment_currency");
  json_builder_add_string_value (builder, "CNY");
  add_money (builder, "total_price", total);
  add_money (builder, "total_discounts", off);
  add_money (builder, "total_tax", "0.00");
  add_money_set (builder, "total_shipping_price_set", shipping);
  json_builder_set_member_name (builder, "financial_status");
  json_builder_add_string_value (builder, "paid");
  json_builder_set_member_name (builder, "customer");
  if (guest || foreign)
    json_builder_add_null_value (builder);
  else
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, G_GINT64_CONSTANT (8000000000000) + i % 500);
      json_builder_set_member_name (builder, "email");
      json_builder_add_string_value (builder, email);
      json_builder_set_member_name (builder, "phone");
      json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "created_at");
      json_builder_add_string_value (builder, "2023-12-01T00:00:00Z");
      json_builder_end_object (builder);
    }
  json_builder_set_member_name (builder, "billing_address");
  if (foreign)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "country_code");
      json_builder_add_string_value (builder, "US");
      json_builder_set_member_name (builder, "phone");
      json_builder_add_string_value (builder, phone);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "line_items");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "sku");
  json_builder_add_string_value (builder, i % 2 ? "TEA-OOLONG-250" : "CUP-01");
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, i % 2 ? "Oolong 250 g" : "Tea cup");
  json_builder_set_member_name (builder, "quantity");
  json_builder_add_int_value (builder, 1);
  add_money (builder, "price", price);
  add_money (builder, "total_discount", "0.00");
  json_builder_set_member_name (builder, "discount_allocations");
  json_builder_begin_array (builder);
  if (discount > 0)
    {
      json_builder_begin_object (builder);
      add_money (builder, "amount", off);
      json_builder_set_member_name (builder, "discount_application_index");
      json_builder_add_int_value (builder, 0);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "shipping_lines");
  json_builder_begin_array (builder);
  if (postage > 0)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "title");
      json_builder_add_string_value (builder, "SF Express");
      add_money (builder, "price", shipping);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "refunds");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Shopify's leaky bucket: 40 calls, leaking 2 a second.  %FALSE when
 * this call does not fit; the level is written for the header either way. */
static gboolean
bucket_take (SiyuEmulator *self,
             guint        *used)
{
  const gint64 per_call = G_USEC_PER_SEC / 2, size = 40 * per_call;
  gint64 now = g_get_monotonic_time ();

  self->bucket_level_us = MAX (0, self->bucket_level_us - (now - self->bucket_at));
  self->bucket_at = now;
  if (self->bucket_level_us + per_call > size)
    {
      *used = 40;
      return FALSE;
    }
  self->bucket_level_us += per_call;
  *used = (guint) ((self->bucket_level_us + per_call - 1) / per_call);
  return TRUE;
}

static void
shopify (SiyuEmulator      *self,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  const char *token = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                    "X-Shopify-Access-Token");
  gboolean orders = strstr (path, "/orders") != NULL;
  g_autoptr(JsonNode) data = NULL;
  JsonArray *all = NULL;
  guint limit = query_uint (query, "limit", 50);
  guint offset = query_uint (query, "page_info", 0);
  guint n, used = 1;
  g_autoptr(JsonNode) page = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object;
  JsonArray *records;
  g_autofree char *call_limit = NULL;

  if (g_strcmp0 (token, SIYU_EMULATOR_SHOPIFY_TOKEN) != 0)
    {
      reply (msg, 401, "{\"errors\":\"[API] Invalid API key or access token (unrecognized login or wrong password)\"}");
      return;
    }
  if (self->rate_limit)
    {
      gboolean fits = bucket_take (self, &used);

      call_limit = g_strdup_printf ("%u/40", used);
      soup_message_headers_replace (headers, "X-Shopify-Shop-Api-Call-Limit", call_limit);
      if (!fits)
        {
          self->refused++;
          soup_message_headers_replace (headers, "Retry-After", "1.0");
          reply (msg, 429, "{\"errors\":\"Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.\"}");
          return;
        }
    }
  else
    {
      call_limit = g_strdup_printf ("%u/40", self->calls_used);
      soup_message_headers_replace (headers, "X-Shopify-Shop-Api-Call-Limit", call_limit);
    }

  if (self->published)
    {
      const char *page_info = query != NULL ? g_hash_table_lookup (query, "page_info") : NULL;
      gsize length;
      char *bytes;

      if (g_str_has_suffix (path, "/count.json"))
        {
          reply (msg, 200, orders && self->published == 2 ? "{\"count\":1}" : "{\"count\":2}");
          return;
        }
      if (!orders)
        {
          bytes = fixture_bytes ("published/shopify-2024-01-customers-by-ids.json", &length);
          reply_bytes (msg, bytes, length);
          return;
        }
      if (self->published == 2)
        {
          /* The order of the cancel example, in a list page: the bytes
           * of its "order" member as published (a "notice" follows). */
          g_autofree char *whole = fixture_bytes ("published/shopify-2024-01-order-refunded.json", &length);
          g_autofree char *wrapped = NULL;
          gsize end = value_end (whole, length, 9);

          g_assert_true (g_str_has_prefix (whole, "{\"order\":{") && end > 9);
          wrapped = g_strdup_printf ("{\"orders\":[%.*s]}", (int) (end - 9), whole + 9);
          reply (msg, 200, wrapped);
          return;
        }
      if (page_info == NULL)
        {
          g_autofree char *link = g_strdup_printf ("<%s%s?limit=%u&page_info=guest>; rel=\"next\"",
                                                   self->url, path, limit);

          soup_message_headers_replace (headers, "Link", link);
          bytes = fixture_bytes ("published/shopify-2024-01-orders.json", &length);
        }
      else
        bytes = fixture_bytes ("published/shopify-2024-01-orders-guest.json", &length);
      reply_bytes (msg, bytes, length);
      return;
    }
  if (orders && self->synthetic > 0)
    n = self->synthetic;
  else
    {
      data = fixture (orders ? "shopify-orders.json" : "shopify-customers.json");
      all = json_object_get_array_member (json_node_get_object (data), orders ? "orders" : "customers");
      n = json_array_get_length (all);
    }

  if (g_str_has_suffix (path, "/count.json"))
    {
      g_autofree char *body = g_strdup_printf ("{\"count\":%u}", n);
      reply (msg, 200, body);
      return;
    }
  if (offset + limit < n)
    {
      g_autofree char *link = g_strdup_printf ("<%s%s?limit=%u&page_info=%u>; rel=\"next\"",
                                               self->url, path, limit, offset + limit);
      soup_message_headers_replace (headers, "Link", link);
    }
  /* A cache in front of the shop hands out the first page again. */
  if (offset > 0 && self->duplicate_page)
    {
      self->duplicate_page = FALSE;
      offset = 0;
    }

  object = json_object_new ();
  json_node_take_object (page, object);
  if (all != NULL)
    records = slice (all, offset, limit);
  else
    {
      records = json_array_new ();
      for (guint i = offset; i < n && i < offset + limit; i++)
        json_array_add_element (records, synthetic_order (i));
    }
  if (orders && self->foreign)
    set_currency (records, "USD");
  if (orders && self->wrong_shape && offset <= 1 && offset + limit > 1)
    {
      JsonObject *second = json_array_get_object_element (records, 1 - offset);

      json_object_set_array_member (second, "total_price", json_array_new ());
      json_object_set_array_member (second, "total_price_set", json_array_new ());
    }
  json_object_set_array_member (object, orders ? "orders" : "customers", records);
  reply_node (msg, page);
}

/* WooCommerce */

static gint
compare_modified (gconstpointer a,
                  gconstpointer b)
{
  JsonObject *x = json_node_get_object (*(JsonNode **) a);
  JsonObject *y = json_node_get_object (*(JsonNode **) b);
  int order = strcmp (json_object_get_string_member (x, "date_modified_gmt"),
                      json_object_get_string_member (y, "date_modified_gmt"));

  if (order != 0)
    return order;
  return (gint) CLAMP (json_object_get_int_member (x, "id") - json_object_get_int_member (y, "id"), -1, 1);
}

/* The orders modified after @after (strictly, as WordPress's date query
 * does), by modification time. */
static JsonArray *
woo_orders_after (SiyuEmulator *self,
                  const char   *after)
{
  JsonArray *all = json_node_get_array (self->woo_orders);
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();
  JsonArray *out = json_array_new ();

  for (guint i = 0; i < json_array_get_length (all); i++)
    {
      JsonNode *node = json_array_get_element (all, i);

      if (after == NULL ||
          strcmp (json_object_get_string_member (json_node_get_object (node), "date_modified_gmt"), after) > 0)
        g_ptr_array_add (kept, node);
    }
  g_ptr_array_sort (kept, compare_modified);
  for (guint i = 0; i < kept->len; i++)
    json_array_add_element (out, json_node_copy (kept->pdata[i]));
  return out;
}

/* The first order is paid for and so modified now, after every other. */
static void
woo_change_first (SiyuEmulator *self)
{
  JsonObject *first = json_array_get_object_element (json_node_get_array (self->woo_orders), 0);

  json_object_set_string_member (first, "date_modified_gmt", "2024-03-12T23:59:00");
  json_object_set_string_member (first, "status", "refunded");
}

static void
woocommerce (SiyuEmulator      *self,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
  const char *pair = SIYU_EMULATOR_WOO_KEY ":" SIYU_EMULATOR_WOO_SECRET;
  g_autofree char *expected = g_base64_encode ((const guchar *) pair, strlen (pair));
  g_autofree char *basic = g_strconcat ("Basic ", expected, NULL);
  gboolean orders = g_str_has_suffix (path, "/orders");
  g_autoptr(JsonNode) customers = NULL;
  JsonArray *all;
  guint per_page = query_uint (query, "per_page", 10);
  guint page = query_uint (query, "page", 1);
  guint n;
  g_autofree char *total = NULL;
  g_autofree char *pages = NULL;
  g_autoptr(JsonNode) out = json_node_new (JSON_NODE_ARRAY);
  JsonArray *records;

  if (g_strcmp0 (auth, basic) != 0)
    {
      reply (msg, 401, "{\"code\":\"woocommerce_rest_authentication_error\",\"message\":\"Consumer key is invalid.\","
                       "\"data\":{\"status\":401}}");
      return;
    }
  if (self->published)
    {
      gsize length;
      char *bytes = page == 1 ? fixture_bytes (orders ? "published/woocommerce-v3-orders.json"
                                                      : "published/woocommerce-v3-customers.json", &length)
                              : g_strdup ("[]");

      soup_message_headers_replace (headers, "X-WP-Total", "2");
      soup_message_headers_replace (headers, "X-WP-TotalPages", "1");
      reply_bytes (msg, bytes, page == 1 ? length : 2);
      return;
    }
  if (orders && self->odd_guest && json_array_get_length (json_node_get_array (self->woo_orders)) == 3)
    {
      JsonNode *odd = json_from_string ("{\"id\":1190,\"number\":\"1190\",\"status\":\"completed\",\"currency\":\"CNY\","
                                        "\"date_created_gmt\":\"2024-03-12T06:00:00\",\"date_modified_gmt\":\"2024-03-12T06:00:00\","
                                        "\"date_paid_gmt\":\"2024-03-12T06:00:00\",\"discount_total\":\"0.00\","
                                        "\"shipping_total\":\"0.00\",\"total_tax\":\"0.00\",\"total\":\"45.00\",\"customer_id\":0,"
                                        "\"billing\":{\"first_name\":\"Ka Yan\",\"last_name\":\"Wong\",\"city\":\"\",\"country\":\"\","
                                        "\"email\":\"\",\"phone\":\"6123 4567\"},"
                                        "\"line_items\":[{\"id\":908,\"name\":\"Tea cup\",\"quantity\":1,\"total\":\"45.00\","
                                        "\"sku\":\"CUP-01\",\"price\":45}],\"refunds\":[]}", NULL);

      json_array_add_element (json_node_get_array (self->woo_orders), odd);
    }
  if (orders)
    {
      const char *after = query != NULL ? g_hash_table_lookup (query, "modified_after") : NULL;

      all = woo_orders_after (self, after);
    }
  else
    {
      customers = fixture ("woocommerce-customers.json");
      all = json_array_ref (json_node_get_array (customers));
    }
  n = json_array_get_length (all);
  total = g_strdup_printf ("%u", n);
  pages = g_strdup_printf ("%u", (n + per_page - 1) / per_page);
  soup_message_headers_replace (headers, "X-WP-Total", total);
  soup_message_headers_replace (headers, "X-WP-TotalPages", pages);
  if (page > 1 && self->duplicate_page)
    {
      self->duplicate_page = FALSE;
      page = 1;
    }
  records = slice (all, (page - 1) * per_page, per_page);
  if (orders && self->foreign)
    set_currency (records, "USD");
  json_node_take_array (out, records);
  reply_node (msg, out);
  json_array_unref (all);

  if (orders && self->change_between)
    {
      self->change_between = FALSE;
      woo_change_first (self);
    }
}

/* Youzan */

/* What a shop under Youzan's data-security rules receives: “$”, the
 * value encrypted in base64, “$”, the key's version, “$”.  The same value
 * gives the same text, as AES-CBC with Youzan's fixed IV does. */
static void
encrypt_member (JsonObject *object,
                const char *member)
{
  const char *plain = object != NULL ? json_object_get_string_member_with_default (object, member, "") : "";
  g_autoptr(GChecksum) checksum = NULL;
  guint8 digest[32];
  gsize length = sizeof digest;
  g_autofree char *encoded = NULL;
  g_autofree char *cipher = NULL;

  if (*plain == '\0' || plain[0] == '$')
    return;
  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, (const guchar *) plain, -1);
  g_checksum_get_digest (checksum, digest, &length);
  encoded = g_base64_encode (digest, 16);
  cipher = g_strdup_printf ("$%s$1$", encoded);
  json_object_set_string_member (object, member, cipher);
}

static void
youzan (SiyuEmulator      *self,
        SoupServerMessage *msg,
        const char        *path,
        GHashTable        *query)
{
  SoupMessageBody *request = soup_server_message_get_request_body (msg);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *current = g_strdup_printf ("yz-token-%u", self->token_serial);
  JsonObject *body;
  const char *token = query != NULL ? g_hash_table_lookup (query, "access_token") : NULL;

  if (request->data == NULL || !json_parser_load_from_data (parser, request->data, request->length, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      reply (msg, 200, "{\"gw_err_resp\":{\"trace_id\":\"yz7-1\",\"err_code\":4007,\"err_msg\":\"bad content\"}}");
      return;
    }
  body = json_node_get_object (json_parser_get_root (parser));

  if (g_str_equal (path, "/auth/token"))
    {
      g_autofree char *answer = NULL;

      if (g_strcmp0 (json_object_get_string_member_with_default (body, "client_id", ""), SIYU_EMULATOR_YZ_CLIENT) != 0 ||
          g_strcmp0 (json_object_get_string_member_with_default (body, "client_secret", ""), SIYU_EMULATOR_YZ_SECRET) != 0)
        {
          reply (msg, 200, "{\"success\":false,\"code\":1103,\"data\":null,\"message\":\"Client 不存在\"}");
          return;
        }
      if (json_object_get_boolean_member_with_default (body, "refresh", FALSE))
        self->token_serial++;
      answer = g_strdup_printf ("{\"success\":true,\"code\":200,\"message\":\"successful\",\"data\":"
                                "{\"access_token\":\"yz-token-%u\",\"expires\":4102444800000,\"scope\":\"trade user\","
                                "\"authority_id\":\"%s\"}}",
                                self->token_serial, json_object_get_string_member_with_default (body, "grant_id", ""));
      reply (msg, 200, answer);
      return;
    }
  if (g_strcmp0 (token, current) != 0 || self->expire_token)
    {
      self->expire_token = FALSE;
      self->token_serial++;
      reply (msg, 200, "{\"gw_err_resp\":{\"trace_id\":\"yz7-2\",\"err_code\":4203,\"err_msg\":\"Token 不存在\"}}");
      return;
    }

  if (g_str_has_prefix (path, "/api/youzan.trades.sold.get/4.0.4"))
    {
      g_autoptr(JsonNode) all = fixture ("youzan-trades.json");
      const char *start = json_object_get_string_member_with_default (body, "start_update", "");
      const char *end = json_object_get_string_member_with_default (body, "end_update", "");
      guint page = (guint) json_object_get_int_member_with_default (body, "page_no", 1);
      guint size = (guint) json_object_get_int_member_with_default (body, "page_size", 20);
      JsonArray *window = json_array_new ();
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) answer = NULL;
      JsonNode *list;
      guint total;

      for (guint i = 0; i < json_array_get_length (json_node_get_array (all)); i++)
        {
          JsonObject *element = json_array_get_object_element (json_node_get_array (all), i);
          JsonObject *full = json_object_get_object_member (element, "full_order_info");
          JsonObject *info = json_object_get_object_member (full, "order_info");
          const char *updated = json_object_get_string_member (info, "update_time");

          if (self->encrypted)
            {
              encrypt_member (json_object_get_object_member (full, "buyer_info"), "buyer_phone");
              encrypt_member (json_object_get_object_member (full, "address_info"), "receiver_tel");
              encrypt_member (json_object_get_object_member (full, "address_info"), "receiver_name");
              encrypt_member (json_object_get_object_member (full, "address_info"), "delivery_address");
            }

          if (self->partial_refund && i == 0)
            json_object_set_int_member (info, "refund_state", 2);
          if (strcmp (updated, start) >= 0 && strcmp (updated, end) <= 0)
            json_array_add_element (window, json_node_copy (json_array_get_element (json_node_get_array (all), i)));
        }
      total = json_array_get_length (window);
      if (page > 1 && self->duplicate_page)
        {
          self->duplicate_page = FALSE;
          page = 1;
        }
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "trace_id");
      json_builder_add_string_value (builder, "yz7-3");
      json_builder_set_member_name (builder, "code");
      json_builder_add_int_value (builder, 200);
      json_builder_set_member_name (builder, "success");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, "successful");
      json_builder_set_member_name (builder, "data");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "total_results");
      json_builder_add_int_value (builder, total);
      json_builder_set_member_name (builder, "full_order_info_list");
      list = json_node_new (JSON_NODE_ARRAY);
      json_node_take_array (list, slice (window, (page - 1) * size, size));
      json_builder_add_value (builder, list);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      json_array_unref (window);
      answer = json_builder_get_root (builder);
      reply_node (msg, answer);
      return;
    }
  /* The detail of the partly refunded trade: one refund went through,
   * one was closed. */
  if (g_str_has_prefix (path, "/api/youzan.trade.get/4.0.2"))
    {
      if (g_strcmp0 (json_object_get_string_member_with_default (body, "tid", ""), "E20240308101522047600012") != 0)
        {
          reply (msg, 200, "{\"trace_id\":\"yz7-6\",\"code\":101,\"success\":false,\"message\":\"订单不存在\"}");
          return;
        }
      reply (msg, 200, "{\"trace_id\":\"yz7-6\",\"code\":200,\"success\":true,\"message\":\"successful\",\"data\":"
                       "{\"full_order_info\":{},\"refund_order\":["
                       "{\"refund_id\":\"201903081234567\",\"refund_type\":1,\"refund_state\":60,"
                       "\"refund_fee\":\"189.00\",\"refund_time\":\"2024-03-12 09:00:00\",\"oids\":[]},"
                       "{\"refund_id\":\"201903081234568\",\"refund_type\":1,\"refund_state\":50,"
                       "\"refund_fee\":\"50.00\",\"refund_time\":\"2024-03-12 09:30:00\",\"oids\":[]}]}}");
      return;
    }
  if (g_str_has_prefix (path, "/api/youzan.scrm.customer.list/1.0.0"))
    {
      g_autoptr(JsonNode) all = fixture ("youzan-customers.json");
      gint64 start = json_object_get_int_member_with_default (body, "created_at_start", 0) / 1000;
      guint page = (guint) json_object_get_int_member_with_default (body, "page_no", 1);
      g_autoptr(JsonNode) out = json_node_new (JSON_NODE_ARRAY);
      g_autofree char *list = NULL;
      g_autofree char *answer = NULL;
      JsonArray *kept = json_array_new ();

      for (guint i = 0; page == 1 && i < json_array_get_length (json_node_get_array (all)); i++)
        if (json_object_get_int_member (json_array_get_object_element (json_node_get_array (all), i), "created_at") >= start)
          {
            if (self->encrypted)
              encrypt_member (json_array_get_object_element (json_node_get_array (all), i), "mobile");
            json_array_add_element (kept, json_node_copy (json_array_get_element (json_node_get_array (all), i)));
          }
      json_node_take_array (out, kept);
      list = json_to_string (out, FALSE);
      answer = g_strdup_printf ("{\"trace_id\":\"yz7-4\",\"code\":200,\"success\":true,\"message\":\"successful\","
                                "\"data\":{\"total\":%u,\"page_no\":%u,\"record_list\":%s}}",
                                json_array_get_length (kept), page, list);
      reply (msg, 200, answer);
      return;
    }
  reply (msg, 200, "{\"gw_err_resp\":{\"trace_id\":\"yz7-5\",\"err_code\":4005,\"err_msg\":\"unknown api\"}}");
}

/* Whether a call brought any credential: a platform's header, Youzan's
 * token in the query, or a client secret in the body. */
static gboolean
carries_credentials (SoupServerMessage *msg,
                     GHashTable        *query)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  return soup_message_headers_get_one (headers, "X-Shopify-Access-Token") != NULL ||
         soup_message_headers_get_one (headers, "Authorization") != NULL ||
         (query != NULL && g_hash_table_contains (query, "access_token")) ||
         (body->data != NULL && g_strstr_len (body->data, body->length, "client_secret") != NULL);
}

static void
handle_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  SiyuEmulator *self = user_data;

  g_mutex_lock (&self->lock);
  self->requests++;
  if (carries_credentials (msg, query))
    self->credentials_seen++;
  if (self->redirect_status != 0)
    {
      g_autofree char *location = NULL;
      const char *text = g_uri_get_query (soup_server_message_get_uri (msg));

      location = g_strdup_printf ("%s%s%s%s", self->redirect_to, path, text != NULL ? "?" : "", text != NULL ? text : "");
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Location", location);
      reply (msg, self->redirect_status, "{}");
    }
  else if (self->hang || (self->hang_after > 0 && self->requests > self->hang_after))
    {
      soup_server_message_pause (msg);
      g_ptr_array_add (self->paused, g_object_ref (msg));
    }
  else if (self->n_429 > 0)
    {
      self->n_429--;
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", "2.0");
      reply (msg, 429, "{\"errors\":\"Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.\"}");
    }
  else if (self->always_500 || self->n_500 > 0)
    {
      guint status = self->fail_status != 0 ? self->fail_status : 500;

      if (self->n_500 > 0)
        self->n_500--;
      if (status == 500)
        reply (msg, status, "{\"errors\":\"Internal Server Error\"}");
      else
        {
          /* Gateways answer in HTML. */
          const char *html = "<html><body><h1>Bad Gateway</h1></body></html>";

          soup_server_message_set_status (msg, status, NULL);
          soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, html, strlen (html));
        }
    }
  else if (self->deep && !g_str_has_suffix (path, "/count.json"))
    {
      GString *deep = g_string_new ("{\"customers\":");

      for (guint i = 0; i < 200000; i++)
        g_string_append_c (deep, '[');
      for (guint i = 0; i < 200000; i++)
        g_string_append_c (deep, ']');
      g_string_append_c (deep, '}');
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, deep->str, deep->len);
      g_string_free (deep, FALSE);
    }
  else if (self->malformed)
    reply (msg, 200, "{\"orders\": [ {\"id\": 1, ");
  else if (g_str_has_prefix (path, "/admin/api/"))
    shopify (self, msg, path, query);
  else if (g_str_has_prefix (path, "/wp-json/wc/v3/"))
    woocommerce (self, msg, path, query);
  else
    youzan (self, msg, path, query);
  g_mutex_unlock (&self->lock);
}

typedef struct {
  SiyuEmulator *self;
  gboolean      tls;
} StartData;

static gpointer
emulator_thread (gpointer data)
{
  SiyuEmulator *self = ((StartData *) data)->self;
  gboolean tls = ((StartData *) data)->tls;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  GSList *uris;

  g_main_context_push_thread_default (self->context);
  if (tls)
    {
      g_autofree char *pem = data_path ("self-signed.pem");

      certificate = g_tls_certificate_new_from_file (pem, &error);
      g_assert_no_error (error);
    }
  self->server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_handler (self->server, NULL, handle_cb, self, NULL);
  soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY | (tls ? SOUP_SERVER_LISTEN_HTTPS : 0),
                            &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (self->server);
  g_mutex_lock (&self->lock);
  self->url = g_strdup_printf ("%s://127.0.0.1:%d", tls ? "https" : "http", g_uri_get_port (uris->data));
  g_cond_signal (&self->ready);
  g_mutex_unlock (&self->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (self->loop);

  g_ptr_array_set_size (self->paused, 0);
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_main_context_pop_thread_default (self->context);

  return NULL;
}

/**
 * siyu_emulator_start:
 * @tls: listen with https and a self-signed certificate, which a client
 *   that verifies certificates must refuse
 *
 * Starts the emulator; its address is in the url field.
 */
SiyuEmulator *
siyu_emulator_start (gboolean tls)
{
  SiyuEmulator *self = g_new0 (SiyuEmulator, 1);
  StartData data = { self, tls };

  g_mutex_init (&self->lock);
  g_cond_init (&self->ready);
  self->paused = g_ptr_array_new_with_free_func (g_object_unref);
  self->woo_orders = fixture ("woocommerce-orders.json");
  self->bucket_at = g_get_monotonic_time ();
  self->calls_used = 40;
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  g_mutex_lock (&self->lock);
  self->thread = g_thread_new ("emulator", emulator_thread, &data);
  while (self->url == NULL)
    g_cond_wait (&self->ready, &self->lock);
  g_mutex_unlock (&self->lock);

  return self;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
siyu_emulator_stop (SiyuEmulator *self)
{
  g_main_context_invoke (self->context, quit_cb, self->loop);
  g_thread_join (self->thread);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_ptr_array_unref (self->paused);
  json_node_unref (self->woo_orders);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->ready);
  g_free (self->url);
  g_free (self->redirect_to);
  g_free (self);
}

/* Changes a fault while the emulator runs. */
void
siyu_emulator_set (SiyuEmulator *self,
                   guint        *field,
                   guint         value)
{
  g_mutex_lock (&self->lock);
  *field = value;
  g_mutex_unlock (&self->lock);
}

guint
siyu_emulator_get (SiyuEmulator *self,
                   guint        *field)
{
  guint value;

  g_mutex_lock (&self->lock);
  value = *field;
  g_mutex_unlock (&self->lock);
  return value;
}

/* How many calls wait for an answer that never comes. */
guint
siyu_emulator_n_paused (SiyuEmulator *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->paused->len;
  g_mutex_unlock (&self->lock);
  return n;
}

/* Every later call is answered with @status and a Location on @to (a
 * scheme://host:port), the path and the query kept; 0 stops it. */
void
siyu_emulator_redirect (SiyuEmulator *self,
                        guint         status,
                        const char   *to)
{
  g_mutex_lock (&self->lock);
  self->redirect_status = status;
  g_free (self->redirect_to);
  self->redirect_to = g_strdup (to);
  g_mutex_unlock (&self->lock);
}
