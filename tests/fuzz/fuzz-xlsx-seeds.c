/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <gio/gio.h>

#include "siyu-csv-reader.h"

/* Writes the seeds of fuzz-xlsx: each CSV export of tests/data/import as a
 * workbook, once with shared strings and once with inline strings, and a
 * few workbooks with what real exports also hold (rich text with phonetic
 * guides, rows without references, merged cells).  Parts are stored, not
 * deflated, so that the mutator sees the XML.
 *
 *   fuzz-xlsx-seeds SOURCE_DIR OUT_DIR
 */

#define MAIN_NS "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define REL_NS  "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

static const char workbook[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
  "<workbook xmlns=\"" MAIN_NS "\" xmlns:r=\"" REL_NS "\"><sheets>"
  "<sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";

static const char relations[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
  "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
  "<Relationship Id=\"rId1\" Type=\"" REL_NS "/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
  "<Relationship Id=\"rId2\" Type=\"" REL_NS "/sharedStrings\" Target=\"sharedStrings.xml\"/>"
  "</Relationships>";

static const char content_types[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
  "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
  "<Override PartName=\"/xl/workbook.xml\" "
  "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
  "</Types>";

static void
write_xlsx (const char *path,
            const char *strings,
            const char *sheet)
{
  const char *parts[] = {
    "[Content_Types].xml", content_types,
    "xl/workbook.xml", workbook,
    "xl/_rels/workbook.xml.rels", relations,
    "xl/sharedStrings.xml", strings,
    "xl/worksheets/sheet1.xml", sheet,
  };
  struct archive *zip = archive_write_new ();

  archive_write_set_format_zip (zip);
  archive_write_set_options (zip, "zip:compression=store");
  if (archive_write_open_filename (zip, path) != ARCHIVE_OK)
    g_error ("%s: %s", path, archive_error_string (zip));
  for (guint i = 0; i < G_N_ELEMENTS (parts); i += 2)
    {
      struct archive_entry *entry;
      gsize len;

      if (parts[i + 1] == NULL)
        continue;
      len = strlen (parts[i + 1]);
      entry = archive_entry_new ();
      archive_entry_set_pathname (entry, parts[i]);
      archive_entry_set_filetype (entry, AE_IFREG);
      archive_entry_set_perm (entry, 0644);
      archive_entry_set_size (entry, (la_int64_t) len);
      if (archive_write_header (zip, entry) != ARCHIVE_OK ||
          archive_write_data (zip, parts[i + 1], len) != (la_ssize_t) len)
        g_error ("%s: %s", path, archive_error_string (zip));
      archive_entry_free (entry);
    }
  if (archive_write_close (zip) != ARCHIVE_OK)
    g_error ("%s: %s", path, archive_error_string (zip));
  archive_write_free (zip);
}

static char *
column_name (guint column)
{
  char name[8];
  int at = (int) sizeof name - 1;

  name[at] = '\0';
  for (column++; column > 0; column = (column - 1) / 26)
    name[--at] = (char) ('A' + (column - 1) % 26);
  return g_strdup (name + at);
}

static gboolean
is_number (const char *text)
{
  char *end;

  if (*text == '\0')
    return FALSE;
  g_ascii_strtod (text, &end);
  return *end == '\0';
}

static void
convert (const char *csv,
         const char *out_dir)
{
  g_autoptr(GFile) file = g_file_new_for_path (csv);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInputStream) stream = g_file_read (file, NULL, &error);
  g_autoptr(SiyuCsvReader) reader = NULL;
  g_autoptr(GString) strings = g_string_new (NULL);
  g_autoptr(GString) sheet = g_string_new (NULL);
  g_autoptr(GString) inline_sheet = g_string_new (NULL);
  g_autofree char *base = g_path_get_basename (csv);
  g_autofree char *shared_path = NULL;
  g_autofree char *inline_path = NULL;
  guint n_strings = 0;

  if (stream == NULL)
    g_error ("%s", error->message);
  reader = siyu_csv_reader_new (G_INPUT_STREAM (stream), NULL);
  g_string_append (sheet, "<worksheet xmlns=\"" MAIN_NS "\"><sheetData>");
  g_string_append (inline_sheet, "<worksheet xmlns=\"" MAIN_NS "\"><sheetData>");
  while (siyu_csv_reader_next (reader, NULL, NULL) == SIYU_CSV_ROW)
    {
      guint n;
      const char *const *fields = siyu_csv_reader_get_fields (reader, &n);
      guint row = siyu_csv_reader_get_row (reader);

      g_string_append_printf (sheet, "<row r=\"%u\">", row);
      g_string_append_printf (inline_sheet, "<row r=\"%u\">", row);
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *column = column_name (i);
          g_autofree char *ref = g_strdup_printf ("%s%u", column, row);
          g_autofree char *escaped = g_markup_escape_text (fields[i], -1);

          if (is_number (fields[i]))
            {
              g_string_append_printf (sheet, "<c r=\"%s\"><v>%s</v></c>", ref, escaped);
              g_string_append_printf (inline_sheet, "<c r=\"%s\" t=\"n\"><v>%s</v></c>", ref, escaped);
            }
          else
            {
              g_string_append_printf (strings, "<si><t>%s</t></si>", escaped);
              g_string_append_printf (sheet, "<c r=\"%s\" t=\"s\"><v>%u</v></c>", ref, n_strings++);
              g_string_append_printf (inline_sheet, "<c r=\"%s\" t=\"inlineStr\"><is><t>%s</t></is></c>",
                                      ref, escaped);
            }
        }
      g_string_append (sheet, "</row>");
      g_string_append (inline_sheet, "</row>");
    }
  g_string_append (sheet, "</sheetData></worksheet>");
  g_string_append (inline_sheet, "</sheetData></worksheet>");
  {
    g_autofree char *start = g_strdup_printf ("<sst xmlns=\"" MAIN_NS "\" count=\"%u\">", n_strings);

    g_string_prepend (strings, start);
  }
  g_string_append (strings, "</sst>");

  *strrchr (base, '.') = '\0';
  shared_path = g_strdup_printf ("%s/%s.xlsx", out_dir, base);
  inline_path = g_strdup_printf ("%s/%s-inline.xlsx", out_dir, base);
  write_xlsx (shared_path, strings->str, sheet->str);
  write_xlsx (inline_path, "<sst xmlns=\"" MAIN_NS "\"/>", inline_sheet->str);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *rich = NULL;
  g_autofree char *loose = NULL;
  g_autofree char *merged = NULL;
  g_autofree char *csv_dir = NULL;
  const char *name;

  if (argc != 3)
    {
      g_printerr ("Usage: fuzz-xlsx-seeds SOURCE_DIR OUT_DIR\n");
      return 2;
    }
  g_mkdir_with_parents (argv[2], 0755);
  csv_dir = g_build_filename (argv[1], "tests", "data", "import", NULL);
  if ((dir = g_dir_open (csv_dir, 0, &error)) == NULL)
    g_error ("%s", error->message);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".csv"))
      {
        g_autofree char *csv = g_build_filename (csv_dir, name, NULL);

        convert (csv, argv[2]);
      }

  /* A name with its phonetic guide, as Japanese and Chinese Excel write it. */
  rich = g_build_filename (argv[2], "rich-text.xlsx", NULL);
  write_xlsx (rich,
              "<sst xmlns=\"" MAIN_NS "\"><si><t>姓名</t></si>"
              "<si><r><rPr><b/></rPr><t>王</t></r><r><t xml:space=\"preserve\">芳 </t></r>"
              "<rPh sb=\"0\" eb=\"1\"><t>wang</t></rPh></si></sst>",
              "<worksheet xmlns=\"" MAIN_NS "\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c>"
              "<c r=\"C1\" t=\"str\"><v>手机</v></c></row><row r=\"3\"><c r=\"A3\" t=\"s\"><v>1</v></c>"
              "<c r=\"B3\" t=\"b\"><v>1</v></c><c r=\"C3\"><v>13800138000</v></c>"
              "<c r=\"D3\" s=\"1\"><v>45716.5</v></c><c r=\"E3\"/></row></sheetData></worksheet>");
  /* Rows and cells without r, as some exporters write them. */
  loose = g_build_filename (argv[2], "no-references.xlsx", NULL);
  write_xlsx (loose, NULL,
              "<worksheet xmlns=\"" MAIN_NS "\"><sheetData><row><c t=\"inlineStr\"><is><t>订单号</t></is></c>"
              "<c t=\"inlineStr\"><is><t>金额</t></is></c></row><row><c><v>1</v></c><c><v>12.5</v></c></row>"
              "</sheetData></worksheet>");
  merged = g_build_filename (argv[2], "merged-cells.xlsx", NULL);
  write_xlsx (merged, NULL,
              "<worksheet xmlns=\"" MAIN_NS "\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\">"
              "<is><t>a</t></is></c></row></sheetData><mergeCells count=\"1\"><mergeCell ref=\"A1:B1\"/>"
              "</mergeCells></worksheet>");

  return 0;
}
