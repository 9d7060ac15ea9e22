/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "siyu-analytics.h"
#include "siyu-shop.h"

G_BEGIN_DECLS

gboolean siyu_recompute (SiyuShop          *shop,
                         SiyuDay            as_of,
                         SiyuProgressFunc   progress,
                         gpointer           progress_data,
                         GCancellable      *cancellable,
                         SiyuAnalytics    **analytics,
                         GError           **error);

G_END_DECLS
