/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-snapshot"

#include "config.h"

#include <stdlib.h>

#include "siyu-snapshot.h"
#include "siyu-time.h"

/* The snapshot is read from the store in three ordered passes — contacts,
 * paid orders, interactions — and kept on the shop for as long as the data
 * it was read from is unchanged, so that the monthly review, the campaign
 * deduction and a recompute read the orders once instead of once each.
 *
 * "Unchanged" is the shop's data version (triggers count every change to
 * what figures are counted from), together with the touches sent, which
 * count as interactions but are no change to the figures' data, and the
 * largest contact and order ids, so that a file put back from a backup by
 * another program is never taken for the one read.  A snapshot read inside
 * a transaction is used but not kept: the transaction may yet be rolled
 * back to a data version a different change reaches later.
 *
 * Nothing in it depends on the day figures are counted for: each figure
 * takes the orders and interactions up to its own day, which are a prefix
 * of each contact's ranges. */

static const char * const signal_names[] = {
  "visit", "view", "cart", "favourite", "inquiry", "review", "share", "referral",
  "group_message", "join", "touch",
};

G_STATIC_ASSERT (G_N_ELEMENTS (signal_names) == SIYU_N_SIGNALS);

static GMutex cache_lock;

/* What is read: times in [start, end) for interactions, before end for
 * the rest.  The whole shop unless a test asks for one day's. */
typedef struct {
  gint64 start;
  gint64 end;
} Bounds;

static GQuark
snapshot_quark (void)
{
  return g_quark_from_static_string ("siyu-snapshot");
}

SiyuSnapshot *
siyu_snapshot_ref (SiyuSnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
siyu_snapshot_unref (SiyuSnapshot *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->stamp);
  g_free ((gpointer) self->people);
  g_free ((gpointer) self->order_days);
  g_free ((gpointer) self->order_nets);
  g_free ((gpointer) self->signals);
  g_free ((gpointer) self->item_days);
  g_free ((gpointer) self->item_products);
  g_free ((gpointer) self->anonymous_days);
  g_free ((gpointer) self->anonymous_nets);
  g_free (self);
}

/**
 * siyu_snapshot_get_size:
 *
 * Returns: the bytes the snapshot's columns take.
 */
gsize
siyu_snapshot_get_size (SiyuSnapshot *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return sizeof *self +
         self->n_people * sizeof (SiyuSnapshotPerson) +
         self->n_orders * (sizeof (SiyuDay) + sizeof (gint64)) +
         self->n_signals * sizeof (SiyuSnapshotSignal) +
         self->n_items * (sizeof (SiyuDay) + sizeof (gint64)) +
         self->n_anonymous * (sizeof (SiyuDay) + sizeof (gint64));
}

/**
 * siyu_snapshot_orders_until:
 *
 * Returns: how many of @person's paid orders are dated on or before @day.
 */
guint
siyu_snapshot_orders_until (SiyuSnapshot             *self,
                            const SiyuSnapshotPerson *person,
                            SiyuDay                   day)
{
  return siyu_days_until (self->order_days + person->order_start, person->n_orders, day);
}

static char *
read_stamp (SiyuDb  *db,
            GError **error)
{
  sqlite3_stmt *stmt;
  char *stamp = NULL;
  int rc;

  stmt = siyu_db_prepare (db,
                          "SELECT printf ('%d:%d:%d:%d:%d', "
                          "  (SELECT data FROM data_version WHERE id = 1), "
                          "  (SELECT max (id) FROM touches), (SELECT count(*) FROM touches), "
                          "  (SELECT max (id) FROM contacts), (SELECT max (id) FROM orders))",
                          error);
  if (stmt == NULL)
    return NULL;

  rc = siyu_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    stamp = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);

  return stamp;
}

static gboolean
check_cancelled (guint         *rows,
                 GCancellable  *cancellable,
                 GError       **error)
{
  return (++*rows & 0xffff) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error);
}

static gboolean
load_people (GArray        *people,
             SiyuShop      *shop,
             const Bounds  *bounds,
             GError       **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  GTimeZone *tz = siyu_shop_get_time_zone (shop);
  sqlite3_stmt *stmt;
  int rc;

  stmt = siyu_db_prepare (db,
                          "SELECT id, first_seen_at, CASE WHEN member_since < ?1 THEN member_since END, "
                          "  erased_at IS NOT NULL "
                          "FROM contacts WHERE first_seen_at < ?1 ORDER BY id",
                          error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, bounds->end);
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      SiyuSnapshotPerson person = { 0 };

      person.id = sqlite3_column_int64 (stmt, 0);
      person.first_paid = SIYU_DAY_INVALID;
      person.seen = siyu_day_of_time (tz, sqlite3_column_int64 (stmt, 1));
      if (sqlite3_column_type (stmt, 2) != SQLITE_NULL)
        {
          person.member_since = sqlite3_column_int64 (stmt, 2);
          person.member = siyu_day_of_time (tz, person.member_since);
        }
      else
        person.member = SIYU_DAY_INVALID;
      person.erased = sqlite3_column_int (stmt, 3) != 0;
      g_array_append_val (people, person);
    }
  sqlite3_reset (stmt);

  return rc == SQLITE_DONE;
}

/* Finds the person with @id at or after *cursor; both lists are in id order. */
static SiyuSnapshotPerson *
advance_to (GArray *people,
            guint  *cursor,
            gint64  id)
{
  while (*cursor < people->len && g_array_index (people, SiyuSnapshotPerson, *cursor).id < id)
    (*cursor)++;

  if (*cursor < people->len && g_array_index (people, SiyuSnapshotPerson, *cursor).id == id)
    return &g_array_index (people, SiyuSnapshotPerson, *cursor);

  return NULL;
}

/* A paid order of a contact, by id, while the products are read. */
typedef struct {
  gint64  id;
  guint   person;
  SiyuDay day;
} OrderRef;

static int
compare_order_refs (gconstpointer a,
                    gconstpointer b)
{
  const OrderRef *x = a, *y = b;

  return (x->id > y->id) - (x->id < y->id);
}

/* Paid orders with a contact, in contact and time order: those in the
 * shop's currency are the contact's orders; all are remembered in @refs
 * for their products. */
static gboolean
load_orders (GArray        *people,
             GArray        *days,
             GArray        *nets,
             GArray        *refs,
             SiyuShop      *shop,
             const Bounds  *bounds,
             GCancellable  *cancellable,
             GError       **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  GTimeZone *tz = siyu_shop_get_time_zone (shop);
  sqlite3_stmt *stmt;
  guint cursor = 0;
  guint rows = 0;
  int rc;

  stmt = siyu_db_prepare (db,
                          "SELECT contact_id, created_at, max (0, total_amount - refunded_amount), id, "
                          "  currency = ? "
                          "FROM orders INDEXED BY orders_contact_paid "
                          "WHERE status IN ('paid', 'partially_refunded') AND contact_id IS NOT NULL "
                          "  AND created_at < ? "
                          "ORDER BY contact_id, created_at",
                          error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, siyu_shop_get_currency (shop), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, bounds->end);
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      SiyuSnapshotPerson *person = advance_to (people, &cursor, sqlite3_column_int64 (stmt, 0));
      OrderRef ref;
      gint64 net;

      if (check_cancelled (&rows, cancellable, error))
        {
          sqlite3_reset (stmt);
          return FALSE;
        }

      if (person == NULL)
        continue;

      ref.id = sqlite3_column_int64 (stmt, 3);
      ref.person = cursor;
      ref.day = siyu_day_of_time (tz, sqlite3_column_int64 (stmt, 1));
      g_array_append_val (refs, ref);
      if (person->first_paid == SIYU_DAY_INVALID)
        person->first_paid = ref.day;
      if (sqlite3_column_int (stmt, 4) == 0)
        continue;

      if (person->n_orders == 0)
        person->order_start = days->len;
      person->n_orders++;

      net = sqlite3_column_int64 (stmt, 2);
      g_array_append_val (days, ref.day);
      g_array_append_val (nets, net);
    }
  sqlite3_reset (stmt);

  return rc == SQLITE_DONE;
}

/* Paid orders of no contact in the shop's currency, in time order. */
static gboolean
load_anonymous (GArray        *days,
                GArray        *nets,
                SiyuShop      *shop,
                const Bounds  *bounds,
                GCancellable  *cancellable,
                GError       **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  GTimeZone *tz = siyu_shop_get_time_zone (shop);
  sqlite3_stmt *stmt;
  guint rows = 0;
  int rc;

  stmt = siyu_db_prepare (db,
                          "SELECT created_at, max (0, total_amount - refunded_amount) FROM orders "
                          "WHERE status IN ('paid', 'partially_refunded') AND contact_id IS NULL "
                          "  AND currency = ? AND created_at < ? "
                          "ORDER BY created_at",
                          error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, siyu_shop_get_currency (shop), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, bounds->end);
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      SiyuDay day = siyu_day_of_time (tz, sqlite3_column_int64 (stmt, 0));
      gint64 net = sqlite3_column_int64 (stmt, 1);

      if (check_cancelled (&rows, cancellable, error))
        {
          sqlite3_reset (stmt);
          return FALSE;
        }
      g_array_append_val (days, day);
      g_array_append_val (nets, net);
    }
  sqlite3_reset (stmt);

  return rc == SQLITE_DONE;
}

/* The first step of a counting sort by person: gives each person the start
 * of its range, from its count, in person order.  Returns where the next
 * of each person's goes; @total is the sum of the counts. */
static guint *
start_ranges (GArray *people,
              gsize   count_offset,
              gsize   start_offset,
              guint  *total)
{
  guint *fill = g_new (guint, MAX (people->len, 1));

  *total = 0;
  for (guint p = 0; p < people->len; p++)
    {
      SiyuSnapshotPerson *person = &g_array_index (people, SiyuSnapshotPerson, p);

      G_STRUCT_MEMBER (guint, person, start_offset) = *total;
      fill[p] = *total;
      *total += G_STRUCT_MEMBER (guint, person, count_offset);
    }

  return fill;
}

typedef struct {
  guint   person;
  SiyuDay day;
  gint64  product;
} Item;

static int
compare_item_days (gconstpointer a,
                   gconstpointer b)
{
  const Item *x = a, *y = b;

  return (x->day > y->day) - (x->day < y->day);
}

/* Puts one person's products in day order, through @scratch (of Item)
 * only when they are not. */
static void
sort_items (SiyuDay *days,
            gint64  *products,
            guint    n,
            GArray  *scratch)
{
  Item *items;
  guint i = 1;

  while (i < n && days[i - 1] <= days[i])
    i++;
  if (i >= n)
    return;

  g_array_set_size (scratch, n);
  items = (Item *) scratch->data;
  for (i = 0; i < n; i++)
    items[i] = (Item) { 0, days[i], products[i] };
  qsort (items, n, sizeof (Item), compare_item_days);
  for (i = 0; i < n; i++)
    {
      days[i] = items[i].day;
      products[i] = items[i].product;
    }
}

/* The products of the paid orders in @refs, as ranges of the two columns
 * per person in day order.  The lines are read in the order they are
 * stored and matched to their order by id: one pass, no join. */
static gboolean
load_items (GArray        *people,
            GArray        *refs,
            SiyuDay      **days_out,
            gint64       **products_out,
            guint         *n_out,
            SiyuShop      *shop,
            GCancellable  *cancellable,
            GError       **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (Item));
  g_autofree guint *fill = NULL;
  SiyuDay *days;
  gint64 *products;
  sqlite3_stmt *stmt;
  guint rows = 0;
  guint total = 0;
  int rc;

  g_array_sort (refs, compare_order_refs);

  stmt = siyu_db_prepare (db, "SELECT order_id, product_id FROM order_items WHERE product_id IS NOT NULL", error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      gint64 order_id = sqlite3_column_int64 (stmt, 0);
      OrderRef key = { order_id, 0, 0 };
      const OrderRef *ref;

      if (check_cancelled (&rows, cancellable, error))
        {
          sqlite3_reset (stmt);
          return FALSE;
        }

      ref = refs->len > 0 ? bsearch (&key, refs->data, refs->len, sizeof (OrderRef), compare_order_refs) : NULL;
      if (ref != NULL)
        {
          Item item = { ref->person, ref->day, sqlite3_column_int64 (stmt, 1) };

          g_array_append_val (found, item);
          g_array_index (people, SiyuSnapshotPerson, ref->person).n_items++;
        }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return FALSE;

  /* Counting sort by person, then each person's in day order. */
  fill = start_ranges (people, G_STRUCT_OFFSET (SiyuSnapshotPerson, n_items),
                       G_STRUCT_OFFSET (SiyuSnapshotPerson, item_start), &total);
  days = g_new (SiyuDay, MAX (total, 1));
  products = g_new (gint64, MAX (total, 1));
  for (guint i = 0; i < found->len; i++)
    {
      const Item *item = &g_array_index (found, Item, i);
      guint at = fill[item->person]++;

      days[at] = item->day;
      products[at] = item->product;
    }

  /* Lines are stored with their order, so a person's are in day order
   * already but where a file or a sync brought them otherwise. */
  for (guint p = 0; p < people->len; p++)
    {
      const SiyuSnapshotPerson *person = &g_array_index (people, SiyuSnapshotPerson, p);

      sort_items (days + person->item_start, products + person->item_start, person->n_items, found);
    }

  *days_out = days;
  *products_out = products;
  *n_out = total;

  return TRUE;
}

static int
signal_kind (const char *name)
{
  if (name == NULL)
    return -1;
  for (guint i = 0; i < SIYU_N_SIGNALS; i++)
    if (g_str_equal (signal_names[i], name))
      return i;

  return -1;
}

/* The person with @id, by halving: @people are in id order. */
static gint
find_person (GArray *people,
             gint64  id)
{
  guint lo = 0, hi = people->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      gint64 at = g_array_index (people, SiyuSnapshotPerson, mid).id;

      if (at == id)
        return (gint) mid;
      if (at < id)
        lo = mid + 1;
      else
        hi = mid;
    }

  return -1;
}

typedef struct {
  guint              person;
  SiyuSnapshotSignal signal;
} FoundSignal;

static int
compare_signal_days (gconstpointer a,
                     gconstpointer b)
{
  const SiyuSnapshotSignal *x = a, *y = b;

  return (x->day > y->day) - (x->day < y->day);
}

/* Events, group joins and touches sent, read as they are stored and put in
 * person and day order here: a counting sort by person, then each
 * person's by day where they are not in order already. */
static gboolean
load_signals (GArray        *people,
              GArray        *signals,
              SiyuShop      *shop,
              const Bounds  *bounds,
              GCancellable  *cancellable,
              GError       **error)
{
  SiyuDb *db = siyu_shop_get_db (shop);
  GTimeZone *tz = siyu_shop_get_time_zone (shop);
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (FoundSignal));
  g_autofree guint *fill = NULL;
  sqlite3_stmt *stmt;
  guint rows = 0;
  guint total = 0;
  int rc;

  /* Touches count for the contacts who were sent them, not the holdout. */
  stmt = siyu_db_prepare (db,
                          "SELECT contact_id, kind, occurred_at FROM events "
                          "  WHERE occurred_at >= ?1 AND occurred_at < ?2 "
                          "UNION ALL SELECT contact_id, 'join', joined_at FROM group_members "
                          "  WHERE joined_at >= ?1 AND joined_at < ?2 "
                          "UNION ALL SELECT m.contact_id, 'touch', t.created_at "
                          "  FROM touch_members m JOIN touches t ON t.id = m.touch_id "
                          "  WHERE m.holdout = 0 AND t.created_at >= ?1 AND t.created_at < ?2",
                          error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, bounds->start);
  sqlite3_bind_int64 (stmt, 2, bounds->end);
  while ((rc = siyu_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      gint person = find_person (people, sqlite3_column_int64 (stmt, 0));
      FoundSignal signal;
      int kind;

      if (check_cancelled (&rows, cancellable, error))
        {
          sqlite3_reset (stmt);
          return FALSE;
        }

      if (person < 0)
        continue;

      /* The table's CHECK keeps other kinds out, but a damaged file can
       * hold anything: what is not a signal is not counted. */
      kind = signal_kind ((const char *) sqlite3_column_text (stmt, 1));
      if (kind < 0)
        continue;

      signal.person = person;
      signal.signal.day = siyu_day_of_time (tz, sqlite3_column_int64 (stmt, 2));
      signal.signal.kind = kind;
      g_array_append_val (found, signal);
      g_array_index (people, SiyuSnapshotPerson, person).n_signals++;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return FALSE;

  fill = start_ranges (people, G_STRUCT_OFFSET (SiyuSnapshotPerson, n_signals),
                       G_STRUCT_OFFSET (SiyuSnapshotPerson, signal_start), &total);
  g_array_set_size (signals, total);
  for (guint i = 0; i < found->len; i++)
    {
      const FoundSignal *signal = &g_array_index (found, FoundSignal, i);

      g_array_index (signals, SiyuSnapshotSignal, fill[signal->person]++) = signal->signal;
    }
  for (guint p = 0; p < people->len; p++)
    {
      const SiyuSnapshotPerson *person = &g_array_index (people, SiyuSnapshotPerson, p);
      SiyuSnapshotSignal *range;
      guint i = 1;

      if (person->n_signals < 2)
        continue;
      range = &g_array_index (signals, SiyuSnapshotSignal, person->signal_start);
      while (i < person->n_signals && range[i - 1].day <= range[i].day)
        i++;
      if (i < person->n_signals)
        qsort (range, person->n_signals, sizeof (SiyuSnapshotSignal), compare_signal_days);
    }

  return TRUE;
}

static SiyuSnapshot *
snapshot_read (SiyuShop      *shop,
               const Bounds  *bounds,
               char          *stamp,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(GArray) people = g_array_new (FALSE, FALSE, sizeof (SiyuSnapshotPerson));
  g_autoptr(GArray) days = g_array_new (FALSE, FALSE, sizeof (SiyuDay));
  g_autoptr(GArray) nets = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) signals = g_array_new (FALSE, FALSE, sizeof (SiyuSnapshotSignal));
  g_autoptr(GArray) refs = g_array_new (FALSE, FALSE, sizeof (OrderRef));
  g_autoptr(GArray) anonymous_days = g_array_new (FALSE, FALSE, sizeof (SiyuDay));
  g_autoptr(GArray) anonymous_nets = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 started = g_get_monotonic_time ();
  SiyuSnapshot *self;
  SiyuDay *item_days = NULL;
  gint64 *item_products = NULL;
  guint n_items = 0;

  if (!load_people (people, shop, bounds, error) ||
      g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !load_orders (people, days, nets, refs, shop, bounds, cancellable, error) ||
      !load_items (people, refs, &item_days, &item_products, &n_items, shop, cancellable, error) ||
      !load_signals (people, signals, shop, bounds, cancellable, error) ||
      !load_anonymous (anonymous_days, anonymous_nets, shop, bounds, cancellable, error))
    {
      g_free (item_days);
      g_free (item_products);
      g_free (stamp);
      return NULL;
    }

  self = g_new0 (SiyuSnapshot, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->stamp = stamp;
  self->n_people = people->len;
  self->n_orders = days->len;
  self->n_signals = signals->len;
  self->n_items = n_items;
  self->n_anonymous = anonymous_days->len;
  self->anonymous_days = (gpointer) g_array_free (g_steal_pointer (&anonymous_days), FALSE);
  self->anonymous_nets = (gpointer) g_array_free (g_steal_pointer (&anonymous_nets), FALSE);
  self->item_days = item_days;
  self->item_products = item_products;
  self->people = (gpointer) g_array_free (g_steal_pointer (&people), FALSE);
  self->order_days = (gpointer) g_array_free (g_steal_pointer (&days), FALSE);
  self->order_nets = (gpointer) g_array_free (g_steal_pointer (&nets), FALSE);
  self->signals = (gpointer) g_array_free (g_steal_pointer (&signals), FALSE);

  g_debug ("Read %u contacts, %u paid orders, %u of their products and %u interactions in %.3f s: %.1f MiB",
           self->n_people, self->n_orders, self->n_items, self->n_signals, (g_get_monotonic_time () - started) / 1e6,
           siyu_snapshot_get_size (self) / 1048576.0);

  return self;
}

/**
 * siyu_snapshot_get:
 *
 * The shop's snapshot: the one kept on @shop when the data it was read from
 * is unchanged, else read now.  Call it on the thread that uses the shop.
 *
 * Returns: (transfer full): the snapshot, or %NULL with @error set
 */
SiyuSnapshot *
siyu_snapshot_get (SiyuShop      *shop,
                   GCancellable  *cancellable,
                   GError       **error)
{
  const Bounds whole = { G_MININT64, G_MAXINT64 };
  SiyuDb *db;
  char *stamp;
  SiyuSnapshot *kept, *read;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  db = siyu_shop_get_db (shop);
  stamp = read_stamp (db, error);
  if (stamp == NULL)
    return NULL;

  g_mutex_lock (&cache_lock);
  kept = g_object_get_qdata (G_OBJECT (shop), snapshot_quark ());
  if (kept != NULL && g_str_equal (kept->stamp, stamp))
    {
      siyu_snapshot_ref (kept);
      g_mutex_unlock (&cache_lock);
      g_free (stamp);
      return kept;
    }
  /* Never two in memory at once. */
  g_object_set_qdata (G_OBJECT (shop), snapshot_quark (), NULL);
  g_mutex_unlock (&cache_lock);

  read = snapshot_read (shop, &whole, stamp, cancellable, error);
  if (read == NULL)
    return NULL;

  if (!siyu_db_in_transaction (db))
    {
      g_mutex_lock (&cache_lock);
      g_object_set_qdata_full (G_OBJECT (shop), snapshot_quark (), siyu_snapshot_ref (read),
                               (GDestroyNotify) siyu_snapshot_unref);
      g_mutex_unlock (&cache_lock);
    }

  return read;
}

/**
 * siyu_snapshot_forget:
 *
 * Lets go of the snapshot kept on @shop, if any.
 */
void
siyu_snapshot_forget (SiyuShop *shop)
{
  g_return_if_fail (SIYU_IS_SHOP (shop));

  g_mutex_lock (&cache_lock);
  g_object_set_qdata (G_OBJECT (shop), snapshot_quark (), NULL);
  g_mutex_unlock (&cache_lock);
}

/**
 * siyu_snapshot_read_until:
 * @as_of: the day figures are to be counted for
 *
 * Reads what figures as of @as_of read, bounded by SQL as every figure was
 * read before the snapshot: contacts first seen by then, paid orders dated
 * by then and the interactions of the year up to then.  Never kept; for the
 * tests that check the snapshot's cut against it.
 *
 * Returns: (transfer full): the snapshot, or %NULL with @error set
 */
SiyuSnapshot *
siyu_snapshot_read_until (SiyuShop      *shop,
                          SiyuDay        as_of,
                          GCancellable  *cancellable,
                          GError       **error)
{
  Bounds bounds;

  g_return_val_if_fail (SIYU_IS_SHOP (shop), NULL);

  bounds.start = siyu_shop_day_start (shop, as_of - 364);
  bounds.end = siyu_shop_day_start (shop, as_of + 1);

  return snapshot_read (shop, &bounds, g_strdup ("until"), cancellable, error);
}
