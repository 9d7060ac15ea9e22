/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "siyu-fuzz.h"
#include "siyu-json.h"

/* The input is a JSON document from outside: a page of a shop platform, a
 * segment, a model.  siyu_json_parse () must refuse one nested deeper than
 * SIYU_JSON_MAX_DEPTH before json-glib, which recurses, sees it: the depth
 * it measures on the bytes is never less than the depth of what json-glib
 * builds. */

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  siyu_fuzz_init ();
  return 0;
}

static guint
depth_of (JsonNode *node)
{
  guint deepest = 0;

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        deepest = MAX (deepest, depth_of (json_array_get_element (array, i)));
      return deepest + 1;
    }
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autoptr(GList) members = json_object_get_values (json_node_get_object (node));

      for (GList *l = members; l != NULL; l = l->next)
        deepest = MAX (deepest, depth_of (l->data));
      return deepest + 1;
    }
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = siyu_json_parse ((const char *) data, (gssize) size, "The input", &error);
  guint measured = siyu_json_depth ((const char *) data, size);

  if (root == NULL)
    {
      siyu_fuzz_check (error != NULL && error->domain == SIYU_JSON_ERROR, "no error, or another kind");
      siyu_fuzz_check (g_utf8_validate (error->message, -1, NULL), "the message is not UTF-8");
      siyu_fuzz_check ((measured > SIYU_JSON_MAX_DEPTH) == (error->code == SIYU_JSON_ERROR_TOO_DEEP),
                       "depth %u, error %d: %s", measured, error->code, error->message);
      return 0;
    }
  siyu_fuzz_check (error == NULL, "a root and an error");
  siyu_fuzz_check (depth_of (root) <= measured && measured <= SIYU_JSON_MAX_DEPTH,
                   "json-glib built %u levels where %u were measured", depth_of (root), measured);
  return 0;
}
