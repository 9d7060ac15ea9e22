/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "siyu-shop.h"

G_BEGIN_DECLS

#define SIYU_TYPE_SHOP_RUNNER (siyu_shop_runner_get_type ())
G_DECLARE_FINAL_TYPE (SiyuShopRunner, siyu_shop_runner, SIYU, SHOP_RUNNER, GObject)

/* Runs in the runner's thread with the shop to itself; must return @task. */
typedef void (*SiyuShopJob) (GTask        *task,
                             SiyuShop     *shop,
                             gpointer      task_data,
                             GCancellable *cancellable);

SiyuShopRunner *siyu_shop_runner_new              (SiyuShop       *shop);
void            siyu_shop_runner_run              (SiyuShopRunner *self,
                                                   GTask          *task,
                                                   SiyuShopJob     job);
const char     *siyu_shop_runner_get_path         (SiyuShopRunner *self);
gboolean        siyu_shop_runner_is_read_only     (SiyuShopRunner *self);
const char     *siyu_shop_runner_get_name         (SiyuShopRunner *self);
const char     *siyu_shop_runner_get_currency     (SiyuShopRunner *self);
const char     *siyu_shop_runner_get_time_zone_id (SiyuShopRunner *self);
GTimeZone      *siyu_shop_runner_get_time_zone    (SiyuShopRunner *self);
char           *siyu_shop_runner_format_time      (SiyuShopRunner *self,
                                                   gint64          utc,
                                                   const char     *format);
const char     *siyu_shop_runner_get_phone_region (SiyuShopRunner *self);
void            siyu_shop_runner_data_changed     (SiyuShopRunner *self);

G_END_DECLS
