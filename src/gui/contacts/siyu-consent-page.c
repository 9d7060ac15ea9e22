/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-consent-page"

#include "config.h"

#include <glib/gi18n.h>

#include "siyu-consent.h"
#include "siyu-consent-page.h"
#include "siyu-membership.h"
#include "siyu-money.h"
#include "siyu-parse.h"
#include "siyu-recompute.h"

/* Preferences → Customers: the shop's answer on people who were never
 * asked (audited), and its membership rule.  A new rule is applied and the
 * figures are counted again on the shop's worker; the other pages follow. */

struct _SiyuConsentPage
{
  AdwPreferencesPage  parent_instance;

  AdwComboRow        *policy_row;
  AdwComboRow        *rule_row;
  AdwEntryRow        *threshold_row;

  SiyuShopRunner     *runner;
  GCancellable       *cancellable;
  gboolean            filling;
  guint               pending;
  char               *message;
};

G_DEFINE_FINAL_TYPE (SiyuConsentPage, siyu_consent_page, ADW_TYPE_PREFERENCES_PAGE)

typedef struct {
  gboolean            read_only;
  gboolean            set_policy;
  SiyuConsentPolicy   policy;
  gboolean            set_rule;
  SiyuMembershipRule  rule;
  guint               changed;
  char               *currency;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_free (job->currency);
  g_free (job);
}

static void
settings_job (GTask        *task,
              SiyuShop     *shop,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;

  if ((job->set_policy && !siyu_consent_set_policy (shop, job->policy, &error)) ||
      (job->set_rule && (!siyu_membership_set_rule (shop, &job->rule, &job->changed, &error) ||
                         !siyu_recompute (shop, siyu_shop_get_today (shop), NULL, NULL, cancellable, NULL, &error))))
    {
      g_task_return_error (task, error);
      return;
    }
  job->policy = siyu_consent_get_policy (shop);
  siyu_membership_get_rule (shop, &job->rule);
  job->currency = g_strdup (siyu_shop_get_currency (shop));
  g_task_return_boolean (task, TRUE);
}

static void
show_threshold (SiyuConsentPage *self,
                gint64           threshold,
                const char      *currency)
{
  int digits = siyu_currency_digits (currency);
  g_autofree char *title = g_strdup_printf (_("Spend that makes a member (%s)"), siyu_currency_symbol (currency));
  g_autofree char *text = NULL;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->threshold_row), title);
  if (threshold > 0)
    {
      gint64 unit = 1;

      for (int i = 0; i < digits; i++)
        unit *= 10;
      text = threshold % unit == 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, threshold / unit)
                                   : g_strdup_printf ("%" G_GINT64_FORMAT ".%0*" G_GINT64_FORMAT, threshold / unit,
                                                      digits, threshold % unit);
      gtk_editable_set_text (GTK_EDITABLE (self->threshold_row), text);
    }
}

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  Job *job = g_task_get_task_data (G_TASK (result));
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);
  SiyuConsentPage *self;
  GtkRoot *root;

  if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = SIYU_CONSENT_PAGE (source);
  self->pending--;
  root = gtk_widget_get_root (GTK_WIDGET (self));
  g_clear_pointer (&self->message, g_free);
  if (!ok)
    self->message = g_strdup (error->message);
  else if (job->set_rule)
    /* Translators: %u is how many people became or stopped being members, or changed date. */
    self->message = g_strdup_printf (g_dngettext (NULL, "Membership rule saved: %u membership changed",
                                                  "Membership rule saved: %u memberships changed", job->changed),
                                     job->changed);
  else if (job->set_policy)
    self->message = g_strdup (_("Saved, and written to the audit log"));
  if (self->message != NULL && ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), adw_toast_new (self->message));
  if (ok && !job->read_only)
    siyu_shop_runner_data_changed (self->runner);
  if (!ok && !job->read_only)
    {
      Job *again = g_new0 (Job, 1);
      g_autoptr(GTask) task = g_task_new (self, self->cancellable, done_cb, NULL);

      again->read_only = TRUE;
      g_task_set_task_data (task, again, job_free);
      self->pending++;
      siyu_shop_runner_run (self->runner, task, settings_job);
      return;
    }
  if (!ok)
    return;

  self->filling = TRUE;
  adw_combo_row_set_selected (self->policy_row, job->policy);
  adw_combo_row_set_selected (self->rule_row, job->rule.kind);
  gtk_widget_set_visible (GTK_WIDGET (self->threshold_row), job->rule.kind == SIYU_MEMBERSHIP_RULE_SPEND);
  show_threshold (self, job->rule.threshold, job->currency);
  self->filling = FALSE;
}

static void
run (SiyuConsentPage *self,
     Job             *job)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, done_cb, NULL);

  g_task_set_task_data (task, job, job_free);
  self->pending++;
  siyu_shop_runner_run (self->runner, task, settings_job);
}

static void
policy_selected_cb (SiyuConsentPage *self)
{
  Job *job;

  if (self->filling || self->runner == NULL)
    return;
  job = g_new0 (Job, 1);
  job->set_policy = TRUE;
  job->policy = (SiyuConsentPolicy) adw_combo_row_get_selected (self->policy_row);
  run (self, job);
}

static void
apply_rule (SiyuConsentPage *self)
{
  SiyuMembershipRuleKind kind = adw_combo_row_get_selected (self->rule_row);
  Job *job;

  job = g_new0 (Job, 1);
  job->set_rule = TRUE;
  job->rule.kind = kind;
  if (kind == SIYU_MEMBERSHIP_RULE_SPEND)
    {
      const char *currency = siyu_shop_runner_get_currency (self->runner);
      const char *text = gtk_editable_get_text (GTK_EDITABLE (self->threshold_row));

      if (siyu_parse_amount (text, siyu_currency_digits (currency), &job->rule.threshold) != SIYU_PARSE_OK ||
          job->rule.threshold <= 0)
        {
          GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

          g_free (self->message);
          /* Translators: %s is what the owner typed. */
          self->message = g_strdup_printf (_("“%s” is not an amount above 0, such as 500"), text);
          if (ADW_IS_PREFERENCES_WINDOW (root))
            adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), adw_toast_new (self->message));
          job_free (job);
          return;
        }
    }
  run (self, job);
}

static void
rule_selected_cb (SiyuConsentPage *self)
{
  gboolean spend;

  if (self->filling || self->runner == NULL)
    return;
  spend = adw_combo_row_get_selected (self->rule_row) == SIYU_MEMBERSHIP_RULE_SPEND;
  gtk_widget_set_visible (GTK_WIDGET (self->threshold_row), spend);
  /* A spend rule waits for its amount. */
  if (spend && gtk_editable_get_text (GTK_EDITABLE (self->threshold_row))[0] == '\0')
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->threshold_row));
      return;
    }
  apply_rule (self);
}

static void
threshold_applied_cb (SiyuConsentPage *self)
{
  if (!self->filling)
    apply_rule (self);
}

/* The shop's data changed under the page: a backup was restored. */
static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  Job *job = g_new0 (Job, 1);

  job->read_only = TRUE;
  run (SIYU_CONSENT_PAGE (widget), job);
}

static void
siyu_consent_page_dispose (GObject *object)
{
  SiyuConsentPage *self = SIYU_CONSENT_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SIYU_TYPE_CONSENT_PAGE);

  G_OBJECT_CLASS (siyu_consent_page_parent_class)->dispose (object);
}

static void
siyu_consent_page_finalize (GObject *object)
{
  SiyuConsentPage *self = SIYU_CONSENT_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->runner);
  g_free (self->message);

  G_OBJECT_CLASS (siyu_consent_page_parent_class)->finalize (object);
}

static void
siyu_consent_page_class_init (SiyuConsentPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = siyu_consent_page_dispose;
  object_class->finalize = siyu_consent_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/siyu/Siyu/siyu-consent-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SiyuConsentPage, policy_row);
  gtk_widget_class_bind_template_child (widget_class, SiyuConsentPage, rule_row);
  gtk_widget_class_bind_template_child (widget_class, SiyuConsentPage, threshold_row);
  gtk_widget_class_bind_template_callback (widget_class, policy_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, rule_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, threshold_applied_cb);
  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);
}

static void
siyu_consent_page_init (SiyuConsentPage *self)
{
  self->cancellable = g_cancellable_new ();
  self->filling = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  self->filling = FALSE;
}

SiyuConsentPage *
siyu_consent_page_new (SiyuShopRunner *runner)
{
  SiyuConsentPage *self;
  Job *job;

  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (runner), NULL);

  self = g_object_new (SIYU_TYPE_CONSENT_PAGE, NULL);
  self->runner = g_object_ref (runner);
  job = g_new0 (Job, 1);
  job->read_only = TRUE;
  run (self, job);

  return self;
}

gboolean
_siyu_consent_page_is_busy (SiyuConsentPage *self)
{
  return self->pending > 0;
}

void
_siyu_consent_page_set_policy (SiyuConsentPage *self,
                               guint            position)
{
  adw_combo_row_set_selected (self->policy_row, position);
}

guint
_siyu_consent_page_get_policy (SiyuConsentPage *self)
{
  return adw_combo_row_get_selected (self->policy_row);
}

void
_siyu_consent_page_set_rule (SiyuConsentPage *self,
                             guint            position,
                             const char      *amount)
{
  if (amount != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->threshold_row), amount);
  if (adw_combo_row_get_selected (self->rule_row) != position)
    adw_combo_row_set_selected (self->rule_row, position);
  else
    apply_rule (self);
}

guint
_siyu_consent_page_get_rule (SiyuConsentPage *self)
{
  return adw_combo_row_get_selected (self->rule_row);
}

const char *
_siyu_consent_page_get_message (SiyuConsentPage *self)
{
  return self->message;
}
