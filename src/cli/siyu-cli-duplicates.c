/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "siyu-cli.h"
#include "siyu-duplicates.h"

static gboolean
parse_id (const char *text,
          gint64     *id)
{
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    return FALSE;
  *id = (gint64) value;
  return TRUE;
}

static const char *
reason_label (const char *reason)
{
  if (g_strcmp0 (reason, "phone") == 0)
    /* Translators: what two contacts that may be one person share. */
    return _("the same phone");
  if (g_strcmp0 (reason, "email") == 0)
    return _("the same e-mail");
  if (g_strcmp0 (reason, "wechat") == 0)
    return _("the same WeChat id");
  return _("the same platform customer");
}

static char *
describe (gint64      id,
          const char *name,
          const char *phone,
          const char *email)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "%" G_GINT64_FORMAT " %s", id, name != NULL ? name : _("(no name)"));
  if (phone != NULL)
    g_string_append_printf (out, ", %s", phone);
  if (email != NULL)
    g_string_append_printf (out, ", %s", email);
  return g_string_free (out, FALSE);
}

int
siyu_cli_duplicates (int    argc,
                     char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  gboolean json = FALSE;
  const char *action;
  gint64 a = 0, b = 0;
  int rc;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The shop file"), N_("FILE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  context = siyu_cli_option_context ("duplicates", _("[list | keep-apart ID OTHER-ID]"),
                                     _("List the pairs of contacts that may be one person: a sync kept them apart "
                                       "because their platform customer ids or e-mails differ although they share a "
                                       "phone. Merge a pair with “siyu-cli contact merge KEEP OTHER”, or say the two "
                                       "are different people with keep-apart; either way it leaves the list."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((rc = siyu_cli_parse (context, &argc, &argv)) != SIYU_CLI_OK)
    return rc;
  action = argc > 1 ? argv[1] : "list";
  if (g_str_equal (action, "list") && argc > 2)
    return siyu_cli_usage_error ("duplicates", _("unexpected argument “%s”"), argv[2]);
  if (g_str_equal (action, "keep-apart") && (argc != 4 || !parse_id (argv[2], &a) || !parse_id (argv[3], &b)))
    return siyu_cli_usage_error ("duplicates", _("keep-apart takes the ids of the two contacts"));
  if (!g_str_equal (action, "list") && !g_str_equal (action, "keep-apart"))
    return siyu_cli_usage_error ("duplicates", _("“%s” is not list or keep-apart"), action);

  shop = siyu_cli_open_shop ("duplicates", db, &rc);
  if (shop == NULL)
    return rc;

  if (g_str_equal (action, "keep-apart"))
    {
      if (!siyu_duplicates_keep_apart (shop, a, b, &error))
        return siyu_cli_fail (error);
      /* Translators: two contact ids. */
      g_print (_("Contacts %s and %s are kept apart as two people.\n"), argv[2], argv[3]);
      return SIYU_CLI_OK;
    }

  {
    g_autoptr(GPtrArray) pairs = siyu_duplicates_list (shop, &error);

    if (pairs == NULL)
      return siyu_cli_fail (error);
    if (json)
      {
        g_autoptr(JsonNode) node = siyu_duplicates_to_json (pairs);
        siyu_cli_print_json (node);
        return SIYU_CLI_OK;
      }
    if (pairs->len == 0)
      g_print ("%s\n", _("No contacts wait to be told apart or merged."));
    for (guint i = 0; i < pairs->len; i++)
      {
        SiyuDuplicate *pair = g_ptr_array_index (pairs, i);
        g_autofree char *one = describe (pair->contact_id, pair->name, pair->phone, pair->email);
        g_autofree char *other = describe (pair->other_id, pair->other_name, pair->other_phone, pair->other_email);

        /* Translators: two contacts, then what they share. */
        g_print (_("%s  and  %s: %s\n"), one, other, reason_label (pair->reason));
      }
  }

  return SIYU_CLI_OK;
}
