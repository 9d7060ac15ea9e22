/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "siyu-shop.h"
#include "siyu-types.h"

G_BEGIN_DECLS

/* One contact of the snapshot.  Orders and signals are ranges of the
 * snapshot's arrays, in day order. */
typedef struct {
  gint64   id;
  gint64   member_since;   /* UTC; 0 when not a member */
  SiyuDay  seen;
  SiyuDay  member;         /* SIYU_DAY_INVALID when not a member */
  SiyuDay  first_paid;     /* first paid order in any currency, or SIYU_DAY_INVALID */
  gboolean erased;
  guint    order_start;
  guint    n_orders;
  guint    signal_start;
  guint    n_signals;
  guint    item_start;
  guint    n_items;
} SiyuSnapshotPerson;

/* An interaction that counts in a figure: an event, a group join or a touch
 * sent (not held out).  @kind indexes siyu_snapshot_signal_names. */
typedef struct {
  SiyuDay day;
  guint8  kind;
} SiyuSnapshotSignal;

typedef enum {
  SIYU_SIGNAL_VISIT,
  SIYU_SIGNAL_VIEW,
  SIYU_SIGNAL_CART,
  SIYU_SIGNAL_FAVOURITE,
  SIYU_SIGNAL_INQUIRY,
  SIYU_SIGNAL_REVIEW,
  SIYU_SIGNAL_SHARE,
  SIYU_SIGNAL_REFERRAL,
  SIYU_SIGNAL_GROUP_MESSAGE,
  SIYU_SIGNAL_JOIN,
  SIYU_SIGNAL_TOUCH,
  SIYU_N_SIGNALS
} SiyuSignalKind;

typedef struct _SiyuSnapshot SiyuSnapshot;

/* The whole shop as every figure reads it, in contact-major columns: each
 * contact (in id order) with its paid orders in the shop's currency (day and
 * net amount), the products of its paid orders in any currency (day and
 * product id) and its interactions; and the paid orders of no contact in
 * the shop's currency.  Immutable once built; shared between threads by
 * reference. */
struct _SiyuSnapshot
{
  /*< private >*/
  gatomicrefcount            ref_count;
  char                      *stamp;

  /*< public, read only >*/
  const SiyuSnapshotPerson  *people;
  guint                      n_people;
  const SiyuDay             *order_days;
  const gint64              *order_nets;
  guint                      n_orders;
  const SiyuSnapshotSignal  *signals;
  guint                      n_signals;
  const SiyuDay             *item_days;
  const gint64              *item_products;
  guint                      n_items;
  const SiyuDay             *anonymous_days;   /* paid orders of no contact, by time */
  const gint64              *anonymous_nets;
  guint                      n_anonymous;
};

SiyuSnapshot *siyu_snapshot_get          (SiyuShop      *shop,
                                          GCancellable  *cancellable,
                                          GError       **error);
SiyuSnapshot *siyu_snapshot_ref          (SiyuSnapshot  *self);
void          siyu_snapshot_unref        (SiyuSnapshot  *self);
gsize         siyu_snapshot_get_size     (SiyuSnapshot  *self);
guint         siyu_snapshot_orders_until (SiyuSnapshot             *self,
                                          const SiyuSnapshotPerson *person,
                                          SiyuDay                   day);
void          siyu_snapshot_forget       (SiyuShop      *shop);
SiyuSnapshot *siyu_snapshot_read_until   (SiyuShop      *shop,
                                          SiyuDay        as_of,
                                          GCancellable  *cancellable,
                                          GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SiyuSnapshot, siyu_snapshot_unref)

G_END_DECLS
