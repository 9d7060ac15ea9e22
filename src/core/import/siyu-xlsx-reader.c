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

/* A part of the archive as it is read: how much came out of it, and
 * how much of the file that took, so that a part too large, or
 * compressed beyond what real XML allows (a ZIP bomb), is stopped while
 * it is read, not after. */
typedef struct {
  struct archive *archive;
  la_int64_t in_start;
  guint64 out;
  guint64 max;
  gboolean too_large;
} Part;

struct _SiyuXlsxReader
{
  struct archive *archive;
  Part part;
  xmlTextReaderPtr xml;
  GPtrArray *strings;
  GPtrArray *fields;
  GArray *numbers;
  guint row;
  guint column;
  gsize row_bytes;
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

static void
part_init (Part           *part,
           struct archive *archive,
           guint64         max)
{
  part->archive = archive;
  part->in_start = archive_filter_bytes (archive, -1);
  part->out = 0;
  part->max = max;
  part->too_large = FALSE;
}

/* Like archive_read_data(), but -1 once the part is too large. */
static la_ssize_t
part_read (Part   *part,
           void   *buffer,
           size_t  len)
{
  la_ssize_t n = archive_read_data (part->archive, buffer, len);
  guint64 in;

  if (n <= 0)
    return n;
  part->out += (guint64) n;
  in = (guint64) MAX (archive_filter_bytes (part->archive, -1) - part->in_start, 1);
  if (part->out > part->max ||
      (part->out > 16 * 1024 * 1024 && part->out / in > SIYU_XLSX_MAX_RATIO))
    {
      part->too_large = TRUE;
      return -1;
    }
  return n;
}

static int
part_read_cb (void *context,
              char *buffer,
              int   len)
{
  return (int) part_read (context, buffer, (size_t) len);
}

static GBytes *
read_entry (struct archive *archive,
            gboolean       *too_large)
{
  g_autoptr(GByteArray) data = g_byte_array_new ();
  guint8 buffer[16 * 1024];
  Part part;
  la_ssize_t n;

  part_init (&part, archive, SIYU_XLSX_MAX_SMALL_PART);
  while ((n = part_read (&part, buffer, sizeof buffer)) > 0)
    g_byte_array_append (data, buffer, (guint) n);
  *too_large = part.too_large;
  if (n < 0)
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}

/* Workbooks never carry a document type: one would only serve to
 * expand entities, so a part with one is refused. */
static xmlDocPtr
parse_bytes (GBytes *bytes)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  xmlDocPtr doc;

  if (len > G_MAXINT)
    return NULL;
  doc = xmlReadMemory (data, (int) len, NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (doc != NULL && doc->intSubset != NULL)
    {
      xmlFreeDoc (doc);
      return NULL;
    }
  return doc;
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

/* The shared strings, streamed out of the archive: each <si>'s text
 * without its phonetic guide (<rPh>). */
static SiyuXlsxStatus
read_shared_strings (struct archive *archive,
                     GPtrArray      *strings)
{
  g_autoptr(GString) text = g_string_new (NULL);
  xmlTextReaderPtr xml;
  gboolean in_item = FALSE, in_text = FALSE, in_phonetic = FALSE;
  guint64 total = 0;
  SiyuXlsxStatus status = SIYU_XLSX_ROW;
  Part part;
  int r;

  part_init (&part, archive, SIYU_XLSX_MAX_PART);
  xml = xmlReaderForIO (part_read_cb, NULL, &part, "sharedStrings.xml", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (xml == NULL)
    return SIYU_XLSX_BAD_XML;
  while (status == SIYU_XLSX_ROW && (r = xmlTextReaderRead (xml)) == 1)
    {
      int kind = xmlTextReaderNodeType (xml);
      const char *name = (const char *) xmlTextReaderConstLocalName (xml);
      gboolean empty = xmlTextReaderIsEmptyElement (xml);

      if (kind == XML_READER_TYPE_DOCUMENT_TYPE)
        status = SIYU_XLSX_BAD_XML;
      else if (kind == XML_READER_TYPE_ELEMENT && strcmp (name, "si") == 0)
        {
          g_string_truncate (text, 0);
          in_item = !empty;
          if (empty)
            g_ptr_array_add (strings, g_strdup (""));
        }
      else if (kind == XML_READER_TYPE_ELEMENT && strcmp (name, "t") == 0)
        in_text = in_item && !empty;
      else if (kind == XML_READER_TYPE_ELEMENT && strcmp (name, "rPh") == 0)
        in_phonetic = !empty;
      else if ((kind == XML_READER_TYPE_TEXT || kind == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) &&
               in_text && !in_phonetic)
        {
          g_string_append (text, (const char *) xmlTextReaderConstValue (xml));
          if (text->len > SIYU_XLSX_MAX_CELL)
            status = SIYU_XLSX_CELL_TOO_LONG;
        }
      else if (kind == XML_READER_TYPE_END_ELEMENT && strcmp (name, "t") == 0)
        in_text = FALSE;
      else if (kind == XML_READER_TYPE_END_ELEMENT && strcmp (name, "rPh") == 0)
        in_phonetic = FALSE;
      else if (kind == XML_READER_TYPE_END_ELEMENT && strcmp (name, "si") == 0 && in_item)
        {
          in_item = FALSE;
          total += text->len + sizeof (gpointer) + 16;
          if (total > SIYU_XLSX_MAX_STRINGS)
            status = SIYU_XLSX_TOO_LARGE;
          else
            g_ptr_array_add (strings, g_strndup (text->str, text->len));
        }
    }
  xmlFreeTextReader (xml);
  if (part.too_large)
    return SIYU_XLSX_TOO_LARGE;
  if (status == SIYU_XLSX_ROW && r != 0)
    return SIYU_XLSX_BAD_XML;
  return status;
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

/* "AB12" is column 28, counted from 1; anything past Excel's last
 * column, XFD, is SIYU_XLSX_MAX_COLUMNS + 1. */
static guint
column_of (const xmlChar *ref)
{
  guint column = 0;

  for (; ref != NULL && g_ascii_isalpha (*ref); ref++)
    {
      column = column * 26 + (guint) (g_ascii_toupper (*ref) - 'A' + 1);
      if (column > SIYU_XLSX_MAX_COLUMNS)
        return SIYU_XLSX_MAX_COLUMNS + 1;
    }
  return column;
}

static SiyuXlsxStatus
set_cell (SiyuXlsxReader *self,
          guint           column,
          char           *value,
          gboolean        number)
{
  gboolean no = FALSE;

  self->row_bytes += strlen (value) + 1;
  if (self->row_bytes > SIYU_XLSX_MAX_ROW)
    {
      g_free (value);
      return SIYU_XLSX_ROW_TOO_LONG;
    }
  while (self->fields->len < column)
    {
      g_ptr_array_add (self->fields, g_strdup (""));
      g_array_append_val (self->numbers, no);
    }
  g_free (self->fields->pdata[column - 1]);
  self->fields->pdata[column - 1] = value;
  g_array_index (self->numbers, gboolean, column - 1) = number;
  return SIYU_XLSX_ROW;
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
  g_autofree char *sheet = NULL;
  struct archive *archive;
  struct archive_entry *entry;
  SiyuXlsxStatus status = SIYU_XLSX_ROW;
  gboolean any = FALSE;
  int r;

  g_return_val_if_fail (path != NULL, SIYU_XLSX_NOT_ZIP);
  g_return_val_if_fail (reader != NULL, SIYU_XLSX_NOT_ZIP);

  self = g_new0 (SiyuXlsxReader, 1);
  self->strings = g_ptr_array_new_with_free_func (g_free);
  self->fields = g_ptr_array_new_with_free_func (g_free);
  self->numbers = g_array_new (FALSE, FALSE, sizeof (gboolean));

  if ((archive = open_archive (path)) == NULL)
    return SIYU_XLSX_NOT_ZIP;
  while ((r = archive_read_next_header (archive, &entry)) == ARCHIVE_OK)
    {
      const char *name = archive_entry_pathname (entry);
      GBytes **slot = NULL;
      gboolean too_large = FALSE;

      any = TRUE;
      if (g_strcmp0 (name, "xl/workbook.xml") == 0)
        slot = &workbook;
      else if (g_strcmp0 (name, "xl/_rels/workbook.xml.rels") == 0)
        slot = &relations;
      else if (g_strcmp0 (name, "xl/sharedStrings.xml") == 0 && self->strings->len == 0)
        status = read_shared_strings (archive, self->strings);
      if (slot != NULL && *slot == NULL && (*slot = read_entry (archive, &too_large)) == NULL)
        status = too_large ? SIYU_XLSX_TOO_LARGE : SIYU_XLSX_NOT_ZIP;
      if (status != SIYU_XLSX_ROW)
        break;
    }
  archive_read_free (archive);
  if (status != SIYU_XLSX_ROW)
    return status;
  if (!any || r != ARCHIVE_EOF)
    return SIYU_XLSX_NOT_ZIP;
  if (workbook == NULL || relations == NULL)
    return SIYU_XLSX_NOT_XLSX;
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
  part_init (&self->part, self->archive, SIYU_XLSX_MAX_PART);
  self->xml = xmlReaderForIO (part_read_cb, NULL, &self->part, sheet, NULL,
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
  SiyuXlsxStatus status;
  int r;

  g_return_val_if_fail (self != NULL, SIYU_XLSX_BAD_XML);

  g_ptr_array_set_size (self->fields, 0);
  g_array_set_size (self->numbers, 0);
  self->row_bytes = 0;
  self->column = 0;

  while ((r = xmlTextReaderRead (self->xml)) == 1)
    {
      int kind = xmlTextReaderNodeType (self->xml);
      const char *name = (const char *) xmlTextReaderConstLocalName (self->xml);

      if (kind == XML_READER_TYPE_DOCUMENT_TYPE)
        return SIYU_XLSX_BAD_XML;
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
              self->column = column;
              if (column > SIYU_XLSX_MAX_COLUMNS)
                return SIYU_XLSX_TOO_WIDE;
              g_free (type);
              type = (char *) xmlTextReaderGetAttribute (self->xml, BAD_CAST "t");
              g_string_truncate (text, 0);
              if (xmlTextReaderIsEmptyElement (self->xml) &&
                  (status = set_cell (self, column, g_strdup (""), FALSE)) != SIYU_XLSX_ROW)
                return status;
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
        {
          g_string_append (text, (const char *) xmlTextReaderConstValue (self->xml));
          if (text->len > SIYU_XLSX_MAX_CELL)
            return SIYU_XLSX_CELL_TOO_LONG;
        }
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
                  status = set_cell (self, column, g_strdup (self->strings->pdata[index]), FALSE);
                }
              else
                status = set_cell (self, column, g_strdup (text->str),
                                   type == NULL || strcmp (type, "n") == 0);
              if (status != SIYU_XLSX_ROW)
                return status;
            }
          else if (strcmp (name, "row") == 0 && self->fields->len > 0)
            {
              g_ptr_array_add (self->fields, NULL);
              return SIYU_XLSX_ROW;
            }
        }
    }
  if (self->part.too_large)
    return SIYU_XLSX_TOO_LARGE;
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

/* The column, counted from 1, where the current row stopped: with
 * %SIYU_XLSX_TOO_WIDE, %SIYU_XLSX_CELL_TOO_LONG and
 * %SIYU_XLSX_ROW_TOO_LONG, the cell that was refused. */
guint
siyu_xlsx_reader_get_column (SiyuXlsxReader *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->column;
}

/* The row's number as the spreadsheet shows it. */
guint
siyu_xlsx_reader_get_row (SiyuXlsxReader *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->row;
}
