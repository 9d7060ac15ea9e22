/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-cli"

#include "config.h"

#include <stdio.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "siyu-cli.h"
#include "siyu-recompute.h"
#include "siyu-sync.h"

/* Credentials for a command: a file named on the command line, else the
 * environment (SIYU_SYNC_TOKEN, SIYU_SYNC_KEY, SIYU_SYNC_SECRET), else the
 * system keyring; it says on stderr which it used and for which address. */
static SiyuSyncCredentials *
find_credentials (SiyuShop    *shop,
                  const char  *file,
                  const char  *account,
                  GError     **error)
{
  SiyuSyncCredentials *credentials;
  g_autofree char *shop_url = NULL;
  const char *source;

  shop_url = siyu_sync_account_dup_shop_url (shop, account, error);
  if (shop_url == NULL)
    return NULL;
  if (file != NULL)
    {
      credentials = siyu_sync_credentials_from_file (file, error);
      source = "--credentials-file";
    }
  else if ((credentials = siyu_sync_credentials_from_env ()) != NULL)
    /* Translators: where credentials came from, in “… the credentials from %s, for https://…”. */
    source = _("the environment");
  else
    {
      credentials = siyu_sync_credentials_lookup (shop, account, NULL, error);
      /* Translators: where credentials came from, in “… the credentials from %s, for https://…”. */
      source = _("the system keyring");
    }
  if (credentials != NULL)
    /* Translators: an account's name, where its credentials came from, then its shop's address (or Youzan shop id). */
    g_printerr (_("siyu-cli: account “%s”: the credentials from %s, for %s.\n"), account, source, shop_url);
  else if (error != NULL && g_error_matches (*error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_UNCONFIRMED))
    {
      GError *unconfirmed = *error;
      /* Translators: after “… once you confirm that they belong to https://…”: the account's name, then
       * its address. */
      g_autofree char *hint = g_strdup_printf (_("If they do, run: siyu-cli account confirm “%s” --shop-url %s"),
                                               account, shop_url);
      char *message = g_strconcat (unconfirmed->message, " ", hint, NULL);

      g_free (unconfirmed->message);
      unconfirmed->message = message;
    }

  return credentials;
}

static int
account_list (SiyuShop *shop,
              gboolean  json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = siyu_sync_account_list (shop, &error);
  JsonArray *accounts;

  if (node == NULL)
    return siyu_cli_fail (error);
  if (json)
    {
      siyu_cli_print_json (node);
      return SIYU_CLI_OK;
    }
  accounts = json_node_get_array (node);
  if (json_array_get_length (accounts) == 0)
    {
      g_print ("%s\n", _("This shop has no platform accounts yet."));
      return SIYU_CLI_OK;
    }
  for (guint i = 0; i < json_array_get_length (accounts); i++)
    {
      JsonObject *account = json_array_get_object_element (accounts, i);
      JsonNode *last = json_object_get_member (account, "last_sync_at");
      g_autofree char *when = NULL;

      if (last != NULL && !JSON_NODE_HOLDS_NULL (last))
        {
          g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (json_node_get_int (last));
          g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, siyu_shop_get_time_zone (shop));

          when = g_date_time_format (local, "%Y-%m-%d %H:%M");
        }
      /* Translators: an account's name, platform, shop address, and when it was last synced. */
      g_print (_("%s  %s  %s  last sync: %s\n"), json_object_get_string_member (account, "name"),
               json_object_get_string_member (account, "platform"),
               json_object_get_string_member (account, "shop_url"), when != NULL ? when : _("never"));
    }

  return SIYU_CLI_OK;
}

int
siyu_cli_account (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *platform = NULL;
  g_autofree char *shop_url = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *credentials_file = NULL;
  gboolean json = FALSE, keyring = FALSE;
  int timeout = 0;
  const char *action;
  int rc;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The shop file"), N_("FILE") },
    { "platform", 0, 0, G_OPTION_ARG_STRING, &platform, N_("For add: shopify, woocommerce or youzan"), N_("PLATFORM") },
    { "shop-url", 0, 0, G_OPTION_ARG_STRING, &shop_url, N_("For add and confirm: the shop’s https address, or the shop id (kdt_id) for Youzan"), N_("URL") },
    { "keyring", 0, 0, G_OPTION_ARG_NONE, &keyring, N_("For add: store the credentials from --credentials-file or the environment in the system keyring; for remove: delete them from it"), NULL },
    { "credentials-file", 0, 0, G_OPTION_ARG_FILENAME, &credentials_file, N_("Read the credentials from a file of token=, key= and secret= lines"), N_("FILE") },
    { "base-url", 0, 0, G_OPTION_ARG_STRING, &base_url, N_("For test: talk to this address instead of the platform’s (for emulators)"), N_("URL") },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, N_("For test: give up on a request after this many seconds (default 30)"), N_("SECONDS") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  context = siyu_cli_option_context ("account", _("list | add NAME | remove NAME | test NAME | confirm NAME"),
                                     _("List, add or remove the shop platform accounts a shop syncs with, or test "
                                       "an account’s connection. The shop file keeps the platform, the name and the "
                                       "shop’s address, never credentials: those come from --credentials-file, from "
                                       "SIYU_SYNC_TOKEN (Shopify) or SIYU_SYNC_KEY and SIYU_SYNC_SECRET (WooCommerce, "
                                       "Youzan), or from the system keyring, where they are tied to the shop’s "
                                       "address. “confirm NAME --shop-url URL” ties credentials an earlier Siyu "
                                       "saved by the account’s name alone to its shop, when URL is the address the "
                                       "account points at."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((rc = siyu_cli_parse (context, &argc, &argv)) != SIYU_CLI_OK)
    return rc;
  if (argc < 2)
    return siyu_cli_usage_error ("account", _("say what to do: list, add, remove or test"));
  action = argv[1];
  if (!g_strv_contains ((const char * const[]) { "list", "add", "remove", "test", "confirm", NULL }, action))
    return siyu_cli_usage_error ("account", _("“%s” is not list, add, remove, test or confirm"), action);
  if (g_str_equal (action, "list") ? argc != 2 : argc != 3)
    return siyu_cli_usage_error ("account", g_str_equal (action, "list") ? _("list takes no argument")
                                                                         : _("%s takes the name of one account"), action);
  if (g_str_equal (action, "add") && (platform == NULL || shop_url == NULL))
    return siyu_cli_usage_error ("account", _("add needs --platform and --shop-url"));
  if (g_str_equal (action, "confirm") && shop_url == NULL)
    return siyu_cli_usage_error ("account", _("confirm needs --shop-url: the address the credentials belong to"));
  if (timeout < 0)
    return siyu_cli_usage_error ("account", _("--timeout must be a number of seconds"));

  shop = siyu_cli_open_shop ("account", db, &rc);
  if (shop == NULL)
    return rc;

  if (g_str_equal (action, "list"))
    return account_list (shop, json);

  if (g_str_equal (action, "add"))
    {
      g_autoptr(SiyuSyncCredentials) credentials = NULL;

      if (keyring)
        {
          credentials = credentials_file != NULL ? siyu_sync_credentials_from_file (credentials_file, &error)
                                                 : siyu_sync_credentials_from_env ();
          if (credentials == NULL && error == NULL)
            g_set_error_literal (&error, SIYU_SYNC_ERROR, SIYU_SYNC_ERROR_NO_CREDENTIALS,
                                 _("--keyring needs --credentials-file or the SIYU_SYNC_ variables."));
          if (credentials == NULL || !siyu_sync_credentials_check (credentials, platform, &error))
            return siyu_cli_fail (error);
        }
      if (siyu_sync_account_add (shop, platform, argv[2], shop_url, &error) < 0)
        return siyu_cli_fail (error);
      if (credentials != NULL &&
          !siyu_sync_credentials_store (shop, credentials, argv[2], NULL, &error))
        {
          g_autoptr(GError) undo_error = NULL;

          siyu_sync_account_remove (shop, argv[2], &undo_error);
          return siyu_cli_fail (error);
        }
      /* Translators: %s is an account's name. */
      g_print (_("Added the account “%s”.\n"), argv[2]);
      return SIYU_CLI_OK;
    }

  if (g_str_equal (action, "remove"))
    {
      /* The keyring's entry is found through the account: first. */
      if (keyring && !siyu_sync_credentials_clear (shop, argv[2], NULL, &error))
        return siyu_cli_fail (error);
      if (!siyu_sync_account_remove (shop, argv[2], &error))
        return siyu_cli_fail (error);
      /* Translators: %s is an account's name. */
      g_print (_("Removed the account “%s”; what it synced stays in the shop.\n"), argv[2]);
      return SIYU_CLI_OK;
    }

  if (g_str_equal (action, "confirm"))
    {
      if (!siyu_sync_credentials_confirm (shop, argv[2], shop_url, NULL, &error))
        return siyu_cli_fail (error);
      /* Translators: an account's name, then its shop's address. */
      g_print (_("The credentials of “%s” are now tied to %s.\n"), argv[2], shop_url);
      return SIYU_CLI_OK;
    }

  /* test */
  {
    g_autoptr(SiyuSyncCredentials) credentials = NULL;
    SiyuSyncOptions options = { 0, };

    credentials = find_credentials (shop, credentials_file, argv[2], &error);
    if (credentials == NULL)
      return siyu_cli_fail (error);
    options.base_url = base_url;
    options.timeout_seconds = (guint) timeout;
    if (!siyu_sync_test_connection (shop, argv[2], credentials, &options, NULL, &error))
      return siyu_cli_fail (error);
    /* Translators: %s is an account's name. */
    g_print (_("The account “%s” works: the platform accepted the credentials.\n"), argv[2]);
    return SIYU_CLI_OK;
  }
}

static void
progress_cb (const SiyuSyncProgress *progress,
             gpointer                user_data)
{
  if (!isatty (STDERR_FILENO))
    return;
  fputc ('\r', stderr);
  if (progress->eta_seconds >= 0)
    /* Translators: a resource (orders, customers), pages, records so far, the total and seconds left. */
    fprintf (stderr, _("%s: page %u, %u of %lld, about %lld s left"), progress->resource, progress->pages,
             progress->records, (long long) progress->total_records, (long long) progress->eta_seconds);
  else
    /* Translators: a resource (orders, customers), pages and records so far. */
    fprintf (stderr, _("%s: page %u, %u records"), progress->resource, progress->pages, progress->records);
  fputs ("\033[K", stderr);
  fflush (stderr);
}

/* What the owner should look at after a sync or a retry. */
static void
print_looks (const SiyuSyncCounts *counts)
{
  if (counts->rejected > 0)
    /* Translators: records a sync could not store as they came. */
    g_print (g_dngettext (NULL, "  %u record needs a look: siyu-cli sync rejects\n",
                          "  %u records need a look: siyu-cli sync rejects\n", counts->rejected),
             counts->rejected);
  if (counts->possible_duplicates > 0)
    g_print (g_dngettext (NULL, "  %u pair of contacts may be one person: siyu-cli duplicates\n",
                          "  %u pairs of contacts may be one person each: siyu-cli duplicates\n",
                          counts->possible_duplicates),
             counts->possible_duplicates);
  if (counts->phones_as_written > 0)
    g_print (g_dngettext (NULL, "  %u phone number could not be read and is kept as written\n",
                          "  %u phone numbers could not be read and are kept as written\n",
                          counts->phones_as_written),
             counts->phones_as_written);
  if (counts->encrypted > 0)
    g_print (g_dngettext (NULL, "  %u value came encrypted and is kept unread\n",
                          "  %u values came encrypted and are kept unread\n", counts->encrypted),
             counts->encrypted);
}

/* sync rejects [list | retry]: the records syncs kept among the rejects. */
static int
sync_rejects (SiyuShop   *shop,
              const char *action,
              const char *account,
              gboolean    json,
              gboolean    no_recompute)
{
  g_autoptr(GError) error = NULL;

  if (g_str_equal (action, "retry"))
    {
      SiyuSyncCounts counts;

      if (!siyu_sync_rejects_retry (shop, account, &counts, &error))
        return siyu_cli_fail (error);
      if (json)
        {
          g_autoptr(JsonNode) node = siyu_sync_counts_to_json (&counts);
          siyu_cli_print_json (node);
        }
      else
        {
          guint tried = counts.orders.records + counts.customers.records;

          /* Translators: records tried again, then how many of them were stored. */
          g_print (g_dngettext (NULL, "Tried %u record again: %u stored.\n", "Tried %u records again: %u stored.\n",
                                tried),
                   tried, tried - counts.rejected);
          print_looks (&counts);
        }
      if (counts.orders.created + counts.orders.updated + counts.contacts_created > 0 && !no_recompute &&
          !siyu_recompute (shop, siyu_shop_get_today (shop), NULL, NULL, NULL, NULL, &error))
        {
          siyu_cli_figures_not_counted (error);
          return SIYU_CLI_REFUSED;
        }
      return SIYU_CLI_OK;
    }

  {
    g_autoptr(GPtrArray) rejects = siyu_sync_rejects_read (shop, account, &error);

    if (rejects == NULL)
      return siyu_cli_fail (error);
    if (json)
      {
        g_autoptr(JsonNode) node = siyu_sync_rejects_to_json (rejects);
        siyu_cli_print_json (node);
        return SIYU_CLI_OK;
      }
    if (rejects->len == 0)
      g_print ("%s\n", _("No record needs a look."));
    for (guint i = 0; i < rejects->len; i++)
      {
        SiyuSyncReject *reject = g_ptr_array_index (rejects, i);

        /* Translators: an account, "orders" or "customers", the platform's id of a record, then why it was
         * not stored. */
        g_print (_("%s  %s %s  %s"), reject->account, reject->resource, reject->platform_id, reject->reason);
        if (reject->order_id > 0)
          /* Translators: after a rejected record, when its order was stored without its customer. */
          g_print (_(" (its order is kept, anonymous)"));
        g_print ("\n");
      }
  }

  return SIYU_CLI_OK;
}

static void
print_counts (const char           *account,
              const SiyuSyncCounts *counts)
{
  /* Translators: %s is an account's name. */
  g_print (_("%s:\n"), account);
  /* Translators: records seen on the platform, then what they did to the shop. */
  g_print (_("  customers: %u records in %u pages, %u new\n"), counts->customers.records, counts->customers.pages,
           counts->customers.created);
  g_print (_("  orders: %u records in %u pages, %u new, %u updated, %u unchanged\n"), counts->orders.records,
           counts->orders.pages, counts->orders.created, counts->orders.updated, counts->orders.unchanged);
  g_print (_("  new contacts: %u, new refunds: %u, rate-limit waits: %u, retries: %u\n"), counts->contacts_created,
           counts->refunds_created, counts->rate_limit_waits, counts->retries);
  if (counts->foreign_currency > 0)
    g_print (g_dngettext (NULL, "  %u order is in another currency than the shop’s: kept with its currency, "
                                "left out of the figures\n",
                          "  %u orders are in another currency than the shop’s: kept with their currency, "
                          "left out of the figures\n", counts->foreign_currency),
             counts->foreign_currency);
  print_looks (counts);
  if (counts->erased_kept > 0)
    g_print (g_dngettext (NULL, "  %u record of erased people kept anonymous\n",
                          "  %u records of erased people kept anonymous\n", counts->erased_kept),
             counts->erased_kept);
}

int
siyu_cli_sync (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *db = NULL;
  g_autofree char *account = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *credentials_file = NULL;
  gboolean json = FALSE, full = FALSE, no_recompute = FALSE, changed = FALSE;
  int timeout = 0;
  int rc, result = SIYU_CLI_OK;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The shop file"), N_("FILE") },
    { "account", 0, 0, G_OPTION_ARG_STRING, &account, N_("Sync this account only (default: every account)"), N_("NAME") },
    { "full", 0, 0, G_OPTION_ARG_NONE, &full, N_("Walk everything, not only what changed since the last sync"), NULL },
    { "credentials-file", 0, 0, G_OPTION_ARG_FILENAME, &credentials_file, N_("Read the credentials from a file of token=, key= and secret= lines"), N_("FILE") },
    { "base-url", 0, 0, G_OPTION_ARG_STRING, &base_url, N_("Talk to this address instead of the platform’s (for emulators)"), N_("URL") },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, N_("Give up on a request after this many seconds (default 30)"), N_("SECONDS") },
    { "no-recompute", 0, 0, G_OPTION_ARG_NONE, &no_recompute, N_("Do not recompute the shop’s figures after the sync"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the counts as JSON"), NULL },
    { NULL }
  };

  context = siyu_cli_option_context ("sync", _("[rejects [list | retry]]"),
                                     _("Sync customers and orders from the shop platform accounts. Only what "
                                       "changed since the last sync is asked for, unless --full; syncing again "
                                       "changes nothing already stored. Each page is stored whole or not at all; "
                                       "a record that cannot be stored as it came is kept among the rejects with "
                                       "why, and the rest goes on. “sync rejects” lists them, “sync rejects retry” "
                                       "stores them again as they read now (after changing the phone region, say), "
                                       "without asking the platforms. Credentials come from --credentials-file, "
                                       "from SIYU_SYNC_TOKEN or SIYU_SYNC_KEY and SIYU_SYNC_SECRET, or from the "
                                       "system keyring."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((rc = siyu_cli_parse (context, &argc, &argv)) != SIYU_CLI_OK)
    return rc;
  if (argc > 1 && g_str_equal (argv[1], "rejects"))
    {
      const char *action = argc > 2 ? argv[2] : "list";

      if (argc > 3 || !g_strv_contains ((const char * const[]) { "list", "retry", NULL }, action))
        return siyu_cli_usage_error ("sync", _("rejects takes list or retry"));
      if (full || base_url != NULL || credentials_file != NULL || timeout != 0)
        return siyu_cli_usage_error ("sync", _("rejects asks no platform: --full, --base-url, --credentials-file "
                                               "and --timeout are for a sync"));
      shop = siyu_cli_open_shop ("sync", db, &rc);
      if (shop == NULL)
        return rc;
      return sync_rejects (shop, action, account, json, no_recompute);
    }
  if (argc > 1)
    return siyu_cli_usage_error ("sync", _("unexpected argument “%s”"), argv[1]);
  if (timeout < 0)
    return siyu_cli_usage_error ("sync", _("--timeout must be a number of seconds"));

  shop = siyu_cli_open_shop ("sync", db, &rc);
  if (shop == NULL)
    return rc;

  if (account != NULL)
    g_ptr_array_add (names, g_strdup (account));
  else
    {
      g_autoptr(JsonNode) list = siyu_sync_account_list (shop, &error);

      if (list == NULL)
        return siyu_cli_fail (error);
      for (guint i = 0; i < json_array_get_length (json_node_get_array (list)); i++)
        g_ptr_array_add (names, g_strdup (json_object_get_string_member (
                           json_array_get_object_element (json_node_get_array (list), i), "name")));
      if (names->len == 0)
        {
          g_printerr ("%s\n", _("siyu-cli: this shop has no platform accounts; add one with “siyu-cli account add”."));
          return SIYU_CLI_REFUSED;
        }
    }

  json_builder_begin_object (builder);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autoptr(SiyuSyncCredentials) credentials = NULL;
      SiyuSyncOptions options = { 0, };
      SiyuSyncCounts counts;

      memset (&counts, 0, sizeof counts);
      credentials = find_credentials (shop, credentials_file, name, &error);
      options.base_url = base_url;
      options.timeout_seconds = (guint) timeout;
      if (credentials != NULL &&
          siyu_sync_run (shop, name, credentials, &options, full, progress_cb, NULL, NULL, &counts, &error))
        {
          if (isatty (STDERR_FILENO))
            fputs ("\r\033[K", stderr);
          if (json)
            {
              json_builder_set_member_name (builder, name);
              json_builder_add_value (builder, siyu_sync_counts_to_json (&counts));
            }
          else
            print_counts (name, &counts);
        }
      else
        {
          if (isatty (STDERR_FILENO))
            fputs ("\r\033[K", stderr);
          g_printerr ("siyu-cli: %s\n", error->message);
          if (json)
            {
              json_builder_set_member_name (builder, name);
              json_builder_begin_object (builder);
              json_builder_set_member_name (builder, "error");
              json_builder_add_string_value (builder, error->message);
              json_builder_end_object (builder);
            }
          g_clear_error (&error);
          result = SIYU_CLI_REFUSED;
        }
      if (counts.orders.created + counts.orders.updated + counts.customers.created + counts.refunds_created > 0)
        changed = TRUE;
    }
  json_builder_end_object (builder);
  if (json)
    {
      g_autoptr(JsonNode) root = json_builder_get_root (builder);
      siyu_cli_print_json (root);
    }

  /* A sync killed after it stored pages and before it counted them left
   * the figures out of date: counted now, even when nothing new came. */
  if (!changed)
    {
      gboolean stale = FALSE;

      if (siyu_shop_figures_are_stale (shop, &stale, NULL) && stale)
        changed = TRUE;
    }

  if (changed && !no_recompute)
    {
      g_autoptr(GError) recompute_error = NULL;

      if (!siyu_recompute (shop, siyu_shop_get_today (shop), siyu_cli_progress,
                           (gpointer) _("Computing"), NULL, NULL, &recompute_error))
        {
          /* The records stay stored: only the count is missing. */
          siyu_cli_figures_not_counted (recompute_error);
          return SIYU_CLI_REFUSED;
        }
      siyu_cli_progress_done ();
    }

  return result;
}
