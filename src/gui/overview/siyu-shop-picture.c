/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-shop-picture"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "siyu-analytics.h"
#include "siyu-chart.h"
#include "siyu-money.h"
#include "siyu-shop-picture-private.h"

/* The shop's picture under the Overview's figures, from the last
 * recompute (shared/ANALYTICS.md): lifecycle stages beside the end of last
 * month, the RFM grid and its segments, the tier ladder with who is close
 * to the next tier, the participation pyramid with the Pareto share, the
 * AIPL funnel with FAST, and cohort retention.  Every section says in its
 * popover how it is counted, with the shop's own thresholds; every bar and
 * cell opens the contacts behind it ("show-contacts").
 *
 * “Close to the next tier” is a gap smaller than 20 % of the next tier's
 * threshold, as the built-in segment of members close to the next tier.
 */

#define COHORT_ROWS 12     /* the last twelve cohorts */
#define COHORT_COLS 13     /* the month of the first order and twelve after */

struct _SiyuShopPicture
{
  GtkWidget   parent_instance;

  GtkWidget  *box;
  GtkLabel   *rules[SIYU_N_PICTURE_SECTIONS];
  GtkLabel   *notes[SIYU_N_PICTURE_SECTIONS];
  AdwBin     *bins[SIYU_N_PICTURE_CHARTS];
  SiyuChart  *charts[SIYU_N_PICTURE_CHARTS];

  GPtrArray  *tier_ids;       /* gint64 *, in the order of the tiers chart */
  GPtrArray  *tier_names;
  GStrv       cohort_names;   /* in the order of the cohorts chart */
};

G_DEFINE_FINAL_TYPE (SiyuShopPicture, siyu_shop_picture, GTK_TYPE_WIDGET)

enum {
  SHOW_CONTACTS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const SiyuStage stages[] = {
  SIYU_STAGE_PROSPECT, SIYU_STAGE_NEW, SIYU_STAGE_GROWING,
  SIYU_STAGE_MATURE, SIYU_STAGE_DORMANT, SIYU_STAGE_LOST,
};

static const SiyuRfmSegment segments[] = {
  SIYU_RFM_CHAMPIONS, SIYU_RFM_LOYAL, SIYU_RFM_POTENTIAL_LOYALIST, SIYU_RFM_RECENT,
  SIYU_RFM_PROMISING, SIYU_RFM_NEED_ATTENTION, SIYU_RFM_ABOUT_TO_SLEEP, SIYU_RFM_AT_RISK,
  SIYU_RFM_CANT_LOSE, SIYU_RFM_HIBERNATING, SIYU_RFM_LOST,
};

static const SiyuPyramidLevel levels[] = {
  SIYU_PYRAMID_CO_BUILDER, SIYU_PYRAMID_COMMUNICATOR, SIYU_PYRAMID_SILENT,
};

static const SiyuAiplStage aipl_stages[] = {
  SIYU_AIPL_AWARENESS, SIYU_AIPL_INTEREST, SIYU_AIPL_PURCHASE, SIYU_AIPL_LOYALTY,
};

static gint64
member_int (JsonObject *object,
            const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_int (node) : 0;
}

static double
member_double (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_double (node) : NAN;
}

static JsonObject *
member_object (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static void
set_note (SiyuShopPicture    *self,
          SiyuPictureSection  section,
          const char         *text)
{
  gtk_label_set_label (self->notes[section], text);
  gtk_widget_set_visible (GTK_WIDGET (self->notes[section]), text != NULL && *text != '\0');
}

static void
show_contacts (SiyuShopPicture         *self,
               const SiyuContactFilter *filter,
               const char              *description)
{
  g_signal_emit (self, signals[SHOW_CONTACTS], 0, filter, description);
}

static void
fill_stages (SiyuShopPicture *self,
             JsonObject      *summary)
{
  JsonObject *now = member_object (summary, "stages");
  JsonObject *before = member_object (member_object (summary, "stages_month_before"), "counts");
  JsonObject *model = member_object (summary, "model");
  const char *labels[G_N_ELEMENTS (stages)];
  double values[G_N_ELEMENTS (stages)], befores[G_N_ELEMENTS (stages)];
  g_autofree char *rules = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (stages); i++)
    {
      const char *key = siyu_stage_to_string (stages[i]);

      labels[i] = siyu_stage_get_label (stages[i]);
      values[i] = member_int (now, key);
      befores[i] = member_int (before, key);
    }
  siyu_chart_set_categories (self->charts[SIYU_PICTURE_STAGES], G_N_ELEMENTS (stages), labels, values,
                             before != NULL ? befores : NULL, NULL, NULL);

  rules = g_strdup_printf (_("The first rule that fits gives the stage:\n"
                             "• Prospect: no paid order yet.\n"
                             "• Lost: the last paid order is more than %d days old.\n"
                             "• Dormant: the last paid order is more than %d days old.\n"
                             "• New: exactly one paid order.\n"
                             "• Mature: %d or more paid orders in the last %d days.\n"
                             "• Growing: everyone else who bought.\n"
                             "The thin mark is the count at the end of last month. The days are the shop’s own: "
                             "change them in Preferences."),
                           (int) member_int (model, "lost_days"), (int) member_int (model, "dormant_days"),
                           (int) member_int (model, "mature_orders"), (int) member_int (model, "mature_window_days"));
  gtk_label_set_label (self->rules[SIYU_SECTION_STAGES], rules);
}

static void
fill_rfm (SiyuShopPicture *self,
          JsonObject      *summary)
{
  JsonObject *rfm = member_object (summary, "rfm");
  JsonObject *counts = member_object (rfm, "segments");
  JsonNode *grid_node = rfm != NULL ? json_object_get_member (rfm, "grid") : NULL;
  JsonArray *grid = grid_node != NULL && JSON_NODE_HOLDS_ARRAY (grid_node) ? json_node_get_array (grid_node) : NULL;
  static const char *row_labels[] = { "R5", "R4", "R3", "R2", "R1" };
  static const char *col_labels[] = { "F1", "F2", "F3", "F4", "F5" };
  double cells[25];
  const char *labels[G_N_ELEMENTS (segments)];
  double values[G_N_ELEMENTS (segments)];
  g_autofree char *scored = siyu_count_format (member_int (rfm, "scored"));
  g_autofree char *note = NULL;

  /* The summary's rows are R5 to R1, the most recent on top, as here. */
  for (guint r = 0; r < 5; r++)
    for (guint f = 0; f < 5; f++)
      {
        JsonArray *row = grid != NULL && json_array_get_length (grid) == 5 ? json_array_get_array_element (grid, r) : NULL;

        cells[r * 5 + f] = row != NULL && json_array_get_length (row) == 5 ? (double) json_array_get_int_element (row, f) : NAN;
      }
  siyu_chart_set_grid (self->charts[SIYU_PICTURE_RFM_GRID], 5, 5, row_labels, col_labels, cells, NULL, 0);
  siyu_chart_set_axis_titles (self->charts[SIYU_PICTURE_RFM_GRID], _("Recency score"), _("Frequency score"));

  for (guint i = 0; i < G_N_ELEMENTS (segments); i++)
    {
      labels[i] = siyu_rfm_segment_get_label (segments[i]);
      values[i] = member_int (counts, siyu_rfm_segment_to_string (segments[i]));
    }
  siyu_chart_set_categories (self->charts[SIYU_PICTURE_SEGMENTS], G_N_ELEMENTS (segments), labels, values,
                             NULL, NULL, NULL);

  /* Translators: %s is a number of buyers. */
  note = g_strdup_printf (_("%s buyers scored."), scored);
  set_note (self, SIYU_SECTION_RFM, note);
  gtk_label_set_label (self->rules[SIYU_SECTION_RFM],
                       _("Only buyers with a paid order in the last 365 days are scored. Each score ranks them "
                         "into five equal groups: recency by the days since their last paid order (5 = most "
                         "recent), frequency by their paid orders in the 365 days (5 = most), monetary by "
                         "their net spend in the 365 days.\n"
                         "The segment comes from the recency and frequency scores: Champions are R5 with F4–5, "
                         "Loyal R3–4 with F4–5, Potential loyalists R4–5 with F2–3, Recent R5 F1, Promising "
                         "R4 F1, Need attention R3 F3, About to sleep R3 with F1–2, At risk R1–2 with F3–4, "
                         "Can’t lose them R1–2 F5, Hibernating R2 with F1–2, Lost R1 with F1–2."));
}

static const char *
tier_name (JsonObject *tier)
{
  const char *zh = json_object_has_member (tier, "name_zh") && !json_object_get_null_member (tier, "name_zh")
                   ? json_object_get_string_member (tier, "name_zh") : NULL;

  return siyu_tier_display_name (json_object_get_string_member (tier, "name"), zh);
}

static void
fill_tiers (SiyuShopPicture          *self,
            const SiyuPictureFigures *figures)
{
  JsonNode *node = json_object_get_member (figures->summary, "tiers");
  JsonArray *tiers = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  guint n = tiers != NULL ? json_array_get_length (tiers) : 0;
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autofree double *values = g_new0 (double, MAX (n, 1));

  g_ptr_array_set_size (self->tier_ids, 0);
  g_ptr_array_set_size (self->tier_names, 0);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *tier = json_array_get_object_element (tiers, i);
      gint64 id = json_object_get_int_member (tier, "id");
      g_autofree char *from = siyu_money_format (json_object_get_int_member (tier, "threshold"), figures->currency);
      gint64 *close = g_hash_table_lookup (figures->close, &id);
      char *note;

      values[i] = json_object_get_int_member (tier, "members");
      if (i + 1 < n && close != NULL && *close > 0)
        {
          g_autofree char *count = siyu_count_format (*close);

          /* Translators: the note beside a tier, e.g. “from ¥500 · 18 close to Gold”. */
          note = g_strdup_printf (_("from %s · %s close to %s"), from, count,
                                  tier_name (json_array_get_object_element (tiers, i + 1)));
        }
      else
        /* Translators: the note beside a tier, e.g. “from ¥500”: its threshold. */
        note = g_strdup_printf (_("from %s"), from);
      g_ptr_array_add (notes, note);
      g_ptr_array_add (self->tier_ids, g_memdup2 (&id, sizeof id));
      g_ptr_array_add (self->tier_names, g_strdup (tier_name (tier)));
    }
  g_ptr_array_add (self->tier_names, NULL);
  g_ptr_array_add (notes, NULL);

  siyu_chart_set_categories (self->charts[SIYU_PICTURE_TIERS], n, (const char * const *) self->tier_names->pdata,
                             values, NULL, (const char * const *) notes->pdata, NULL);
  g_ptr_array_set_size (self->tier_names, n);
  gtk_label_set_label (self->rules[SIYU_SECTION_TIERS],
                       /* xgettext:no-c-format */
                       _("A member’s tier is the highest whose threshold their net spend of the last 365 days "
                         "reaches. When a tier has a capacity and is full, its places go to the highest "
                         "spenders and the others stay one tier below.\n"
                         "“Close” means their gap to the next tier is less than 20 % of its threshold."));
}

static void
fill_pyramid (SiyuShopPicture *self,
              JsonObject      *summary)
{
  JsonObject *pyramid = member_object (summary, "pyramid");
  JsonObject *counts = member_object (pyramid, "levels");
  const char *labels[G_N_ELEMENTS (levels)];
  double values[G_N_ELEMENTS (levels)];
  double pareto = member_double (pyramid, "pareto_share");
  g_autofree char *note = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    {
      labels[i] = siyu_pyramid_level_get_label (levels[i]);
      values[i] = member_int (counts, siyu_pyramid_level_to_string (levels[i]));
    }
  siyu_chart_set_categories (self->charts[SIYU_PICTURE_PYRAMID], G_N_ELEMENTS (levels), labels, values,
                             NULL, NULL, NULL);
  if (!isnan (pareto))
    {
      g_autofree char *share = siyu_percent_format (pareto);

      /* Translators: the Pareto share, e.g. “The top 20 % of buyers bring 73 % of the net sales of the last 365 days.” */
      note = g_strdup_printf (_("The top 20 %% of buyers bring %s of the net sales of the last 365 days."), share);
    }
  set_note (self, SIYU_SECTION_PYRAMID, note);
  gtk_label_set_label (self->rules[SIYU_SECTION_PYRAMID],
                       /* xgettext:no-c-format */
                       _("Buyers of the last 365 days are ranked by participation points in the same days — "
                         "a referral 5, a share 3, a review 2, a group message 1, each paid order 1 (the weights "
                         "are in Preferences) — then by net spend. The first 1 % are co-builders, the rest of "
                         "the first 10 % communicators, everyone else silent."));
}

static char *
fast_text (JsonObject *fast)
{
  g_autofree char *f = siyu_count_format (member_int (fast, "fertility"));
  g_autofree char *a = siyu_percent_format (member_double (fast, "advancing"));
  g_autofree char *s = siyu_count_format (member_int (fast, "superiority"));
  g_autofree char *t = siyu_percent_format (member_double (fast, "thriving"));

  /* Translators: the four FAST figures; keep the letters F, A, S and T. */
  return g_strdup_printf (_("F contacts in AIPL %s · A relationships deepened %s · S super users %s · T super users active %s"),
                          f, a, s, t);
}

static void
fill_aipl (SiyuShopPicture *self,
           JsonObject      *summary)
{
  JsonObject *fast = member_object (summary, "fast");
  JsonObject *fast_before = member_object (summary, "fast_month_before");
  JsonObject *now = member_object (fast, "aipl");
  JsonObject *before = member_object (fast_before, "aipl");
  const char *labels[G_N_ELEMENTS (aipl_stages)];
  double values[G_N_ELEMENTS (aipl_stages)], befores[G_N_ELEMENTS (aipl_stages)];
  g_autofree char *this_month = fast_text (fast);
  g_autofree char *last_month = fast_before != NULL ? fast_text (fast_before) : NULL;
  g_autofree char *note = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (aipl_stages); i++)
    {
      const char *key = siyu_aipl_stage_to_string (aipl_stages[i]);

      labels[i] = siyu_aipl_stage_get_label (aipl_stages[i]);
      values[i] = member_int (now, key);
      befores[i] = member_int (before, key);
    }
  siyu_chart_set_categories (self->charts[SIYU_PICTURE_AIPL], G_N_ELEMENTS (aipl_stages), labels, values,
                             before != NULL ? befores : NULL, NULL, NULL);

  if (last_month != NULL)
    /* Translators: the FAST figures of this month, then of the month before. */
    note = g_strdup_printf (_("This month: %s\nThe month before: %s"), this_month, last_month);
  else
    note = g_strdup_printf (_("This month: %s"), this_month);
  set_note (self, SIYU_SECTION_AIPL, note);
  gtk_label_set_label (self->rules[SIYU_SECTION_AIPL],
                       _("The first rule that fits gives the stage:\n"
                         "• Loyalty: two or more paid orders in the last 365 days, or one and a share, referral "
                         "or review in the last 90 days.\n"
                         "• Purchase: a paid order in the last 365 days.\n"
                         "• Interest: a view, cart, favourite, inquiry or group join in the last 90 days.\n"
                         "• Awareness: first seen, or any event or message, in the last 180 days.\n"
                         "FAST: F is everyone in AIPL; A the share of those in A, I or P at the start of the "
                         "month who went deeper by its end; S those in Loyalty; T the share of them who bought "
                         "or took part during the month."));
}

static void
fill_cohorts (SiyuShopPicture *self,
              JsonArray       *cohorts)
{
  guint n = cohorts != NULL ? json_array_get_length (cohorts) : 0;
  guint first = n > COHORT_ROWS ? n - COHORT_ROWS : 0;
  guint rows = n - first;
  g_autoptr(GPtrArray) row_labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) col_labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autofree double *values = g_new (double, MAX (rows, 1) * COHORT_COLS);

  g_strfreev (self->cohort_names);
  self->cohort_names = g_new0 (char *, rows + 1);
  for (guint c = 0; c < COHORT_COLS; c++)
    g_ptr_array_add (col_labels, g_strdup_printf ("%u", c));
  g_ptr_array_add (col_labels, NULL);

  for (guint r = 0; r < rows; r++)
    {
      JsonObject *cohort = json_array_get_object_element (cohorts, first + r);
      JsonArray *retention = json_object_get_array_member (cohort, "retention");
      guint length = retention != NULL ? json_array_get_length (retention) : 0;
      g_autofree char *size = siyu_count_format (json_object_get_int_member (cohort, "size"));

      self->cohort_names[r] = g_strdup (json_object_get_string_member (cohort, "cohort"));
      /* Translators: a cohort's row: its month and how many customers it has, e.g. “2026-03 · 312”. */
      g_ptr_array_add (row_labels, g_strdup_printf (_("%s · %s"), self->cohort_names[r], size));
      for (guint c = 0; c < COHORT_COLS; c++)
        {
          double share = c < length ? json_array_get_double_element (retention, c) : NAN;

          values[r * COHORT_COLS + c] = share;
          g_ptr_array_add (texts, isnan (share) ? NULL : g_strdup_printf ("%.0f", 100 * share));
        }
    }
  g_ptr_array_add (row_labels, NULL);

  siyu_chart_set_grid (self->charts[SIYU_PICTURE_COHORTS], rows, COHORT_COLS,
                       (const char * const *) row_labels->pdata, (const char * const *) col_labels->pdata,
                       values, (const char * const *) texts->pdata, 1.0);
  siyu_chart_set_axis_titles (self->charts[SIYU_PICTURE_COHORTS], _("Month of the first order · customers"),
                              /* xgettext:no-c-format */
                              _("Months after, in % still buying"));
  set_note (self, SIYU_SECTION_COHORTS, rows == 0 ? _("No customer has a paid order yet.") : NULL);
  gtk_label_set_label (self->rules[SIYU_SECTION_COHORTS],
                       /* xgettext:no-c-format */
                       _("A cohort is the customers whose first paid order fell in a month. Column 0 is that "
                         "month, always 100 %; column 3, say, is the share of them who placed a paid order "
                         "three months later. The last twelve cohorts are shown."));
}

static void
chart_activated_cb (SiyuChart       *chart,
                    guint            row,
                    guint            col,
                    SiyuShopPicture *self)
{
  SiyuContactFilter filter = { NULL, };
  g_autofree char *description = NULL;

  if (chart == self->charts[SIYU_PICTURE_STAGES] && row < G_N_ELEMENTS (stages))
    {
      filter.stage = siyu_stage_to_string (stages[row]);
      /* Translators: above the contacts list opened from a chart, e.g. “Lifecycle stage: Dormant”. */
      description = g_strdup_printf (_("Lifecycle stage: %s"), siyu_stage_get_label (stages[row]));
    }
  else if (chart == self->charts[SIYU_PICTURE_RFM_GRID] && row < 5 && col < 5)
    {
      filter.r_score = 5 - (int) row;
      filter.f_score = (int) col + 1;
      description = g_strdup_printf (_("Recency score %d and frequency score %d"), filter.r_score, filter.f_score);
    }
  else if (chart == self->charts[SIYU_PICTURE_SEGMENTS] && row < G_N_ELEMENTS (segments))
    {
      filter.segment = siyu_rfm_segment_to_string (segments[row]);
      description = g_strdup_printf (_("RFM segment: %s"), siyu_rfm_segment_get_label (segments[row]));
    }
  else if (chart == self->charts[SIYU_PICTURE_TIERS] && row < self->tier_ids->len)
    {
      filter.tier_id = *(gint64 *) g_ptr_array_index (self->tier_ids, row);
      description = g_strdup_printf (_("Member tier: %s"), (const char *) g_ptr_array_index (self->tier_names, row));
    }
  else if (chart == self->charts[SIYU_PICTURE_PYRAMID] && row < G_N_ELEMENTS (levels))
    {
      filter.pyramid = siyu_pyramid_level_to_string (levels[row]);
      description = g_strdup_printf (_("Pyramid: %s"), siyu_pyramid_level_get_label (levels[row]));
    }
  else if (chart == self->charts[SIYU_PICTURE_AIPL] && row < G_N_ELEMENTS (aipl_stages))
    {
      filter.aipl = siyu_aipl_stage_to_string (aipl_stages[row]);
      description = g_strdup_printf (_("AIPL stage: %s"), siyu_aipl_stage_get_label (aipl_stages[row]));
    }
  else if (chart == self->charts[SIYU_PICTURE_COHORTS] && self->cohort_names != NULL &&
           row < g_strv_length (self->cohort_names))
    {
      filter.cohort = self->cohort_names[row];
      description = g_strdup_printf (_("First paid order in %s"), self->cohort_names[row]);
    }
  else
    return;

  show_contacts (self, &filter, description);
}

static void
siyu_shop_picture_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SIYU_TYPE_SHOP_PICTURE);

  G_OBJECT_CLASS (siyu_shop_picture_parent_class)->dispose (object);
}

static void
siyu_shop_picture_finalize (GObject *object)
{
  SiyuShopPicture *self = SIYU_SHOP_PICTURE (object);

  g_ptr_array_unref (self->tier_ids);
  g_ptr_array_unref (self->tier_names);
  g_strfreev (self->cohort_names);

  G_OBJECT_CLASS (siyu_shop_picture_parent_class)->finalize (object);
}

static void
siyu_shop_picture_class_init (SiyuShopPictureClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const char *sections[] = { "stages", "rfm", "tiers", "pyramid", "aipl", "cohorts" };
  static const char *bins[] = { "stages", "rfm_grid", "segments", "tiers", "pyramid", "aipl", "cohorts" };

  G_STATIC_ASSERT (G_N_ELEMENTS (sections) == SIYU_N_PICTURE_SECTIONS);
  G_STATIC_ASSERT (G_N_ELEMENTS (bins) == SIYU_N_PICTURE_CHARTS);

  object_class->dispose = siyu_shop_picture_dispose;
  object_class->finalize = siyu_shop_picture_finalize;

  /**
   * SiyuShopPicture::show-contacts:
   * @filter: (type gpointer): the SiyuContactFilter of the contacts behind a bar or cell
   * @description: what they are, in words
   */
  signals[SHOW_CONTACTS] = g_signal_new ("show-contacts", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/siyu/Siyu/siyu-shop-picture.ui");
  gtk_widget_class_bind_template_child (widget_class, SiyuShopPicture, box);
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    {
      g_autofree char *rules = g_strconcat (sections[i], "_rules", NULL);
      g_autofree char *note = g_strconcat (sections[i], "_note", NULL);

      gtk_widget_class_bind_template_child_full (widget_class, rules, FALSE,
                                                 G_STRUCT_OFFSET (SiyuShopPicture, rules) + i * sizeof (GtkLabel *));
      gtk_widget_class_bind_template_child_full (widget_class, note, FALSE,
                                                 G_STRUCT_OFFSET (SiyuShopPicture, notes) + i * sizeof (GtkLabel *));
    }
  for (guint i = 0; i < G_N_ELEMENTS (bins); i++)
    {
      g_autofree char *bin = g_strconcat (bins[i], "_bin", NULL);

      gtk_widget_class_bind_template_child_full (widget_class, bin, FALSE,
                                                 G_STRUCT_OFFSET (SiyuShopPicture, bins) + i * sizeof (AdwBin *));
    }
}

static void
siyu_shop_picture_init (SiyuShopPicture *self)
{
  static const SiyuChartKind kinds[] = {
    [SIYU_PICTURE_STAGES] = SIYU_CHART_BARS,
    [SIYU_PICTURE_RFM_GRID] = SIYU_CHART_GRID,
    [SIYU_PICTURE_SEGMENTS] = SIYU_CHART_BARS,
    [SIYU_PICTURE_TIERS] = SIYU_CHART_BARS,
    [SIYU_PICTURE_PYRAMID] = SIYU_CHART_FUNNEL,
    [SIYU_PICTURE_AIPL] = SIYU_CHART_FUNNEL,
    [SIYU_PICTURE_COHORTS] = SIYU_CHART_GRID,
  };
  static const char *names[] = {
    [SIYU_PICTURE_STAGES] = N_("Contacts per lifecycle stage"),
    [SIYU_PICTURE_RFM_GRID] = N_("Buyers per recency and frequency score"),
    [SIYU_PICTURE_SEGMENTS] = N_("Buyers per RFM segment"),
    [SIYU_PICTURE_TIERS] = N_("Members per tier"),
    [SIYU_PICTURE_PYRAMID] = N_("Buyers per pyramid level"),
    [SIYU_PICTURE_AIPL] = N_("Contacts per AIPL stage"),
    [SIYU_PICTURE_COHORTS] = N_("Cohort retention"),
  };

  gtk_widget_init_template (GTK_WIDGET (self));

  self->tier_ids = g_ptr_array_new_with_free_func (g_free);
  self->tier_names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < SIYU_N_PICTURE_CHARTS; i++)
    {
      self->charts[i] = siyu_chart_new (kinds[i]);
      gtk_widget_set_margin_start (GTK_WIDGET (self->charts[i]), 12);
      gtk_widget_set_margin_end (GTK_WIDGET (self->charts[i]), 12);
      gtk_widget_set_margin_top (GTK_WIDGET (self->charts[i]), 12);
      gtk_widget_set_margin_bottom (GTK_WIDGET (self->charts[i]), 12);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->charts[i]),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _(names[i]), -1);
      g_signal_connect (self->charts[i], "activated", G_CALLBACK (chart_activated_cb), self);
      adw_bin_set_child (self->bins[i], GTK_WIDGET (self->charts[i]));
    }
}

SiyuShopPicture *
siyu_shop_picture_new (void)
{
  return g_object_new (SIYU_TYPE_SHOP_PICTURE, NULL);
}

/**
 * siyu_shop_picture_set_figures:
 *
 * Draws the figures of the last recompute.
 */
void
siyu_shop_picture_set_figures (SiyuShopPicture          *self,
                               const SiyuPictureFigures *figures)
{
  g_return_if_fail (SIYU_IS_SHOP_PICTURE (self));
  g_return_if_fail (figures != NULL && figures->summary != NULL);

  fill_stages (self, figures->summary);
  fill_rfm (self, figures->summary);
  fill_tiers (self, figures);
  fill_pyramid (self, figures->summary);
  fill_aipl (self, figures->summary);
  fill_cohorts (self, figures->cohorts);
}

/* For the tests. */
SiyuChart *
_siyu_shop_picture_get_chart (SiyuShopPicture  *self,
                              SiyuPictureChart  chart)
{
  return self->charts[chart];
}

const char *
_siyu_shop_picture_get_note (SiyuShopPicture    *self,
                             SiyuPictureSection  section)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->notes[section])) ? gtk_label_get_label (self->notes[section]) : NULL;
}

const char *
_siyu_shop_picture_get_rules (SiyuShopPicture    *self,
                              SiyuPictureSection  section)
{
  return gtk_label_get_label (self->rules[section]);
}

GtkLabel *
_siyu_shop_picture_get_rules_label (SiyuShopPicture    *self,
                                    SiyuPictureSection  section)
{
  return self->rules[section];
}
