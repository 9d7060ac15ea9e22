/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-segment-editor"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "siyu-analytics.h"
#include "siyu-json.h"
#include "siyu-money.h"
#include "siyu-segment-editor-private.h"
#include "siyu-segments.h"
#include "siyu-shop-lists.h"

/* The segment editor: a name, all or any of a list of conditions and
 * groups of conditions (one level deep), and the live count of who
 * matches.  The widgets are the state: every edit reads them back into a
 * definition (the format of siyu-segments.c), which is checked at once,
 * counted on the shop's worker after a pause, and pushed on the undo
 * stack.  Undo rebuilds the widgets from the definition before. */

#define COUNT_DELAY_MS 150

typedef enum {
  VALUE_ENUM,
  VALUE_NUMBER,
  VALUE_TIER,
  VALUE_TAG,
  VALUE_GROUP,
  VALUE_CHANNEL,
  VALUE_TEXT,
  VALUE_BOOL,
  VALUE_DATE,
} ValueKind;

static const char * const stages[] = { "prospect", "new", "growing", "mature", "dormant", "lost", NULL };
static const char * const rfm_segments[] = {
  "champions", "loyal", "potential_loyalist", "recent", "promising", "need_attention",
  "about_to_sleep", "at_risk", "cant_lose", "hibernating", "lost", NULL
};
static const char * const pyramids[] = { "co_builder", "communicator", "silent", NULL };
static const char * const aipls[] = { "awareness", "interest", "purchase", "loyalty", NULL };
static const char * const events[] = {
  "visit", "view", "cart", "favourite", "inquiry", "review", "share", "referral", "group_message", NULL
};
static const char * const event_labels[] = {
  N_("Visit"), N_("Product view"), N_("Added to cart"), N_("Favourite"), N_("Inquiry"), N_("Review"),
  N_("Share"), N_("Referral"), N_("Group message"), NULL
};

static const char * const consent_states[] = { "given", "refused", "unknown", NULL };
static const char * const consent_state_labels[] = {
  /* Translators: a contact's consent to hear from the shop. */
  N_("Agreed"), N_("Refused"), N_("Not asked yet"), NULL
};

static const char * const enum_ops[] = { "is", "is_not", NULL };
static const char * const number_ops[] = { "=", "!=", "<", "<=", ">", ">=", "between", NULL };
static const char * const spend_ops[] = { "=", "!=", "<", "<=", ">", ">=", "between", "top_percent", NULL };
static const char * const tier_ops[] = { "is", "is_not", "at_least", NULL };
static const char * const tag_ops[] = { "has", "has_not", NULL };
static const char * const group_ops[] = { "member", "not_member", NULL };
static const char * const channel_ops[] = { "bought_in", "not_bought_in", NULL };
static const char * const text_ops[] = { "is", "is_not", "contains", "starts_with", NULL };
static const char * const consent_ops[] = { "is", NULL };
static const char * const date_ops[] = { "before", "after", "on", "more_than_days_ago", "within_days", "exists", NULL };
static const char * const product_ops[] = { "bought", "not_bought", NULL };
static const char * const due_ops[] = { "before", "after", "on", "within_days", NULL };
static const char * const event_ops[] = { "happened", "not_happened", NULL };

/* What the editor offers, in the words of an owner; the core's format is
 * the reference (siyu-segments.c). */
static const struct {
  const char         *name;
  const char         *label;
  ValueKind           kind;
  const char * const *ops;
  const char * const *values;
  const char * const *value_labels;
  int                 low;
  int                 high;
  gboolean            days;
} fields[] = {
  /* Translators: fields a segment's condition can look at. */
  { "stage", N_("Stage"), VALUE_ENUM, enum_ops, stages, NULL, 0, 0, FALSE },
  { "rfm_segment", N_("RFM segment"), VALUE_ENUM, enum_ops, rfm_segments, NULL, 0, 0, FALSE },
  { "rfm_r_score", N_("Recency score"), VALUE_NUMBER, number_ops, NULL, NULL, 1, 5, FALSE },
  { "rfm_f_score", N_("Frequency score"), VALUE_NUMBER, number_ops, NULL, NULL, 1, 5, FALSE },
  { "rfm_m_score", N_("Monetary score"), VALUE_NUMBER, number_ops, NULL, NULL, 1, 5, FALSE },
  { "tier", N_("Membership tier"), VALUE_TIER, tier_ops, NULL, NULL, 0, 0, FALSE },
  /* xgettext:no-c-format */
  { "next_tier_gap_percent", N_("Gap to the next tier (%)"), VALUE_NUMBER, number_ops, NULL, NULL, 0, 100, FALSE },
  { "pyramid", N_("Pyramid level"), VALUE_ENUM, enum_ops, pyramids, NULL, 0, 0, FALSE },
  { "aipl", N_("AIPL stage"), VALUE_ENUM, enum_ops, aipls, NULL, 0, 0, FALSE },
  { "tag", N_("Tag"), VALUE_TAG, tag_ops, NULL, NULL, 0, 0, FALSE },
  { "group", N_("Community group"), VALUE_GROUP, group_ops, NULL, NULL, 0, 0, FALSE },
  { "channel", N_("Channel"), VALUE_CHANNEL, channel_ops, NULL, NULL, 0, 0, FALSE },
  { "city", N_("City"), VALUE_TEXT, text_ops, NULL, NULL, 0, 0, FALSE },
  { "consent", N_("May be contacted"), VALUE_BOOL, consent_ops, NULL, NULL, 0, 0, FALSE },
  { "consent_state", N_("Consent"), VALUE_ENUM, enum_ops, consent_states, consent_state_labels, 0, 0, FALSE },
  { "do_not_contact", N_("Asked not to be contacted"), VALUE_BOOL, consent_ops, NULL, NULL, 0, 0, FALSE },
  { "first_order", N_("First order"), VALUE_DATE, date_ops, NULL, NULL, 0, 36500, FALSE },
  { "last_order", N_("Last order"), VALUE_DATE, date_ops, NULL, NULL, 0, 36500, FALSE },
  { "member_since", N_("Member since"), VALUE_DATE, date_ops, NULL, NULL, 0, 36500, FALSE },
  { "orders", N_("Number of orders"), VALUE_NUMBER, number_ops, NULL, NULL, 0, 1000000, TRUE },
  { "net_spend", N_("Net spend"), VALUE_NUMBER, spend_ops, NULL, NULL, 0, 100000000, TRUE },
  { "touches", N_("Messages received"), VALUE_NUMBER, number_ops, NULL, NULL, 0, 100000, TRUE },
  { "product", N_("Product"), VALUE_TEXT, product_ops, NULL, NULL, 0, 0, TRUE },
  { "sku", N_("SKU"), VALUE_TEXT, product_ops, NULL, NULL, 0, 0, TRUE },
  { "event", N_("Event"), VALUE_ENUM, event_ops, events, event_labels, 0, 0, TRUE },
  /* The predictive models' figures (contacts without a prediction never match). */
  /* xgettext:no-c-format */
  { "p_alive", N_("Likely to buy again (%)"), VALUE_NUMBER, number_ops, NULL, NULL, 0, 100, FALSE },
  { "exp_orders_90d", N_("Expected orders in 90 days"), VALUE_NUMBER, number_ops, NULL, NULL, 0, 1000, FALSE },
  { "value_12m", N_("12-month value"), VALUE_NUMBER, number_ops, NULL, NULL, 0, 100000000, FALSE },
  { "next_due", N_("Due to restock"), VALUE_DATE, due_ops, NULL, NULL, 0, 36500, FALSE },
};

/* Stages, RFM segments, pyramid levels and AIPL stages are named as
 * everywhere else in Siyu. */
static const char *
value_label (int         field,
             guint       index)
{
  const char *id = fields[field].values[index];

  if (fields[field].value_labels != NULL)
    return _(fields[field].value_labels[index]);
  for (SiyuStage s = 0; s < SIYU_N_STAGES && fields[field].values == stages; s++)
    if (g_str_equal (id, siyu_stage_to_string (s)))
      return siyu_stage_get_label (s);
  for (SiyuRfmSegment s = SIYU_RFM_CHAMPIONS; s < SIYU_N_RFM_SEGMENTS && fields[field].values == rfm_segments; s++)
    if (g_str_equal (id, siyu_rfm_segment_to_string (s)))
      return siyu_rfm_segment_get_label (s);
  for (SiyuPyramidLevel l = SIYU_PYRAMID_CO_BUILDER; l < SIYU_N_PYRAMID_LEVELS && fields[field].values == pyramids; l++)
    if (g_str_equal (id, siyu_pyramid_level_to_string (l)))
      return siyu_pyramid_level_get_label (l);
  for (SiyuAiplStage a = SIYU_AIPL_AWARENESS; a < SIYU_N_AIPL_STAGES && fields[field].values == aipls; a++)
    if (g_str_equal (id, siyu_aipl_stage_to_string (a)))
      return siyu_aipl_stage_get_label (a);
  return id;
}

static const char *
op_label (const char *op)
{
  static const struct { const char *op; const char *label; } labels[] = {
    /* Translators: operators of a segment's condition. */
    { "is", N_("is") }, { "is_not", N_("is not") }, { "=", "=" }, { "!=", "≠" }, { "<", "<" }, { "<=", "≤" },
    { ">", ">" }, { ">=", "≥" }, { "between", N_("between") }, { "top_percent", N_("in the top percent") },
    { "at_least", N_("is at least") }, { "has", N_("has") }, { "has_not", N_("does not have") },
    { "member", N_("is in") }, { "not_member", N_("is not in") }, { "bought_in", N_("bought in") },
    { "not_bought_in", N_("never bought in") }, { "contains", N_("contains") },
    { "starts_with", N_("starts with") }, { "before", N_("before") }, { "after", N_("after") },
    { "on", N_("on") }, { "more_than_days_ago", N_("more than … days ago") },
    { "within_days", N_("in the last … days") }, { "exists", N_("exists") }, { "bought", N_("bought") },
    { "not_bought", N_("did not buy") }, { "happened", N_("happened") }, { "not_happened", N_("did not happen") }, { "left", N_("left") },
    { "in", N_("is one of") }, { "not_in", N_("is none of") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_str_equal (labels[i].op, op))
      return _(labels[i].label);
  return op;
}

typedef struct {
  GtkWidget   *box;
  GtkDropDown *field;
  GtkDropDown *op;
  GtkBox      *value_box;
  GtkWidget   *value;
  GtkWidget   *value2;
  GtkSpinButton *days;
} Cond;

typedef struct {
  char  **tags;
  char  **groups;
  char  **channels;
  char  **tiers;
} Choices;

struct _SiyuSegmentEditor
{
  AdwWindow       parent_instance;

  GtkEntry       *name_entry;
  GtkDropDown    *match_dropdown;
  GtkBox         *rows_box;
  GtkLabel       *count_label;
  GtkLabel       *error_label;
  GtkWidget      *save_button;

  SiyuShopRunner *runner;
  GCancellable   *cancellable;
  gint64          segment_id;
  char           *original_name;
  Choices         choices;
  gboolean        loading;
  guint           counting;     /* generation of the count running, or 0 */
  guint           generation;
  guint           count_source;
  gboolean        saving;
  guint           frozen;
  gboolean        valid;
  char           *current;      /* the definition shown, as JSON */
  GPtrArray      *undo;         /* of definitions before, as JSON */
};

G_DEFINE_FINAL_TYPE (SiyuSegmentEditor, siyu_segment_editor, ADW_TYPE_WINDOW)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void edited (SiyuSegmentEditor *self);
static GtkWidget *cond_new (SiyuSegmentEditor *self, JsonObject *condition);
static GtkWidget *group_new (SiyuSegmentEditor *self, JsonObject *group);

static int
field_index (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_strcmp0 (fields[i].name, name) == 0)
      return (int) i;
  return -1;
}

static GtkDropDown *
dropdown_new (const char * const *ids,
              const char * const *labels,
              const char         *accessible_name)
{
  GtkWidget *dropdown = gtk_drop_down_new_from_strings (labels);

  g_object_set_data_full (G_OBJECT (dropdown), "ids", g_strdupv ((char **) ids), (GDestroyNotify) g_strfreev);
  gtk_accessible_update_property (GTK_ACCESSIBLE (dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_name, -1);
  return GTK_DROP_DOWN (dropdown);
}

static const char *
dropdown_get_id (GtkDropDown *dropdown)
{
  char **ids = g_object_get_data (G_OBJECT (dropdown), "ids");
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (ids == NULL || selected == GTK_INVALID_LIST_POSITION || selected >= g_strv_length (ids))
    return NULL;
  return ids[selected];
}

static gboolean
dropdown_select (GtkDropDown *dropdown,
                 const char  *id)
{
  char **ids = g_object_get_data (G_OBJECT (dropdown), "ids");

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    if (g_strcmp0 (ids[i], id) == 0)
      {
        gtk_drop_down_set_selected (dropdown, i);
        return TRUE;
      }
  return FALSE;
}

/* A dropdown of names read from the shop, with @current added when the
 * shop no longer has it. */
static GtkDropDown *
names_dropdown_new (char       **names,
                    const char  *first_id,
                    const char  *first_label,
                    const char  *current,
                    const char  *accessible_name)
{
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) labels = g_strv_builder_new ();
  g_auto(GStrv) id_list = NULL;
  g_auto(GStrv) label_list = NULL;
  gboolean found = current == NULL;

  if (first_label != NULL)
    {
      g_strv_builder_add (ids, first_id);
      g_strv_builder_add (labels, first_label);
      found = found || g_strcmp0 (current, first_id) == 0;
    }
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      g_strv_builder_add (ids, names[i]);
      g_strv_builder_add (labels, names[i]);
      found = found || g_strcmp0 (current, names[i]) == 0;
    }
  if (!found)
    {
      g_strv_builder_add (ids, current);
      g_strv_builder_add (labels, current);
    }
  id_list = g_strv_builder_end (ids);
  label_list = g_strv_builder_end (labels);

  return dropdown_new ((const char * const *) id_list, (const char * const *) label_list, accessible_name);
}

static GtkWidget *
spin_new (int         low,
          int         high,
          double      value,
          const char *accessible_name)
{
  GtkWidget *spin = gtk_spin_button_new_with_range (low, high, 1);

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_name, -1);
  return spin;
}

static GtkWidget *
entry_new (const char *text,
           const char *placeholder,
           const char *accessible_name)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_editable_set_text (GTK_EDITABLE (entry), text != NULL ? text : "");
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
  gtk_widget_set_hexpand (entry, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_name, -1);
  return entry;
}

static void
widget_changed_cb (SiyuSegmentEditor *self)
{
  edited (self);
}

static void
watch (SiyuSegmentEditor *self,
       GtkWidget         *widget)
{
  if (widget == NULL)
    return;
  if (GTK_IS_DROP_DOWN (widget))
    g_signal_connect_object (widget, "notify::selected", G_CALLBACK (widget_changed_cb), self, G_CONNECT_SWAPPED);
  else if (GTK_IS_SPIN_BUTTON (widget))
    g_signal_connect_object (widget, "value-changed", G_CALLBACK (widget_changed_cb), self, G_CONNECT_SWAPPED);
  else
    g_signal_connect_object (widget, "changed", G_CALLBACK (widget_changed_cb), self, G_CONNECT_SWAPPED);
}

/* Money in the editor is in major units; the definition holds minor ones. */
static gboolean
is_money (int field,
          const char *op)
{
  return (g_str_equal (fields[field].name, "net_spend") && g_strcmp0 (op, "top_percent") != 0) ||
         g_str_equal (fields[field].name, "value_12m");
}

static double
node_number (JsonNode *node,
             double    fallback)
{
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      (json_node_get_value_type (node) == G_TYPE_INT64 || json_node_get_value_type (node) == G_TYPE_DOUBLE))
    return json_node_get_double (node);
  return fallback;
}

static const char *
node_text (JsonNode *node)
{
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

/* Makes the value widgets for the field and operator chosen, showing
 * @value when it fits. */
static void
fill_value (SiyuSegmentEditor *self,
            Cond              *cond,
            JsonNode          *value)
{
  int field = field_index (dropdown_get_id (cond->field));
  const char *op = dropdown_get_id (cond->op);
  const char *name = _("Value");
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (cond->value_box))) != NULL)
    gtk_box_remove (cond->value_box, child);
  cond->value = cond->value2 = NULL;
  g_assert (field >= 0 && op != NULL);

  switch (fields[field].kind)
    {
    case VALUE_ENUM:
      {
        g_autoptr(GStrvBuilder) labels = g_strv_builder_new ();
        g_auto(GStrv) list = NULL;

        for (guint i = 0; fields[field].values[i] != NULL; i++)
          g_strv_builder_add (labels, value_label (field, i));
        list = g_strv_builder_end (labels);
        cond->value = GTK_WIDGET (dropdown_new (fields[field].values, (const char * const *) list, name));
        dropdown_select (GTK_DROP_DOWN (cond->value), node_text (value));
      }
      break;
    case VALUE_TIER:
      cond->value = GTK_WIDGET (names_dropdown_new (self->choices.tiers, NULL, NULL, node_text (value), name));
      break;
    case VALUE_TAG:
      cond->value = GTK_WIDGET (names_dropdown_new (self->choices.tags, NULL, NULL, node_text (value), name));
      break;
    case VALUE_GROUP:
      /* Translators: the value of a condition on group membership: any group at all. */
      cond->value = GTK_WIDGET (names_dropdown_new (self->choices.groups, "", _("any group"),
                                                    value != NULL ? node_text (value) : "", name));
      break;
    case VALUE_CHANNEL:
      cond->value = GTK_WIDGET (names_dropdown_new (self->choices.channels, NULL, NULL, node_text (value), name));
      break;
    case VALUE_TEXT:
      cond->value = entry_new (node_text (value), NULL, name);
      break;
    case VALUE_BOOL:
      {
        const char * const ids[] = { "true", "false", NULL };
        const char * const labels[] = { _("yes"), _("no"), NULL };

        cond->value = GTK_WIDGET (dropdown_new (ids, labels, name));
        if (value != NULL && JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_BOOLEAN)
          gtk_drop_down_set_selected (GTK_DROP_DOWN (cond->value), json_node_get_boolean (value) ? 0 : 1);
      }
      break;
    case VALUE_DATE:
      if (g_str_equal (op, "exists"))
        {
          const char * const ids[] = { "true", "false", NULL };
          const char * const labels[] = { _("yes"), _("no"), NULL };

          cond->value = GTK_WIDGET (dropdown_new (ids, labels, name));
          if (value != NULL && JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_BOOLEAN)
            gtk_drop_down_set_selected (GTK_DROP_DOWN (cond->value), json_node_get_boolean (value) ? 0 : 1);
        }
      else if (g_str_has_suffix (op, "days") || g_str_has_suffix (op, "days_ago"))
        cond->value = spin_new (0, 36500, node_number (value, 30), _("Number of days"));
      else
        /* Translators: the placeholder of a date's entry; keep YYYY-MM-DD as it is. */
        cond->value = entry_new (node_text (value), _("YYYY-MM-DD"), _("Date, written YYYY-MM-DD"));
      break;
    case VALUE_NUMBER:
      {
        int low = fields[field].low, high = fields[field].high;
        double scale = is_money (field, op) ? 100.0 : 1.0;
        JsonNode *first = value, *second = NULL;

        if (g_str_equal (op, "top_percent"))
          low = 1, high = 100;
        if (value != NULL && JSON_NODE_HOLDS_ARRAY (value) && json_array_get_length (json_node_get_array (value)) == 2)
          {
            first = json_array_get_element (json_node_get_array (value), 0);
            second = json_array_get_element (json_node_get_array (value), 1);
          }
        cond->value = spin_new (low, high, node_number (first, low * scale) / scale, name);
        if (g_str_equal (op, "between"))
          cond->value2 = spin_new (low, high, node_number (second, node_number (first, low * scale)) / scale,
                                   _("Upper bound"));
      }
      break;
    default:
      g_assert_not_reached ();
    }

  gtk_box_append (cond->value_box, cond->value);
  watch (self, cond->value);
  if (cond->value2 != NULL)
    {
      /* Translators: between one number “and” another. */
      gtk_box_append (cond->value_box, gtk_label_new (_("and")));
      gtk_box_append (cond->value_box, cond->value2);
      watch (self, cond->value2);
    }
}

static void op_changed_cb (GtkDropDown *dropdown, GParamSpec *pspec, SiyuSegmentEditor *self);

static void
fill_ops (SiyuSegmentEditor *self,
          Cond              *cond,
          const char        *op)
{
  int field = field_index (dropdown_get_id (cond->field));
  g_autoptr(GStrvBuilder) labels = g_strv_builder_new ();
  g_auto(GStrv) list = NULL;
  GtkDropDown *dropdown;

  for (guint i = 0; fields[field].ops[i] != NULL; i++)
    g_strv_builder_add (labels, op_label (fields[field].ops[i]));
  list = g_strv_builder_end (labels);
  dropdown = dropdown_new (fields[field].ops, (const char * const *) list, _("Operator"));
  dropdown_select (dropdown, op);
  g_object_set_data (G_OBJECT (dropdown), "cond", cond);
  g_signal_connect_object (dropdown, "notify::selected", G_CALLBACK (op_changed_cb), self, 0);
  gtk_widget_insert_after (GTK_WIDGET (dropdown), cond->box, GTK_WIDGET (cond->op));
  gtk_box_remove (GTK_BOX (cond->box), GTK_WIDGET (cond->op));
  cond->op = dropdown;
  gtk_widget_set_visible (GTK_WIDGET (cond->days), fields[field].days);
}

static void
field_changed_cb (GtkDropDown       *dropdown,
                  GParamSpec        *pspec,
                  SiyuSegmentEditor *self)
{
  Cond *cond = g_object_get_data (G_OBJECT (dropdown), "cond");

  self->frozen++;
  fill_ops (self, cond, NULL);
  fill_value (self, cond, NULL);
  self->frozen--;
  edited (self);
}

static void
op_changed_cb (GtkDropDown       *dropdown,
               GParamSpec        *pspec,
               SiyuSegmentEditor *self)
{
  Cond *cond = g_object_get_data (G_OBJECT (dropdown), "cond");

  self->frozen++;
  fill_value (self, cond, NULL);
  self->frozen--;
  edited (self);
}

static void
remove_clicked_cb (GtkButton         *button,
                   SiyuSegmentEditor *self)
{
  GtkWidget *item = g_object_get_data (G_OBJECT (button), "item");

  gtk_box_remove (GTK_BOX (gtk_widget_get_parent (item)), item);
  edited (self);
}

static GtkWidget *
remove_button_new (SiyuSegmentEditor *self,
                   GtkWidget         *item,
                   const char        *accessible_name)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("list-remove-symbolic");

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, accessible_name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_name, -1);
  g_object_set_data (G_OBJECT (button), "item", item);
  g_signal_connect_object (button, "clicked", G_CALLBACK (remove_clicked_cb), self, 0);
  return button;
}

/* Whether the editor can show @condition in its widgets: a field, an
 * operator and a value it offers, and no "as_of".  Any other condition —
 * one of the review's cards, as of a past day, or one written in JSON —
 * is shown in words, kept as it is and can only be removed. */
static gboolean
editable (JsonObject *condition)
{
  g_autoptr(GList) keys = json_object_get_members (condition);
  const char *op = json_object_get_string_member_with_default (condition, "op", NULL);
  int field = field_index (json_object_get_string_member_with_default (condition, "field", NULL));

  for (GList *l = keys; l != NULL; l = l->next)
    if (!g_strv_contains ((const char * const[]) { "field", "op", "value", "days", NULL }, l->data))
      return FALSE;
  return field >= 0 && op != NULL && g_strv_contains (fields[field].ops, op) &&
         (!json_object_has_member (condition, "days") || fields[field].days);
}

/* A condition's value in words. */
static char *
describe_value (int         field,
                JsonNode   *value,
                const char *currency)
{
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return g_strdup (field >= 0 && fields[field].kind == VALUE_GROUP ? _("any group") : "");
  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);
      GString *out = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *item = describe_value (field, json_array_get_element (array, i), currency);

          if (i > 0)
            g_string_append (out, ", ");
          g_string_append (out, item);
        }
      return g_string_free (out, FALSE);
    }
  if (!JSON_NODE_HOLDS_VALUE (value))
    return g_strdup ("");
  if (json_node_get_value_type (value) == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (value) ? _("yes") : _("no"));
  if (json_node_get_value_type (value) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (value);

      for (guint i = 0; field >= 0 && fields[field].values != NULL && fields[field].values[i] != NULL; i++)
        if (g_str_equal (fields[field].values[i], text))
          return g_strdup (value_label (field, i));
      return g_strdup (text);
    }
  if (field >= 0 && is_money (field, NULL))
    return siyu_money_format (json_node_get_int (value), currency);

  return g_strdup_printf ("%g", json_node_get_double (value));
}

static char *
describe_condition (JsonObject *condition,
                    const char *currency)
{
  const char *name = json_object_get_string_member_with_default (condition, "field", "");
  const char *op = json_object_get_string_member_with_default (condition, "op", "");
  int field = field_index (name);
  g_autofree char *value = describe_value (field, json_object_get_member (condition, "value"), currency);
  /* Translators: a segment's condition in words: a field, an operator and a value, e.g. “Stage is Growing”. */
  g_autofree char *text = g_strdup_printf (C_("segment condition", "%s %s %s"),
                                           field >= 0 ? _(fields[field].label) : name, op_label (op), value);
  const char *as_of = json_object_get_string_member_with_default (condition, "as_of", NULL);
  gint64 days = json_object_get_int_member_with_default (condition, "days", 0);

  g_strstrip (text);
  if ((g_str_equal (op, "within_days") || g_str_equal (op, "more_than_days_ago")) && field >= 0)
    {
      gint64 n = json_object_get_int_member_with_default (condition, "value", 0);
      const char *label = _(fields[field].label);

      if (g_str_equal (op, "within_days"))
        return as_of != NULL
               /* Translators: e.g. “First order in the 31 days up to 2026-10-31”. */
               ? g_strdup_printf (g_dngettext (NULL, "%s in the %lld day up to %s", "%s in the %lld days up to %s", n),
                                  label, (long long) n, as_of)
               /* Translators: e.g. “First order in the last 30 days”. */
               : g_strdup_printf (g_dngettext (NULL, "%s in the last %lld day", "%s in the last %lld days", n),
                                  label, (long long) n);
      return as_of != NULL
             /* Translators: e.g. “Last order more than 60 days before 2026-10-31”. */
             ? g_strdup_printf (g_dngettext (NULL, "%s more than %lld day before %s", "%s more than %lld days before %s", n),
                                label, (long long) n, as_of)
             /* Translators: e.g. “Last order more than 60 days ago”. */
             : g_strdup_printf (g_dngettext (NULL, "%s more than %lld day ago", "%s more than %lld days ago", n),
                                label, (long long) n);
    }
  if (days > 0 && as_of != NULL)
    /* Translators: a condition over the N days ending on a day, e.g. “Number of orders = 0, in the 31 days up to 2026-10-31”. */
    return g_strdup_printf (g_dngettext (NULL, "%s, in the %lld day up to %s", "%s, in the %lld days up to %s", days),
                            text, (long long) days, as_of);
  if (days > 0)
    return g_strdup_printf (g_dngettext (NULL, "%s, in the last %lld day", "%s, in the last %lld days", days),
                            text, (long long) days);
  if (as_of != NULL)
    /* Translators: a condition counted as of a past day, e.g. “Stage is Growing, as of 2026-09-30”. */
    return g_strdup_printf (_("%s, as of %s"), text, as_of);
  return g_steal_pointer (&text);
}

static GtkWidget *
fixed_new (SiyuSegmentEditor *self,
           JsonObject        *condition)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  g_autofree char *text = describe_condition (condition, siyu_shop_runner_get_currency (self->runner));
  GtkWidget *label = gtk_label_new (text);
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, condition);
  g_object_set_data_full (G_OBJECT (box), "fixed", node, (GDestroyNotify) json_node_unref);
  g_object_set_data (G_OBJECT (box), "text", label);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_set_tooltip_text (label, _("This condition is counted as of a past day or written by Siyu; it is kept "
                                        "as it is and can only be removed."));
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), remove_button_new (self, box, _("Remove this condition")));

  return box;
}

static GtkWidget *
cond_new (SiyuSegmentEditor *self,
          JsonObject        *condition)
{
  Cond *cond;
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) labels = g_strv_builder_new ();
  g_auto(GStrv) id_list = NULL;
  g_auto(GStrv) label_list = NULL;
  const char *field = condition != NULL ? json_object_get_string_member_with_default (condition, "field", "stage")
                                        : "stage";
  gint64 days = condition != NULL ? json_object_get_int_member_with_default (condition, "days", 0) : 0;
  GtkWidget *days_box;

  if (condition != NULL && !editable (condition))
    return fixed_new (self, condition);
  cond = g_new0 (Cond, 1);
  if (field_index (field) < 0)
    field = "stage";
  self->frozen++;
  cond->box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  g_object_set_data_full (G_OBJECT (cond->box), "cond", cond, g_free);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_strv_builder_add (ids, fields[i].name);
      g_strv_builder_add (labels, _(fields[i].label));
    }
  id_list = g_strv_builder_end (ids);
  label_list = g_strv_builder_end (labels);
  cond->field = dropdown_new ((const char * const *) id_list, (const char * const *) label_list, _("Field"));
  dropdown_select (cond->field, field);
  g_object_set_data (G_OBJECT (cond->field), "cond", cond);
  gtk_box_append (GTK_BOX (cond->box), GTK_WIDGET (cond->field));
  cond->op = GTK_DROP_DOWN (gtk_drop_down_new (NULL, NULL));
  gtk_box_append (GTK_BOX (cond->box), GTK_WIDGET (cond->op));
  cond->value_box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6));
  gtk_widget_set_hexpand (GTK_WIDGET (cond->value_box), TRUE);
  gtk_box_append (GTK_BOX (cond->box), GTK_WIDGET (cond->value_box));
  days_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  /* Translators: before a number of days; 0 means all time. */
  gtk_box_append (GTK_BOX (days_box), gtk_label_new (_("in the last")));
  cond->days = GTK_SPIN_BUTTON (spin_new (0, 36500, (double) days,
                                          _("Only the last this many days; 0 for all time")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (cond->days), _("0 counts all time"));
  gtk_box_append (GTK_BOX (days_box), GTK_WIDGET (cond->days));
  gtk_box_append (GTK_BOX (days_box), gtk_label_new (_("days")));
  gtk_box_append (GTK_BOX (cond->box), days_box);
  g_object_bind_property (cond->days, "visible", days_box, "visible", G_BINDING_SYNC_CREATE);
  gtk_box_append (GTK_BOX (cond->box), remove_button_new (self, cond->box, _("Remove this condition")));

  fill_ops (self, cond, condition != NULL ? json_object_get_string_member_with_default (condition, "op", NULL) : NULL);
  fill_value (self, cond, condition != NULL ? json_object_get_member (condition, "value") : NULL);
  g_signal_connect_object (cond->field, "notify::selected", G_CALLBACK (field_changed_cb), self, 0);
  watch (self, GTK_WIDGET (cond->days));
  self->frozen--;

  return cond->box;
}

static GtkDropDown *
match_dropdown_new (void)
{
  const char * const ids[] = { "all", "any", NULL };
  /* Translators: contacts who match all or any of the conditions below. */
  const char * const labels[] = { _("all of these"), _("any of these"), NULL };

  return dropdown_new (ids, labels, _("Match all or any of the conditions"));
}

static void
add_condition_to_group_cb (GtkButton         *button,
                           SiyuSegmentEditor *self)
{
  gtk_box_append (GTK_BOX (g_object_get_data (G_OBJECT (button), "rows")), cond_new (self, NULL));
  edited (self);
}

static GtkWidget *
group_new (SiyuSegmentEditor *self,
           JsonObject        *group)
{
  GtkWidget *frame = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *head = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *rows = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *add = gtk_button_new_with_mnemonic (_("Add Condition to _Group"));
  GtkDropDown *match = match_dropdown_new ();
  GtkWidget *label = gtk_label_new (_("A group that matches"));
  GtkWidget *remove;
  JsonNode *list = group != NULL ? json_object_get_member (group, "conditions") : NULL;
  JsonArray *conditions = list != NULL && JSON_NODE_HOLDS_ARRAY (list) ? json_node_get_array (list) : NULL;

  self->frozen++;
  gtk_widget_add_css_class (frame, "card");
  gtk_widget_set_margin_start (rows, 12);
  g_object_set (frame, "margin-start", 24, NULL);
  gtk_box_append (GTK_BOX (head), label);
  gtk_box_append (GTK_BOX (head), GTK_WIDGET (match));
  gtk_widget_set_hexpand (label, FALSE);
  remove = remove_button_new (self, frame, _("Remove this group"));
  gtk_widget_set_hexpand (remove, TRUE);
  gtk_widget_set_halign (remove, GTK_ALIGN_END);
  gtk_widget_set_margin_end (remove, 6);
  gtk_box_append (GTK_BOX (head), remove);
  gtk_box_append (GTK_BOX (frame), head);
  gtk_box_append (GTK_BOX (frame), rows);
  gtk_widget_set_halign (add, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (frame), add);
  gtk_widget_set_margin_top (head, 6);
  gtk_widget_set_margin_start (head, 6);
  gtk_widget_set_margin_bottom (add, 6);
  gtk_widget_set_margin_start (add, 12);
  gtk_widget_set_margin_end (rows, 6);
  dropdown_select (match, group != NULL ? json_object_get_string_member_with_default (group, "match", "any") : "any");
  g_object_set_data (G_OBJECT (frame), "match", match);
  g_object_set_data (G_OBJECT (frame), "rows", rows);
  g_object_set_data (G_OBJECT (add), "rows", rows);
  watch (self, GTK_WIDGET (match));
  g_signal_connect_object (add, "clicked", G_CALLBACK (add_condition_to_group_cb), self, 0);
  if (conditions != NULL)
    for (guint i = 0; i < json_array_get_length (conditions); i++)
      if (JSON_NODE_HOLDS_OBJECT (json_array_get_element (conditions, i)))
        gtk_box_append (GTK_BOX (rows), cond_new (self, json_array_get_object_element (conditions, i)));
  if (group == NULL)
    gtk_box_append (GTK_BOX (rows), cond_new (self, NULL));
  self->frozen--;

  return frame;
}

static void
add_value (JsonBuilder *builder,
           Cond        *cond)
{
  int field = field_index (dropdown_get_id (cond->field));
  const char *op = dropdown_get_id (cond->op);

  if (GTK_IS_DROP_DOWN (cond->value))
    {
      const char *id = dropdown_get_id (GTK_DROP_DOWN (cond->value));

      if (fields[field].kind == VALUE_BOOL || (fields[field].kind == VALUE_DATE && g_str_equal (op, "exists")))
        {
          json_builder_set_member_name (builder, "value");
          json_builder_add_boolean_value (builder, g_strcmp0 (id, "true") == 0);
        }
      else if (id != NULL && !(fields[field].kind == VALUE_GROUP && id[0] == '\0'))
        {
          json_builder_set_member_name (builder, "value");
          json_builder_add_string_value (builder, id);
        }
      else if (id == NULL && fields[field].kind != VALUE_GROUP)
        {
          /* Nothing to choose from: let the check say so. */
          json_builder_set_member_name (builder, "value");
          json_builder_add_string_value (builder, "");
        }
    }
  else if (GTK_IS_SPIN_BUTTON (cond->value))
    {
      double scale = fields[field].kind == VALUE_NUMBER && is_money (field, op) ? 100.0 : 1.0;
      gint64 first = llround (gtk_spin_button_get_value (GTK_SPIN_BUTTON (cond->value)) * scale);

      json_builder_set_member_name (builder, "value");
      if (cond->value2 != NULL)
        {
          json_builder_begin_array (builder);
          json_builder_add_int_value (builder, first);
          json_builder_add_int_value (builder, llround (gtk_spin_button_get_value (GTK_SPIN_BUTTON (cond->value2)) * scale));
          json_builder_end_array (builder);
        }
      else
        json_builder_add_int_value (builder, first);
    }
  else if (GTK_IS_EDITABLE (cond->value))
    {
      g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (cond->value))));

      json_builder_set_member_name (builder, "value");
      json_builder_add_string_value (builder, text);
    }
}

static void
build_group (JsonBuilder *builder,
             const char  *match,
             GtkWidget   *rows)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "match");
  json_builder_add_string_value (builder, match);
  json_builder_set_member_name (builder, "conditions");
  json_builder_begin_array (builder);
  for (GtkWidget *item = gtk_widget_get_first_child (rows); item != NULL; item = gtk_widget_get_next_sibling (item))
    {
      Cond *cond = g_object_get_data (G_OBJECT (item), "cond");

      if (cond != NULL)
        {
          int field = field_index (dropdown_get_id (cond->field));

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "field");
          json_builder_add_string_value (builder, fields[field].name);
          json_builder_set_member_name (builder, "op");
          json_builder_add_string_value (builder, dropdown_get_id (cond->op));
          add_value (builder, cond);
          if (fields[field].days && gtk_spin_button_get_value_as_int (cond->days) > 0)
            {
              json_builder_set_member_name (builder, "days");
              json_builder_add_int_value (builder, gtk_spin_button_get_value_as_int (cond->days));
            }
          json_builder_end_object (builder);
        }
      else if (g_object_get_data (G_OBJECT (item), "fixed") != NULL)
        json_builder_add_value (builder, json_node_copy (g_object_get_data (G_OBJECT (item), "fixed")));
      else
        build_group (builder, dropdown_get_id (g_object_get_data (G_OBJECT (item), "match")),
                     g_object_get_data (G_OBJECT (item), "rows"));
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

static JsonNode *
build_definition (SiyuSegmentEditor *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  build_group (builder, dropdown_get_id (self->match_dropdown), GTK_WIDGET (self->rows_box));
  return json_builder_get_root (builder);
}

static void
load_definition (SiyuSegmentEditor *self,
                 JsonNode          *definition)
{
  JsonObject *root = JSON_NODE_HOLDS_OBJECT (definition) ? json_node_get_object (definition) : NULL;
  JsonNode *list = root != NULL ? json_object_get_member (root, "conditions") : NULL;
  JsonArray *conditions = list != NULL && JSON_NODE_HOLDS_ARRAY (list) ? json_node_get_array (list) : NULL;
  GtkWidget *child;

  self->frozen++;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->rows_box))) != NULL)
    gtk_box_remove (self->rows_box, child);
  dropdown_select (self->match_dropdown,
                   root != NULL ? json_object_get_string_member_with_default (root, "match", "all") : "all");
  for (guint i = 0; conditions != NULL && i < json_array_get_length (conditions); i++)
    {
      JsonObject *item;

      if (!JSON_NODE_HOLDS_OBJECT (json_array_get_element (conditions, i)))
        continue;
      item = json_array_get_object_element (conditions, i);
      gtk_box_append (self->rows_box, json_object_has_member (item, "match") ? group_new (self, item)
                                                                             : cond_new (self, item));
    }
  self->frozen--;
}

static void
update_save (SiyuSegmentEditor *self)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_entry));
  g_autofree char *clean = g_strstrip (g_strdup (name));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save",
                                 self->valid && clean[0] != '\0' && !self->saving && !self->loading);
}

typedef struct {
  char   *definition;
  guint   generation;
  gint64  total;
  gint64  unreachable;
} Count;

static void
count_free (gpointer data)
{
  Count *count = data;

  g_free (count->definition);
  g_free (count);
}

static void
count_job (GTask        *task,
           SiyuShop     *shop,
           gpointer      task_data,
           GCancellable *cancellable)
{
  Count *count = task_data;
  GError *error = NULL;
  g_autoptr(JsonNode) node = siyu_json_parse (count->definition, -1, _("The segment’s definition"), &error);

  if (node == NULL || !siyu_segment_count (shop, node, &count->total, &count->unreachable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
show_error (SiyuSegmentEditor *self,
            const char        *message)
{
  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
counted_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  Count *count = g_task_get_task_data (G_TASK (result));
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);
  SiyuSegmentEditor *self;

  if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = SIYU_SEGMENT_EDITOR (source);
  if (count->generation != self->generation)
    return;  /* stale: the definition changed since */
  self->counting = 0;
  if (!ok)
    {
      gtk_label_set_label (self->count_label, "");
      show_error (self, error->message);
      return;
    }

  {
    g_autofree char *total = siyu_count_format (count->total);
    g_autofree char *unreachable = siyu_count_format (count->unreachable);
    g_autofree char *contacts = g_strdup_printf (g_dngettext (NULL, "%s contact", "%s contacts", count->total), total);
    g_autofree char *excluded = g_strdup_printf (g_dngettext (NULL, "%s cannot be contacted", "%s cannot be contacted",
                                                              count->unreachable), unreachable);
    /* Translators: “1,234 contacts · 56 cannot be contacted”. */
    g_autofree char *text = g_strdup_printf (_("%s · %s"), contacts, excluded);

    gtk_label_set_label (self->count_label, text);
  }
}

static gboolean
count_cb (gpointer data)
{
  SiyuSegmentEditor *self = data;
  g_autoptr(GTask) task = NULL;
  Count *count = g_new0 (Count, 1);

  self->count_source = 0;
  count->definition = g_strdup (self->current);
  count->generation = self->generation;
  task = g_task_new (self, self->cancellable, counted_cb, NULL);
  g_task_set_task_data (task, count, count_free);
  siyu_shop_runner_run (self->runner, task, count_job);

  return G_SOURCE_REMOVE;
}

/* The definition shown changed, or may have: check it, remember the one
 * before for undo, and count again after a pause. */
static void
refresh (SiyuSegmentEditor *self,
         gboolean           remember)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) definition = build_definition (self);
  g_autofree char *text = siyu_json_to_string (definition, FALSE);

  if (g_strcmp0 (text, self->current) != 0)
    {
      if (remember && self->current != NULL)
        g_ptr_array_add (self->undo, g_steal_pointer (&self->current));
      g_free (self->current);
      self->current = g_steal_pointer (&text);
    }
  else if (self->counting != 0 || self->count_source != 0 || !self->valid)
    return;

  self->generation++;
  g_clear_handle_id (&self->count_source, g_source_remove);
  self->valid = siyu_segment_check (definition, &error);
  show_error (self, error != NULL ? error->message : NULL);
  if (self->valid)
    {
      self->counting = self->generation;
      self->count_source = g_timeout_add (COUNT_DELAY_MS, count_cb, self);
    }
  else
    {
      self->counting = 0;
      gtk_label_set_label (self->count_label, "");
    }
  update_save (self);
}

static void
edited (SiyuSegmentEditor *self)
{
  if (self->frozen > 0 || self->loading)
    return;
  refresh (self, TRUE);
}

static void
name_changed_cb (SiyuSegmentEditor *self)
{
  update_save (self);
}

static void
choices_clear (Choices *choices)
{
  g_clear_pointer (&choices->tags, g_strfreev);
  g_clear_pointer (&choices->groups, g_strfreev);
  g_clear_pointer (&choices->channels, g_strfreev);
  g_clear_pointer (&choices->tiers, g_strfreev);
}

static void
choices_free (gpointer data)
{
  choices_clear (data);
  g_free (data);
}

static char **
read_names (SiyuShop    *shop,
            SiyuNames    kind,
            GError     **error)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_autoptr(GPtrArray) items = siyu_shop_list_names (shop, kind, 0, error);

  if (items == NULL)
    return NULL;
  for (guint i = 0; i < items->len; i++)
    g_strv_builder_add (names, ((SiyuNamedItem *) g_ptr_array_index (items, i))->name);

  return g_strv_builder_end (names);
}

static void
choices_job (GTask        *task,
             SiyuShop     *shop,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Choices *choices = g_new0 (Choices, 1);
  GError *error = NULL;

  if ((choices->tags = read_names (shop, SIYU_NAMES_TAGS, &error)) == NULL ||
      (choices->groups = read_names (shop, SIYU_NAMES_GROUPS, &error)) == NULL ||
      (choices->channels = read_names (shop, SIYU_NAMES_CHANNELS, &error)) == NULL ||
      (choices->tiers = read_names (shop, SIYU_NAMES_TIERS, &error)) == NULL)
    {
      choices_free (choices);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, choices, choices_free);
}

static void
choices_read_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  Choices *choices = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(JsonNode) definition = NULL;
  SiyuSegmentEditor *self;

  if (choices == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = SIYU_SEGMENT_EDITOR (source);
  self->loading = FALSE;
  if (choices != NULL)
    {
      choices_clear (&self->choices);
      self->choices = *choices;
      g_free (choices);
    }
  else
    show_error (self, error->message);

  definition = siyu_json_parse (self->current, -1, _("The segment’s definition"), NULL);
  load_definition (self, definition);
  g_clear_pointer (&self->current, g_free);
  refresh (self, FALSE);
}

typedef struct {
  gint64    id;
  char     *name;
  char     *original;
  char     *definition;
} Saving;

static void
saving_free (gpointer data)
{
  Saving *saving = data;

  g_free (saving->name);
  g_free (saving->original);
  g_free (saving->definition);
  g_free (saving);
}

static void
save_job (GTask        *task,
          SiyuShop     *shop,
          gpointer      task_data,
          GCancellable *cancellable)
{
  Saving *saving = task_data;
  GError *error = NULL;
  g_autoptr(JsonNode) definition = siyu_json_parse (saving->definition, -1, _("The segment’s definition"), &error);

  if (definition == NULL)
    ;
  else if (saving->id == 0)
    saving->id = siyu_segment_create (shop, saving->name, definition, &error);
  else if (siyu_segment_update (shop, saving->id, definition, &error) &&
           g_strcmp0 (saving->name, saving->original) != 0)
    siyu_segment_rename (shop, saving->id, saving->name, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  Saving *saving = g_task_get_task_data (G_TASK (result));
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);
  SiyuSegmentEditor *self;

  if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = SIYU_SEGMENT_EDITOR (source);
  self->saving = FALSE;
  if (!ok)
    {
      show_error (self, error->message);
      update_save (self);
      return;
    }

  self->segment_id = saving->id;
  g_signal_emit (self, signals[SAVED], 0, saving->id);
  gtk_window_close (GTK_WINDOW (self));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SiyuSegmentEditor *self = SIYU_SEGMENT_EDITOR (widget);
  g_autoptr(GTask) task = NULL;
  Saving *saving;

  if (!self->valid || self->saving || self->loading)
    return;
  saving = g_new0 (Saving, 1);
  saving->id = self->segment_id;
  saving->name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_entry))));
  saving->original = g_strdup (self->original_name);
  saving->definition = g_strdup (self->current);
  self->saving = TRUE;
  update_save (self);
  task = g_task_new (self, self->cancellable, saved_cb, NULL);
  g_task_set_task_data (task, saving, saving_free);
  siyu_shop_runner_run (self->runner, task, save_job);
}

static void
add_condition_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  _siyu_segment_editor_add_condition (SIYU_SEGMENT_EDITOR (widget));
}

static void
add_group_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  _siyu_segment_editor_add_group (SIYU_SEGMENT_EDITOR (widget));
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SiyuSegmentEditor *self = SIYU_SEGMENT_EDITOR (widget);
  g_autoptr(JsonNode) definition = NULL;
  g_autofree char *before = NULL;

  if (self->undo->len == 0 || self->loading)
    return;
  before = g_ptr_array_steal_index (self->undo, self->undo->len - 1);
  definition = siyu_json_parse (before, -1, _("The segment’s definition"), NULL);
  load_definition (self, definition);
  refresh (self, FALSE);
}

static void
siyu_segment_editor_dispose (GObject *object)
{
  SiyuSegmentEditor *self = SIYU_SEGMENT_EDITOR (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->count_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), SIYU_TYPE_SEGMENT_EDITOR);

  G_OBJECT_CLASS (siyu_segment_editor_parent_class)->dispose (object);
}

static void
siyu_segment_editor_finalize (GObject *object)
{
  SiyuSegmentEditor *self = SIYU_SEGMENT_EDITOR (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->runner);
  g_clear_pointer (&self->original_name, g_free);
  g_clear_pointer (&self->current, g_free);
  g_clear_pointer (&self->undo, g_ptr_array_unref);
  choices_clear (&self->choices);

  G_OBJECT_CLASS (siyu_segment_editor_parent_class)->finalize (object);
}

static void
siyu_segment_editor_class_init (SiyuSegmentEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = siyu_segment_editor_dispose;
  object_class->finalize = siyu_segment_editor_finalize;

  /**
   * SiyuSegmentEditor::saved:
   * @segment_id: the segment made or changed
   */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/siyu/Siyu/siyu-segment-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, SiyuSegmentEditor, name_entry);
  gtk_widget_class_bind_template_child (widget_class, SiyuSegmentEditor, match_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SiyuSegmentEditor, rows_box);
  gtk_widget_class_bind_template_child (widget_class, SiyuSegmentEditor, count_label);
  gtk_widget_class_bind_template_child (widget_class, SiyuSegmentEditor, error_label);
  gtk_widget_class_bind_template_child (widget_class, SiyuSegmentEditor, save_button);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "editor.add-condition", NULL, add_condition_action);
  gtk_widget_class_install_action (widget_class, "editor.add-group", NULL, add_group_action);
  gtk_widget_class_install_action (widget_class, "editor.undo", NULL, undo_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "editor.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "editor.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
siyu_segment_editor_init (SiyuSegmentEditor *self)
{
  const char * const ids[] = { "all", "any", NULL };
  const char * const labels[] = { _("all of these"), _("any of these"), NULL };

  self->cancellable = g_cancellable_new ();
  self->undo = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_drop_down_set_model (self->match_dropdown, G_LIST_MODEL (gtk_string_list_new (labels)));
  g_object_set_data_full (G_OBJECT (self->match_dropdown), "ids", g_strdupv ((char **) ids),
                          (GDestroyNotify) g_strfreev);
  watch (self, GTK_WIDGET (self->match_dropdown));
  g_signal_connect_swapped (self->name_entry, "changed", G_CALLBACK (name_changed_cb), self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save", FALSE);
}

/**
 * siyu_segment_editor_new:
 * @segment_id: the saved segment to change, or 0 for a new one
 * @name: (nullable): its name
 * @definition: (nullable): what to start from; %NULL for a new segment
 */
SiyuSegmentEditor *
siyu_segment_editor_new (GtkWindow      *parent,
                         SiyuShopRunner *runner,
                         gint64          segment_id,
                         const char     *name,
                         JsonNode       *definition)
{
  SiyuSegmentEditor *self;
  g_autoptr(GTask) task = NULL;

  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (runner), NULL);

  self = g_object_new (SIYU_TYPE_SEGMENT_EDITOR, "transient-for", parent, NULL);
  self->runner = g_object_ref (runner);
  self->segment_id = segment_id;
  self->original_name = g_strdup (name);
  gtk_window_set_title (GTK_WINDOW (self), segment_id != 0 ? _("Edit Segment") : _("New Segment"));
  gtk_editable_set_text (GTK_EDITABLE (self->name_entry), name != NULL ? name : "");
  self->current = definition != NULL ? siyu_json_to_string (definition, FALSE)
                                     : g_strdup ("{\"match\":\"all\",\"conditions\":[]}");
  self->loading = TRUE;
  task = g_task_new (self, self->cancellable, choices_read_cb, NULL);
  siyu_shop_runner_run (runner, task, choices_job);

  return self;
}

/* For tests. */
gboolean
_siyu_segment_editor_is_busy (SiyuSegmentEditor *self)
{
  return self->loading || self->counting != 0 || self->count_source != 0 || self->saving;
}

void
_siyu_segment_editor_set_name (SiyuSegmentEditor *self,
                               const char        *name)
{
  gtk_editable_set_text (GTK_EDITABLE (self->name_entry), name);
}

void
_siyu_segment_editor_set_match (SiyuSegmentEditor *self,
                                const char        *match)
{
  dropdown_select (self->match_dropdown, match);
}

/* The conditions and groups in the order shown. */
static void
collect (GtkWidget *rows,
         GPtrArray *items)
{
  for (GtkWidget *item = gtk_widget_get_first_child (rows); item != NULL; item = gtk_widget_get_next_sibling (item))
    {
      g_ptr_array_add (items, item);
      if (g_object_get_data (G_OBJECT (item), "rows") != NULL)
        collect (g_object_get_data (G_OBJECT (item), "rows"), items);
    }
}

static GtkWidget *
nth_item (SiyuSegmentEditor *self,
          guint              index)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new ();

  collect (GTK_WIDGET (self->rows_box), items);
  g_assert (index < items->len);
  return g_ptr_array_index (items, index);
}

static guint
index_of (SiyuSegmentEditor *self,
          GtkWidget         *widget)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new ();
  guint index = 0;

  collect (GTK_WIDGET (self->rows_box), items);
  g_assert_true (g_ptr_array_find (items, widget, &index));
  return index;
}

guint
_siyu_segment_editor_add_condition (SiyuSegmentEditor *self)
{
  GtkWidget *row = cond_new (self, NULL);

  gtk_box_append (self->rows_box, row);
  edited (self);
  return index_of (self, row);
}

guint
_siyu_segment_editor_add_group (SiyuSegmentEditor *self)
{
  GtkWidget *group = group_new (self, NULL);

  gtk_box_append (self->rows_box, group);
  edited (self);
  return index_of (self, group);
}

/* Sets a condition as a person would pick it, in one edit; @value is the
 * text of an entry, the id of a dropdown's item or a number. */
void
_siyu_segment_editor_set_condition (SiyuSegmentEditor *self,
                                    guint              index,
                                    const char        *field,
                                    const char        *op,
                                    const char        *value)
{
  Cond *cond = g_object_get_data (G_OBJECT (nth_item (self, index)), "cond");

  g_assert (cond != NULL);
  self->frozen++;
  g_assert_true (dropdown_select (cond->field, field));
  g_assert_true (dropdown_select (cond->op, op));
  if (GTK_IS_DROP_DOWN (cond->value))
    g_assert_true (dropdown_select (GTK_DROP_DOWN (cond->value), value));
  else if (GTK_IS_SPIN_BUTTON (cond->value))
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (cond->value), g_ascii_strtod (value, NULL));
  else
    gtk_editable_set_text (GTK_EDITABLE (cond->value), value);
  self->frozen--;
  edited (self);
}

void
_siyu_segment_editor_remove (SiyuSegmentEditor *self,
                             guint              index)
{
  GtkWidget *item = nth_item (self, index);

  gtk_box_remove (GTK_BOX (gtk_widget_get_parent (item)), item);
  edited (self);
}

char *
_siyu_segment_editor_dup_definition (SiyuSegmentEditor *self)
{
  return g_strdup (self->current);
}

/* The words of a condition shown as it is (see editable()), or NULL. */
const char *
_siyu_segment_editor_get_fixed_text (SiyuSegmentEditor *self,
                                     guint              index)
{
  GtkWidget *label = g_object_get_data (G_OBJECT (nth_item (self, index)), "text");

  return label != NULL ? gtk_label_get_label (GTK_LABEL (label)) : NULL;
}

const char *
_siyu_segment_editor_get_count_text (SiyuSegmentEditor *self)
{
  return gtk_label_get_label (self->count_label);
}

const char *
_siyu_segment_editor_get_error (SiyuSegmentEditor *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->error_label)) ? gtk_label_get_label (self->error_label) : NULL;
}

gboolean
_siyu_segment_editor_can_save (SiyuSegmentEditor *self)
{
  return gtk_widget_is_sensitive (self->save_button);
}
