/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "siyu-cli.h"
#include "siyu-contacts.h"
#include "siyu-phone.h"
#include "siyu-time.h"
#include "siyu-tombstones.h"

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

static void
print_value (const char *label,
             JsonObject *object,
             const char *member)
{
  g_autofree char *padded = siyu_cli_pad (label, 16);
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return;

  if (json_node_get_value_type (node) == G_TYPE_STRING)
    g_print ("  %s %s\n", padded, json_node_get_string (node));
  else
    g_print ("  %s %" G_GINT64_FORMAT "\n", padded, json_node_get_int (node));
}

static int
contact_show (SiyuShop *shop,
              gint64    id,
              gboolean  json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = siyu_contact_describe (shop, id, &error);
  JsonObject *object, *contact;
  JsonArray *array;

  if (node == NULL)
    return siyu_cli_fail (error);

  if (json)
    {
      siyu_cli_print_json (node);
      return SIYU_CLI_OK;
    }

  object = json_node_get_object (node);
  contact = json_object_get_object_member (object, "contact");
  g_print ("%s %" G_GINT64_FORMAT "\n", _("Contact"), id);
  print_value (_("Name:"), contact, "name");
  print_value (_("Phone:"), contact, "phone");
  print_value (_("E-mail:"), contact, "email");
  print_value (_("WeChat id:"), contact, "wechat_id");
  print_value (_("City:"), contact, "city");
  print_value (_("Birthday:"), contact, "birthday");
  print_value (_("Notes:"), contact, "notes");
  {
    SiyuConsent consent = SIYU_CONSENT_UNKNOWN;
    const char *source = json_object_get_string_member_with_default (contact, "consent_source", NULL);
    gint64 at = json_object_get_int_member_with_default (contact, "consent_at", 0);
    g_autofree char *day = at > 0 ? siyu_day_format (siyu_shop_day_of (shop, at)) : NULL;

    siyu_consent_from_string (json_object_get_string_member_with_default (contact, "consent", NULL), &consent);
    if (source != NULL && day != NULL)
      g_print ("  %s %s (%s, %s)\n", _("Consent:"), siyu_consent_get_label (consent), siyu_consent_source_label (source),
               day);
    else if (source != NULL || day != NULL)
      g_print ("  %s %s (%s)\n", _("Consent:"), siyu_consent_get_label (consent),
               source != NULL ? siyu_consent_source_label (source) : day);
    else
      g_print ("  %s %s\n", _("Consent:"), siyu_consent_get_label (consent));
  }
  g_print ("  %s %s\n", _("Do not contact:"), json_object_get_int_member (contact, "do_not_contact") ? _("yes") : _("no"));

  array = json_object_get_array_member (object, "identities");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *identity = json_array_get_object_element (array, i);

      g_print ("  %s %s %s\n", _("Identity:"), json_object_get_string_member (identity, "kind"),
               json_object_get_string_member (identity, "value"));
    }

  array = json_object_get_array_member (object, "tags");
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_print ("  %s %s\n", _("Tag:"), json_array_get_string_element (array, i));

  array = json_object_get_array_member (object, "groups");
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_print ("  %s %s\n", _("Group:"), json_object_get_string_member (json_array_get_object_element (array, i), "group"));

  array = json_object_get_array_member (object, "orders");
  g_print ("  %s %u\n", _("Latest orders:"), json_array_get_length (array));

  return SIYU_CLI_OK;
}

/* All the changes are made together, or none is. */
static int
contact_edit (SiyuShop  *shop,
              gint64     id,
              char     **assignments)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pieces = NULL;
  g_autofree SiyuContactField *fields = NULL;
  g_autofree const char **values = NULL;
  guint n;

  if (assignments == NULL)
    return siyu_cli_usage_error ("contact", _("nothing to change: give --set FIELD=VALUE"));

  for (guint i = 0; assignments[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (assignments[i], "=", 2);
      SiyuContactField field;

      if (parts[1] == NULL || !siyu_contact_field_from_string (parts[0], &field))
        return siyu_cli_usage_error ("contact", _("“%s” is not FIELD=VALUE with a field of name, phone, email, wechat_id, city, birthday, notes, consent (given, refused or unknown) or do_not_contact"),
                                     assignments[i]);
    }

  n = g_strv_length (assignments);
  fields = g_new (SiyuContactField, n);
  values = g_new (const char *, n);
  pieces = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  for (guint i = 0; i < n; i++)
    {
      char **part = g_strsplit (assignments[i], "=", 2);

      g_ptr_array_add (pieces, part);
      siyu_contact_field_from_string (part[0], &fields[i]);
      values[i] = part[1];
    }

  if (!siyu_contact_set_fields (shop, id, fields, values, n, &error))
    return siyu_cli_fail (error);

  return SIYU_CLI_OK;
}

static int
contact_search (SiyuShop   *shop,
                const char *text,
                gboolean    json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = siyu_contacts_search (shop, text, 200, &error);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) found = NULL;

  if (ids == NULL)
    return siyu_cli_fail (error);

  found = siyu_contacts_get_basics (shop, (const gint64 *) (gpointer) ids->data, ids->len, &error);
  if (found == NULL)
    return siyu_cli_fail (error);

  json_builder_begin_array (builder);
  for (guint i = 0; i < found->len; i++)
    {
      const SiyuContactBasics *contact = g_ptr_array_index (found, i);
      g_autofree char *masked = NULL;

      if (contact == NULL)
        continue;

      masked = siyu_phone_mask (contact->phone);
      if (json)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_int_value (builder, contact->id);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, contact->name);
          json_builder_set_member_name (builder, "phone");
          json_builder_add_string_value (builder, masked);
          json_builder_end_object (builder);
        }
      else
        g_print ("%" G_GINT64_FORMAT "\t%s\t%s\n", contact->id, contact->name != NULL ? contact->name : "—",
                 masked != NULL ? masked : "—");
    }
  json_builder_end_array (builder);

  if (json)
    {
      g_autoptr(JsonNode) root = json_builder_get_root (builder);
      siyu_cli_print_json (root);
    }

  return SIYU_CLI_OK;
}

/* Lets an erased person come back, from one of their values: the owner
 * knows it, Siyu only its keyed hash. */
static int
contact_unerase (SiyuShop   *shop,
                 const char *kind,
                 const char *value,
                 gboolean    yes)
{
  g_autoptr(GError) error = NULL;
  gint64 erased_at = 0;
  gint64 erasure;
  int lifted;

  erasure = siyu_tombstones_lookup (shop, kind, value, &erased_at, &error);
  if (erasure < 0)
    return siyu_cli_fail (error);
  if (erasure == 0)
    {
      g_printerr (_("siyu-cli: nobody erased from this shop has that %s.\n"),
                  g_str_equal (kind, "phone") ? _("phone number") :
                  g_str_equal (kind, "email") ? _("e-mail address") :
                  g_str_equal (kind, "wechat") ? _("WeChat id") : _("customer id"));
      return SIYU_CLI_REFUSED;
    }

  if (!yes)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (erased_at);
      g_autoptr(GDateTime) local = g_date_time_to_timezone (when, siyu_shop_get_time_zone (shop));
      g_autofree char *day = g_date_time_format (local, "%Y-%m-%d");

      /* Translators: %s is a date. */
      g_print (_("This belongs to a person erased on %s: imports and syncs keep them anonymous.\n"
                 "If they came back and agreed to be known again, add --yes to let them back.\n"), day);
      return SIYU_CLI_OK;
    }

  lifted = siyu_tombstones_lift (shop, kind, value, &error);
  if (lifted < 0)
    return siyu_cli_fail (error);
  g_print (g_dngettext (GETTEXT_PACKAGE,
                        "Let the person back (%d identity): the next import or sync that carries them makes a contact again.\n",
                        "Let the person back (%d identities): the next import or sync that carries them makes a contact again.\n",
                        lifted),
           lifted);

  return SIYU_CLI_OK;
}

int
siyu_cli_contact (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_auto(GStrv) assignments = NULL;
  g_auto(GStrv) take = NULL;
  g_autofree char *phone = NULL;
  g_autofree char *email = NULL;
  g_autofree char *wechat = NULL;
  g_autofree char *customer_id = NULL;
  g_autofree char *platform = NULL;
  gboolean json = FALSE;
  gboolean yes = FALSE;
  gboolean from_backups = FALSE;
  const char *verb;
  gint64 id = 0, other = 0;
  int rc;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The shop file"), N_("FILE") },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &assignments, N_("With edit: a field and its new value; repeat for several"), N_("FIELD=VALUE") },
    { "take", 0, 0, G_OPTION_ARG_STRING_ARRAY, &take, N_("With merge: a field whose value comes from the merged contact"), N_("FIELD") },
    { "yes", 0, 0, G_OPTION_ARG_NONE, &yes, N_("With delete: really erase the person; with unerase: really let them back"), NULL },
    { "from-backups", 0, 0, G_OPTION_ARG_NONE, &from_backups, N_("With delete: also delete the backups that still hold the person"), NULL },
    { "phone", 0, 0, G_OPTION_ARG_STRING, &phone, N_("With unerase: the erased person’s phone number"), N_("PHONE") },
    { "email", 0, 0, G_OPTION_ARG_STRING, &email, N_("With unerase: the erased person’s e-mail address"), N_("EMAIL") },
    { "wechat", 0, 0, G_OPTION_ARG_STRING, &wechat, N_("With unerase: the erased person’s WeChat id"), N_("ID") },
    { "customer-id", 0, 0, G_OPTION_ARG_STRING, &customer_id, N_("With unerase: the erased person’s customer id on a platform (with --platform)"), N_("ID") },
    { "platform", 0, 0, G_OPTION_ARG_STRING, &platform, N_("With --customer-id: shopify, woocommerce, youzan, or import:SOURCE"), N_("PLATFORM") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  context = siyu_cli_option_context ("contact", N_("show|edit|merge|delete|unerase|search …"),
                                     _("Look a contact up and change them:\n"
                                       "  contact show ID            everything Siyu keeps about them\n"
                                       "  contact search TEXT        find by name, phone digits, e-mail or WeChat id\n"
                                       "  contact edit ID --set phone=13800138000 --set consent=given --set do_not_contact=yes\n"
                                       "  contact merge KEEP OTHER [--take name]   one person recorded twice\n"
                                       "  contact delete ID --yes    erase the person; their orders stay, anonymous,\n"
                                       "                             and imports and syncs do not bring them back;\n"
                                       "                             --from-backups deletes the backups that hold them\n"
                                       "  contact unerase --phone 13800138000 --yes   an erased person came back and\n"
                                       "                             agreed: let imports and syncs bring them back"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((rc = siyu_cli_parse (context, &argc, &argv)) != SIYU_CLI_OK)
    return rc;
  if (argc >= 2 && g_str_equal (argv[1], "unerase"))
    {
      const char *kind = NULL, *value = NULL;
      guint given = (phone != NULL) + (email != NULL) + (wechat != NULL) + (customer_id != NULL);

      if (argc != 2)
        return siyu_cli_usage_error ("contact", _("unexpected argument “%s”"), argv[2]);
      if (given != 1)
        return siyu_cli_usage_error ("contact", _("unerase takes one of --phone, --email, --wechat or --customer-id"));
      if (phone != NULL)
        kind = "phone", value = phone;
      else if (email != NULL)
        kind = "email", value = email;
      else if (wechat != NULL)
        kind = "wechat", value = wechat;
      else
        {
          if (platform == NULL || (!g_str_equal (platform, "shopify") && !g_str_equal (platform, "woocommerce") &&
                                   !g_str_equal (platform, "youzan") && !g_str_has_prefix (platform, "import:")))
            return siyu_cli_usage_error ("contact", _("--customer-id needs --platform shopify, woocommerce, youzan or import:SOURCE"));
          kind = platform, value = customer_id;
        }

      shop = siyu_cli_open_shop ("contact", db, &rc);
      if (shop == NULL)
        return rc;
      return contact_unerase (shop, kind, value, yes);
    }
  if (argc < 3)
    return siyu_cli_usage_error ("contact", _("say what to do: show, search, edit, merge, delete or unerase"));

  verb = argv[1];
  if (g_str_equal (verb, "search"))
    {
      if (argc != 3)
        return siyu_cli_usage_error ("contact", _("search takes one text; quote it if it has spaces"));
    }
  else if (!parse_id (argv[2], &id))
    return siyu_cli_usage_error ("contact", _("“%s” is not a contact id"), argv[2]);
  else if (g_str_equal (verb, "merge") && (argc != 4 || !parse_id (argv[3], &other)))
    return siyu_cli_usage_error ("contact", _("merge takes two contact ids: the one to keep, then the other"));
  else if (!g_str_equal (verb, "merge") && argc != 3)
    return siyu_cli_usage_error ("contact", _("unexpected argument “%s”"), argv[3]);

  if (g_str_equal (verb, "delete") && !yes)
    return siyu_cli_usage_error ("contact", _("erasing a person cannot be undone: add --yes to do it"));

  if (!g_str_equal (verb, "show") && !g_str_equal (verb, "search") && !g_str_equal (verb, "edit") &&
      !g_str_equal (verb, "merge") && !g_str_equal (verb, "delete"))
    return siyu_cli_usage_error ("contact", _("“%s” is not one of show, search, edit, merge, delete or unerase"), verb);

  /* What show and search print includes the contact's figures. */
  shop = g_str_equal (verb, "show") || g_str_equal (verb, "search")
         ? siyu_cli_open_shop_counted ("contact", db, &rc)
         : siyu_cli_open_shop ("contact", db, &rc);
  if (shop == NULL)
    return rc;

  if (g_str_equal (verb, "show"))
    return contact_show (shop, id, json);
  if (g_str_equal (verb, "search"))
    return contact_search (shop, argv[2], json);
  if (g_str_equal (verb, "edit"))
    return contact_edit (shop, id, assignments);

  if (g_str_equal (verb, "merge"))
    {
      g_autoptr(GArray) fields = g_array_new (FALSE, FALSE, sizeof (SiyuContactField));
      g_autoptr(JsonNode) undo = NULL;

      for (guint i = 0; take != NULL && take[i] != NULL; i++)
        {
          SiyuContactField field;

          if (!siyu_contact_field_from_string (take[i], &field))
            return siyu_cli_usage_error ("contact", _("“%s” is not a field"), take[i]);
          g_array_append_val (fields, field);
        }

      undo = siyu_contact_merge (shop, id, other, (SiyuContactField *) fields->data, fields->len, &error);
      if (undo == NULL)
        return siyu_cli_fail (error);
      return SIYU_CLI_OK;
    }

  if (from_backups)
    {
      guint removed;

      if (!siyu_contact_erase_from_backups (shop, id, &removed, &error))
        return siyu_cli_fail (error);
      g_print (g_dngettext (GETTEXT_PACKAGE, "Erased; %u backup that still held them was deleted.\n",
                            "Erased; %u backups that still held them were deleted.\n", removed), removed);
      return SIYU_CLI_OK;
    }
  if (!siyu_contact_erase (shop, id, &error))
    return siyu_cli_fail (error);

  return SIYU_CLI_OK;
}

int
siyu_cli_audit (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  gboolean json = FALSE;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) lines = NULL;
  int rc;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The shop file"), N_("FILE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  context = siyu_cli_option_context ("audit", NULL,
                                     _("Print the audit log: every export, merge, edit and erasure of personal data, newest first, without the data itself."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((rc = siyu_cli_parse (context, &argc, &argv)) != SIYU_CLI_OK)
    return rc;
  if (argc > 1)
    return siyu_cli_usage_error ("audit", _("unexpected argument “%s”"), argv[1]);

  shop = siyu_cli_open_shop ("audit", db, &rc);
  if (shop == NULL)
    return rc;

  lines = siyu_shop_list_audit (shop, &error);
  if (lines == NULL)
    return siyu_cli_fail (error);

  json_builder_begin_array (builder);
  for (guint i = 0; i < lines->len; i++)
    {
      const SiyuAuditEntry *entry = g_ptr_array_index (lines, i);
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (entry->at);
      g_autofree char *at = when != NULL ? g_date_time_format (when, "%Y-%m-%d %H:%M:%S") : NULL;

      if (json)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "at");
          json_builder_add_string_value (builder, at);
          json_builder_set_member_name (builder, "actor");
          json_builder_add_string_value (builder, entry->actor);
          json_builder_set_member_name (builder, "action");
          json_builder_add_string_value (builder, entry->action);
          json_builder_set_member_name (builder, "object");
          json_builder_add_string_value (builder, entry->object_kind);
          json_builder_set_member_name (builder, "object_id");
          json_builder_add_int_value (builder, entry->object_id);
          json_builder_set_member_name (builder, "detail");
          json_builder_add_string_value (builder, entry->detail);
          json_builder_end_object (builder);
        }
      else
        g_print ("%s UTC  %s  %s %s %" G_GINT64_FORMAT "  %s\n", at, entry->actor, entry->action,
                 entry->object_kind != NULL ? entry->object_kind : "", entry->object_id,
                 entry->detail != NULL ? entry->detail : "");
    }
  json_builder_end_array (builder);

  if (json)
    {
      g_autoptr(JsonNode) root = json_builder_get_root (builder);
      siyu_cli_print_json (root);
    }

  return SIYU_CLI_OK;
}
