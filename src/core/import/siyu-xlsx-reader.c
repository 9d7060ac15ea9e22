/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-xlsx-reader"

#include "config.h"

#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlreader.h>

#include "siyu-xlsx-reader.h"

/* Reads the first sheet of an XLSX workbook: libarchive opens the ZIP
 * container, libxml2 reads the XML parts.  The workbook, its relations
 * and the shared strings are small and read whole; the sheet itself is
 * streamed out of the archive through an xmlTextReader, row by row. */

#define REL_NS "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

struct _SiyuXlsxReader
{
  struct archive *archive;
  xmlTextReaderPtr xml;
  GPtrArray *strings;
  GPtrArray *fields;
  GArray *numbers;
  guint row;
};

static struct archive *
open_archive (const char *path)
{
  struct archive *archive = archive_read_new ();

  archive_read_support_format_zip (archive);
  if (archive_read_open_filename (archive, path, 64 * 1024) != ARCHIVE_OK)
    {
      archive_read_free (archive);
      return NULL;
    }
  return archive;
}

static GBytes *
read_entry (struct archive *archive)
{
  g_autoptr(GByteArray) data = g_byte_array_new ();
  guint8 buffer[16 * 1024];
  la_ssize_t n;

  while ((n = archive_read_data (archive, buffer, sizeof buffer)) > 0)
    g_byte_array_append (data, buffer, (guint) n);
  if (n < 0)
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}

static xmlDocPtr
parse_bytes (GBytes *bytes)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  if (len > G_MAXINT)
    return NULL;
  return xmlReadMemory (data, (int) len, NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

static xmlNodePtr
find_element (xmlNodePtr  node,
              const char *name)
{
  for (; node != NULL; node = node->next)
    {
      xmlNodePtr found;

      if (node->type == XML_ELEMENT_NODE && xmlStrEqual (node->name, BAD_CAST name))
        return node;
      if ((found = find_element (node->children, name)) != NULL)
        return found;
    }
  return NULL;
}

/* The text of a rich string, without its phonetic guide (<rPh>). */
static void
append_text (GString    *text,
             xmlNodePtr  node)
{
  for (; node != NULL; node = node->next)
    {
      if (node->type != XML_ELEMENT_NODE || xmlStrEqual (node->name, BAD_CAST "rPh"))
        continue;
      if (xmlStrEqual (node->name, BAD_CAST "t"))
        {
          g_autofree xmlChar *content = xmlNodeGetContent (node);

          if (content != NULL)
            g_string_append (text, (const char *) content);
        }
      else
        append_text (text, node->children);
    }
}

static gboolean
read_shared_strings (GBytes    *bytes,
                     GPtrArray *strings)
{
  xmlDocPtr doc = parse_bytes (bytes);
  xmlNodePtr root;

  if (doc == NULL)
    return FALSE;
  root = xmlDocGetRootElement (doc);
  for (xmlNodePtr si = root != NULL ? root->children : NULL; si != NULL; si = si->next)
    if (si->type == XML_ELEMENT_NODE && xmlStrEqual (si->name, BAD_CAST "si"))
      {
        GString *text = g_string_new (NULL);

        append_text (text, si->children);
        g_ptr_array_add (strings, g_string_free (text, FALSE));
      }
  xmlFreeDoc (doc);
  return TRUE;
}

/* The path inside the archive of the first sheet the workbook lists. */
static char *
first_sheet_path (GBytes *workbook,
                  GBytes *relations)
{
  xmlDocPtr wb = parse_bytes (workbook);
  xmlDocPtr rels = parse_bytes (relations);
  xmlNodePtr sheet;
  g_autofree xmlChar *id = NULL;
  char *path = NULL;

  if (wb == NULL || rels == NULL)
    goto out;
  sheet = find_element (wb->children, "sheet");
  if (sheet == NULL || (id = xmlGetNsProp (sheet, BAD_CAST "id", BAD_CAST REL_NS)) == NULL)
    goto out;
  for (xmlNodePtr rel = find_element (rels->children, "Relationship"); rel != NULL; rel = rel->next)
    {
      g_autofree xmlChar *rel_id = xmlGetProp (rel, BAD_CAST "Id");
      g_autofree xmlChar *target = xmlGetProp (rel, BAD_CAST "Target");

      if (rel_id != NULL && target != NULL && xmlStrEqual (rel_id, id))
        {
          path = target[0] == '/' ? g_strdup ((const char *) target + 1)
                                  : g_strconcat ("xl/", (const char *) target, NULL);
          break;
        }
    }
out:
  if (wb != NULL)
    xmlFreeDoc (wb);
  if (rels != NULL)
    xmlFreeDoc (rels);
  return path;
}

static int
read_archive_cb (void *context,
                 char *buffer,
                 int   len)
{
  return (int) archive_read_data (context, buffer, (size_t) len);
}

/* "AB12" is column 28, counted from 1. */
static guint
column_of (const xmlChar *ref)
{
  guint column = 0;

  for (; ref != NULL && g_ascii_isalpha (*ref) && column < 100000; ref++)
    column = column * 26 + (guint) (g_ascii_toupper (*ref) - 'A' + 1);
  return column;
}

static void
set_cell (SiyuXlsxReader *self,
          guint           column,
          char           *value,
          gboolean        number)
{
  gboolean no = FALSE;

  while (self->fields->len < column)
    {
      g_ptr_array_add (self->fields, g_strdup (""));
      g_array_append_val (self->numbers, no);
    }
  g_free (self->fields->pdata[column - 1]);
  self->fields->pdata[column - 1] = value;
  g_array_index (self->numbers, gboolean, column - 1) = number;
}

/**
 * siyu_xlsx_reader_open:
 * @path: the workbook
 * @reader: (out): the reader, on %SIYU_XLSX_ROW
 *
 * Returns: %SIYU_XLSX_ROW when the first sheet is open and ready for
 *   siyu_xlsx_reader_next(), or why not.
 */
SiyuXlsxStatus
siyu_xlsx_reader_open (const char      *path,
                       SiyuXlsxReader **reader)
{
  g_autoptr(SiyuXlsxReader) self = NULL;
  g_autoptr(GBytes) workbook = NULL;
  g_autoptr(GBytes) relations = NULL;
  g_autoptr(GBytes) strings = NULL;
  g_autofree char *sheet = NULL;
  struct archive *archive;
  struct archive_entry *entry;
  gboolean any = FALSE;
  int r;

  g_return_val_if_fail (path != NULL, SIYU_XLSX_NOT_ZIP);
  g_return_val_if_fail (reader != NULL, SIYU_XLSX_NOT_ZIP);

  if ((archive = open_archive (path)) == NULL)
    return SIYU_XLSX_NOT_ZIP;
  while ((r = archive_read_next_header (archive, &entry)) == ARCHIVE_OK)
    {
      const char *name = archive_entry_pathname (entry);
      GBytes **slot = NULL;

      any = TRUE;
      if (g_strcmp0 (name, "xl/workbook.xml") == 0)
        slot = &workbook;
      else if (g_strcmp0 (name, "xl/_rels/workbook.xml.rels") == 0)
        slot = &relations;
      else if (g_strcmp0 (name, "xl/sharedStrings.xml") == 0)
        slot = &strings;
      if (slot != NULL && (*slot = read_entry (archive)) == NULL)
        {
          r = ARCHIVE_FATAL;
          break;
        }
    }
  archive_read_free (archive);
  if (!any || r != ARCHIVE_EOF)
    return SIYU_XLSX_NOT_ZIP;
  if (workbook == NULL || relations == NULL)
    return SIYU_XLSX_NOT_XLSX;

  self = g_new0 (SiyuXlsxReader, 1);
  self->strings = g_ptr_array_new_with_free_func (g_free);
  self->fields = g_ptr_array_new_with_free_func (g_free);
  self->numbers = g_array_new (FALSE, FALSE, sizeof (gboolean));
  if (strings != NULL && !read_shared_strings (strings, self->strings))
    return SIYU_XLSX_BAD_XML;
  if ((sheet = first_sheet_path (workbook, relations)) == NULL)
    return SIYU_XLSX_NOT_XLSX;

  /* Second pass: stop at the sheet and stream it. */
  if ((self->archive = open_archive (path)) == NULL)
    return SIYU_XLSX_NOT_ZIP;
  while ((r = archive_read_next_header (self->archive, &entry)) == ARCHIVE_OK &&
         g_strcmp0 (archive_entry_pathname (entry), sheet) != 0)
    ;
  if (r != ARCHIVE_OK)
    return SIYU_XLSX_NOT_XLSX;
  self->xml = xmlReaderForIO (read_archive_cb, NULL, self->archive, sheet, NULL,
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (self->xml == NULL)
    return SIYU_XLSX_BAD_XML;

  *reader = g_steal_pointer (&self);
  return SIYU_XLSX_ROW;
}

void
siyu_xlsx_reader_free (SiyuXlsxReader *self)
{
  if (self == NULL)
    return;
  if (self->xml != NULL)
    xmlFreeTextReader (self->xml);
  if (self->archive != NULL)
    archive_read_free (self->archive);
  g_clear_pointer (&self->strings, g_ptr_array_unref);
  g_clear_pointer (&self->fields, g_ptr_array_unref);
  g_clear_pointer (&self->numbers, g_array_unref);
  g_free (self);
}

/**
 * siyu_xlsx_reader_next:
 *
 * Moves to the next row that has cells; empty rows are not in the file.
 * A sheet with merged cells is refused when its <mergeCells> is reached,
 * which is after its rows: an import runs in one transaction and drops
 * what it read.
 */
SiyuXlsxStatus
siyu_xlsx_reader_next (SiyuXlsxReader *self)
{
  guint column = 0;
  g_autofree char *type = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  gboolean in_value = FALSE;
  gboolean in_phonetic = FALSE;
  int r;

  g_return_val_if_fail (self != NULL, SIYU_XLSX_BAD_XML);

  g_ptr_array_set_size (self->fields, 0);
  g_array_set_size (self->numbers, 0);

  while ((r = xmlTextReaderRead (self->xml)) == 1)
    {
      int kind = xmlTextReaderNodeType (self->xml);
      const char *name = (const char *) xmlTextReaderConstLocalName (self->xml);

      if (kind == XML_READER_TYPE_ELEMENT)
        {
          if (strcmp (name, "row") == 0)
            {
              g_autofree xmlChar *ref = xmlTextReaderGetAttribute (self->xml, BAD_CAST "r");

              self->row = ref != NULL ? (guint) g_ascii_strtoull ((const char *) ref, NULL, 10)
                                      : self->row + 1;
              column = 0;
            }
          else if (strcmp (name, "c") == 0)
            {
              g_autofree xmlChar *ref = xmlTextReaderGetAttribute (self->xml, BAD_CAST "r");
              guint at = column_of (ref);

              column = at > 0 ? at : column + 1;
              g_free (type);
              type = (char *) xmlTextReaderGetAttribute (self->xml, BAD_CAST "t");
              g_string_truncate (text, 0);
              if (xmlTextReaderIsEmptyElement (self->xml))
                set_cell (self, column, g_strdup (""), FALSE);
            }
          else if (strcmp (name, "v") == 0 || strcmp (name, "t") == 0)
            in_value = !xmlTextReaderIsEmptyElement (self->xml);
          else if (strcmp (name, "rPh") == 0)
            in_phonetic = !xmlTextReaderIsEmptyElement (self->xml);
          else if (strcmp (name, "mergeCells") == 0)
            return SIYU_XLSX_MERGED_CELLS;
        }
      else if ((kind == XML_READER_TYPE_TEXT || kind == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) &&
               in_value && !in_phonetic)
        g_string_append (text, (const char *) xmlTextReaderConstValue (self->xml));
      else if (kind == XML_READER_TYPE_END_ELEMENT)
        {
          if (strcmp (name, "v") == 0 || strcmp (name, "t") == 0)
            in_value = FALSE;
          else if (strcmp (name, "rPh") == 0)
            in_phonetic = FALSE;
          else if (strcmp (name, "c") == 0 && column > 0)
            {
              if (g_strcmp0 (type, "s") == 0)
                {
                  guint64 index = g_ascii_strtoull (text->str, NULL, 10);

                  if (index >= self->strings->len)
                    return SIYU_XLSX_BAD_XML;
                  set_cell (self, column, g_strdup (self->strings->pdata[index]), FALSE);
                }
              else
                set_cell (self, column, g_strdup (text->str),
                          type == NULL || strcmp (type, "n") == 0);
            }
          else if (strcmp (name, "row") == 0 && self->fields->len > 0)
            {
              g_ptr_array_add (self->fields, NULL);
              return SIYU_XLSX_ROW;
            }
        }
    }
  return r == 0 ? SIYU_XLSX_END : SIYU_XLSX_BAD_XML;
}

/* The cells of the current row, from column A, in UTF-8, %NULL-terminated. */
const char *const *
siyu_xlsx_reader_get_fields (SiyuXlsxReader *self,
                             guint          *n_fields)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (n_fields != NULL)
    *n_fields = self->fields->len > 0 ? self->fields->len - 1 : 0;
  return (const char *const *) self->fields->pdata;
}

/* Whether a cell holds a number: a date cell holds an Excel serial. */
gboolean
siyu_xlsx_reader_is_number (SiyuXlsxReader *self,
                            guint           column)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return column < self->numbers->len && g_array_index (self->numbers, gboolean, column);
}

/* The row's number as the spreadsheet shows it. */
guint
siyu_xlsx_reader_get_row (SiyuXlsxReader *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->row;
}
