/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-consent-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "siyu-consent-dialog-private.h"
#include "siyu-money.h"
#include "siyu-toast.h"

/* Records, in one go, what the people of a segment, a group or a selection
 * of contacts said about hearing from the shop, and where the answer comes
 * from.  The change runs on the shop's worker; the owning page then shows
 * what changed in a toast with Undo, and the other pages count again.  A
 * recorded refusal is kept when people are marked as having agreed. */

struct _SiyuConsentDialog
{
  AdwMessageDialog   parent_instance;

  GtkCheckButton    *given_check;
  GtkCheckButton    *refused_check;
  GtkCheckButton    *unknown_check;
  GtkEntry          *source_entry;

  GtkWidget         *owner;
  SiyuShopRunner    *runner;
  SiyuConsentTarget  target;
  gint64             id;
  GArray            *ids;
};

G_DEFINE_FINAL_TYPE (SiyuConsentDialog, siyu_consent_dialog, ADW_TYPE_MESSAGE_DIALOG)

/* What one change did, kept on the owning page for its Undo. */
typedef struct {
  SiyuConsentTarget  target;
  gint64             id;
  GArray            *ids;
  SiyuConsent        consent;
  char              *source;
  SiyuConsentChange  change;
  JsonNode          *undo;
  gboolean           undoing;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_clear_pointer (&job->ids, g_array_unref);
  g_clear_pointer (&job->undo, json_node_unref);
  g_free (job->source);
  g_free (job);
}

/* The state kept on the owner: busy, the last summary, the last undo. */
typedef struct {
  SiyuShopRunner *runner;
  guint           busy;
  char           *summary;
  JsonNode       *undo;
} OwnerState;

static void
owner_state_free (gpointer data)
{
  OwnerState *state = data;

  g_clear_object (&state->runner);
  g_free (state->summary);
  g_clear_pointer (&state->undo, json_node_unref);
  g_free (state);
}

static OwnerState *
owner_state (GtkWidget      *owner,
             SiyuShopRunner *runner)
{
  OwnerState *state = g_object_get_data (G_OBJECT (owner), "siyu-consent-state");

  if (state == NULL)
    {
      state = g_new0 (OwnerState, 1);
      g_object_set_data_full (G_OBJECT (owner), "siyu-consent-state", state, owner_state_free);
    }
  if (runner != NULL && state->runner == NULL)
    state->runner = g_object_ref (runner);

  return state;
}

static SiyuConsent
chosen (SiyuConsentDialog *self)
{
  if (gtk_check_button_get_active (self->refused_check))
    return SIYU_CONSENT_REFUSED;
  if (gtk_check_button_get_active (self->unknown_check))
    return SIYU_CONSENT_UNKNOWN;
  return SIYU_CONSENT_GIVEN;
}

static void
changed_cb (SiyuConsentDialog *self)
{
  g_autofree char *source = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->source_entry))));

  /* An answer needs its source; forgetting one does not. */
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "apply",
                                           chosen (self) == SIYU_CONSENT_UNKNOWN || source[0] != '\0');
}

static void
change_job (GTask        *task,
            SiyuShop     *shop,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;

  if (job->undoing)
    {
      if (!siyu_consent_undo (shop, job->undo, &error))
        g_task_return_error (task, error);
      else
        g_task_return_boolean (task, TRUE);
      return;
    }

  switch (job->target)
    {
    case SIYU_CONSENT_TARGET_SEGMENT:
      job->undo = siyu_consent_set_segment (shop, job->id, job->consent, job->source, FALSE, &job->change, &error);
      break;
    case SIYU_CONSENT_TARGET_GROUP:
      job->undo = siyu_consent_set_group (shop, job->id, job->consent, job->source, FALSE, &job->change, &error);
      break;
    case SIYU_CONSENT_TARGET_CONTACTS:
    default:
      job->undo = siyu_consent_set (shop, (const gint64 *) (gpointer) job->ids->data, job->ids->len, job->consent,
                                    job->source, FALSE, "contacts", 0, &job->change, &error);
      break;
    }
  if (job->undo == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void run_undo (GtkWidget *owner);

static char *
summary_of (const Job *job)
{
  g_autofree char *changed = siyu_count_format (job->change.changed);
  g_autofree char *matched = siyu_count_format (job->change.matched);
  GString *out = g_string_new (NULL);

  /* Translators: the first %s is how many people's consent changed, the second how many were asked for. */
  g_string_append_printf (out, g_dngettext (NULL, "Consent recorded for %s of %s person",
                                            "Consent recorded for %s of %s people", job->change.matched),
                          changed, matched);
  if (job->change.kept_refused > 0)
    {
      g_autofree char *kept = siyu_count_format (job->change.kept_refused);

      g_string_append (out, " · ");
      /* Translators: %s is how many people who had refused keep their answer. */
      g_string_append_printf (out, g_dngettext (NULL, "%s refusal kept", "%s refusals kept", job->change.kept_refused),
                              kept);
    }

  return g_string_free (out, FALSE);
}

static void
changed_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *owner = GTK_WIDGET (source);
  Job *job = g_task_get_task_data (G_TASK (result));
  OwnerState *state = owner_state (owner, NULL);
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);
  AdwToast *toast;

  state->busy--;
  if (!ok)
    {
      g_free (state->summary);
      state->summary = g_strdup (error->message);
      siyu_toast_show (owner, adw_toast_new (error->message));
      return;
    }
  siyu_shop_runner_data_changed (state->runner);
  if (job->undoing)
    {
      g_free (state->summary);
      state->summary = g_strdup (_("Consent put back as it was"));
      siyu_toast_show (owner, adw_toast_new (state->summary));
      return;
    }

  g_free (state->summary);
  state->summary = summary_of (job);
  g_clear_pointer (&state->undo, json_node_unref);
  state->undo = g_steal_pointer (&job->undo);
  toast = adw_toast_new (state->summary);
  adw_toast_set_button_label (toast, _("_Undo"));
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (run_undo), owner, G_CONNECT_SWAPPED);
  siyu_toast_show (owner, toast);
}

static void
run_job (GtkWidget *owner,
         Job       *job)
{
  OwnerState *state = owner_state (owner, NULL);
  g_autoptr(GTask) task = g_task_new (owner, NULL, changed_done_cb, NULL);

  g_task_set_task_data (task, job, job_free);
  state->busy++;
  siyu_shop_runner_run (state->runner, task, change_job);
}

static void
run_undo (GtkWidget *owner)
{
  OwnerState *state = owner_state (owner, NULL);
  Job *job;

  if (state->undo == NULL)
    return;
  job = g_new0 (Job, 1);
  job->undoing = TRUE;
  job->undo = g_steal_pointer (&state->undo);
  run_job (owner, job);
}

static void
response_cb (SiyuConsentDialog *self,
             const char        *response)
{
  Job *job;

  if (!g_str_equal (response, "apply") || self->owner == NULL)
    return;

  job = g_new0 (Job, 1);
  job->target = self->target;
  job->id = self->id;
  job->ids = self->ids != NULL ? g_array_ref (self->ids) : NULL;
  job->consent = chosen (self);
  job->source = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->source_entry))));
  run_job (self->owner, job);
}

static void
siyu_consent_dialog_dispose (GObject *object)
{
  SiyuConsentDialog *self = SIYU_CONSENT_DIALOG (object);

  g_clear_weak_pointer (&self->owner);
  gtk_widget_dispose_template (GTK_WIDGET (self), SIYU_TYPE_CONSENT_DIALOG);

  G_OBJECT_CLASS (siyu_consent_dialog_parent_class)->dispose (object);
}

static void
siyu_consent_dialog_finalize (GObject *object)
{
  SiyuConsentDialog *self = SIYU_CONSENT_DIALOG (object);

  g_clear_object (&self->runner);
  g_clear_pointer (&self->ids, g_array_unref);

  G_OBJECT_CLASS (siyu_consent_dialog_parent_class)->finalize (object);
}

static void
siyu_consent_dialog_class_init (SiyuConsentDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = siyu_consent_dialog_dispose;
  object_class->finalize = siyu_consent_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/siyu/Siyu/siyu-consent-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SiyuConsentDialog, given_check);
  gtk_widget_class_bind_template_child (widget_class, SiyuConsentDialog, refused_check);
  gtk_widget_class_bind_template_child (widget_class, SiyuConsentDialog, unknown_check);
  gtk_widget_class_bind_template_child (widget_class, SiyuConsentDialog, source_entry);
  gtk_widget_class_bind_template_callback (widget_class, changed_cb);
}

static void
siyu_consent_dialog_init (SiyuConsentDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "response", G_CALLBACK (response_cb), NULL);
}

/**
 * siyu_consent_dialog_new:
 * @owner: the page that shows the result and offers Undo
 * @id: the segment or group, for those targets
 * @ids: (nullable) (element-type gint64): the contacts, for
 *   %SIYU_CONSENT_TARGET_CONTACTS
 * @what: who they are in words: a segment's or group's name, or “12
 *   selected contacts”
 */
SiyuConsentDialog *
siyu_consent_dialog_new (GtkWidget         *owner,
                         SiyuShopRunner    *runner,
                         SiyuConsentTarget  target,
                         gint64             id,
                         GArray            *ids,
                         const char        *what)
{
  SiyuConsentDialog *self;
  g_autofree char *body = NULL;

  g_return_val_if_fail (GTK_IS_WIDGET (owner), NULL);
  g_return_val_if_fail (SIYU_IS_SHOP_RUNNER (runner), NULL);
  g_return_val_if_fail (target != SIYU_CONSENT_TARGET_CONTACTS || ids != NULL, NULL);

  self = g_object_new (SIYU_TYPE_CONSENT_DIALOG, "transient-for", gtk_widget_get_root (owner), "modal", TRUE, NULL);
  g_set_weak_pointer (&self->owner, owner);
  self->runner = g_object_ref (runner);
  self->target = target;
  self->id = id;
  self->ids = ids != NULL ? g_array_ref (ids) : NULL;
  owner_state (owner, runner);

  /* Translators: %s is a segment, a group, or “12 selected contacts”. */
  body = g_strdup_printf (_("What did the people of “%s” say about hearing from the shop? The answer is dated today. "
                            "Those who refused keep their answer when you record that they agreed, and "
                            "do-not-contact always wins."), what);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body);
  changed_cb (self);

  return self;
}

void
_siyu_consent_dialog_choose (SiyuConsentDialog *self,
                             SiyuConsent        consent,
                             const char        *source)
{
  gtk_check_button_set_active (consent == SIYU_CONSENT_REFUSED ? self->refused_check
                               : consent == SIYU_CONSENT_UNKNOWN ? self->unknown_check : self->given_check, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->source_entry), source != NULL ? source : "");
}

gboolean
_siyu_consent_dialog_can_apply (SiyuConsentDialog *self)
{
  return adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (self), "apply");
}

void
_siyu_consent_dialog_apply (SiyuConsentDialog *self)
{
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (self), "apply");
}

const char *
_siyu_consent_dialog_get_body (SiyuConsentDialog *self)
{
  return adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (self));
}

gboolean
_siyu_consent_busy (GtkWidget *owner)
{
  OwnerState *state = g_object_get_data (G_OBJECT (owner), "siyu-consent-state");

  return state != NULL && state->busy > 0;
}

const char *
_siyu_consent_last_summary (GtkWidget *owner)
{
  OwnerState *state = g_object_get_data (G_OBJECT (owner), "siyu-consent-state");

  return state != NULL ? state->summary : NULL;
}

void
_siyu_consent_undo_last (GtkWidget *owner)
{
  run_undo (owner);
}
