/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "siyu-chart.h"
#include "siyu-model.h"
#include "siyu-model-wizard.h"

G_BEGIN_DECLS

gboolean                 _siyu_model_wizard_is_busy     (SiyuModelWizard *self);
const char              *_siyu_model_wizard_get_page    (SiyuModelWizard *self);
void                     _siyu_model_wizard_next        (SiyuModelWizard *self);
void                     _siyu_model_wizard_back        (SiyuModelWizard *self);
GtkSpinButton           *_siyu_model_wizard_get_spin    (SiyuModelWizard *self,
                                                         const char      *name);
const char              *_siyu_model_wizard_get_text    (SiyuModelWizard *self,
                                                         const char      *name);
const SiyuModelPreview  *_siyu_model_wizard_get_preview (SiyuModelWizard *self);
SiyuChart               *_siyu_model_wizard_get_chart   (SiyuModelWizard *self);
const char              *_siyu_model_wizard_get_previous (SiyuModelWizard *self);
AdwToast                *_siyu_model_wizard_get_toast   (SiyuModelWizard *self);
gboolean                 _siyu_model_wizard_is_undone   (SiyuModelWizard *self);
const char              *_siyu_model_wizard_get_error   (SiyuModelWizard *self);

G_END_DECLS
