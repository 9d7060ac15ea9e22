/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "siyu-sync-private.h"
#include "siyu-test-util.h"

/* A local emulator of the three platforms on 127.0.0.1, in its own thread
 * so that both the blocking engine and a child siyu-cli can talk to it.
 * It speaks the wire formats of shared/PLATFORMS.md from the fixtures in
 * tests/data/sync and injects faults on request. */

#define SHOPIFY_TOKEN "shpat_TEST_TOKEN_0123456789"
#define WOO_KEY "ck_0123456789abcdef0123456789abcdef01234567"
#define WOO_SECRET "cs_fedcba9876543210fedcba9876543210fedcba98"
#define YZ_CLIENT "yzclient0123"
#define YZ_SECRET "yzSECRET_abcdef987654"

typedef struct {
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  char         *url;
  GMutex        lock;
  GCond         ready;
  GPtrArray    *paused;
  /* Faults, read and changed under the lock. */
  guint         n_429;
  guint         n_500;
  gboolean      always_500;
  gboolean      malformed;
  gboolean      hang;
  gboolean      expire_token;
  guint         requests;
  guint         token_serial;
} Emulator;

static JsonNode *
fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "sync", name, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
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
shopify (Emulator          *self,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query)
{
  const char *token = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                    "X-Shopify-Access-Token");
  gboolean orders = strstr (path, "/orders") != NULL;
  g_autoptr(JsonNode) data = fixture (orders ? "shopify-orders.json" : "shopify-customers.json");
  JsonArray *all = json_object_get_array_member (json_node_get_object (data), orders ? "orders" : "customers");
  guint limit = query_uint (query, "limit", 50);
  guint offset = query_uint (query, "page_info", 0);
  g_autoptr(JsonNode) page = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();

  if (g_strcmp0 (token, SHOPIFY_TOKEN) != 0)
    {
      reply (msg, 401, "{\"errors\":\"[API] Invalid API key or access token (unrecognized login or wrong password)\"}");
      return;
    }
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "X-Shopify-Shop-Api-Call-Limit", "40/40");
  if (g_str_has_suffix (path, "/count.json"))
    {
      g_autofree char *body = g_strdup_printf ("{\"count\":%u}", json_array_get_length (all));
      json_object_unref (object);
      reply (msg, 200, body);
      return;
    }
  if (offset + limit < json_array_get_length (all))
    {
      g_autofree char *link = g_strdup_printf ("<%s%s?limit=%u&page_info=%u>; rel=\"next\"",
                                               self->url, path, limit, offset + limit);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Link", link);
    }
  json_object_set_array_member (object, orders ? "orders" : "customers", slice (all, offset, limit));
  json_node_take_object (page, object);
  reply_node (msg, page);
}

static void
woocommerce (Emulator          *self,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query)
{
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
  g_autofree char *expected = g_base64_encode ((const guchar *) WOO_KEY ":" WOO_SECRET,
                                               strlen (WOO_KEY ":" WOO_SECRET));
  g_autofree char *basic = g_strconcat ("Basic ", expected, NULL);
  gboolean orders = g_str_has_suffix (path, "/orders");
  g_autoptr(JsonNode) data = fixture (orders ? "woocommerce-orders.json" : "woocommerce-customers.json");
  JsonArray *all = json_node_get_array (data);
  guint per_page = query_uint (query, "per_page", 10);
  guint page = query_uint (query, "page", 1);
  guint n = json_array_get_length (all);
  g_autofree char *total = g_strdup_printf ("%u", n);
  g_autofree char *pages = g_strdup_printf ("%u", (n + per_page - 1) / per_page);
  g_autoptr(JsonNode) out = json_node_new (JSON_NODE_ARRAY);

  if (g_strcmp0 (auth, basic) != 0)
    {
      reply (msg, 401, "{\"code\":\"woocommerce_rest_authentication_error\",\"message\":\"Consumer key is invalid.\","
                       "\"data\":{\"status\":401}}");
      return;
    }
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "X-WP-Total", total);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "X-WP-TotalPages", pages);
  json_node_take_array (out, slice (all, (page - 1) * per_page, per_page));
  reply_node (msg, out);
}

static void
youzan (Emulator          *self,
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

      if (g_strcmp0 (json_object_get_string_member_with_default (body, "client_id", ""), YZ_CLIENT) != 0 ||
          g_strcmp0 (json_object_get_string_member_with_default (body, "client_secret", ""), YZ_SECRET) != 0)
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
      guint total;

      for (guint i = 0; i < json_array_get_length (json_node_get_array (all)); i++)
        {
          JsonObject *element = json_array_get_object_element (json_node_get_array (all), i);
          JsonObject *info = json_object_get_object_member (json_object_get_object_member (element, "full_order_info"),
                                                            "order_info");
          const char *updated = json_object_get_string_member (info, "update_time");

          if (strcmp (updated, start) >= 0 && strcmp (updated, end) <= 0)
            json_array_add_element (window, json_node_copy (json_array_get_element (json_node_get_array (all), i)));
        }
      total = json_array_get_length (window);
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
      {
        JsonNode *list = json_node_new (JSON_NODE_ARRAY);
        json_node_take_array (list, slice (window, (page - 1) * size, size));
        json_builder_add_value (builder, list);
      }
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      json_array_unref (window);
      answer = json_builder_get_root (builder);
      reply_node (msg, answer);
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
          json_array_add_element (kept, json_node_copy (json_array_get_element (json_node_get_array (all), i)));
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

static void
handle_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  Emulator *self = user_data;

  g_mutex_lock (&self->lock);
  self->requests++;
  if (self->hang)
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
      if (self->n_500 > 0)
        self->n_500--;
      reply (msg, 500, "{\"errors\":\"Internal Server Error\"}");
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

static gpointer
emulator_thread (gpointer data)
{
  Emulator *self = data;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (self->context);
  self->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (self->server, NULL, handle_cb, self, NULL);
  soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (self->server);
  g_mutex_lock (&self->lock);
  self->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
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

static Emulator *
emulator_start (void)
{
  Emulator *self = g_new0 (Emulator, 1);

  g_mutex_init (&self->lock);
  g_cond_init (&self->ready);
  self->paused = g_ptr_array_new_with_free_func (g_object_unref);
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  g_mutex_lock (&self->lock);
  self->thread = g_thread_new ("emulator", emulator_thread, self);
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

static void
emulator_stop (Emulator *self)
{
  g_main_context_invoke (self->context, quit_cb, self->loop);
  g_thread_join (self->thread);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_ptr_array_unref (self->paused);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->ready);
  g_free (self->url);
  g_free (self);
}

static void
emulator_set (Emulator *self,
              guint    *field,
              guint     value)
{
  g_mutex_lock (&self->lock);
  *field = value;
  g_mutex_unlock (&self->lock);
}

/* Fixtures of the tests */

typedef struct {
  char     *dir;
  char     *path;
  SiyuShop *shop;
  Emulator *emulator;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  f->dir = siyu_test_tmpdir ();
  f->shop = siyu_test_new_shop (f->dir, "shop.siyu");
  f->path = g_strdup (siyu_shop_get_path (f->shop));
  f->emulator = emulator_start ();
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  emulator_stop (f->emulator);
  g_clear_object (&f->shop);
  g_free (f->path);
  g_free (f->dir);
}

static SiyuSyncOptions
test_options (Fixture *f)
{
  SiyuSyncOptions options = { 0, };

  options.base_url = f->emulator->url;
  options.delay_scale = 0.001;
  options.max_attempts = 3;
  options.timeout_seconds = 5;
  options.page_size = 2;
  return options;
}

static gint64
query_int (Fixture    *f,
           const char *sql)
{
  g_autoptr(GError) error = NULL;
  gint64 value = siyu_db_query_int (siyu_shop_get_db (f->shop), sql, &error);

  g_assert_no_error (error);
  return value;
}

static char *
query_text (Fixture    *f,
            const char *sql)
{
  SiyuDb *db = siyu_shop_get_db (f->shop);
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = siyu_db_prepare (db, sql, &error);
  char *text = NULL;

  g_assert_no_error (error);
  if (siyu_db_step (db, stmt, &error) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  g_assert_no_error (error);
  return text;
}

/* Everything sync writes, apart from times of the run itself. */
static char *
checksum (Fixture *f)
{
  return query_text (f,
    "SELECT (SELECT group_concat (x, '|') FROM (SELECT id || ',' || coalesce (name, '') || ',' || coalesce (phone, '') || ',' || "
    "  coalesce (email, '') || ',' || coalesce (city, '') || ',' || first_seen_at || ',' || coalesce (updated_at, '') AS x "
    "  FROM contacts ORDER BY id)) || '#' || "
    "(SELECT group_concat (x, '|') FROM (SELECT kind || '=' || value || '>' || contact_id AS x FROM contact_identities "
    "  ORDER BY kind, value)) || '#' || "
    "(SELECT group_concat (x, '|') FROM (SELECT id || ',' || external_ref || ',' || status || ',' || total_amount || ',' || "
    "  refunded_amount || ',' || coalesce (contact_id, 0) || ',' || created_at || ',' || updated_at AS x FROM orders ORDER BY id)) || '#' || "
    "(SELECT group_concat (x, '|') FROM (SELECT id || ',' || quantity || ',' || line_total AS x FROM order_items ORDER BY id)) || '#' || "
    "(SELECT coalesce (group_concat (x, '|'), '') FROM (SELECT id || ',' || amount AS x FROM refunds ORDER BY id)) || '#' || "
    "(SELECT coalesce (group_concat (x, '|'), '') FROM (SELECT resource || '=' || cursor AS x FROM sync_cursors ORDER BY resource))");
}

static void
add_account (Fixture    *f,
             const char *platform,
             const char *name,
             const char *url)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (siyu_sync_account_add (f->shop, platform, name, url, &error), >, 0);
  g_assert_no_error (error);
}

static void
test_shopify (Fixture      *f,
              gconstpointer data)
{
  g_autoptr(SiyuSyncCredentials) credentials = siyu_sync_credentials_new (SHOPIFY_TOKEN, NULL, NULL);
  SiyuSyncOptions options = test_options (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *rows = NULL;
  SiyuSyncCounts counts;

  add_account (f, "shopify", "tea", "https://tea-house.myshopify.com");
  g_assert_true (siyu_sync_run (f->shop, "tea", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (counts.customers.records, ==, 2);
  g_assert_cmpuint (counts.customers.pages, ==, 1);
  g_assert_cmpuint (counts.orders.records, ==, 3);
  g_assert_cmpuint (counts.orders.pages, ==, 2);
  g_assert_cmpuint (counts.orders.created, ==, 3);
  g_assert_cmpuint (counts.refunds_created, ==, 1);
  g_assert_cmpuint (counts.contacts_created, ==, 3);
  /* The emulator says the bucket is full every time: one pause per call after the first. */
  g_assert_cmpuint (counts.rate_limit_waits, ==, 4);

  rows = query_text (f, "SELECT group_concat (external_ref || ' ' || status || ' ' || total_amount || ' ' || refunded_amount "
                        "  || ' ' || created_at || ' ' || currency, '; ') FROM (SELECT * FROM orders ORDER BY external_ref)");
  g_assert_cmpstr (rows, ==, "#1042 partially_refunded 37800 18900 1709864122 CNY; "
                             "#1043 paid 5990 0 1710037800 CNY; "
                             "#1044 cancelled 50 0 1710158400 CNY");
  g_clear_pointer (&rows, g_free);
  rows = query_text (f, "SELECT group_concat (sku || ' ' || quantity || ' ' || unit_price || ' ' || line_total, '; ') "
                        "FROM (SELECT * FROM order_items ORDER BY id)");
  g_assert_cmpstr (rows, ==, "TEA-OOLONG-250 2 19900 37800; CUP-01 1 5990 5990; SAMPLE 1 50 50");
  g_clear_pointer (&rows, g_free);
  rows = query_text (f, "SELECT group_concat (kind || '=' || value, ' ') FROM (SELECT * FROM contact_identities "
                        "WHERE contact_id = (SELECT contact_id FROM contact_identities WHERE kind = 'shopify' "
                        "AND value = '6123456789012') ORDER BY kind)");
  g_assert_cmpstr (rows, ==, "email=li.na@example.com phone=+8613800138000 shopify=6123456789012");
  g_assert_cmpint (query_int (f, "SELECT marketing_consent FROM contacts WHERE email = 'li.na@example.com'"), ==, 1);
  g_assert_cmpint (query_int (f, "SELECT amount FROM refunds WHERE external_ref = '900000000001'"), ==, 18900);
  g_assert_cmpint (query_int (f, "SELECT CAST (cursor AS INTEGER) FROM sync_cursors WHERE resource = 'orders'"),
                   ==, 1710205267);
  g_assert_cmpint (query_int (f, "SELECT CAST (cursor AS INTEGER) FROM sync_cursors WHERE resource = 'customers'"),
                   ==, 1710205267);

  /* Again, and then in full: nothing changes. */
  before = checksum (f);
  g_assert_true (siyu_sync_run (f->shop, "tea", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_cmpuint (counts.orders.created + counts.orders.updated, ==, 0);
  g_assert_cmpuint (counts.orders.unchanged, ==, 3);
  g_assert_true (siyu_sync_run (f->shop, "tea", credentials, &options, TRUE, NULL, NULL, NULL, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.orders.created + counts.orders.updated + counts.contacts_created + counts.refunds_created, ==, 0);
  after = checksum (f);
  g_assert_cmpstr (before, ==, after);
}

static void
test_woocommerce (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr(SiyuSyncCredentials) credentials = siyu_sync_credentials_new (NULL, WOO_KEY, WOO_SECRET);
  SiyuSyncOptions options = test_options (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *rows = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  SiyuSyncCounts counts;

  add_account (f, "woocommerce", "wp", "https://tea.example.com");
  g_assert_true (siyu_sync_run (f->shop, "wp", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.orders.pages, ==, 2);
  g_assert_cmpuint (counts.orders.created, ==, 3);
  g_assert_cmpuint (counts.customers.records, ==, 1);
  g_assert_cmpuint (counts.rate_limit_waits, ==, 0);

  rows = query_text (f, "SELECT group_concat (external_ref || ' ' || status || ' ' || total_amount || ' ' || refunded_amount "
                        "  || ' ' || created_at || ' ' || coalesce (contact_id, 0), '; ') "
                        "FROM (SELECT * FROM orders ORDER BY external_ref)");
  g_assert_cmpstr (rows, ==, "1187 partially_refunded 37800 18900 1709864122 1; "
                             "1188 paid 2550 0 1709953200 2; "
                             "1189 unpaid 19900 0 1710219600 1");
  g_clear_pointer (&rows, g_free);
  rows = query_text (f, "SELECT group_concat (coalesce (sku, '-') || ' ' || quantity || ' ' || unit_price || ' ' || line_total, '; ') "
                        "FROM (SELECT * FROM order_items ORDER BY id)");
  g_assert_cmpstr (rows, ==, "TEA-OOLONG-250 2 18900 37800; - 3 850 2550; TEA-OOLONG-250 1 19900 19900");
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM contacts"), ==, 2);
  g_assert_cmpint (query_int (f, "SELECT CAST (cursor AS INTEGER) FROM sync_cursors WHERE resource = 'orders'"),
                   ==, 1710219600);

  before = checksum (f);
  g_assert_true (siyu_sync_run (f->shop, "wp", credentials, &options, TRUE, NULL, NULL, NULL, &counts, &error));
  g_assert_no_error (error);
  after = checksum (f);
  g_assert_cmpstr (before, ==, after);
}

static void
test_youzan (Fixture      *f,
             gconstpointer data)
{
  g_autoptr(SiyuSyncCredentials) credentials = siyu_sync_credentials_new (NULL, YZ_CLIENT, YZ_SECRET);
  SiyuSyncOptions options = test_options (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *rows = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  SiyuSyncCounts counts;

  add_account (f, "youzan", "yz", "44556677");
  g_assert_true (siyu_sync_run (f->shop, "yz", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.orders.created, ==, 2);
  g_assert_cmpuint (counts.customers.records, ==, 1);
  rows = query_text (f, "SELECT group_concat (external_ref || ' ' || status || ' ' || total_amount || ' ' || refunded_amount "
                        "  || ' ' || created_at, '; ') FROM (SELECT * FROM orders ORDER BY external_ref)");
  g_assert_cmpstr (rows, ==, "E20240308101522047600012 paid 37800 0 1709864122; "
                             "E20240309120000047600013 refunded 8800 8800 1709956800");
  g_clear_pointer (&rows, g_free);
  rows = query_text (f, "SELECT name || ' ' || phone || ' ' || member_since FROM contacts WHERE phone = '+8613800138000'");
  g_assert_cmpstr (rows, ==, "李娜 +8613800138000 1698843600");

  /* The token runs out: one new token, and the sync goes on. */
  emulator_set (f->emulator, (guint *) &f->emulator->expire_token, TRUE);
  before = checksum (f);
  g_assert_true (siyu_sync_run (f->shop, "yz", credentials, &options, TRUE, NULL, NULL, NULL, &counts, &error));
  g_assert_no_error (error);
  after = checksum (f);
  g_assert_cmpstr (before, ==, after);
}

static void
test_rate_limit (Fixture      *f,
                 gconstpointer data)
{
  g_autoptr(SiyuSyncCredentials) credentials = siyu_sync_credentials_new (NULL, WOO_KEY, WOO_SECRET);
  SiyuSyncOptions options = test_options (f);
  g_autoptr(GError) error = NULL;
  SiyuSyncCounts counts;

  add_account (f, "woocommerce", "wp", "https://tea.example.com");
  options.max_attempts = 4;
  emulator_set (f->emulator, &f->emulator->n_429, 2);
  emulator_set (f->emulator, &f->emulator->n_500, 1);
  g_assert_true (siyu_sync_run (f->shop, "wp", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.rate_limit_waits, ==, 2);
  g_assert_cmpuint (counts.retries, ==, 1);
  g_assert_cmpuint (counts.orders.created, ==, 3);
}

static void
test_server_error (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr(SiyuSyncCredentials) credentials = siyu_sync_credentials_new (SHOPIFY_TOKEN, NULL, NULL);
  SiyuSyncOptions options = test_options (f);
  g_autoptr(GError) error = NULL;
  SiyuSyncCounts counts;

  add_account (f, "shopify", "tea", "https://tea-house.myshopify.com");
  emulator_set (f->emulator, (guint *) &f->emulator->always_500, TRUE);
  g_assert_false (siyu_sync_run (f->shop, "tea", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_HTTP);
  g_assert_cmpstr (error->message, ==, "Shopify account “tea”, /admin/api/2024-01/customers/count.json: "
                                       "HTTP 500 after 3 tries: Internal Server Error");
  g_assert_cmpuint (counts.retries, ==, 2);
  g_assert_null (strstr (error->message, SHOPIFY_TOKEN));
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM orders"), ==, 0);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM contacts"), ==, 0);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM sync_cursors"), ==, 0);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM sync_accounts WHERE last_result LIKE '%HTTP 500%'"), ==, 1);
}

static void
test_malformed (Fixture      *f,
                gconstpointer data)
{
  g_autoptr(SiyuSyncCredentials) credentials = siyu_sync_credentials_new (SHOPIFY_TOKEN, NULL, NULL);
  SiyuSyncOptions options = test_options (f);
  g_autoptr(GError) error = NULL;
  SiyuSyncCounts counts;

  add_account (f, "shopify", "tea", "https://tea-house.myshopify.com");
  emulator_set (f->emulator, (guint *) &f->emulator->malformed, TRUE);
  g_assert_false (siyu_sync_run (f->shop, "tea", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "not JSON"));
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM orders"), ==, 0);
}

static void
test_hang (Fixture      *f,
           gconstpointer data)
{
  g_autoptr(SiyuSyncCredentials) credentials = siyu_sync_credentials_new (NULL, WOO_KEY, WOO_SECRET);
  SiyuSyncOptions options = test_options (f);
  g_autoptr(GError) error = NULL;
  SiyuSyncCounts counts;
  gint64 start = g_get_monotonic_time ();

  add_account (f, "woocommerce", "wp", "https://tea.example.com");
  options.timeout_seconds = 1;
  emulator_set (f->emulator, (guint *) &f->emulator->hang, TRUE);
  g_assert_false (siyu_sync_run (f->shop, "wp", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_TIMEOUT);
  g_assert_cmpstr (error->message, ==, "WooCommerce account “wp”, /wp-json/wc/v3/customers: no answer within 1 seconds.");
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
}

static void
cancel_after_page_cb (const SiyuSyncProgress *progress,
                      gpointer                user_data)
{
  if (g_str_equal (progress->resource, "orders") && progress->pages == 1)
    g_cancellable_cancel (user_data);
}

static void
test_resume (Fixture      *f,
             gconstpointer data)
{
  g_autoptr(SiyuSyncCredentials) credentials = siyu_sync_credentials_new (SHOPIFY_TOKEN, NULL, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  SiyuSyncOptions options = test_options (f);
  g_autoptr(GError) error = NULL;
  SiyuSyncCounts counts;

  add_account (f, "shopify", "tea", "https://tea-house.myshopify.com");
  g_assert_false (siyu_sync_run (f->shop, "tea", credentials, &options, FALSE, cancel_after_page_cb, cancellable,
                                 cancellable, &counts, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  /* The first page is stored whole; the orders' cursor has not moved. */
  g_assert_cmpuint (counts.orders.pages, ==, 1);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM orders"), ==, 2);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM sync_cursors WHERE resource = 'orders'"), ==, 0);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM sync_cursors WHERE resource = 'customers'"), ==, 1);

  g_assert_true (siyu_sync_run (f->shop, "tea", credentials, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.orders.created, ==, 1);
  g_assert_cmpuint (counts.orders.unchanged, ==, 2);
  g_assert_cmpint (query_int (f, "SELECT count (*) FROM orders"), ==, 3);
  g_assert_cmpint (query_int (f, "SELECT CAST (cursor AS INTEGER) FROM sync_cursors WHERE resource = 'orders'"),
                   ==, 1710205267);
}

static gboolean
contains (const char *bytes,
          gsize       length,
          const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; i + n <= length; i++)
    if (memcmp (bytes + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

static void
test_credentials_kept_out (Fixture      *f,
                           gconstpointer data)
{
  g_autoptr(SiyuSyncCredentials) wrong = siyu_sync_credentials_new (NULL, "ck_wrong_KEY_999", "cs_wrong_SECRET_999");
  g_autoptr(SiyuSyncCredentials) right = siyu_sync_credentials_new (NULL, WOO_KEY, WOO_SECRET);
  g_autoptr(SiyuSyncCredentials) youzan = siyu_sync_credentials_new (NULL, YZ_CLIENT, "wrong-secret-777");
  SiyuSyncOptions options = test_options (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *bytes = NULL;
  gsize length;
  SiyuSyncCounts counts;

  add_account (f, "woocommerce", "wp", "https://tea.example.com");
  add_account (f, "youzan", "yz", "44556677");
  g_assert_false (siyu_sync_run (f->shop, "wp", wrong, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_AUTH);
  g_assert_cmpstr (error->message, ==, "WooCommerce account “wp”, /wp-json/wc/v3/customers: HTTP 401: "
                                       "Consumer key is invalid. (woocommerce_rest_authentication_error)");
  g_assert_null (strstr (error->message, "ck_wrong"));
  g_clear_error (&error);
  g_assert_false (siyu_sync_run (f->shop, "yz", youzan, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_AUTH);
  g_assert_null (strstr (error->message, "wrong-secret"));
  g_clear_error (&error);
  g_assert_true (siyu_sync_run (f->shop, "wp", right, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_no_error (error);

  /* Plain http is refused outside the test allowance. */
  g_setenv (SIYU_SYNC_ENV_ALLOW_HTTP_LOCALHOST, "0", TRUE);
  g_assert_false (siyu_sync_run (f->shop, "wp", right, &options, FALSE, NULL, NULL, NULL, &counts, &error));
  g_assert_error (error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_INSECURE);
  g_clear_error (&error);
  g_setenv (SIYU_SYNC_ENV_ALLOW_HTTP_LOCALHOST, "1", TRUE);
  g_assert_false (siyu_sync_url_is_allowed ("http://shop.example.com", NULL));
  g_assert_true (siyu_sync_url_is_allowed ("https://shop.example.com", NULL));

  g_clear_object (&f->shop);
  g_assert_true (g_file_get_contents (f->path, &bytes, &length, NULL));
  for (const char *needle = WOO_KEY; needle != NULL; needle = g_str_equal (needle, WOO_KEY) ? WOO_SECRET : NULL)
    g_assert_false (contains (bytes, length, needle));
  g_assert_false (contains (bytes, length, "wrong-secret"));
  g_assert_false (contains (bytes, length, YZ_CLIENT));
  g_assert_false (contains (bytes, length, "yz-token"));
}

static void
test_money (void)
{
  struct { const char *text; int digits; gboolean ok; gint64 amount; } cases[] = {
    { "598.94", 2, TRUE, 59894 }, { "199", 2, TRUE, 19900 }, { "12.5", 2, TRUE, 1250 },
    { "-189.00", 2, TRUE, -18900 }, { "0.10", 2, TRUE, 10 }, { "1.230", 2, TRUE, 123 },
    { "1.234", 2, FALSE, 0 }, { "abc", 2, FALSE, 0 }, { "", 2, FALSE, 0 }, { "100", 0, TRUE, 100 },
    { "99999999999.99", 2, TRUE, G_GINT64_CONSTANT (9999999999999) }, { "1e3", 2, FALSE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 amount = 0;
      gboolean ok = _siyu_sync_parse_money (cases[i].text, cases[i].digits, &amount);

      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        g_assert_cmpint (amount, ==, cases[i].amount);
    }
  g_assert_cmpint (_siyu_sync_parse_time ("2024-03-08T10:15:22+08:00", "Z"), ==, 1709864122);
  g_assert_cmpint (_siyu_sync_parse_time ("2024-03-08T02:15:22", "Z"), ==, 1709864122);
  g_assert_cmpint (_siyu_sync_parse_time ("2024-03-08 10:15:22", "+08:00"), ==, 1709864122);
  g_assert_cmpint (_siyu_sync_parse_time ("", "Z"), ==, 0);
}

static void
test_cli (Fixture      *f,
          gconstpointer data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *creds = g_build_filename (f->dir, "creds.txt", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *tea;

  g_clear_object (&f->shop);
  g_assert_true (g_file_set_contents (creds, "# test\ntoken=" SHOPIFY_TOKEN "\n", -1, NULL));
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "account", "add", "tea", "--db", f->path, "--platform", "shopify",
                                      "--shop-url", "tea-house.myshopify.com", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "account", "test", "tea", "--db", f->path, "--base-url",
                                      f->emulator->url, "--credentials-file", creds, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "The account “tea” works: the platform accepted the credentials.\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "sync", "--db", f->path, "--account", "tea", "--json", "--base-url",
                                      f->emulator->url, "--credentials-file", creds, NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  tea = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "tea");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (tea, "orders"), "created"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (tea, "customers"), "records"), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "account", "list", "--db", f->path, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "tea  shopify  https://tea-house.myshopify.com  last sync: "));
  g_assert_null (strstr (out, SHOPIFY_TOKEN));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "account", "add", "bad", "--db", f->path, "--platform", "shopify",
                                      "--shop-url", "http://tea.example.com", NULL), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "account", "remove", "tea", "--db", f->path, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "sync", "--db", f->path, "--bogus", NULL), ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_setenv (SIYU_SYNC_ENV_ALLOW_HTTP_LOCALHOST, "1", TRUE);
  g_unsetenv (SIYU_SYNC_ENV_TOKEN);
  g_unsetenv (SIYU_SYNC_ENV_KEY);
  g_unsetenv (SIYU_SYNC_ENV_SECRET);

#define ADD(name, func) g_test_add ("/siyu/sync/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  g_test_add_func ("/siyu/sync/money-and-time", test_money);
  ADD ("shopify", test_shopify);
  ADD ("woocommerce", test_woocommerce);
  ADD ("youzan", test_youzan);
  ADD ("rate-limit", test_rate_limit);
  ADD ("server-error", test_server_error);
  ADD ("malformed-json", test_malformed);
  ADD ("hang", test_hang);
  ADD ("resume", test_resume);
  ADD ("credentials-kept-out", test_credentials_kept_out);
  ADD ("cli", test_cli);
#undef ADD

  return g_test_run ();
}
