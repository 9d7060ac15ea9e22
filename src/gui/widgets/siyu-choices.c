/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-choices"

#include "config.h"

#include <glib/gi18n.h>

#include "siyu-choices.h"
#include "siyu-money.h"
#include "siyu-phone.h"

/* The currencies, time zones and phone regions a shop can choose from, in
 * words an owner knows.  The rows hold the codes the core stores; what
 * they show comes from here. */

typedef struct {
  const char *id;
  const char *name;
} Choice;

/* Hong Kong is a time zone and a phone region, and may be called
 * differently as each: their names have contexts, the same as in the
 * tables below. */
#define CURRENCY_CONTEXT     "currency"
#define TIME_ZONE_CONTEXT    "time zone"
#define PHONE_REGION_CONTEXT "phone region"

static const Choice currencies[] = {
  /* Translators: currency names; the ISO code is shown beside them. */
  { "CNY", NC_("currency", "Chinese yuan") },
  { "HKD", NC_("currency", "Hong Kong dollar") },
  { "MOP", NC_("currency", "Macao pataca") },
  { "TWD", NC_("currency", "New Taiwan dollar") },
  { "SGD", NC_("currency", "Singapore dollar") },
  { "MYR", NC_("currency", "Malaysian ringgit") },
  { "JPY", NC_("currency", "Japanese yen") },
  { "KRW", NC_("currency", "South Korean won") },
  { "USD", NC_("currency", "US dollar") },
  { "CAD", NC_("currency", "Canadian dollar") },
  { "AUD", NC_("currency", "Australian dollar") },
  { "EUR", NC_("currency", "Euro") },
  { "GBP", NC_("currency", "Pound sterling") },
};

/* The zones most shops are in; a shop elsewhere keeps the zone it was given
 * with siyu-cli. */
static const Choice time_zones[] = {
  /* Translators: the time zone Asia/Shanghai, the standard time of all of China. */
  { "Asia/Shanghai", NC_("time zone", "Beijing Time") },
  /* Translators: time zones, named after their main city. */
  { "Asia/Hong_Kong", NC_("time zone", "Hong Kong") },
  { "Asia/Macau", NC_("time zone", "Macao") },
  { "Asia/Taipei", NC_("time zone", "Taipei") },
  { "Asia/Singapore", NC_("time zone", "Singapore") },
  { "Asia/Kuala_Lumpur", NC_("time zone", "Kuala Lumpur") },
  { "Asia/Tokyo", NC_("time zone", "Tokyo") },
  { "America/Los_Angeles", NC_("time zone", "Los Angeles") },
  { "America/New_York", NC_("time zone", "New York") },
  { "Europe/London", NC_("time zone", "London") },
  /* Translators: Coordinated Universal Time. */
  { "UTC", NC_("time zone", "UTC") },
};

static const Choice phone_regions[] = {
  /* Translators: where phone numbers written without a country code are from; the country code is shown beside. */
  { "CN", NC_("phone region", "Chinese mainland") },
  { "HK", NC_("phone region", "Hong Kong") },
  { "MO", NC_("phone region", "Macao") },
  { "TW", NC_("phone region", "Taiwan") },
  { "SG", NC_("phone region", "Singapore") },
  { "US", NC_("phone region", "United States") },
  { "CA", NC_("phone region", "Canada") },
};

static const char *
find_name (const Choice *choices,
           guint         n_choices,
           const char   *context,
           const char   *id)
{
  for (guint i = 0; i < n_choices; i++)
    if (g_strcmp0 (choices[i].id, id) == 0)
      return g_dpgettext2 (GETTEXT_PACKAGE, context, choices[i].name);

  return NULL;
}

static char *
describe_currency (const char *code)
{
  const char *name = find_name (currencies, G_N_ELEMENTS (currencies), CURRENCY_CONTEXT, code);

  if (name == NULL)
    return g_strdup (code);

  /* Translators: a currency and its ISO code, e.g. “Chinese yuan (CNY)”. */
  return g_strdup_printf (_("%s (%s)"), name, code);
}

/* The offset the zone has today: UTC+8, UTC−7, UTC+5:30. */
static char *
describe_time_zone (const char *id)
{
  const char *name = find_name (time_zones, G_N_ELEMENTS (time_zones), TIME_ZONE_CONTEXT, id);
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier (id);
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *offset = NULL;
  gint64 minutes;

  if (name == NULL)
    name = id;
  if (tz == NULL || g_str_equal (id, "UTC"))
    return g_strdup (name);

  now = g_date_time_new_now (tz);
  minutes = g_date_time_get_utc_offset (now) / G_TIME_SPAN_MINUTE;
  if (minutes % 60 == 0)
    offset = g_strdup_printf ("UTC%s%" G_GINT64_FORMAT, minutes < 0 ? "−" : "+", ABS (minutes) / 60);
  else
    offset = g_strdup_printf ("UTC%s%" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT,
                              minutes < 0 ? "−" : "+", ABS (minutes) / 60, ABS (minutes) % 60);

  /* Translators: a time zone and its offset from UTC today, e.g. “Beijing Time (UTC+8)”. */
  return g_strdup_printf (_("%s (%s)"), name, offset);
}

static char *
describe_phone_region (const char *region)
{
  static const char * const codes[][2] = {
    { "CN", "+86" }, { "HK", "+852" }, { "MO", "+853" }, { "TW", "+886" },
    { "SG", "+65" }, { "US", "+1" }, { "CA", "+1" },
  };
  const char *name = find_name (phone_regions, G_N_ELEMENTS (phone_regions), PHONE_REGION_CONTEXT, region);

  if (name == NULL)
    return g_strdup (region);

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    if (g_str_equal (codes[i][0], region))
      /* Translators: a phone region and its country calling code, e.g. “Chinese mainland (+86)”. */
      return g_strdup_printf (_("%s (%s)"), name, codes[i][1]);

  return g_strdup (name);
}

static char *
currency_name_cb (GtkStringObject *item,
                  gpointer         user_data)
{
  return describe_currency (gtk_string_object_get_string (item));
}

static char *
time_zone_name_cb (GtkStringObject *item,
                   gpointer         user_data)
{
  return describe_time_zone (gtk_string_object_get_string (item));
}

static char *
phone_region_name_cb (GtkStringObject *item,
                      gpointer         user_data)
{
  return describe_phone_region (gtk_string_object_get_string (item));
}

/* Offers @ids in @row and selects @current, adding it if it is not one of
 * them: a shop may hold a value set elsewhere. */
static void
fill (AdwComboRow        *row,
      const char * const *ids,
      guint               n_ids,
      const char         *current,
      GCallback           name_cb)
{
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);
  g_autoptr(GtkExpression) expression = NULL;
  gboolean found = FALSE;

  for (guint i = 0; i < n_ids; i++)
    {
      gtk_string_list_append (list, ids[i]);
      found |= g_strcmp0 (ids[i], current) == 0;
    }
  if (!found && current != NULL)
    gtk_string_list_append (list, current);

  expression = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL, name_cb, NULL, NULL);
  adw_combo_row_set_expression (row, expression);
  adw_combo_row_set_model (row, G_LIST_MODEL (list));
  siyu_choices_select (row, current);
}

void
siyu_choices_fill_currency (AdwComboRow *row,
                            const char  *current)
{
  const char * const *codes = siyu_currency_list ();

  fill (row, codes, g_strv_length ((char **) codes), current, G_CALLBACK (currency_name_cb));
}

void
siyu_choices_fill_time_zone (AdwComboRow *row,
                             const char  *current)
{
  const char *ids[G_N_ELEMENTS (time_zones)];

  for (guint i = 0; i < G_N_ELEMENTS (time_zones); i++)
    ids[i] = time_zones[i].id;

  fill (row, ids, G_N_ELEMENTS (ids), current, G_CALLBACK (time_zone_name_cb));
}

void
siyu_choices_fill_phone_region (AdwComboRow *row,
                                const char  *current)
{
  const char * const *regions = siyu_phone_region_list ();

  fill (row, regions, g_strv_length ((char **) regions), current, G_CALLBACK (phone_region_name_cb));
}

/* Returns: (nullable): the code of the selected choice. */
const char *
siyu_choices_get_selected (AdwComboRow *row)
{
  GtkStringObject *item = adw_combo_row_get_selected_item (row);

  return item != NULL ? gtk_string_object_get_string (item) : NULL;
}

gboolean
siyu_choices_select (AdwComboRow *row,
                     const char  *id)
{
  GListModel *model = adw_combo_row_get_model (row);
  guint n = model != NULL ? g_list_model_get_n_items (model) : 0;

  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (model), i), id) == 0)
      {
        adw_combo_row_set_selected (row, i);
        return TRUE;
      }

  return FALSE;
}
