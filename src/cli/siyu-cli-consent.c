/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "siyu-cli.h"
#include "siyu-consent.h"
#include "siyu-groups.h"
#include "siyu-membership.h"
#include "siyu-money.h"
#include "siyu-parse.h"
#include "siyu-recompute.h"
#include "siyu-segments.h"
#include "siyu-time.h"

/* siyu-cli consent …: who agreed to hear from the shop, and whether people
 * never asked may be contacted; siyu-cli members …: who is a member. */

static GArray *
parse_ids (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; parts[i] != NULL; i++)
    {
      gint64 id;

      if (!g_ascii_string_to_signed (g_strstrip (parts[i]), 10, 1, G_MAXINT64, &id, NULL))
        return NULL;
      g_array_append_val (ids, id);
    }

  return ids->len > 0 ? g_steal_pointer (&ids) : NULL;
}

static void
add_counts (JsonBuilder             *builder,
            const SiyuConsentCounts *counts)
{
#define COUNT(name) \
  json_builder_set_member_name (builder, #name); \
  json_builder_add_int_value (builder, counts->name)
  COUNT (total);
  COUNT (given);
  COUNT (unknown);
  COUNT (refused);
  COUNT (do_not_contact);
  COUNT (reachable);
#undef COUNT
}

static const char *
policy_text (SiyuConsentPolicy policy)
{
  switch (policy)
    {
    case SIYU_CONSENT_POLICY_INCLUDE_UNKNOWN:
      return _("people never asked may be contacted");
    case SIYU_CONSENT_POLICY_EXCLUDE_UNKNOWN:
      return _("only those who agreed are contacted");
    case SIYU_CONSENT_POLICY_UNSET:
    default:
      return _("not decided yet: only those who agreed are contacted");
    }
}

void
siyu_cli_print_consent_counts (const SiyuConsentCounts *counts,
                               SiyuConsentPolicy        policy)
{
  g_print (_("Agreed to hear from the shop: %lld\n"), (long long) counts->given);
  g_print (_("Never asked (consent unknown): %lld\n"), (long long) counts->unknown);
  g_print (_("Refused: %lld\n"), (long long) counts->refused);
  g_print (_("Asked not to be contacted: %lld\n"), (long long) counts->do_not_contact);
  g_print (_("May be contacted: %lld of %lld (%s)\n"), (long long) counts->reachable, (long long) counts->total,
           policy_text (policy));
}

static int
consent_show (SiyuShop   *shop,
              const char *segment,
              const char *group,
              gboolean    json)
{
  g_autoptr(GError) error = NULL;
  SiyuConsentCounts counts;
  SiyuConsentPolicy policy = siyu_consent_get_policy (shop);
  gboolean ok;

  if (segment != NULL)
    {
      gint64 id = siyu_segment_lookup (shop, segment, &error);
      g_autoptr(JsonNode) definition = id > 0 ? siyu_segment_dup_definition (shop, id, &error) : NULL;

      ok = definition != NULL && siyu_consent_count_segment (shop, definition, &counts, &error);
    }
  else
    {
      gint64 group_id = 0;

      if (group != NULL && (group_id = siyu_group_lookup (shop, group, &error)) <= 0)
        return siyu_cli_fail (error);
      ok = siyu_consent_count_group (shop, group_id, &counts, &error);
    }
  if (!ok)
    return siyu_cli_fail (error);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;

      json_builder_begin_object (builder);
      add_counts (builder, &counts);
      json_builder_set_member_name (builder, "policy");
      json_builder_add_string_value (builder, siyu_consent_policy_to_string (policy));
      json_builder_end_object (builder);
      node = json_builder_get_root (builder);
      siyu_cli_print_json (node);
      return SIYU_CLI_OK;
    }

  siyu_cli_print_consent_counts (&counts, policy);

  return SIYU_CLI_OK;
}

static int
consent_set (SiyuShop   *shop,
             const char *segment,
             const char *group,
             const char *contacts,
             const char *to,
             const char *source,
             gboolean    over_refusals,
             gboolean    json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) undo = NULL;
  SiyuConsentChange change;
  SiyuConsent consent;

  if (!siyu_consent_from_string (to, &consent))
    return siyu_cli_usage_error ("consent", _("--to takes given, refused or unknown"));

  if (segment != NULL)
    {
      gint64 id = siyu_segment_lookup (shop, segment, &error);

      if (id > 0)
        undo = siyu_consent_set_segment (shop, id, consent, source, over_refusals, &change, &error);
    }
  else if (group != NULL)
    {
      gint64 id = siyu_group_lookup (shop, group, &error);

      if (id > 0)
        undo = siyu_consent_set_group (shop, id, consent, source, over_refusals, &change, &error);
    }
  else
    {
      g_autoptr(GArray) ids = parse_ids (contacts);

      if (ids == NULL)
        return siyu_cli_usage_error ("consent", _("--contacts takes contact ids separated by commas, such as 12,15,40"));
      undo = siyu_consent_set (shop, (const gint64 *) (gpointer) ids->data, ids->len, consent, source, over_refusals,
                               "contacts", 0, &change, &error);
    }
  if (undo == NULL)
    return siyu_cli_fail (error);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "matched");
      json_builder_add_int_value (builder, change.matched);
      json_builder_set_member_name (builder, "changed");
      json_builder_add_int_value (builder, change.changed);
      json_builder_set_member_name (builder, "kept_refused");
      json_builder_add_int_value (builder, change.kept_refused);
      json_builder_set_member_name (builder, "do_not_contact");
      json_builder_add_int_value (builder, change.do_not_contact);
      json_builder_end_object (builder);
      node = json_builder_get_root (builder);
      siyu_cli_print_json (node);
      return SIYU_CLI_OK;
    }

  /* Translators: %lld are counts; the last %s is given, refused or unknown. */
  g_print (_("Set the consent of %lld of %lld contacts to %s.\n"), (long long) change.changed,
           (long long) change.matched, to);
  if (change.kept_refused > 0)
    g_print (_("Kept the refusal of %lld who said no (--including-refused writes over them).\n"),
             (long long) change.kept_refused);
  if (change.do_not_contact > 0)
    g_print (_("%lld asked not to be contacted and stay left out, whatever their consent.\n"),
             (long long) change.do_not_contact);

  return SIYU_CLI_OK;
}

static int
consent_policy (SiyuShop   *shop,
                const char *value)
{
  g_autoptr(GError) error = NULL;
  SiyuConsentPolicy policy;

  if (value != NULL)
    {
      if (!siyu_consent_policy_from_string (value, &policy))
        return siyu_cli_usage_error ("consent", _("“%s” is not a policy; use include, exclude or unset"), value);
      if (!siyu_consent_set_policy (shop, policy, &error))
        return siyu_cli_fail (error);
    }
  policy = siyu_consent_get_policy (shop);
  /* Translators: %s says whether people never asked may be contacted. */
  g_print (_("People whose consent is unknown: %s.\n"), policy_text (policy));
  g_print ("%s\n", _("PIPL: the shop may contact people only with a lawful basis, such as their consent; "
                     "decide for those who were never asked."));

  return SIYU_CLI_OK;
}

int
siyu_cli_consent (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autofree char *db = NULL;
  g_autofree char *segment = NULL;
  g_autofree char *group = NULL;
  g_autofree char *contacts = NULL;
  g_autofree char *to = NULL;
  g_autofree char *source = NULL;
  gboolean over_refusals = FALSE, json = FALSE;
  const char *action;
  guint targets;
  int rc;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The shop file"), N_("FILE") },
    { "segment", 0, 0, G_OPTION_ARG_STRING, &segment, N_("The members of this saved segment"), N_("NAME") },
    { "group", 0, 0, G_OPTION_ARG_STRING, &group, N_("The people in this community group now"), N_("NAME") },
    { "contacts", 0, 0, G_OPTION_ARG_STRING, &contacts, N_("These contacts (set only)"), N_("ID,ID") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("given, refused or unknown (set)"), N_("STATE") },
    { "source", 0, 0, G_OPTION_ARG_STRING, &source, N_("Where the answer comes from, such as a signed form (set)"), N_("TEXT") },
    { "including-refused", 0, 0, G_OPTION_ARG_NONE, &over_refusals, N_("With --to given, write over refusals too"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  context = siyu_cli_option_context ("consent", _("show | set | policy [include|exclude|unset]"),
                                     _("Consent has three states, each with a source and a date: given, refused, or "
                                       "unknown for people the shop only knows from orders. Do-not-contact is "
                                       "separate and always wins. show counts the shop, a segment or a group by "
                                       "consent; set records an answer for a segment, a group or contacts, dated "
                                       "now, in the audit log; policy shows or sets whether people whose consent is "
                                       "unknown may be contacted. Refused and do-not-contact are never exported."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((rc = siyu_cli_parse (context, &argc, &argv)) != SIYU_CLI_OK)
    return rc;
  if (argc < 2)
    return siyu_cli_usage_error ("consent", _("say what to do: show, set or policy"));
  action = argv[1];
  targets = (segment != NULL) + (group != NULL) + (contacts != NULL);
  if (g_str_equal (action, "show"))
    {
      if (argc != 2 || targets > 1 || contacts != NULL || to != NULL || source != NULL || over_refusals)
        return siyu_cli_usage_error ("consent", _("show takes at most one of --segment or --group"));
    }
  else if (g_str_equal (action, "set"))
    {
      if (argc != 2 || targets != 1 || to == NULL)
        return siyu_cli_usage_error ("consent", _("set needs --to and one of --segment, --group or --contacts"));
    }
  else if (g_str_equal (action, "policy"))
    {
      if (argc > 3 || targets > 0 || to != NULL || source != NULL || over_refusals)
        return siyu_cli_usage_error ("consent", _("policy takes include, exclude or unset, or nothing to show it"));
    }
  else
    return siyu_cli_usage_error ("consent", _("“%s” is not show, set or policy"), action);

  shop = siyu_cli_open_shop ("consent", db, &rc);
  if (shop == NULL)
    return rc;

  if (g_str_equal (action, "show"))
    return consent_show (shop, segment, group, json);
  if (g_str_equal (action, "set"))
    return consent_set (shop, segment, group, contacts, to, source, over_refusals, json);

  return consent_policy (shop, argc == 3 ? argv[2] : NULL);
}

static int
recompute (SiyuShop *shop,
           gboolean  skip)
{
  g_autoptr(GError) error = NULL;

  if (skip)
    return SIYU_CLI_OK;
  if (!siyu_recompute (shop, siyu_shop_get_today (shop), siyu_cli_progress, (gpointer) _("Computing"), NULL, NULL,
                       &error))
    {
      siyu_cli_figures_not_counted (error);
      return SIYU_CLI_REFUSED;
    }
  siyu_cli_progress_done ();

  return SIYU_CLI_OK;
}

static int
members_add (SiyuShop   *shop,
             const char *segment,
             const char *contacts,
             const char *since_text,
             gboolean    no_recompute)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) undo = NULL;
  SiyuMembershipSince since = SIYU_MEMBERSHIP_SINCE_FIRST_SEEN;
  SiyuMembershipChange change;
  gint64 at = 0;

  if (since_text != NULL && g_str_equal (since_text, "now"))
    {
      since = SIYU_MEMBERSHIP_SINCE_TIME;
      at = g_get_real_time () / G_USEC_PER_SEC;
    }
  else if (since_text != NULL && !g_str_equal (since_text, "first-seen"))
    {
      SiyuDay day;

      if (!siyu_day_parse (since_text, &day))
        return siyu_cli_usage_error ("members", _("--since takes first-seen, now or a date written YYYY-MM-DD"));
      since = SIYU_MEMBERSHIP_SINCE_TIME;
      at = siyu_shop_day_start (shop, day);
    }

  if (segment != NULL)
    {
      gint64 id = siyu_segment_lookup (shop, segment, &error);

      if (id > 0)
        undo = siyu_membership_add_segment (shop, id, since, at, &change, &error);
    }
  else
    {
      g_autoptr(GArray) ids = parse_ids (contacts);

      if (ids == NULL)
        return siyu_cli_usage_error ("members", _("--contacts takes contact ids separated by commas, such as 12,15,40"));
      undo = siyu_membership_add (shop, (const gint64 *) (gpointer) ids->data, ids->len, since, at, "contacts", 0,
                                  &change, &error);
    }
  if (undo == NULL)
    return siyu_cli_fail (error);

  g_print (_("Made %lld of %lld contacts members; %lld were members already and keep their date.\n"),
           (long long) change.added, (long long) change.matched, (long long) change.already);

  return recompute (shop, no_recompute);
}

static int
members_rule (SiyuShop   *shop,
              char      **args,
              gboolean    no_recompute)
{
  g_autoptr(GError) error = NULL;
  SiyuMembershipRule rule = { SIYU_MEMBERSHIP_RULE_NONE, 0 };
  const char *currency = siyu_shop_get_currency (shop);
  guint changed = 0;

  if (args[0] != NULL)
    {
      if (g_str_equal (args[0], "none") && args[1] == NULL)
        rule.kind = SIYU_MEMBERSHIP_RULE_NONE;
      else if (g_str_equal (args[0], "first-order") && args[1] == NULL)
        rule.kind = SIYU_MEMBERSHIP_RULE_FIRST_ORDER;
      else if (g_str_equal (args[0], "spend") && args[1] != NULL && args[2] == NULL)
        {
          rule.kind = SIYU_MEMBERSHIP_RULE_SPEND;
          if (siyu_parse_amount (args[1], siyu_currency_digits (currency), &rule.threshold) != SIYU_PARSE_OK ||
              rule.threshold <= 0)
            return siyu_cli_usage_error ("members", _("“%s” is not an amount above 0, such as 500"), args[1]);
        }
      else
        return siyu_cli_usage_error ("members", _("rule takes none, first-order, or spend AMOUNT"));
      if (!siyu_membership_set_rule (shop, &rule, &changed, &error))
        return siyu_cli_fail (error);
    }

  siyu_membership_get_rule (shop, &rule);
  switch (rule.kind)
    {
    case SIYU_MEMBERSHIP_RULE_FIRST_ORDER:
      g_print ("%s\n", _("Membership rule: every buyer is a member from their first paid order."));
      break;
    case SIYU_MEMBERSHIP_RULE_SPEND:
      {
        g_autofree char *amount = siyu_money_format (rule.threshold, currency);

        /* Translators: %s is an amount of money. */
        g_print (_("Membership rule: a buyer is a member from the day their net spend of 365 days first reaches %s.\n"),
                 amount);
      }
      break;
    case SIYU_MEMBERSHIP_RULE_NONE:
    default:
      g_print ("%s\n", _("Membership rule: none; members come from imports and from the owner."));
      break;
    }
  if (args[0] == NULL)
    return SIYU_CLI_OK;
  g_print (_("Memberships changed by the rule: %u\n"), changed);

  return recompute (shop, no_recompute);
}

int
siyu_cli_members (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autofree char *db = NULL;
  g_autofree char *segment = NULL;
  g_autofree char *contacts = NULL;
  g_autofree char *since = NULL;
  gboolean no_recompute = FALSE;
  const char *action;
  int rc;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The shop file"), N_("FILE") },
    { "segment", 0, 0, G_OPTION_ARG_STRING, &segment, N_("The members of this saved segment (add)"), N_("NAME") },
    { "contacts", 0, 0, G_OPTION_ARG_STRING, &contacts, N_("These contacts (add)"), N_("ID,ID") },
    { "since", 0, 0, G_OPTION_ARG_STRING, &since, N_("Members since first-seen (each one's first sighting, the default), now, or a date"), N_("WHEN") },
    { "no-recompute", 0, 0, G_OPTION_ARG_NONE, &no_recompute, N_("Do not recompute the shop’s figures afterwards"), NULL },
    { NULL }
  };

  context = siyu_cli_option_context ("members", _("add | rule [none | first-order | spend AMOUNT]"),
                                     _("add makes the members of a segment, or contacts, members of the shop's "
                                       "programme; rule shows or sets who becomes a member without the owner: none, "
                                       "every buyer from their first paid order, or from the day their 365-day net "
                                       "spend first reaches AMOUNT. Tiers apply to members only. Written to the "
                                       "audit log; the figures are recomputed."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((rc = siyu_cli_parse (context, &argc, &argv)) != SIYU_CLI_OK)
    return rc;
  if (argc < 2)
    return siyu_cli_usage_error ("members", _("say what to do: add or rule"));
  action = argv[1];
  if (g_str_equal (action, "add"))
    {
      if (argc != 2 || (segment != NULL) == (contacts != NULL))
        return siyu_cli_usage_error ("members", _("add needs one of --segment or --contacts"));
    }
  else if (g_str_equal (action, "rule"))
    {
      if (segment != NULL || contacts != NULL || since != NULL)
        return siyu_cli_usage_error ("members", _("--segment, --contacts and --since are for add"));
    }
  else
    return siyu_cli_usage_error ("members", _("“%s” is not add or rule"), action);

  shop = siyu_cli_open_shop ("members", db, &rc);
  if (shop == NULL)
    return rc;

  if (g_str_equal (action, "add"))
    return members_add (shop, segment, contacts, since, no_recompute);

  return members_rule (shop, argv + 2, no_recompute);
}
