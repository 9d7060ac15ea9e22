/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "siyu-campaign.h"
#include "siyu-consent.h"
#include "siyu-contacts.h"
#include "siyu-export.h"
#include "siyu-groups.h"
#include "siyu-import.h"
#include "siyu-ingest.h"
#include "siyu-membership.h"
#include "siyu-model.h"
#include "siyu-recompute.h"
#include "siyu-segments.h"
#include "siyu-test-util.h"
#include "siyu-time.h"

/* Consent in three states, the shop's policy on unknown consent, bulk
 * changes, membership by rule and by hand (issue 16, items 2 and 3), on
 * shops built by hand and on one imported from a Chinese order export. */

static gint64
count_of (SiyuShop   *shop,
          const char *sql)
{
  return siyu_db_query_int (siyu_shop_get_db (shop), sql, NULL);
}

static char *
text_of (SiyuShop   *shop,
         const char *sql)
{
  sqlite3_stmt *stmt;
  char *text = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (siyu_db_get_handle (siyu_shop_get_db (shop)), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  return text;
}

static gint64
add_person (SiyuIngest *ingest,
            SiyuShop   *shop,
            const char *name,
            const char *phone,
            int         consent,
            int         dnc)
{
  g_autoptr(GError) error = NULL;
  SiyuContactRecord record = {
    .name = name, .phone = phone, .seen_at = siyu_test_time (shop, "2026-01-10 10:00:00"),
    .consent = consent, .consent_at = consent >= 0 ? siyu_test_time (shop, "2026-01-10 10:00:00") : 0,
    .consent_source = consent >= 0 ? "门店登记" : NULL, .do_not_contact = dnc,
  };
  gint64 id = siyu_ingest_contact (ingest, &record, NULL, &error);

  g_assert_no_error (error);
  return id;
}

/* 1 agreed, 2 never asked, 3 refused, 4 agreed but do-not-contact, 5 never
 * asked and do-not-contact, 6 never asked; 1, 2 and 3 are in the group
 * 茶友群. */
static SiyuShop *
people_shop (char **dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuIngest) ingest = NULL;
  SiyuShop *shop;
  gint64 group;

  *dir = siyu_test_tmpdir ();
  shop = siyu_test_new_shop (*dir, "茶铺");
  ingest = siyu_ingest_new (shop);
  g_assert_cmpint (add_person (ingest, shop, "王芳", "13800000001", 1, 0), ==, 1);
  g_assert_cmpint (add_person (ingest, shop, "李雷", "13800000002", -1, -1), ==, 2);
  g_assert_cmpint (add_person (ingest, shop, "赵敏", "13800000003", 0, 0), ==, 3);
  g_assert_cmpint (add_person (ingest, shop, "周杰", "13800000004", 1, 1), ==, 4);
  g_assert_cmpint (add_person (ingest, shop, "钱多", "13800000005", -1, 1), ==, 5);
  g_assert_cmpint (add_person (ingest, shop, "孙丽", "13800000006", -1, -1), ==, 6);
  group = siyu_ingest_group (ingest, "茶友群", "wechat", siyu_test_time (shop, "2026-01-01 10:00:00"), &error);
  for (gint64 id = 1; id <= 3; id++)
    g_assert_true (siyu_ingest_group_member (ingest, group, id, NULL, siyu_test_time (shop, "2026-01-02 10:00:00"),
                                             0, &error));
  g_assert_no_error (error);

  return shop;
}

static char *
ids_text (GArray *ids)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (out, "%s%lld", i > 0 ? "," : "", (long long) g_array_index (ids, gint64, i));

  return g_string_free (out, FALSE);
}

static JsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);

  g_assert_no_error (error);
  return node;
}

static char *
members_of (SiyuShop   *shop,
            const char *json,
            gboolean    reachable_only)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = parse (json);
  g_autoptr(SiyuSegmentQuery) query = siyu_segment_query_new (shop, node, &error);
  g_autoptr(GArray) ids = NULL;

  g_assert_no_error (error);
  ids = siyu_segment_query_members (query, reachable_only, &error);
  g_assert_no_error (error);

  return ids_text (ids);
}

static char *
consent_only (SiyuShop *shop)
{
  g_autoptr(GError) error = NULL;
  SiyuContactFilter filter = { .consent_only = TRUE, .sort = SIYU_CONTACT_SORT_NEWEST };
  g_autoptr(GArray) ids = siyu_contacts_list (shop, &filter, &error);

  g_assert_no_error (error);

  return ids_text (ids);
}

#define EVERYONE "{\"match\":\"all\",\"conditions\":[]}"

static void
assert_counts (const SiyuConsentCounts *c,
               gint64 total, gint64 given, gint64 unknown, gint64 refused, gint64 dnc, gint64 reachable)
{
  g_assert_cmpint (c->total, ==, total);
  g_assert_cmpint (c->given, ==, given);
  g_assert_cmpint (c->unknown, ==, unknown);
  g_assert_cmpint (c->refused, ==, refused);
  g_assert_cmpint (c->do_not_contact, ==, dnc);
  g_assert_cmpint (c->reachable, ==, reachable);
}

/* ANALYTICS.md: reachable = not do-not-contact and (given, or unknown when
 * the shop's policy allows it); every consumer follows the one definition. */
static void
test_reachable (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(SiyuShop) shop = people_shop (&dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) everyone = parse (EVERYONE);
  SiyuConsentCounts counts;
  gint64 total, unreachable;
  g_autofree char *members = NULL;

  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM contacts WHERE consent = 'given'"), ==, 2);
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM contacts WHERE consent = 'unknown'"), ==, 3);
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM contacts WHERE consent = 'refused'"), ==, 1);
  g_assert_cmpint (siyu_consent_get_policy (shop), ==, SIYU_CONSENT_POLICY_UNSET);

  /* Not decided yet: only those who agreed. */
  g_assert_true (siyu_consent_count_segment (shop, everyone, &counts, &error));
  assert_counts (&counts, 6, 1, 2, 1, 2, 1);
  g_assert_true (siyu_segment_count (shop, everyone, &total, &unreachable, &error));
  g_assert_cmpint (total, ==, 6);
  g_assert_cmpint (unreachable, ==, 5);
  members = members_of (shop, EVERYONE, TRUE);
  g_assert_cmpstr (members, ==, "1");
  g_clear_pointer (&members, g_free);
  members = consent_only (shop);
  g_assert_cmpstr (members, ==, "1");
  g_clear_pointer (&members, g_free);
  members = members_of (shop, "{\"match\":\"all\",\"conditions\":[{\"field\":\"consent\",\"op\":\"is\",\"value\":true}]}",
                        FALSE);
  g_assert_cmpstr (members, ==, "1");
  g_clear_pointer (&members, g_free);

  /* Excluded on purpose: the same. */
  g_assert_true (siyu_consent_set_policy (shop, SIYU_CONSENT_POLICY_EXCLUDE_UNKNOWN, &error));
  g_assert_true (siyu_segment_count (shop, everyone, &total, &unreachable, &error));
  g_assert_cmpint (unreachable, ==, 5);

  /* Allowed: those never asked too; refused and do-not-contact never. */
  g_assert_true (siyu_consent_set_policy (shop, SIYU_CONSENT_POLICY_INCLUDE_UNKNOWN, &error));
  g_assert_no_error (error);
  g_assert_true (siyu_consent_count_segment (shop, everyone, &counts, &error));
  assert_counts (&counts, 6, 1, 2, 1, 2, 3);
  g_assert_true (siyu_segment_count (shop, everyone, &total, &unreachable, &error));
  g_assert_cmpint (unreachable, ==, 3);
  members = members_of (shop, EVERYONE, TRUE);
  g_assert_cmpstr (members, ==, "1,2,6");
  g_clear_pointer (&members, g_free);
  members = consent_only (shop);
  g_assert_cmpstr (members, ==, "6,2,1");
  g_clear_pointer (&members, g_free);
  members = members_of (shop, "{\"match\":\"all\",\"conditions\":[{\"field\":\"consent\",\"op\":\"is\",\"value\":false}]}",
                        FALSE);
  g_assert_cmpstr (members, ==, "3,4,5");
  g_clear_pointer (&members, g_free);

  /* The state itself, and do-not-contact, as segment fields. */
  members = members_of (shop, "{\"match\":\"all\",\"conditions\":[{\"field\":\"consent_state\",\"op\":\"is\",\"value\":\"unknown\"}]}",
                        FALSE);
  g_assert_cmpstr (members, ==, "2,5,6");
  g_clear_pointer (&members, g_free);
  members = members_of (shop, "{\"match\":\"all\",\"conditions\":[{\"field\":\"do_not_contact\",\"op\":\"is\",\"value\":true}]}",
                        FALSE);
  g_assert_cmpstr (members, ==, "4,5");
  g_clear_pointer (&members, g_free);

  /* Both answers are in the audit log. */
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM audit_log WHERE action = 'consent-policy'"), ==, 2);
  {
    g_autofree char *detail = text_of (shop, "SELECT detail FROM audit_log WHERE action = 'consent-policy' ORDER BY id DESC");

    g_assert_cmpstr (detail, ==, "{\"from\":\"exclude\",\"to\":\"include\"}");
  }

  /* Exports follow it: given and unknown go; refused and do-not-contact never. */
  {
    g_autofree char *path = g_build_filename (dir, "all.txt", NULL);
    g_autofree char *phones = NULL;
    SiyuExportOptions options = { SIYU_EXPORT_PHONES, NULL, FALSE, 0.0, 0, 0, 0 };
    SiyuExportResult result;
    gint64 all = siyu_segment_create (shop, "所有人", everyone, &error);

    g_assert_true (siyu_export_segment (shop, all, path, &options, &result, &error));
    g_assert_no_error (error);
    phones = siyu_test_read_file (path, NULL);
    g_assert_cmpstr (phones, ==, "13800000001\r\n13800000002\r\n13800000006\r\n");
    g_assert_cmpint (result.excluded, ==, 3);
    assert_counts (&result.consent, 6, 1, 2, 1, 2, 3);
  }
}

/* The old yes/no maps to the three states, faithfully. */
static void
test_migration (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "old.siyu", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *states = NULL;
  g_autofree char *sources = NULL;
  g_autoptr(SiyuShop) shop = NULL;

  /* The shop the Siyu before consent states made (6 migrations).
   * 1 said yes; 2 said no in an import; 3 turned the switch off by hand;
   * 4 a platform's "unsubscribed" with no date; 5 only seen in orders;
   * 6 a member from an import. */
  siyu_test_write_shop (path, 6,
    "INSERT INTO contacts (name, first_seen_at, marketing_consent, consent_at, consent_source, member_since, "
    "  created_at, updated_at) VALUES "
    "('一', 1, 1, 100, 'youzan-customers', NULL, 1, 1), ('二', 1, 0, 200, 'import', NULL, 1, 1), "
    "('三', 1, 0, 300, 'manual', NULL, 1, 1), ('四', 1, 0, NULL, 'shopify', NULL, 1, 1), "
    "('五', 1, 0, NULL, NULL, NULL, 1, 1), ('六', 1, 0, NULL, NULL, 500, 1, 1);");

  shop = siyu_shop_open (path, &error);
  g_assert_no_error (error);
  states = text_of (shop, "SELECT group_concat (consent, ',') FROM (SELECT consent FROM contacts ORDER BY id)");
  g_assert_cmpstr (states, ==, "given,refused,refused,refused,unknown,unknown");
  sources = text_of (shop, "SELECT group_concat (coalesce (consent_source, '-') || '@' || coalesce (consent_at, '-'), ',') "
                           "FROM (SELECT * FROM contacts ORDER BY id)");
  g_assert_cmpstr (sources, ==, "youzan-customers@100,import@200,manual@300,shopify@-,-@-,-@-");
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM contacts WHERE member_source = 'source' AND id = 6"), ==, 1);
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM contacts WHERE member_source IS NOT NULL"), ==, 1);
}

/* Code and files that still write marketing_consent keep the states right,
 * and code that writes consent keeps marketing_consent in step. */
static void
test_legacy_flag (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(SiyuShop) shop = people_shop (&dir);
  g_autoptr(GError) error = NULL;
  SiyuDb *db = siyu_shop_get_db (shop);

  g_assert_true (siyu_db_exec (db, "UPDATE contacts SET marketing_consent = 1 WHERE id = 2", &error));
  g_assert_true (siyu_db_exec (db, "UPDATE contacts SET marketing_consent = 0 WHERE id = 1", &error));
  g_assert_true (siyu_db_exec (db, "UPDATE contacts SET consent = 'given' WHERE id = 6", &error));
  g_assert_true (siyu_db_exec (db, "UPDATE contacts SET consent = 'unknown' WHERE id = 3", &error));
  g_assert_true (siyu_db_exec (db, "INSERT INTO contacts (name, first_seen_at, marketing_consent, created_at, updated_at) "
                                   "VALUES ('旧', 1, 1, 1, 1), ('新', 1, 0, 1, 1)", &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM contacts WHERE id = 2 AND consent = 'given'"), ==, 1);
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM contacts WHERE id = 1 AND consent = 'refused'"), ==, 1);
  g_assert_cmpint (count_of (shop, "SELECT marketing_consent FROM contacts WHERE id = 6"), ==, 1);
  g_assert_cmpint (count_of (shop, "SELECT marketing_consent FROM contacts WHERE id = 3"), ==, 0);
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM contacts WHERE id = 3 AND consent = 'unknown'"), ==, 1);
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM contacts WHERE name = '旧' AND consent = 'given'"), ==, 1);
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM contacts WHERE name = '新' AND consent = 'unknown'"), ==, 1);
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM contacts WHERE marketing_consent IS NOT (consent = 'given')"),
                   ==, 0);
}

/* One person by hand: the three states, yes and no as before, the source
 * "manual" dated now, undone with the previous value. */
static void
test_contact_edit (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(SiyuShop) shop = people_shop (&dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *previous = NULL;
  SiyuContactField field;

  g_assert_true (siyu_contact_field_from_string ("consent", &field));
  g_assert_cmpint (field, ==, SIYU_CONTACT_MARKETING_CONSENT);
  g_assert_true (siyu_contact_set (shop, 2, field, "given", &previous, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (previous, ==, "unknown");
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM contacts WHERE id = 2 AND consent = 'given' AND "
                                   "consent_source = 'manual' AND consent_at > 0 AND marketing_consent = 1"), ==, 1);
  g_assert_true (siyu_contact_set (shop, 2, field, previous, NULL, &error));
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM contacts WHERE id = 2 AND consent = 'unknown'"), ==, 1);
  g_assert_true (siyu_contact_set (shop, 2, field, "no", NULL, &error));
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM contacts WHERE id = 2 AND consent = 'refused'"), ==, 1);
  g_assert_true (siyu_contact_set (shop, 2, field, "yes", NULL, &error));
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM contacts WHERE id = 2 AND consent = 'given'"), ==, 1);
  g_assert_no_error (error);
  g_assert_false (siyu_contact_set (shop, 2, field, "maybe", NULL, &error));
  g_assert_error (error, SIYU_CONTACTS_ERROR, SIYU_CONTACTS_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "“maybe” is not a consent: use given, refused or unknown.");
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM audit_log WHERE action = 'edit'"), ==, 4);
}

/* Bulk: a segment, a group, a selection; a refusal is kept unless asked;
 * do-not-contact stays left out; one audit line each; undo puts back the
 * answer, date and source each one had; counts change at once. */
static void
test_bulk (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(SiyuShop) shop = people_shop (&dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) everyone = parse (EVERYONE);
  g_autoptr(JsonNode) undo = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  SiyuConsentChange change;
  gint64 all, total, unreachable;
  gint64 ids[] = { 2, 3, 99 };

  all = siyu_segment_create (shop, "所有人", everyone, &error);
  g_assert_no_error (error);
  before = text_of (shop, "SELECT group_concat (consent || '/' || coalesce (consent_source, '-') || '/' || "
                          "coalesce (consent_at, '-'), ',') FROM (SELECT * FROM contacts ORDER BY id)");

  /* A source is required for an answer. */
  g_assert_null (siyu_consent_set_segment (shop, all, SIYU_CONSENT_GIVEN, "  ", FALSE, &change, &error));
  g_assert_error (error, SIYU_CONSENT_ERROR, SIYU_CONSENT_ERROR_INVALID);
  g_clear_error (&error);

  undo = siyu_consent_set_segment (shop, all, SIYU_CONSENT_GIVEN, "门店登记表 2026-03", FALSE, &change, &error);
  g_assert_no_error (error);
  g_assert_cmpint (change.matched, ==, 6);
  g_assert_cmpint (change.changed, ==, 3);        /* 2, 5 and 6 */
  g_assert_cmpint (change.kept_refused, ==, 1);   /* 3 */
  g_assert_cmpint (change.do_not_contact, ==, 2); /* 4 and 5 */
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM contacts WHERE consent = 'given' AND "
                                   "consent_source = '门店登记表 2026-03'"), ==, 3);
  g_assert_true (siyu_segment_count (shop, everyone, &total, &unreachable, &error));
  g_assert_cmpint (unreachable, ==, 3);           /* 3 refused, 4 and 5 do-not-contact */
  {
    g_autofree char *detail = text_of (shop, "SELECT object_kind || ' ' || object_id || ' ' || detail FROM audit_log "
                                             "WHERE action = 'consent-set'");

    g_assert_cmpstr (detail, ==, "segment 8 {\"to\":\"given\",\"source\":\"门店登记表 2026-03\",\"matched\":6,"
                                 "\"changed\":3,\"kept_refused\":1}");
  }

  g_assert_true (siyu_consent_undo (shop, undo, &error));
  g_assert_no_error (error);
  after = text_of (shop, "SELECT group_concat (consent || '/' || coalesce (consent_source, '-') || '/' || "
                         "coalesce (consent_at, '-'), ',') FROM (SELECT * FROM contacts ORDER BY id)");
  g_assert_cmpstr (after, ==, before);
  g_clear_pointer (&undo, json_node_unref);

  /* Over refusals, when asked. */
  undo = siyu_consent_set_segment (shop, all, SIYU_CONSENT_GIVEN, "签字同意书", TRUE, &change, &error);
  g_assert_cmpint (change.changed, ==, 4);
  g_assert_cmpint (change.kept_refused, ==, 0);
  g_assert_true (siyu_consent_undo (shop, undo, &error));
  g_clear_pointer (&undo, json_node_unref);

  /* A group: 1, 2, 3 now in 茶友群. */
  undo = siyu_consent_set_group (shop, 1, SIYU_CONSENT_REFUSED, "群里回复退订", FALSE, &change, &error);
  g_assert_no_error (error);
  g_assert_cmpint (change.matched, ==, 3);
  g_assert_cmpint (change.changed, ==, 2);
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM contacts WHERE consent = 'refused'"), ==, 3);
  g_clear_pointer (&undo, json_node_unref);
  g_assert_null (siyu_consent_set_group (shop, 42, SIYU_CONSENT_REFUSED, "x", FALSE, &change, &error));
  g_assert_error (error, SIYU_CONSENT_ERROR, SIYU_CONSENT_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A selection, with an id of nobody; back to unknown needs no source. */
  undo = siyu_consent_set (shop, ids, G_N_ELEMENTS (ids), SIYU_CONSENT_UNKNOWN, NULL, FALSE, "contacts", 0, &change,
                           &error);
  g_assert_no_error (error);
  g_assert_cmpint (change.matched, ==, 2);
  g_assert_cmpint (change.changed, ==, 2);
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM contacts WHERE id IN (2, 3) AND consent = 'unknown' "
                                   "AND consent_source IS NULL"), ==, 2);
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM audit_log WHERE action LIKE 'consent-%'"), ==, 6);
}

/* Imports and syncs: a record's word is stored as the state, the newest
 * word wins; the owner's "they agreed" fills unknown only. */
static void
test_ingest (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);
  g_autoptr(GError) error = NULL;
  SiyuContactRecord record = { .phone = "13800000001", .consent = -1, .do_not_contact = -1 };
  gint64 t = siyu_test_time (shop, "2026-02-01 10:00:00");

  record.seen_at = t;
  g_assert_cmpint (siyu_ingest_contact (ingest, &record, NULL, &error), ==, 1);
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM contacts WHERE consent = 'unknown' AND consent_at IS NULL"),
                   ==, 1);
  record.consent = 1;
  record.consent_at = t + 10;
  record.consent_source = "youzan";
  siyu_ingest_contact (ingest, &record, NULL, &error);
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM contacts WHERE consent = 'given' AND marketing_consent = 1"),
                   ==, 1);
  /* An older refusal does not undo a newer yes; a newer one does. */
  record.consent = 0;
  record.consent_at = t;
  siyu_ingest_contact (ingest, &record, NULL, &error);
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM contacts WHERE consent = 'given'"), ==, 1);
  record.consent_at = t + 20;
  siyu_ingest_contact (ingest, &record, NULL, &error);
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM contacts WHERE consent = 'refused'"), ==, 1);
  g_assert_no_error (error);

  /* The batch's "they agreed": the refusal stays, a new and an unknown one agree. */
  siyu_ingest_set_default_consent (ingest, "下单页勾选", t + 100);
  record.consent = -1;
  siyu_ingest_contact (ingest, &record, NULL, &error);
  record.phone = "13800000002";
  siyu_ingest_contact (ingest, &record, NULL, &error);
  siyu_ingest_contact (ingest, &record, NULL, &error);
  g_assert_no_error (error);
  siyu_ingest_set_default_consent (ingest, NULL, 0);
  record.phone = "13800000003";
  siyu_ingest_contact (ingest, &record, NULL, &error);
  siyu_ingest_set_default_consent (ingest, "下单页勾选", t + 100);
  siyu_ingest_contact (ingest, &record, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM contacts WHERE id = 1 AND consent = 'refused'"), ==, 1);
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM contacts WHERE id IN (2, 3) AND consent = 'given' "
                                   "AND consent_source = '下单页勾选'"), ==, 2);
  g_assert_cmpint (siyu_ingest_get_counts (ingest)->consents_given, ==, 2);
}

static void
order (SiyuIngest *ingest,
       SiyuShop   *shop,
       gint64      channel,
       const char *ref,
       gint64      contact,
       const char *at,
       gint64      amount,
       gint64      refunded)
{
  g_autoptr(GError) error = NULL;
  SiyuOrderItemRecord item = { "LJ", "龙井", 1, amount, amount };
  SiyuOrderRecord record = {
    .channel_id = channel, .external_ref = ref, .contact_id = contact,
    .status = refunded == 0 ? "paid" : refunded < amount ? "partially_refunded" : "refunded",
    .created_at = siyu_test_time (shop, at), .currency = "CNY", .total_amount = amount,
    .refunded_amount = refunded, .items = &item, .n_items = 1,
  };

  g_assert_cmpint (siyu_ingest_order (ingest, &record, NULL, &error), >, 0);
  g_assert_no_error (error);
}

static char *
memberships (SiyuShop *shop)
{
  g_autofree char *text = text_of (shop, "SELECT group_concat (id || ':' || coalesce (member_source, '-') || ':' || "
                                         "coalesce (date (member_since, 'unixepoch', '+8 hours'), '-'), ' ') "
                                         "FROM (SELECT * FROM contacts ORDER BY id)");

  return g_steal_pointer (&text);
}

/* The shop's rule: none, every buyer from the first paid order, or from the
 * day 365-day net spend first reaches X; it decides only for people with no
 * other membership, and withdraws what no longer holds. */
static void
test_membership_rule (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  SiyuMembershipRule rule = { SIYU_MEMBERSHIP_RULE_FIRST_ORDER, 0 };
  gint64 channel = siyu_ingest_channel (ingest, "online_shop", "微店", NULL, &error);
  guint changed;

  siyu_test_add_contact (ingest, shop, "一", "13800000001", "2025-01-01 10:00:00", FALSE);
  siyu_test_add_contact (ingest, shop, "二", "13800000002", "2025-01-01 10:00:00", FALSE);
  siyu_test_add_contact (ingest, shop, "三", "13800000003", "2025-01-01 10:00:00", TRUE);
  siyu_test_add_contact (ingest, shop, "四", "13800000004", "2025-01-01 10:00:00", FALSE);
  siyu_test_add_contact (ingest, shop, "五", "13800000005", "2025-01-01 10:00:00", FALSE);
  /* 1: ¥300 on 2025-03-01, ¥300 on 2025-09-01, ¥300 on 2026-02-01: ¥600 in
   * 365 days first on 2025-09-01.  2: ¥400 on 2025-01-10 and ¥400 on
   * 2026-01-11, 366 days later: never ¥600.  3: a member from the import.
   * 4: one order, fully refunded.  5: none. */
  order (ingest, shop, channel, "A1", 1, "2025-03-01 10:00:00", 30000, 0);
  order (ingest, shop, channel, "A2", 1, "2025-09-01 10:00:00", 30000, 0);
  order (ingest, shop, channel, "A3", 1, "2026-02-01 10:00:00", 30000, 0);
  order (ingest, shop, channel, "B1", 2, "2025-01-10 10:00:00", 40000, 0);
  order (ingest, shop, channel, "B2", 2, "2026-01-11 10:00:00", 40000, 0);
  order (ingest, shop, channel, "C1", 3, "2025-05-01 10:00:00", 90000, 0);
  order (ingest, shop, channel, "D1", 4, "2025-06-01 10:00:00", 50000, 50000);

  text = memberships (shop);
  g_assert_cmpstr (text, ==, "1:-:- 2:-:- 3:source:2025-01-01 4:-:- 5:-:-");
  g_clear_pointer (&text, g_free);

  g_assert_true (siyu_membership_set_rule (shop, &rule, &changed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 2);
  text = memberships (shop);
  g_assert_cmpstr (text, ==, "1:rule:2025-03-01 2:rule:2025-01-10 3:source:2025-01-01 4:-:- 5:-:-");
  g_clear_pointer (&text, g_free);

  rule.kind = SIYU_MEMBERSHIP_RULE_SPEND;
  rule.threshold = 60000;
  g_assert_true (siyu_membership_set_rule (shop, &rule, &changed, &error));
  g_assert_cmpuint (changed, ==, 2);
  text = memberships (shop);
  g_assert_cmpstr (text, ==, "1:rule:2025-09-01 2:-:- 3:source:2025-01-01 4:-:- 5:-:-");
  g_clear_pointer (&text, g_free);

  /* A later refund takes it back at the next recompute. */
  g_assert_true (siyu_db_exec (siyu_shop_get_db (shop), "UPDATE orders SET status = 'partially_refunded', "
                                                      "refunded_amount = 1 WHERE external_ref = 'A2'", &error));
  g_assert_true (siyu_recompute (shop, siyu_day_from_ymd (2026, 3, 31), NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  text = memberships (shop);
  g_assert_cmpstr (text, ==, "1:rule:2026-02-01 2:-:- 3:source:2025-01-01 4:-:- 5:-:-");
  g_clear_pointer (&text, g_free);

  /* Tiers apply to members only: 1 and 3 have one, 2 has none. */
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM contact_metrics WHERE tier_id IS NOT NULL"), ==, 2);
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM contact_metrics WHERE contact_id = 2 AND tier_id IS NULL"), ==, 1);

  rule.kind = SIYU_MEMBERSHIP_RULE_NONE;
  g_assert_true (siyu_membership_set_rule (shop, &rule, &changed, &error));
  g_assert_cmpuint (changed, ==, 1);
  text = memberships (shop);
  g_assert_cmpstr (text, ==, "1:-:- 2:-:- 3:source:2025-01-01 4:-:- 5:-:-");
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM audit_log WHERE action = 'membership-rule'"), ==, 3);

  rule.kind = SIYU_MEMBERSHIP_RULE_SPEND;
  rule.threshold = 0;
  g_assert_false (siyu_membership_set_rule (shop, &rule, &changed, &error));
  g_assert_error (error, SIYU_MEMBERSHIP_ERROR, SIYU_MEMBERSHIP_ERROR_INVALID);
}

/* Members by hand, for a segment: since their first sighting or a given
 * day; members already keep their date; undone exactly; and the tier
 * wizard then has members to suggest from. */
static void
test_members_add (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  g_autoptr(SiyuIngest) ingest = siyu_ingest_new (shop);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) buyers = parse ("{\"match\":\"all\",\"conditions\":[{\"field\":\"orders\",\"op\":\">\",\"value\":0}]}");
  g_autoptr(JsonNode) undo = NULL;
  g_autoptr(SiyuModelFacts) facts = NULL;
  g_autofree char *text = NULL;
  gint64 channel = siyu_ingest_channel (ingest, "online_shop", "微店", NULL, &error);
  SiyuMembershipChange change;
  gint64 segment;

  siyu_test_add_contact (ingest, shop, "一", "13800000001", "2025-01-01 10:00:00", FALSE);
  siyu_test_add_contact (ingest, shop, "二", "13800000002", "2025-02-01 10:00:00", FALSE);
  siyu_test_add_contact (ingest, shop, "三", "13800000003", "2025-03-01 10:00:00", TRUE);
  siyu_test_add_contact (ingest, shop, "四", "13800000004", "2025-04-01 10:00:00", FALSE);
  order (ingest, shop, channel, "A1", 1, "2025-03-01 10:00:00", 30000, 0);
  order (ingest, shop, channel, "B1", 2, "2025-05-01 10:00:00", 80000, 0);
  order (ingest, shop, channel, "C1", 3, "2025-05-01 10:00:00", 90000, 0);
  g_assert_true (siyu_shop_set_data_end (shop, siyu_day_from_ymd (2025, 12, 31), &error));
  g_assert_true (siyu_recompute (shop, siyu_day_from_ymd (2025, 12, 31), NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  facts = siyu_model_facts_compute (shop, siyu_day_from_ymd (2025, 12, 31), NULL, NULL, NULL, &error);
  g_assert_cmpint (siyu_model_facts_get_n_members (facts), ==, 1);
  g_clear_pointer (&facts, siyu_model_facts_free);

  segment = siyu_segment_create (shop, "买家", buyers, &error);
  g_assert_no_error (error);
  undo = siyu_membership_add_segment (shop, segment, SIYU_MEMBERSHIP_SINCE_FIRST_SEEN, 0, &change, &error);
  g_assert_no_error (error);
  g_assert_cmpint (change.matched, ==, 3);
  g_assert_cmpint (change.added, ==, 2);
  g_assert_cmpint (change.already, ==, 1);
  text = memberships (shop);
  g_assert_cmpstr (text, ==, "1:manual:2025-01-01 2:manual:2025-02-01 3:manual:2025-03-01 4:-:-");
  g_clear_pointer (&text, g_free);
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM audit_log WHERE action = 'members-add' AND "
                                   "object_kind = 'segment'"), ==, 1);

  /* The tier wizard has members now. */
  facts = siyu_model_facts_compute (shop, siyu_day_from_ymd (2025, 12, 31), NULL, NULL, NULL, &error);
  g_assert_cmpint (siyu_model_facts_get_n_members (facts), ==, 3);
  g_clear_pointer (&facts, siyu_model_facts_free);

  g_assert_true (siyu_membership_undo (shop, undo, &error));
  g_assert_no_error (error);
  text = memberships (shop);
  g_assert_cmpstr (text, ==, "1:-:- 2:-:- 3:source:2025-03-01 4:-:-");
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&undo, json_node_unref);

  {
    gint64 ids[] = { 4 };

    undo = siyu_membership_add (shop, ids, 1, SIYU_MEMBERSHIP_SINCE_TIME, siyu_test_time (shop, "2025-12-01 09:00:00"),
                                "contacts", 0, &change, &error);
    g_assert_no_error (error);
    text = memberships (shop);
    g_assert_cmpstr (text, ==, "1:-:- 2:-:- 3:source:2025-03-01 4:manual:2025-12-01");
  }
}

/* A Chinese order export written like a real one (Taobao's columns), with
 * no consent column, imported into a new shop: everyone is unknown. */
#define ORDER_HEADER "订单编号,买家会员名,买家实际支付金额,订单状态,收货人姓名,联系手机,订单创建时间,宝贝标题,宝贝总数量,退款金额\r\n"

static char *
write_export (const char *dir)
{
  static const struct {
    const char *name;
    const char *day;
    int         yuan;
  } rows[] = {
    { "王芳", "2026-07-10", 880 }, { "王芳", "2026-08-01", 520 }, { "李雷", "2026-09-15", 1200 },
    { "赵敏", "2026-06-20", 1000 }, { "周杰", "2026-11-20", 2000 },
  };
  g_autofree char *path = g_build_filename (dir, "淘宝订单报表.csv", NULL);
  GString *csv = g_string_new (ORDER_HEADER);
  guint ref = 1000;

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      guint buyer = g_str_equal (rows[i].name, "王芳") ? 1 : g_str_equal (rows[i].name, "李雷") ? 2
                    : g_str_equal (rows[i].name, "赵敏") ? 3 : 4;

      g_string_append_printf (csv, "%u,buyer%u,%d.00,交易成功,%s,138000000%02u,%s 10:00:00,龙井 250g,1,0.00\r\n",
                              ref++, buyer, rows[i].yuan, rows[i].name, buyer, rows[i].day);
    }
  /* Sixteen small buyers, ¥50 to ¥200, in October. */
  for (guint i = 5; i <= 20; i++)
    g_string_append_printf (csv, "%u,buyer%u,%u.00,交易成功,顾客%u,138000000%02u,2026-10-%02u 10:00:00,碧螺春 100g,1,0.00\r\n",
                            ref++, i, 40 + i * 8, i, i, i);
  g_assert_true (g_file_set_contents (path, csv->str, (gssize) csv->len, NULL));
  g_string_free (csv, TRUE);

  return g_steal_pointer (&path);
}

static char *
new_imported_shop (const char *dir,
                   const char *consent_given)
{
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *file = write_export (dir);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  char *path;

  shop = siyu_test_new_shop (dir, "茶铺");
  path = g_strdup (siyu_shop_get_path (shop));
  /* The data ends on 30 November, whatever day the test runs. */
  g_assert_true (siyu_shop_set_data_end (shop, siyu_day_from_ymd (2026, 11, 30), &error));
  g_clear_object (&shop);

  if (consent_given != NULL)
    g_assert_cmpint (siyu_test_run_cli (&out, &err, "import", "--db", path, "--consent-given", consent_given, file,
                                        NULL), ==, 0);
  else
    g_assert_cmpint (siyu_test_run_cli (&out, &err, "import", "--db", path, file, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Contacts: 20 new, 1 matched\n"));
  if (consent_given != NULL)
    g_assert_nonnull (strstr (out, "Agreed to hear from the shop: 20 (refusals and do-not-contact kept)\n"));
  else
    g_assert_null (strstr (out, "Agreed to hear"));

  return path;
}

#define DORMANT "沉睡的高消费客户"

/* The path: the built-in 沉睡的高消费客户 of an imported shop whose
 * customers were never asked; refused and do-not-contact never go. */
static void
test_imported_shop (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = new_imported_shop (dir, NULL);
  g_autofree char *csv = g_build_filename (dir, "dormant.csv", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(GError) error = NULL;

  /* Top 20 % of 20 buyers by net spend are 周杰, 王芳, 李雷 and 赵敏; all
   * but 周杰 last bought more than 30 days before 30 November. */
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "consent", "show", "--db", path, "--segment", DORMANT, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "Agreed to hear from the shop: 0\n"
                            "Never asked (consent unknown): 3\n"
                            "Refused: 0\n"
                            "Asked not to be contacted: 0\n"
                            "May be contacted: 0 of 3 (not decided yet: only those who agreed are contacted)\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Nobody is exported, and it says why and what to do. */
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "segment", "export", DORMANT, "--db", path, "--format", "csv",
                                      "--out", csv, NULL), ==, 1);
  g_assert_cmpstr (err, ==, "siyu-cli: Nobody was exported: none of the 3 people in this list may be contacted. "
                            "3 were never asked whether they agree to hear from the shop. Record that they agreed "
                            "with Set Consent, or, if the shop may contact people who were never asked, allow it "
                            "in Preferences.\n"
                            "Record their consent with “siyu-cli consent set --segment NAME --to given --source TEXT”, "
                            "or export with --include-unknown-consent if the shop may contact people never asked.\n");
  g_assert_cmpstr (out, ==, "");
  g_assert_false (g_file_test (csv, G_FILE_TEST_EXISTS));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* 李雷 (2) refuses; 赵敏 (3) asks not to be contacted. */
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "consent", "set", "--db", path, "--contacts", "2", "--to", "refused",
                                      "--source", "电话回访时拒绝", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "Set the consent of 1 of 1 contacts to refused.\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "contact", "edit", "3", "--db", path, "--set", "do_not_contact=yes",
                                      NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Allowing unknown consent exports 王芳 alone. */
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "segment", "export", DORMANT, "--db", path, "--format", "csv",
                                      "--fields", "name,phone", "--out", csv, "--include-unknown-consent", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "From now on this shop contacts people whose consent is unknown"));
  g_assert_nonnull (strstr (out, "Exported 1 contacts to "));
  g_assert_nonnull (strstr (out, "Left out 2 who may not be contacted: 0 never asked, 1 refused, 1 asked not to be "
                                 "contacted.\n"));
  contents = siyu_test_read_file (csv, NULL);
  g_assert_cmpstr (contents, ==, "\xEF\xBB\xBFName,Phone\r\n王芳,13800000001\r\n");
  g_clear_pointer (&contents, g_free);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The segment list counts those who cannot be contacted the same way. */
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "segment", "count", DORMANT, "--db", path, "--json", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "{\n  \"count\" : 3,\n  \"unreachable\" : 2,\n  \"given\" : 0,\n  \"unknown\" : 1,\n"
                            "  \"refused\" : 1,\n  \"do_not_contact\" : 1\n}\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The segment agreed at the till: the refusal stays, do-not-contact wins. */
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "consent", "set", "--db", path, "--segment", DORMANT, "--to", "given",
                                      "--source", "门店登记表", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "Set the consent of 2 of 3 contacts to given.\n"
                            "Kept the refusal of 1 who said no (--including-refused writes over them).\n"
                            "1 asked not to be contacted and stay left out, whatever their consent.\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "consent", "policy", "exclude", "--db", path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "People whose consent is unknown: only those who agreed are contacted.\n"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "segment", "export", DORMANT, "--db", path, "--format", "phones",
                                      "--out", csv, "--json", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"exported\" : 1,"));
  contents = siyu_test_read_file (csv, NULL);
  g_assert_cmpstr (contents, ==, "13800000001\r\n");

  shop = siyu_shop_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM touches"), ==, 2);
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM audit_log WHERE action = 'consent-policy'"), ==, 2);
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM audit_log WHERE action = 'consent-set'"), ==, 2);
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM contacts WHERE consent = 'unknown'"), ==, 17);
}

/* The import dialog's and CLI's "these customers agreed": everyone of the
 * file agrees, so the export works without any policy. */
static void
test_imported_consent_given (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = new_imported_shop (dir, "下单时勾选同意接收消息");
  g_autofree char *csv = g_build_filename (dir, "dormant.txt", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *contents = NULL;

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "segment", "export", DORMANT, "--db", path, "--format", "phones",
                                      "--out", csv, NULL), ==, 0);
  contents = siyu_test_read_file (csv, NULL);
  g_assert_cmpstr (contents, ==, "13800000001\r\n13800000002\r\n13800000003\r\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "contact", "show", "2", "--db", path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "  Consent: Agreed (下单时勾选同意接收消息, "));
}

/* Membership for the imported shop, from the CLI: nobody is a member; the
 * rule makes every buyer one; tiers and the wizard follow. */
static void
test_imported_members (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = new_imported_shop (dir, NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(SiyuModelFacts) facts = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "members", "rule", "--db", path, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "Membership rule: none; members come from imports and from the owner.\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "members", "add", "--db", path, "--segment", DORMANT, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "Made 3 of 3 contacts members; 0 were members already and keep their date.\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "members", "rule", "spend", "1000", "--db", path, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "Membership rule: a buyer is a member from the day their net spend of 365 days first "
                            "reaches ¥1,000.00.\nMemberships changed by the rule: 1\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  shop = siyu_shop_open (path, &error);
  g_assert_no_error (error);
  /* 王芳, 李雷, 赵敏 by hand; 周杰 by the rule. */
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM contacts WHERE member_source = 'manual'"), ==, 3);
  g_assert_cmpint (count_of (shop, "SELECT id FROM contacts WHERE member_source = 'rule'"), ==, 4);
  g_assert_cmpint (count_of (shop, "SELECT count (*) FROM contact_metrics WHERE tier_id IS NOT NULL"), ==, 4);
  facts = siyu_model_facts_compute (shop, siyu_day_from_ymd (2026, 11, 30), NULL, NULL, NULL, &error);
  g_assert_cmpint (siyu_model_facts_get_n_members (facts), ==, 4);
  g_clear_object (&shop);

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "members", "rule", "first-order", "--db", path, NULL), ==, 0);
  /* The sixteen small buyers; 周杰 keeps the same date. */
  g_assert_nonnull (strstr (out, "Memberships changed by the rule: 16\n"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "members", "rule", "spend", "0", "--db", path, NULL), ==, 2);
  g_assert_cmpstr (err, ==, "siyu-cli members: “0” is not an amount above 0, such as 500\n"
                            "Try “siyu-cli members --help”.\n");
}

static gint64
planned_size (SiyuShop   *shop,
              gint64      segment_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SiyuCampaignPlan) plan = NULL;
  SiyuCampaignInputs inputs;
  gint64 size = -2;

  siyu_campaign_inputs_init (&inputs);
  inputs.target = 1000000;
  inputs.sale_start = siyu_day_from_ymd (2026, 12, 11);
  plan = siyu_campaign_plan_new (shop, &inputs, NULL, &error);
  g_assert_no_error (error);
  for (guint p = 0; p < plan->phases->len; p++)
    {
      SiyuCampaignPhase *phase = g_ptr_array_index (plan->phases, p);

      for (guint t = 0; t < phase->targets->len; t++)
        {
          SiyuCampaignTarget *target = g_ptr_array_index (phase->targets, t);

          if (target->segment_id == segment_id)
            size = target->size;
        }
    }

  return size;
}

/* The campaign wizard's reach follows the same definition: on the imported
 * shop, nobody until the shop allows people never asked, then all three. */
static void
test_imported_campaign_reach (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autofree char *path = new_imported_shop (dir, NULL);
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(GError) error = NULL;
  gint64 dormant;

  shop = siyu_shop_open (path, &error);
  g_assert_no_error (error);
  dormant = siyu_segment_lookup (shop, DORMANT, &error);
  g_assert_no_error (error);
  g_assert_cmpint (planned_size (shop, dormant), ==, 0);
  g_assert_true (siyu_consent_set_policy (shop, SIYU_CONSENT_POLICY_INCLUDE_UNKNOWN, &error));
  g_assert_cmpint (planned_size (shop, dormant), ==, 3);
  g_assert_true (siyu_db_exec (siyu_shop_get_db (shop), "UPDATE contacts SET do_not_contact = 1 WHERE id = 1", &error));
  g_assert_cmpint (planned_size (shop, dormant), ==, 2);
}

/* Bad command lines say what is wrong. */
static void
test_cli_usage (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(SiyuShop) shop = people_shop (&dir);
  const char *path = siyu_shop_get_path (shop);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (siyu_test_run_cli (&out, &err, "consent", "set", "--db", path, "--segment", "x", NULL), ==, 2);
  g_assert_cmpstr (err, ==, "siyu-cli consent: set needs --to and one of --segment, --group or --contacts\n"
                            "Try “siyu-cli consent --help”.\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "consent", "set", "--db", path, "--group", "茶友群", "--to", "yes",
                                      NULL), ==, 2);
  g_assert_cmpstr (err, ==, "siyu-cli consent: --to takes given, refused or unknown\nTry “siyu-cli consent --help”.\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "consent", "set", "--db", path, "--group", "茶友群", "--to", "given",
                                      NULL), ==, 1);
  g_assert_cmpstr (err, ==, "siyu-cli: Say where the answer comes from, such as “signed form at the shop” or "
                            "“WeChat group rules”.\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "consent", "set", "--db", path, "--group", "茶友群", "--to", "given",
                                      "--source", "群公告", "--json", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "{\n  \"matched\" : 3,\n  \"changed\" : 1,\n  \"kept_refused\" : 1,\n"
                            "  \"do_not_contact\" : 0\n}\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "consent", "set", "--db", path, "--group", "无此群", "--to", "given",
                                      "--source", "x", NULL), ==, 1);
  g_assert_cmpstr (err, ==, "siyu-cli: There is no group “无此群”.\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "consent", "policy", "maybe", "--db", path, NULL), ==, 2);
  g_assert_cmpstr (err, ==, "siyu-cli consent: “maybe” is not a policy; use include, exclude or unset\n"
                            "Try “siyu-cli consent --help”.\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (siyu_test_run_cli (&out, &err, "consent", "show", "--db", path, "--json", NULL), ==, 0);
  /* After the group agreed: 1 and 2 agreed, 6 never asked, 3 refused, 4 and 5 do-not-contact. */
  g_assert_cmpstr (out, ==, "{\n  \"total\" : 6,\n  \"given\" : 2,\n  \"unknown\" : 1,\n  \"refused\" : 1,\n"
                            "  \"do_not_contact\" : 2,\n  \"reachable\" : 2,\n  \"policy\" : \"unset\"\n}\n");
}

/* The people of a group now, or of the whole shop, by consent.  The review
 * shop's contacts 5 to 14 joined 茶友群; 5 and 6 left it. */
static void
test_count_group (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_review_shop (dir, FALSE);
  g_autoptr(GError) error = NULL;
  SiyuConsentCounts counts;
  gint64 group = siyu_group_lookup (shop, "茶友群", &error);

  g_assert_no_error (error);
  g_assert_true (siyu_contact_set (shop, 1, SIYU_CONTACT_MARKETING_CONSENT, "given", NULL, &error));
  g_assert_true (siyu_contact_set (shop, 5, SIYU_CONTACT_MARKETING_CONSENT, "refused", NULL, &error));
  g_assert_true (siyu_contact_set (shop, 7, SIYU_CONTACT_MARKETING_CONSENT, "given", NULL, &error));
  g_assert_true (siyu_contact_set (shop, 8, SIYU_CONTACT_DO_NOT_CONTACT, "yes", NULL, &error));
  g_assert_no_error (error);

  g_assert_true (siyu_consent_count_group (shop, group, &counts, &error));
  g_assert_no_error (error);
  assert_counts (&counts, 8, 1, 6, 0, 1, 1);

  g_assert_true (siyu_consent_count_group (shop, 0, &counts, &error));
  g_assert_no_error (error);
  assert_counts (&counts, 14, 2, 10, 1, 1, 2);

  g_assert_true (siyu_contact_erase (shop, 9, &error));
  g_assert_true (siyu_consent_count_group (shop, group, &counts, &error));
  g_assert_no_error (error);
  assert_counts (&counts, 7, 1, 5, 0, 1, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/siyu/consent/reachable", test_reachable);
  g_test_add_func ("/siyu/consent/migration", test_migration);
  g_test_add_func ("/siyu/consent/legacy-flag", test_legacy_flag);
  g_test_add_func ("/siyu/consent/contact-edit", test_contact_edit);
  g_test_add_func ("/siyu/consent/bulk", test_bulk);
  g_test_add_func ("/siyu/consent/ingest", test_ingest);
  g_test_add_func ("/siyu/consent/membership-rule", test_membership_rule);
  g_test_add_func ("/siyu/consent/members-add", test_members_add);
  g_test_add_func ("/siyu/consent/imported-shop", test_imported_shop);
  g_test_add_func ("/siyu/consent/imported-consent-given", test_imported_consent_given);
  g_test_add_func ("/siyu/consent/imported-members", test_imported_members);
  g_test_add_func ("/siyu/consent/imported-campaign-reach", test_imported_campaign_reach);
  g_test_add_func ("/siyu/consent/count-group", test_count_group);
  g_test_add_func ("/siyu/consent/cli-usage", test_cli_usage);

  return g_test_run ();
}
