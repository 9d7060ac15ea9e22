/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void        siyu_choices_fill_currency     (AdwComboRow *row,
                                            const char  *current);
void        siyu_choices_fill_time_zone    (AdwComboRow *row,
                                            const char  *current);
void        siyu_choices_fill_phone_region (AdwComboRow *row,
                                            const char  *current);
const char *siyu_choices_get_selected      (AdwComboRow *row);
gboolean    siyu_choices_select            (AdwComboRow *row,
                                            const char  *id);

G_END_DECLS
