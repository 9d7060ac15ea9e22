/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "siyu-test-keyring.h"

typedef struct {
  char       *schema;
  GHashTable *attributes;
  char       *label;
  char       *secret;
} Item;

static GPtrArray *items;

static void
item_free (gpointer data)
{
  Item *item = data;

  g_free (item->schema);
  g_hash_table_unref (item->attributes);
  g_free (item->label);
  g_free (item->secret);
  g_free (item);
}

static gboolean
matches (Item               *item,
         const SecretSchema *schema,
         GHashTable         *attributes)
{
  GHashTableIter iter;
  gpointer key, value;

  if (!g_str_equal (item->schema, schema->name))
    return FALSE;
  g_hash_table_iter_init (&iter, attributes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_strcmp0 (g_hash_table_lookup (item->attributes, key), value) != 0)
      return FALSE;
  return TRUE;
}

static GHashTable *
copy_attributes (GHashTable *attributes)
{
  GHashTable *copy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, attributes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy, g_strdup (key), g_strdup (value));
  return copy;
}

/* Attributes outside the schema are refused, as libsecret refuses them. */
static void
check_schema (const SecretSchema *schema,
              GHashTable         *attributes)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, attributes);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      gboolean known = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (schema->attributes) && schema->attributes[i].name != NULL; i++)
        known = known || g_str_equal (schema->attributes[i].name, key);
      g_assert_true (known);
    }
}

static char *
fake_lookup (const SecretSchema  *schema,
             GHashTable          *attributes,
             GCancellable        *cancellable,
             GError             **error)
{
  check_schema (schema, attributes);
  for (guint i = 0; i < items->len; i++)
    if (matches (g_ptr_array_index (items, i), schema, attributes))
      return g_strdup (((Item *) g_ptr_array_index (items, i))->secret);
  return NULL;
}

static gboolean
fake_clear (const SecretSchema  *schema,
            GHashTable          *attributes,
            GCancellable        *cancellable,
            GError             **error)
{
  check_schema (schema, attributes);
  for (guint i = items->len; i > 0; i--)
    if (matches (g_ptr_array_index (items, i - 1), schema, attributes))
      g_ptr_array_remove_index (items, i - 1);
  return TRUE;
}

static gboolean
fake_store (const SecretSchema  *schema,
            GHashTable          *attributes,
            const char          *label,
            const char          *secret,
            GCancellable        *cancellable,
            GError             **error)
{
  Item *item = g_new0 (Item, 1);

  fake_clear (schema, attributes, cancellable, error);
  item->schema = g_strdup (schema->name);
  item->attributes = copy_attributes (attributes);
  item->label = g_strdup (label);
  item->secret = g_strdup (secret);
  g_ptr_array_add (items, item);
  return TRUE;
}

static const SiyuSyncKeyring fake = { fake_lookup, fake_store, fake_clear };

void
siyu_test_keyring_install (void)
{
  g_clear_pointer (&items, g_ptr_array_unref);
  items = g_ptr_array_new_with_free_func (item_free);
  _siyu_sync_set_keyring (&fake);
}

void
siyu_test_keyring_remove (void)
{
  _siyu_sync_set_keyring (NULL);
  g_clear_pointer (&items, g_ptr_array_unref);
}

void
siyu_test_keyring_add (const char *schema,
                       const char *label,
                       const char *secret,
                       const char *first_attribute,
                       ...)
{
  Item *item = g_new0 (Item, 1);
  va_list args;

  item->schema = g_strdup (schema);
  item->attributes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  item->label = g_strdup (label);
  item->secret = g_strdup (secret);
  va_start (args, first_attribute);
  for (const char *name = first_attribute; name != NULL; name = va_arg (args, const char *))
    g_hash_table_insert (item->attributes, g_strdup (name), g_strdup (va_arg (args, const char *)));
  va_end (args);
  g_ptr_array_add (items, item);
}

guint
siyu_test_keyring_count (void)
{
  return items->len;
}

static gint
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

/* "schema {name=value, …} label: secret", the attributes sorted. */
char *
siyu_test_keyring_describe (guint index)
{
  Item *item = g_ptr_array_index (items, index);
  g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func (g_free);
  GString *out = g_string_new (item->schema);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, item->attributes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_ptr_array_add (pairs, g_strdup_printf ("%s=%s", (char *) key, (char *) value));
  g_ptr_array_sort (pairs, compare_strings);
  g_string_append (out, " {");
  for (guint i = 0; i < pairs->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? ", " : "", (char *) g_ptr_array_index (pairs, i));
  g_string_append_printf (out, "} %s: %s", item->label, item->secret);

  return g_string_free (out, FALSE);
}
