/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "siyu-demo"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "siyu-demo.h"
#include "siyu-ingest.h"
#include "siyu-recompute.h"
#include "siyu-time.h"

/* A made-up specialty coffee and tea shop in the Yangtze delta, two years
 * of it, written through the same ingest path as imports and syncs.
 *
 * Buying follows the assumptions of BG/NBD: each buyer has a purchase rate
 * of their own (gamma across buyers) and after each purchase may drop out
 * for good (beta across buyers), so most buy once, a few buy often and many
 * go quiet.  A quarter of repeat buyers instead restock a favourite
 * consumable on its cycle.  Sales peak around 6.18 and 11.11 and dip at the
 * Spring Festival.  Everything comes from one GRand seeded with the seed:
 * the same seed gives the same shop.
 *
 * Every phone number is in the block 199 00xx xxxx, which no real
 * subscriber of this shop would have. */

typedef struct {
  const char *sku;
  const char *name;
  gint64      price;     /* fen */
  int         cycle;     /* days between restocks; 0 for durable goods */
  int         weight;
} Product;

static const Product products[] = {
  { "BEAN-YJ250", "耶加雪菲咖啡豆 250g", 8800, 30, 14 },
  { "BEAN-MT250", "曼特宁咖啡豆 250g", 7800, 30, 10 },
  { "DRIP-10", "挂耳咖啡 10 包", 4900, 21, 16 },
  { "TEA-LJ100", "明前龙井 100g", 12800, 45, 7 },
  { "TEA-ML100", "茉莉花茶 100g", 6800, 40, 8 },
  { "OAT-1L6", "燕麦奶 1L×6", 8900, 14, 9 },
  { "FILTER-100", "手冲滤纸 100 张", 2500, 60, 8 },
  { "BISCOTTI", "意式杏仁脆饼", 3200, 21, 8 },
  { "CUP-GLASS", "双层玻璃杯", 5900, 0, 6 },
  { "GRINDER-H", "手摇磨豆机", 29900, 0, 3 },
  { "KETTLE-600", "细口手冲壶 600ml", 23900, 0, 3 },
  { "GIFT-MOON", "中秋咖啡礼盒", 19800, 0, 4 },
};

static const struct {
  const char *kind;
  const char *name;
  const char *platform;
  int         weight;
  const char *prefix;
} channels[] = {
  { "online_shop", "有赞微商城", "youzan", 35, "YZ" },
  { "mini_program", "微信小程序", NULL, 25, "MP" },
  { "offline_store", "静安门店", NULL, 15, "JA" },
  { "offline_store", "徐汇门店", NULL, 10, "XH" },
  { "marketplace", "天猫旗舰店", NULL, 15, "TM" },
};

static const char * const surnames[] = {
  "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
  "郭", "何", "林", "高", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
};

static const char * const given[] = {
  "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛",
  "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玲", "婷", "欣", "宇", "浩", "晨",
  "雪", "琳", "佳", "怡", "嘉", "子", "思", "文", "梦", "瑶", "俊", "晓", "雨", "萱", "昊",
};

static const struct {
  const char *name;
  int         weight;
} cities[] = {
  { "上海", 40 }, { "杭州", 14 }, { "苏州", 12 }, { "南京", 9 }, { "北京", 7 },
  { "宁波", 5 }, { "无锡", 5 }, { "广州", 4 }, { "深圳", 4 },
};

static const struct {
  const char *name;
  const char *kind;
} groups[] = {
  { "VIP 1群", "wecom" },
  { "VIP 2群", "wecom" },
  { "新品试用群", "wecom" },
  { "静安门店福利群", "wechat" },
  { "徐汇门店福利群", "wechat" },
  { "手冲咖啡俱乐部", "club" },
};

static const char * const tags[] = { "咖啡爱好者", "茶饮", "企业团购", "宝妈", "学生", "礼品客户" };

typedef struct {
  GRand        *rand;
  SiyuShop     *shop;
  SiyuIngest   *ingest;
  GTimeZone    *tz;
  SiyuDay       first_day;
  SiyuDay       last_day;
  gint64        channel_ids[G_N_ELEMENTS (channels)];
  gint64        group_ids[G_N_ELEMENTS (groups)];
  guint         order_serial;
  guint         refund_serial;
  guint         phone_serial;
  double        rate;          /* how often buyers buy, against the small shop */
  double        fickleness;    /* how readily repeat buyers drop out */
} Demo;

gboolean
siyu_demo_size_from_string (const char   *text,
                            SiyuDemoSize *size)
{
  if (g_strcmp0 (text, "small") == 0)
    *size = SIYU_DEMO_SMALL;
  else if (g_strcmp0 (text, "large") == 0)
    *size = SIYU_DEMO_LARGE;
  else
    return FALSE;

  return TRUE;
}

char *
siyu_demo_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "siyu", "demo.siyu", NULL);
}

static double
uniform (Demo *demo)
{
  return g_rand_double (demo->rand);
}

static int
pick_weighted (Demo      *demo,
               const int *weights,
               guint      n)
{
  int total = 0, roll;

  for (guint i = 0; i < n; i++)
    total += weights[i];
  roll = g_rand_int_range (demo->rand, 0, total);
  for (guint i = 0; i < n; i++)
    {
      if (roll < weights[i])
        return i;
      roll -= weights[i];
    }

  return n - 1;
}

static double
normal (Demo *demo)
{
  double u = 1.0 - uniform (demo), v = uniform (demo);

  return sqrt (-2.0 * log (u)) * cos (2.0 * G_PI * v);
}

/* Marsaglia and Tsang's method; shape below 1 by the usual boost. */
static double
gamma_variate (Demo   *demo,
               double  shape,
               double  scale)
{
  double d, c;

  if (shape < 1.0)
    return gamma_variate (demo, shape + 1.0, scale) * pow (1.0 - uniform (demo), 1.0 / shape);

  d = shape - 1.0 / 3.0;
  c = 1.0 / sqrt (9.0 * d);
  for (;;)
    {
      double x = normal (demo), v = 1.0 + c * x, u;

      if (v <= 0)
        continue;
      v = v * v * v;
      u = 1.0 - uniform (demo);
      if (log (u) < 0.5 * x * x + d - d * v + d * log (v))
        return d * v * scale;
    }
}

static double
beta_variate (Demo   *demo,
              double  a,
              double  b)
{
  double x = gamma_variate (demo, a, 1.0), y = gamma_variate (demo, b, 1.0);

  return x / (x + y);
}

/* How busy a day is compared with an ordinary one. */
static double
season (SiyuDay day)
{
  int y, m, d;

  siyu_day_to_ymd (day, &y, &m, &d);

  if (m == 11 && d >= 1 && d <= 11)
    return d >= 10 ? 4.0 : 2.2;
  if (m == 6 && d >= 1 && d <= 18)
    return d >= 16 ? 3.0 : 1.7;
  if ((m == 1 && d >= 25) || (m == 2 && d <= 15))
    return 0.5;
  if (m == 12 && d >= 20)
    return 1.3;

  return 1.0;
}

#define SEASON_MAX 4.0

static gint64
time_on (Demo    *demo,
         SiyuDay  day)
{
  /* Shops are busiest from late morning to late evening. */
  int hour = 9 + g_rand_int_range (demo->rand, 0, 14);

  return siyu_day_start_time (demo->tz, day) + hour * 3600 + g_rand_int_range (demo->rand, 0, 3600);
}

static char *
make_phone (Demo *demo)
{
  /* A multiplicative walk through the block looks random and never repeats. */
  guint n = (demo->phone_serial++ * 7919u + 12345u) % 1000000u;

  return g_strdup_printf ("19900%06u", n);
}

static char *
written_differently (const char *phone)
{
  return g_strdup_printf ("+86 %.3s %.4s %.4s", phone, phone + 3, phone + 7);
}

static char *
make_name (Demo *demo)
{
  const char *surname = surnames[g_rand_int_range (demo->rand, 0, G_N_ELEMENTS (surnames))];

  if (uniform (demo) < 0.3)
    return g_strconcat (surname, given[g_rand_int_range (demo->rand, 0, G_N_ELEMENTS (given))], NULL);

  return g_strconcat (surname, given[g_rand_int_range (demo->rand, 0, G_N_ELEMENTS (given))],
                      given[g_rand_int_range (demo->rand, 0, G_N_ELEMENTS (given))], NULL);
}

static const char *
make_city (Demo *demo)
{
  int weights[G_N_ELEMENTS (cities)];

  for (guint i = 0; i < G_N_ELEMENTS (cities); i++)
    weights[i] = cities[i].weight;

  return cities[pick_weighted (demo, weights, G_N_ELEMENTS (cities))].name;
}

static int
pick_channel (Demo *demo)
{
  int weights[G_N_ELEMENTS (channels)];

  for (guint i = 0; i < G_N_ELEMENTS (channels); i++)
    weights[i] = channels[i].weight;

  return pick_weighted (demo, weights, G_N_ELEMENTS (channels));
}

static int
pick_product (Demo     *demo,
              gboolean  consumable)
{
  int weights[G_N_ELEMENTS (products)];

  for (guint i = 0; i < G_N_ELEMENTS (products); i++)
    weights[i] = consumable && products[i].cycle == 0 ? 0 : products[i].weight;

  return pick_weighted (demo, weights, G_N_ELEMENTS (products));
}

static gboolean
write_order (Demo     *demo,
             gint64    contact_id,
             int       channel,
             SiyuDay   day,
             int       favourite,
             GError  **error)
{
  SiyuOrderItemRecord items[3];
  guint n_items = 0;
  g_autofree char *ref = NULL;
  SiyuOrderRecord record = { 0 };
  gint64 total = 0, order_id;
  double roll = uniform (demo);
  int lines = roll < 0.7 ? 1 : roll < 0.93 ? 2 : 3;

  for (int k = 0; k < lines; k++)
    {
      int p = k == 0 && favourite >= 0 ? favourite : pick_product (demo, FALSE);
      gint64 quantity = uniform (demo) < 0.8 ? 1 : g_rand_int_range (demo->rand, 2, 4);
      gboolean duplicate = FALSE;

      for (guint j = 0; j < n_items; j++)
        duplicate |= g_str_equal (items[j].sku, products[p].sku);
      if (duplicate)
        continue;

      items[n_items++] = (SiyuOrderItemRecord) {
        products[p].sku, products[p].name, quantity, products[p].price, quantity * products[p].price
      };
      total += quantity * products[p].price;
    }

  /* Full-reduction coupons around the big sales. */
  if (season (day) > 1.5 && total >= 20000)
    total -= 3000;

  ref = g_strdup_printf ("%s%08u", channels[channel].prefix, ++demo->order_serial);
  record.channel_id = demo->channel_ids[channel];
  record.external_ref = ref;
  record.contact_id = contact_id;
  record.created_at = time_on (demo, day);
  record.currency = "CNY";
  record.total_amount = total;
  record.items = items;
  record.n_items = n_items;

  roll = uniform (demo);
  record.status = roll < 0.92 ? "paid" : roll < 0.95 ? "refunded" : roll < 0.97 ? "partially_refunded" :
                  roll < 0.99 ? "cancelled" : "unpaid";
  if (g_str_equal (record.status, "refunded"))
    record.refunded_amount = total;

  order_id = siyu_ingest_order (demo->ingest, &record, NULL, error);
  if (order_id < 0)
    return FALSE;

  if (g_str_equal (record.status, "partially_refunded") || g_str_equal (record.status, "refunded"))
    {
      g_autofree char *refund_ref = g_strdup_printf ("RF%07u", ++demo->refund_serial);
      gint64 amount = g_str_equal (record.status, "refunded") ? total : MAX (100, total / 3);

      if (!siyu_ingest_refund (demo->ingest, order_id, refund_ref, amount,
                               record.created_at + 86400 * g_rand_int_range (demo->rand, 1, 8),
                               g_str_equal (record.status, "refunded") ? "不想要了" : "少发一件", error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
write_events (Demo     *demo,
              gint64    contact_id,
              SiyuDay   seen,
              double    engagement,
              gboolean  buyer,
              GError  **error)
{
  static const char * const browse[] = { "view", "view", "view", "cart", "favourite", "inquiry", "visit" };
  static const char * const engage[] = { "share", "review", "referral", "group_message", "group_message" };
  int n = (int) (engagement * 4 * uniform (demo));

  for (int i = 0; i < n; i++)
    {
      SiyuDay day = seen + g_rand_int_range (demo->rand, 0, MAX (1, demo->last_day - seen + 1));
      const char *kind = buyer && uniform (demo) < 0.4 ? engage[g_rand_int_range (demo->rand, 0, G_N_ELEMENTS (engage))]
                                                       : browse[g_rand_int_range (demo->rand, 0, G_N_ELEMENTS (browse))];

      if (!siyu_ingest_event (demo->ingest, contact_id, kind, time_on (demo, day), 0, NULL, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
write_membership (Demo     *demo,
                  gint64    contact_id,
                  SiyuDay   seen,
                  int       channel,
                  gboolean  big_spender,
                  GError  **error)
{
  int group;
  SiyuDay joined, left = 0;

  if (uniform (demo) > (big_spender ? 0.6 : 0.25))
    return TRUE;

  if (big_spender && uniform (demo) < 0.7)
    group = uniform (demo) < 0.6 ? 0 : 1;
  else if (g_str_equal (channels[channel].kind, "offline_store"))
    group = channel == 2 ? 3 : 4;
  else
    group = uniform (demo) < 0.6 ? 2 : 5;

  joined = seen + g_rand_int_range (demo->rand, 0, 60);
  if (joined > demo->last_day)
    return TRUE;
  if (uniform (demo) < 0.25)
    left = joined + g_rand_int_range (demo->rand, 1, 300);
  if (left > demo->last_day)
    left = 0;

  return siyu_ingest_group_member (demo->ingest, demo->group_ids[group], contact_id,
                                   uniform (demo) < 0.02 ? "admin" : "member",
                                   time_on (demo, joined), left > 0 ? time_on (demo, left) + 86400 : 0, error);
}

/* One person: who they are, whether and how they buy, what else they do. */
static gboolean
write_person (Demo     *demo,
              GError  **error)
{
  g_autofree char *name = make_name (demo);
  g_autofree char *phone = make_phone (demo);
  g_autofree char *email = NULL;
  g_autofree char *wechat = NULL;
  g_autofree char *birthday = NULL;
  SiyuContactRecord record = { 0 };
  int channel = pick_channel (demo);
  /* More people find the shop as it grows. */
  SiyuDay seen = demo->first_day + (SiyuDay) ((demo->last_day - demo->first_day) * sqrt (uniform (demo)));
  const char *city = make_city (demo);
  double lambda, dropout, engagement;
  gboolean buyer, restocker, big_spender;
  int favourite = -1;
  gint64 contact_id;
  SiyuDay day;
  guint purchases = 0;

  if (uniform (demo) < 0.3)
    email = g_strdup_printf ("%s@example.com", phone + 5);
  if (uniform (demo) < 0.4)
    wechat = g_strdup_printf ("wxid_%08x", g_rand_int (demo->rand));
  if (uniform (demo) < 0.5)
    birthday = g_strdup_printf ("%04d-%02d-%02d", g_rand_int_range (demo->rand, 1965, 2006),
                                g_rand_int_range (demo->rand, 1, 13), g_rand_int_range (demo->rand, 1, 29));

  record.name = name;
  record.phone = phone;
  record.email = email;
  record.wechat_id = wechat;
  record.city = city;
  record.birthday = birthday;
  record.seen_at = time_on (demo, seen);
  record.channel_id = demo->channel_ids[channel];
  record.consent = uniform (demo) < 0.7 ? 1 : 0;
  record.consent_at = record.seen_at;
  record.consent_source = channel == 1 ? "小程序授权" : channel >= 2 && channel <= 3 ? "门店登记" : "下单勾选";
  record.do_not_contact = uniform (demo) < 0.03 ? 1 : 0;
  if (uniform (demo) < 0.35)
    record.member_since = time_on (demo, MIN (demo->last_day, seen + g_rand_int_range (demo->rand, 0, 90)));

  contact_id = siyu_ingest_contact (demo->ingest, &record, NULL, error);
  if (contact_id < 0)
    return FALSE;

  if (uniform (demo) < 0.2 &&
      !siyu_ingest_tag (demo->ingest, contact_id, tags[g_rand_int_range (demo->rand, 0, G_N_ELEMENTS (tags))],
                        "manual", record.seen_at, error))
    return FALSE;

  buyer = uniform (demo) < 0.8;
  lambda = gamma_variate (demo, 0.9, demo->rate / 4.0);   /* purchases a day */
  dropout = beta_variate (demo, 1.0, 8.0);
  restocker = uniform (demo) < 0.25;
  engagement = gamma_variate (demo, 1.0, 1.0);
  big_spender = FALSE;

  if (buyer)
    {
      favourite = restocker ? pick_product (demo, TRUE) : (uniform (demo) < 0.5 ? pick_product (demo, TRUE) : -1);
      day = seen + (uniform (demo) < 0.6 ? 0 : g_rand_int_range (demo->rand, 1, 30));

      while (day <= demo->last_day)
        {
          int order_channel = uniform (demo) < 0.7 ? channel : pick_channel (demo);

          if (!write_order (demo, contact_id, order_channel, day, favourite, error))
            return FALSE;
          purchases++;

          /* Half of first-time buyers never come back. */
          if ((purchases == 1 && uniform (demo) < 0.5) || uniform (demo) < dropout * demo->fickleness)
            break;

          if (restocker && favourite >= 0)
            day += MAX (1, (int) lround (products[favourite].cycle * (1.0 + 0.12 * normal (demo))));
          else
            {
              /* A Poisson process thinned by the season. */
              do
                day += 1 + (int) (-log (1.0 - uniform (demo)) / (lambda * SEASON_MAX));
              while (day <= demo->last_day && uniform (demo) > season (day) / SEASON_MAX);
            }
        }
      big_spender = purchases >= 6;
    }

  if (!write_events (demo, contact_id, seen, engagement, buyer, error) ||
      !write_membership (demo, contact_id, seen, channel, big_spender, error))
    return FALSE;

  /* The same person, seen again in another channel with the phone written
   * differently: identity resolution makes them one contact. */
  if (uniform (demo) < 0.01)
    {
      g_autofree char *again = written_differently (phone);
      int other = (channel + 1) % G_N_ELEMENTS (channels);
      SiyuContactRecord second = { .name = name, .phone = again, .seen_at = record.seen_at + 86400 * 20,
                                   .channel_id = demo->channel_ids[other], .consent = -1, .do_not_contact = -1 };
      gint64 same = siyu_ingest_contact (demo->ingest, &second, NULL, error);

      if (same < 0)
        return FALSE;
      g_assert (same == contact_id);
      if (seen + 20 <= demo->last_day && !write_order (demo, contact_id, other, seen + 20, -1, error))
        return FALSE;
    }

  /* The same name in the same city with another number: a duplicate a
   * merge will be suggested for. */
  if (uniform (demo) < 0.004)
    {
      g_autofree char *other_phone = make_phone (demo);
      SiyuContactRecord twin = { .name = name, .phone = other_phone, .city = city,
                                 .seen_at = record.seen_at + 86400 * 45, .consent = -1, .do_not_contact = -1 };

      if (siyu_ingest_contact (demo->ingest, &twin, NULL, error) < 0)
        return FALSE;
    }

  return TRUE;
}

static gboolean
write_walk_in (Demo     *demo,
               GError  **error)
{
  SiyuDay day = demo->first_day + g_rand_int_range (demo->rand, 0, demo->last_day - demo->first_day + 1);

  return write_order (demo, 0, 2 + g_rand_int_range (demo->rand, 0, 2), day, -1, error);
}

static gboolean
generate (Demo                   *demo,
          const SiyuDemoOptions  *options,
          SiyuProgressFunc        progress,
          gpointer                progress_data,
          GCancellable           *cancellable,
          GError                **error)
{
  guint people = options->size == SIYU_DEMO_LARGE ? 198000 : 4950;
  SiyuDb *db = siyu_shop_get_db (demo->shop);

  if (!siyu_db_begin (db, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (channels); i++)
    {
      demo->channel_ids[i] = siyu_ingest_channel (demo->ingest, channels[i].kind, channels[i].name,
                                                  channels[i].platform, error);
      if (demo->channel_ids[i] < 0)
        goto fail;
    }

  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    {
      demo->group_ids[i] = siyu_ingest_group (demo->ingest, groups[i].name, groups[i].kind,
                                              siyu_day_start_time (demo->tz, demo->first_day), error);
      if (demo->group_ids[i] < 0)
        goto fail;
    }

  for (guint i = 0; i < people; i++)
    {
      if (!write_person (demo, error))
        goto fail;
      if (i % 20 == 0 && !write_walk_in (demo, error))
        goto fail;

      if (i % 1000 == 999)
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            goto fail;
          if (progress != NULL)
            progress ((double) (i + 1) / people * 0.95, progress_data);
        }
    }

  if (!siyu_db_exec (db,
                     "UPDATE tiers SET benefits = CASE position "
                     "  WHEN 0 THEN '积分 1 倍' WHEN 1 THEN '积分 1.2 倍，生日券' "
                     "  WHEN 2 THEN '积分 1.5 倍，每月免邮' ELSE '积分 2 倍，新品先尝，专属顾问' END",
                     error) ||
      !siyu_shop_set_name (demo->shop, "豆与叶 · 精品咖啡茶饮（演示）", error) ||
      !siyu_shop_set_data_end (demo->shop, demo->last_day, error) ||
      !siyu_db_commit (db, error))
    goto fail;

  return TRUE;

fail:
  siyu_db_rollback (db);
  return FALSE;
}

static void
remove_shop_files (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
}

/* Moves the finished shop to @path without replacing anything put there
 * since it was found free, a link included: a hard link fails when the
 * name is taken.  A file system without hard links gets a plain rename. */
static gboolean
move_into_place (const char *partial,
                 const char *path)
{
  GStatBuf st;

  if (link (partial, path) == 0)
    {
      g_unlink (partial);
      return TRUE;
    }
  if (errno == EEXIST)
    return FALSE;
  if (g_lstat (path, &st) == 0)
    {
      errno = EEXIST;
      return FALSE;
    }

  return g_rename (partial, path) == 0;
}

/**
 * siyu_demo_create:
 * @path: where the demo shop goes; it must not exist
 *
 * Builds the demo shop.  It is written beside @path and moved there only
 * when complete: a failed or cancelled run leaves nothing at @path.  May
 * run in a worker thread.
 *
 * Returns: (transfer full): the demo shop, open.
 */
typedef struct {
  SiyuProgressFunc progress;
  gpointer         data;
  double           start;
  double           span;
} ScaledProgress;

static void
scaled_progress (double   fraction,
                 gpointer user_data)
{
  ScaledProgress *scaled = user_data;

  scaled->progress (scaled->start + scaled->span * CLAMP (fraction, 0.0, 1.0), scaled->data);
}

SiyuShop *
siyu_demo_create (const char             *path,
                  const SiyuDemoOptions  *options,
                  SiyuProgressFunc        progress,
                  gpointer                progress_data,
                  GCancellable           *cancellable,
                  GError                **error)
{
  g_autofree char *partial = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *display = NULL;
  g_autoptr(SiyuShop) shop = NULL;
  g_autoptr(SiyuIngest) ingest = NULL;
  Demo demo = { 0 };
  ScaledProgress scaled;
  gboolean ok;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (options != NULL, NULL);

  display = g_filename_display_name (path);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_EXISTS,
                   _("“%s” already exists. Choose another name or open it instead."), display);
      return NULL;
    }

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0 && !g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      int saved_errno = errno;
      g_autofree char *dir_display = g_filename_display_name (dir);

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create the folder “%s”: %s"), dir_display, g_strerror (saved_errno));
      return NULL;
    }

  partial = g_strconcat (path, ".partial", NULL);
  remove_shop_files (partial);

  shop = siyu_shop_create (partial, _("Demo shop"), "CNY", "Asia/Shanghai", error);
  if (shop == NULL)
    return NULL;

  ingest = siyu_ingest_new (shop);
  demo.rand = g_rand_new_with_seed (options->seed);
  demo.shop = shop;
  demo.ingest = ingest;
  demo.tz = siyu_shop_get_time_zone (shop);
  demo.last_day = options->end != SIYU_DAY_INVALID
                  ? options->end
                  : siyu_day_from_ymd (SIYU_DEMO_DEFAULT_END_YEAR, SIYU_DEMO_DEFAULT_END_MONTH,
                                       SIYU_DEMO_DEFAULT_END_DAY);
  demo.first_day = demo.last_day - 729;
  /* The large shop is an older, busier business with more loyal buyers:
   * ten orders a contact rather than six. */
  demo.rate = options->size == SIYU_DEMO_LARGE ? 3.6 : 1.0;
  demo.fickleness = options->size == SIYU_DEMO_LARGE ? 0.2 : 0.5;

  scaled.progress = progress;
  scaled.data = progress_data;
  scaled.start = 0.0;
  scaled.span = 0.85;
  ok = generate (&demo, options, progress != NULL ? scaled_progress : NULL, &scaled, cancellable, error);
  /* A demo shows every figure from the start, as a shop does after its
   * first import. */
  if (ok)
    {
      scaled.start = 0.85;
      scaled.span = 0.15;
      ok = siyu_recompute (shop, demo.last_day, progress != NULL ? scaled_progress : NULL, &scaled,
                           cancellable, NULL, error);
    }
  g_rand_free (demo.rand);
  g_clear_object (&ingest);
  g_clear_object (&shop);

  if (!ok)
    {
      remove_shop_files (partial);
      return NULL;
    }

  if (!move_into_place (partial, path))
    {
      int saved_errno = errno;

      remove_shop_files (partial);
      if (saved_errno == EEXIST)
        g_set_error (error, SIYU_DB_ERROR, SIYU_DB_ERROR_EXISTS,
                     _("“%s” already exists. Choose another name or open it instead."), display);
      else
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                     _("Could not save “%s”: %s"), display, g_strerror (saved_errno));
      return NULL;
    }

  if (progress != NULL)
    progress (1.0, progress_data);

  return siyu_shop_open (path, error);
}
