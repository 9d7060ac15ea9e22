/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-import"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "siyu-import-guess.h"
#include "siyu-import-private.h"
#include "siyu-text.h"
#include "siyu-json.h"
#include "siyu-orders.h"

/* The fields of an import and how a file's columns are mapped to them:
 * by a preset (data/presets), by a mapping remembered for the same
 * headers, by a guess from the headers and values (siyu-import-guess.c),
 * and by the owner's own choices over any of them. */

const SiyuImportField _siyu_import_fields[N_FIELDS] = {
  [F_ORDER_REF]       = { "order_ref",       NC_("import field", "Order number"), K_ORDERS, K_ORDERS },
  [F_CREATED_AT]      = { "created_at",      NC_("import field", "Created"), K_ORDERS | K_CUSTOMERS, K_ORDERS },
  [F_STATUS]          = { "status",          NC_("import field", "Order status"), K_ORDERS, 0 },
  [F_CUSTOMER_ID]     = { "customer_id",     NC_("import field", "Platform customer id"), K_PEOPLE, 0 },
  [F_PHONE]           = { "phone",           NC_("import field", "Phone"), K_PEOPLE, 0 },
  [F_NAME]            = { "name",            NC_("import field", "Name"), K_PEOPLE, 0 },
  [F_EMAIL]           = { "email",           NC_("import field", "E-mail"), K_PEOPLE, 0 },
  [F_WECHAT_ID]       = { "wechat_id",       NC_("import field", "WeChat id"), K_PEOPLE, 0 },
  [F_CITY]            = { "city",            NC_("import field", "City"), K_CUSTOMERS, 0 },
  [F_BIRTHDAY]        = { "birthday",        NC_("import field", "Birthday"), K_CUSTOMERS, 0 },
  [F_MEMBER_SINCE]    = { "member_since",    NC_("import field", "Member since"), K_CUSTOMERS, 0 },
  [F_TIER]            = { "tier",            NC_("import field", "Platform tier"), K_CUSTOMERS, 0 },
  [F_TAGS]            = { "tags",            NC_("import field", "Tags"), K_CUSTOMERS, 0 },
  [F_CONSENT]         = { "consent",         NC_("import field", "Marketing consent"), K_CUSTOMERS, 0 },
  [F_CHANNEL]         = { "channel",         NC_("import field", "Channel"), K_ORDERS | K_EVENTS, 0 },
  [F_SKU]             = { "sku",             NC_("import field", "SKU"), K_ORDERS, 0 },
  [F_PRODUCT_NAME]    = { "product_name",    NC_("import field", "Product name"), K_ORDERS, 0 },
  [F_QUANTITY]        = { "quantity",        NC_("import field", "Quantity"), K_ORDERS, 0 },
  [F_UNIT_PRICE]      = { "unit_price",      NC_("import field", "Unit price"), K_ORDERS, 0 },
  [F_LINE_TOTAL]      = { "line_total",      NC_("import field", "Line total"), K_ORDERS, 0 },
  [F_ORDER_TOTAL]     = { "order_total",     NC_("import field", "Order total"), K_ORDERS, 0 },
  [F_REFUNDED_AMOUNT] = { "refunded_amount", NC_("import field", "Refunded amount"), K_ORDERS, 0 },
  [F_CURRENCY]        = { "currency",        NC_("import field", "Currency"), K_ORDERS, 0 },
  [F_ORIGINAL_REF]    = { "original_ref",    NC_("import field", "Original order of a return"), K_ORDERS, 0 },
  [F_GROUP]           = { "group",           NC_("import field", "Group"), K_GROUPS, K_GROUPS },
  [F_GROUP_KIND]      = { "group_kind",      NC_("import field", "Kind of group"), K_GROUPS, 0 },
  [F_ROLE]            = { "role",            NC_("import field", "Role in the group"), K_GROUPS, 0 },
  [F_JOINED_AT]       = { "joined_at",       NC_("import field", "Joined"), K_GROUPS, K_GROUPS },
  [F_LEFT_AT]         = { "left_at",         NC_("import field", "Left"), K_GROUPS, 0 },
  [F_EVENT_KIND]      = { "event_kind",      NC_("import field", "Kind of event"), K_EVENTS, K_EVENTS },
  [F_OCCURRED_AT]     = { "occurred_at",     NC_("import field", "Happened"), K_EVENTS, K_EVENTS },
  [F_DETAIL]          = { "detail",          NC_("import field", "Detail"), K_EVENTS, 0 },
};

const char * const _siyu_import_kind_names[N_KINDS] = { "orders", "customers", "groups", "events" };

/* Words → stored values, loaded once from words.json. */
static GHashTable *words[5];

static gpointer
load_words (gpointer data G_GNUC_UNUSED)
{
  static const char * const sections[] = { "status", "event_kind", "role", "group_kind", "yes_no" };
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;

  bytes = g_resources_lookup_data (PRESETS_PATH "words.json", 0, NULL);
  g_assert (bytes != NULL);
  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                   (gssize) g_bytes_get_size (bytes), NULL))
    g_assert_not_reached ();
  root = json_node_get_object (json_parser_get_root (parser));

  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    {
      JsonObject *section = json_object_get_object_member (root, sections[i]);
      g_autoptr(GList) members = json_object_get_members (section);

      words[i] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonArray *list = json_object_get_array_member (section, l->data);

          for (guint j = 0; j < json_array_get_length (list); j++)
            g_hash_table_insert (words[i],
                                 g_utf8_casefold (json_array_get_string_element (list, j), -1),
                                 g_strdup (l->data));
        }
    }

  return NULL;
}

const char *
_siyu_import_lookup_word (guint       table,
             const char *text)
{
  static GOnce once = G_ONCE_INIT;
  g_autofree char *stripped = NULL;
  g_autofree char *folded = NULL;

  g_once (&once, load_words, NULL);

  stripped = g_strstrip (g_strdup (text));
  folded = g_utf8_casefold (stripped, -1);

  return g_hash_table_lookup (words[table], folded);
}

JsonObject *
_siyu_import_load_preset (const char *name)
{
  g_autofree char *path = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (name == NULL || strchr (name, '/') != NULL || g_str_equal (name, "words") || g_str_equal (name, "headers"))
    return NULL;

  path = g_strconcat (PRESETS_PATH, name, ".json", NULL);
  bytes = g_resources_lookup_data (path, 0, NULL);
  if (bytes == NULL)
    return NULL;
  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                   (gssize) g_bytes_get_size (bytes), NULL))
    g_assert_not_reached ();

  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

gboolean
_siyu_import_preset_is_kind (JsonObject     *preset,
                SiyuImportKind  kind)
{
  return g_strcmp0 (json_object_get_string_member (preset, "kind"), _siyu_import_kind_names[kind]) == 0;
}

const char *
siyu_import_kind_to_string (SiyuImportKind kind)
{
  g_return_val_if_fail (kind <= SIYU_IMPORT_EVENTS, NULL);
  return _siyu_import_kind_names[kind];
}

gboolean
siyu_import_kind_from_string (const char     *text,
                              SiyuImportKind *kind)
{
  for (guint i = 0; i < N_KINDS; i++)
    if (g_strcmp0 (text, _siyu_import_kind_names[i]) == 0)
      {
        *kind = (SiyuImportKind) i;
        return TRUE;
      }
  return FALSE;
}

int
_siyu_import_field_from_name (const char *name)
{
  for (int i = 0; i < N_FIELDS; i++)
    if (g_strcmp0 (_siyu_import_fields[i].name, name) == 0)
      return i;
  return -1;
}

static gpointer
build_field_lists (gpointer data G_GNUC_UNUSED)
{
  GPtrArray **lists = g_new0 (GPtrArray *, N_KINDS);

  for (guint k = 0; k < N_KINDS; k++)
    {
      lists[k] = g_ptr_array_new ();
      for (guint f = 0; f < N_FIELDS; f++)
        if (_siyu_import_fields[f].kinds & (1u << k))
          g_ptr_array_add (lists[k], (gpointer) _siyu_import_fields[f].name);
      g_ptr_array_add (lists[k], NULL);
    }

  return lists;
}

/**
 * siyu_import_list_fields:
 *
 * Returns: (transfer none): the names of the fields an import of @kind
 *   reads, in the order a mapping editor shows them.
 */
const char * const *
siyu_import_list_fields (SiyuImportKind kind)
{
  static GOnce once = G_ONCE_INIT;
  GPtrArray **lists;

  g_return_val_if_fail (kind <= SIYU_IMPORT_EVENTS, NULL);

  lists = g_once (&once, build_field_lists, NULL);
  return (const char * const *) lists[kind]->pdata;
}

const char *
siyu_import_field_title (const char *field)
{
  int f = _siyu_import_field_from_name (field);

  if (f < 0)
    return NULL;
  return g_dpgettext2 (GETTEXT_PACKAGE, "import field", _siyu_import_fields[f].title);
}

gboolean
siyu_import_field_is_required (SiyuImportKind  kind,
                               const char     *field)
{
  int f = _siyu_import_field_from_name (field);

  return f >= 0 && (_siyu_import_fields[f].required & (1u << kind)) != 0;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/**
 * siyu_import_list_presets:
 *
 * Returns: (transfer full): the names of the presets for @kind, sorted.
 */
char **
siyu_import_list_presets (SiyuImportKind kind)
{
  g_auto(GStrv) children = g_resources_enumerate_children (PRESETS_PATH, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; children != NULL && children[i] != NULL; i++)
    {
      g_autofree char *name = NULL;
      g_autoptr(JsonObject) preset = NULL;

      if (!g_str_has_suffix (children[i], ".json"))
        continue;
      name = g_strndup (children[i], strlen (children[i]) - strlen (".json"));
      preset = _siyu_import_load_preset (name);
      if (preset != NULL && _siyu_import_preset_is_kind (preset, kind))
        g_ptr_array_add (names, g_steal_pointer (&name));
    }
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);

  return (char **) g_ptr_array_steal (names, NULL);
}

/* The preset's title in the first of the user's languages it has. */
char *
siyu_import_preset_title (const char *name)
{
  g_autoptr(JsonObject) preset = _siyu_import_load_preset (name);
  const char * const *languages = g_get_language_names ();
  JsonObject *titles;

  if (preset == NULL)
    return NULL;
  titles = json_object_get_object_member (preset, "title");
  for (guint i = 0; languages[i] != NULL; i++)
    if (json_object_has_member (titles, languages[i]))
      return g_strdup (json_object_get_string_member (titles, languages[i]));

  return g_strdup (json_object_get_string_member (titles, "en"));
}

static void
mapping_clear (Mapping *mapping)
{
  for (guint f = 0; f < N_FIELDS; f++)
    for (guint c = 0; c < MAX_COLUMNS_PER_FIELD; c++)
      mapping[f].columns[c] = -1;
}

static int
header_index (SiyuImport *self,
              const char *column)
{
  for (guint i = 0; i < self->n_headers; i++)
    if (g_str_equal (self->headers[i], column))
      return (int) i;
  return -1;
}

/* Maps @field to @columns ("A" or "A+B"); returns FALSE and names the
 * first column that is not in the file. */
static gboolean
map_columns (SiyuImport  *self,
             Field        field,
             const char  *columns,
             char       **missing)
{
  g_auto(GStrv) parts = g_strsplit (columns, "+", MAX_COLUMNS_PER_FIELD);
  Mapping mapping;

  for (guint c = 0; c < MAX_COLUMNS_PER_FIELD; c++)
    mapping.columns[c] = -1;
  for (guint c = 0; parts[c] != NULL; c++)
    {
      g_strstrip (parts[c]);
      mapping.columns[c] = header_index (self, parts[c]);
      if (mapping.columns[c] < 0)
        {
          /* A header may itself contain “+”. */
          if (header_index (self, columns) >= 0)
            {
              mapping.columns[0] = header_index (self, columns);
              mapping.columns[1] = mapping.columns[2] = -1;
              break;
            }
          if (missing != NULL)
            *missing = g_strdup (parts[c]);
          return FALSE;
        }
    }
  self->mapping[field] = mapping;

  return TRUE;
}

/* Applies the preset's columns; returns how many of them are in the file,
 * or -1 when a column of a required field is not. */
static int
apply_preset (SiyuImport *self,
              JsonObject *preset,
              gboolean    dry)
{
  JsonObject *columns = json_object_get_object_member (preset, "columns");
  g_autoptr(GList) members = json_object_get_members (columns);
  int found = 0;

  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *node = json_object_get_member (columns, l->data);
      int f = _siyu_import_field_from_name (l->data);
      g_autoptr(GString) joined = g_string_new (NULL);
      Mapping saved;

      g_assert (f >= 0);
      if (JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);

          for (guint i = 0; i < json_array_get_length (array); i++)
            g_string_append_printf (joined, "%s%s", i > 0 ? "+" : "",
                                    json_array_get_string_element (array, i));
        }
      else
        g_string_assign (joined, json_node_get_string (node));

      saved = self->mapping[f];
      if (map_columns (self, (Field) f, joined->str, NULL))
        {
          found++;
          if (dry)
            self->mapping[f] = saved;
        }
      else if (_siyu_import_fields[f].required & (1u << self->kind))
        return -1;
    }

  return found;
}

static void
take_preset_source (SiyuImport *self,
                    JsonObject *preset)
{
  JsonObject *channel = json_object_has_member (preset, "channel")
                        ? json_object_get_object_member (preset, "channel") : NULL;

  g_free (self->channel_kind);
  g_free (self->channel_name);
  g_free (self->platform);
  self->channel_kind = g_strdup (channel != NULL ? json_object_get_string_member (channel, "kind") : "other");
  self->channel_name = g_strdup (channel != NULL ? json_object_get_string_member (channel, "name") : SIYU_IMPORTED_CHANNEL_NAME);
  self->platform = g_strdup (json_object_get_string_member (preset, "platform"));
}

char *
_siyu_import_mapping_key (SiyuImport *self)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA1);

  for (guint i = 0; i < self->n_headers; i++)
    {
      g_checksum_update (checksum, (const guchar *) self->headers[i], -1);
      g_checksum_update (checksum, (const guchar *) "\x1f", 1);
    }

  return g_strdup_printf ("import.mapping.%s.%s", _siyu_import_kind_names[self->kind],
                          g_checksum_get_string (checksum));
}

/* A mapping remembered for the same headers: {"preset": …, "columns": {…}}. */
static gboolean
apply_remembered (SiyuImport *self)
{
  g_autofree char *key = _siyu_import_mapping_key (self);
  g_autofree char *text = siyu_shop_dup_setting (self->shop, key);
  g_autoptr(JsonNode) node = text != NULL ? siyu_json_parse (text, -1, key, NULL) : NULL;
  g_autoptr(JsonObject) preset = NULL;
  JsonObject *root, *columns;
  g_autoptr(GList) members = NULL;
  Mapping saved[N_FIELDS];

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  root = json_node_get_object (node);
  if (!json_object_has_member (root, "columns"))
    return FALSE;

  memcpy (saved, self->mapping, sizeof saved);
  mapping_clear (self->mapping);
  columns = json_object_get_object_member (root, "columns");
  members = json_object_get_members (columns);
  for (GList *l = members; l != NULL; l = l->next)
    {
      int f = _siyu_import_field_from_name (l->data);

      if (f < 0 || !map_columns (self, (Field) f, json_object_get_string_member (columns, l->data), NULL))
        {
          memcpy (self->mapping, saved, sizeof saved);
          return FALSE;
        }
    }

  if (json_object_has_member (root, "preset"))
    preset = _siyu_import_load_preset (json_object_get_string_member (root, "preset"));
  if (preset != NULL)
    {
      take_preset_source (self, preset);
      g_free (self->preset);
      self->preset = g_strdup (json_object_get_string_member (root, "preset"));
    }

  return TRUE;
}

/* The preset whose required columns are all in the file and which maps
 * the most of its columns.  Returns how many it maps, or G_MAXINT when
 * the file has three quarters of the preset's columns: then the file is
 * that platform's export, whatever a guess would say. */
static int
detect_preset (SiyuImport *self)
{
  g_auto(GStrv) names = siyu_import_list_presets (self->kind);
  int best = 0;
  guint best_size = 0;

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(JsonObject) preset = _siyu_import_load_preset (names[i]);
      int found = apply_preset (self, preset, TRUE);

      if (found > best)
        {
          best = found;
          best_size = json_object_get_size (json_object_get_object_member (preset, "columns"));
          g_free (self->preset);
          self->preset = g_strdup (names[i]);
        }
    }

  return best > 0 && (guint) best * 4 >= best_size * 3 ? G_MAXINT : best;
}

/* Each field of the kind gets the column its header and its first rows
 * point to, if any (siyu-import-guess.c).  The guess is taken when no
 * preset knows the file, or when it explains more of the file's columns
 * than the best preset does; returns whether it was taken. */
static gboolean
guess_mapping (SiyuImport *self,
               int         preset_columns)
{
  const char *names[N_FIELDS];
  guint ids[N_FIELDS];
  SiyuGuess guesses[N_FIELDS];
  int found = 0;
  guint n = 0;

  for (guint f = 0; f < N_FIELDS; f++)
    if (_siyu_import_fields[f].kinds & (1u << self->kind))
      {
        ids[n] = f;
        names[n++] = _siyu_import_fields[f].name;
      }
  siyu_import_guess (names, n, (const char * const *) self->headers, self->n_headers, self->preview, guesses);
  for (guint i = 0; i < n; i++)
    if (guesses[i].column >= 0)
      found++;
  if (self->preset != NULL && found <= preset_columns)
    return FALSE;

  g_clear_pointer (&self->preset, g_free);
  for (guint i = 0; i < n; i++)
    if (guesses[i].column >= 0)
      {
        self->mapping[ids[i]].columns[0] = guesses[i].column;
        self->confidence[ids[i]] = guesses[i].confidence;
      }
  self->guessed = TRUE;
  return TRUE;
}

static void
describe_mapping (SiyuImport *self)
{
  for (guint f = 0; f < N_FIELDS; f++)
    {
      g_string_truncate (self->column_names[f], 0);
      for (guint c = 0; c < MAX_COLUMNS_PER_FIELD && self->mapping[f].columns[c] >= 0; c++)
        g_string_append_printf (self->column_names[f], "%s%s", c > 0 ? "+" : "",
                                self->headers[self->mapping[f].columns[c]]);
    }
}

gboolean
_siyu_import_build_mapping (SiyuImport  *self,
               GError     **error)
{
  GHashTableIter iter;
  gpointer key, value;
  g_autoptr(JsonObject) defaults = _siyu_import_load_preset (self->kind == SIYU_IMPORT_ORDERS ? "canonical-orders" :
                                                self->kind == SIYU_IMPORT_CUSTOMERS ? "canonical-customers" :
                                                self->kind == SIYU_IMPORT_GROUPS ? "canonical-groups" :
                                                "canonical-events");

  mapping_clear (self->mapping);
  take_preset_source (self, defaults);
  for (guint f = 0; f < N_FIELDS; f++)
    self->confidence[f] = 0;

  self->remembered = FALSE;
  self->guessed = FALSE;
  if (!self->preset_chosen)
    {
      g_clear_pointer (&self->preset, g_free);
      self->remembered = apply_remembered (self);
      if (!self->remembered)
        guess_mapping (self, detect_preset (self));
    }

  if (self->preset != NULL && !self->remembered)
    {
      g_autoptr(JsonObject) preset = _siyu_import_load_preset (self->preset);

      mapping_clear (self->mapping);
      apply_preset (self, preset, FALSE);
      take_preset_source (self, preset);
    }

  g_hash_table_iter_init (&iter, self->overrides);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      int f = _siyu_import_field_from_name (key);
      g_autofree char *missing = NULL;

      if (f < 0 || !(_siyu_import_fields[f].kinds & (1u << self->kind)))
        {
          g_autofree char *list = g_strjoinv (", ", (char **) siyu_import_list_fields (self->kind));

          g_set_error (error, SIYU_IMPORT_ERROR, SIYU_IMPORT_ERROR_MAPPING,
                       _("“%s” is not a field of an import of %s. The fields are: %s."),
                       (const char *) key, _siyu_import_kind_names[self->kind], list);
          return FALSE;
        }
      /* The owner's own choice is sure. */
      self->confidence[f] = 0;
      if (*(const char *) value == '\0')
        {
          for (guint c = 0; c < MAX_COLUMNS_PER_FIELD; c++)
            self->mapping[f].columns[c] = -1;
          continue;
        }
      if (!map_columns (self, (Field) f, value, &missing))
        {
          g_autofree char *list = g_strjoinv (", ", self->headers);

          g_set_error (error, SIYU_IMPORT_ERROR, SIYU_IMPORT_ERROR_MAPPING,
                       _("%s has no column “%s”. Its columns are: %s."),
                       self->display_name, missing, list);
          return FALSE;
        }
      /* A column the owner gives to one field is no longer guessed for another. */
      for (guint g = 0; g < N_FIELDS; g++)
        if (g != (guint) f && self->guessed && self->confidence[g] > 0 &&
            self->mapping[g].columns[0] == self->mapping[f].columns[0] &&
            !g_hash_table_contains (self->overrides, _siyu_import_fields[g].name))
          {
            self->mapping[g].columns[0] = -1;
            self->confidence[g] = 0;
          }
    }

  for (guint f = 0; f < N_FIELDS; f++)
    if (_siyu_import_is_mapped (self, (Field) f) && self->confidence[f] == 0)
      self->confidence[f] = 1;
  describe_mapping (self);

  return TRUE;
}

gboolean
_siyu_import_is_mapped (SiyuImport *self,
           Field       field)
{
  return self->mapping[field].columns[0] >= 0;
}

static gboolean
has_any_column (SiyuImport *self)
{
  for (guint f = 0; f < N_FIELDS; f++)
    if (_siyu_import_is_mapped (self, (Field) f))
      return TRUE;
  return FALSE;
}

/**
 * siyu_import_check_mapping:
 *
 * Says whether the fields the import needs have columns, naming the first
 * that has none.
 */
gboolean
siyu_import_check_mapping (SiyuImport  *self,
                           GError     **error)
{
  g_return_val_if_fail (SIYU_IS_IMPORT (self), FALSE);
  g_return_val_if_fail (self->headers != NULL, FALSE);

  if (!_siyu_import_build_mapping (self, error))
    return FALSE;

  if (self->preset == NULL && !self->remembered && g_hash_table_size (self->overrides) == 0 &&
      !has_any_column (self))
    {
      g_autofree char *list = g_strjoinv (", ", self->headers);

      g_set_error (error, SIYU_IMPORT_ERROR, SIYU_IMPORT_ERROR_MAPPING,
                   _("Siyu does not recognise the columns of %s (%s). Choose a preset or map the columns by hand."),
                   self->display_name, list);
      return FALSE;
    }

  for (guint f = 0; f < N_FIELDS; f++)
    if ((_siyu_import_fields[f].required & (1u << self->kind)) && !_siyu_import_is_mapped (self, (Field) f))
      {
        g_set_error (error, SIYU_IMPORT_ERROR, SIYU_IMPORT_ERROR_MAPPING,
                     _("No column of %s is chosen for the field “%s” (%s), which an import of %s needs."),
                     self->display_name, siyu_import_field_title (_siyu_import_fields[f].name), _siyu_import_fields[f].name,
                     _siyu_import_kind_names[self->kind]);
        return FALSE;
      }

  if (self->kind == SIYU_IMPORT_ORDERS)
    {
      if (!_siyu_import_is_mapped (self, F_PRODUCT_NAME) && !_siyu_import_is_mapped (self, F_SKU))
        {
          g_set_error (error, SIYU_IMPORT_ERROR, SIYU_IMPORT_ERROR_MAPPING,
                       _("No column of %s is chosen for the product name or the SKU; an order line needs one."),
                       self->display_name);
          return FALSE;
        }
      if (!_siyu_import_is_mapped (self, F_UNIT_PRICE) && !_siyu_import_is_mapped (self, F_LINE_TOTAL) && !_siyu_import_is_mapped (self, F_ORDER_TOTAL))
        {
          g_set_error (error, SIYU_IMPORT_ERROR, SIYU_IMPORT_ERROR_MAPPING,
                       _("No column of %s is chosen for a price: the unit price, the line total or the order total."),
                       self->display_name);
          return FALSE;
        }
    }
  else if (!_siyu_import_is_mapped (self, F_PHONE) && !_siyu_import_is_mapped (self, F_EMAIL) &&
           !_siyu_import_is_mapped (self, F_WECHAT_ID) && !_siyu_import_is_mapped (self, F_CUSTOMER_ID))
    {
      g_set_error (error, SIYU_IMPORT_ERROR, SIYU_IMPORT_ERROR_MAPPING,
                   _("No column of %s is chosen for the phone, e-mail, WeChat id or customer id, by which Siyu tells people apart."),
                   self->display_name);
      return FALSE;
    }

  return TRUE;
}

/**
 * siyu_import_has_status_column:
 *
 * Says whether an order import has a column for the orders' status.
 * Without one, every order whose quantities are positive is a completed
 * sale, paid; the dialog and the CLI say so.
 */
gboolean
siyu_import_has_status_column (SiyuImport *self)
{
  g_return_val_if_fail (SIYU_IS_IMPORT (self), FALSE);
  g_return_val_if_fail (self->headers != NULL, FALSE);
  return _siyu_import_is_mapped (self, F_STATUS);
}

