/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "siyu-import.h"
#include "siyu-import-guess.h"
#include "siyu-shop.h"
#include "siyu-test-util.h"

/* Columns of exports Siyu has no preset for, written as shops write them,
 * are recognised without help (issue 16, "Columns recognised without
 * help"): each header set below is opened, and every field of the kind
 * must get exactly the column named, and no other field any column. */

typedef struct {
  const char *name;
  SiyuImportKind kind;
  const char *csv;
  const char *expected;   /* field=column;…, every field that is mapped */
  double sure;            /* every guess is at least this sure */
} HeaderSet;

static const HeaderSet sets[] = {
  { "tea shop", SIYU_IMPORT_ORDERS,
    "订单编号,下单时间,买家,手机号码,商品名称,购买数量,单价(元),实付金额(元),订单状态\n"
    "T20261001,2026-10-01 10:12:00,张三,13800138000,西湖龙井 250g,1,168.00,168.00,交易成功\n"
    "T20261002,2026-10-02 11:40:00,李四,13900139000,白毫银针,2,98.50,197.00,交易成功\n",
    "order_ref=订单编号;created_at=下单时间;name=买家;phone=手机号码;product_name=商品名称;"
    "quantity=购买数量;unit_price=单价(元);order_total=实付金额(元);status=订单状态", 0.9 },
  { "pinduoduo", SIYU_IMPORT_ORDERS,
    "订单号,商品,订单状态,商品总价(元),用户实付金额(元),商品数量(件),收货人,手机,订单成交时间,商家编码-SKU维度\n"
    "240501-123,桂花乌龙 100g,已发货，待收货,59.80,55.80,2,王五,13700137000,2024-05-01 09:00:03,GH-100\n",
    "order_ref=订单号;product_name=商品;status=订单状态;line_total=商品总价(元);order_total=用户实付金额(元);"
    "quantity=商品数量(件);name=收货人;phone=手机;created_at=订单成交时间;sku=商家编码-SKU维度", 0.7 },
  { "douyin", SIYU_IMPORT_ORDERS,
    "主订单编号,子订单编号,选购商品,商品数量,商品金额,订单提交时间,支付完成时间,订单状态,收件人,收件人手机号\n"
    "6912345,6912345-1,正山小种,1,88.00,2026/03/08 20:01,2026/03/08 20:02,已完成,赵六,15000150000\n",
    "order_ref=主订单编号;product_name=选购商品;quantity=商品数量;line_total=商品金额;created_at=订单提交时间;"
    "status=订单状态;name=收件人;phone=收件人手机号", 0.9 },
  { "returns with their original order", SIYU_IMPORT_ORDERS,
    "单号,日期,手机号,商品名称,数量,单价,原订单号\n"
    "T1-R,2026-03-09 10:00:00,13800138000,绿茶,-1,30.00,T1\n",
    "order_ref=单号;created_at=日期;phone=手机号;product_name=商品名称;quantity=数量;unit_price=单价;"
    "original_ref=原订单号", 0.9 },
  { "jd", SIYU_IMPORT_ORDERS,
    "订单号,下单时间,订单金额,应付金额,客户姓名,联系电话,商品名称,商品ID,订购数量,订单状态\n"
    "30012,2026-02-01 08:00:00,120.00,120.00,钱七,13600136000,茉莉花茶,100012,3,完成\n",
    "order_ref=订单号;created_at=下单时间;order_total=订单金额;name=客户姓名;phone=联系电话;"
    "product_name=商品名称;sku=商品ID;quantity=订购数量;status=订单状态", 0.9 },
  { "wechat shop", SIYU_IMPORT_ORDERS,
    "订单号,下单时间,商品名称,商品数量,实付款,收货人,收货人手机,订单状态\n"
    "3700001,2026-09-09 09:09:09,普洱饼,1,199.00,孙八,18800188000,已完成\n",
    "order_ref=订单号;created_at=下单时间;product_name=商品名称;quantity=商品数量;order_total=实付款;"
    "name=收货人;phone=收货人手机;status=订单状态", 0.9 },
  { "youzan by hand", SIYU_IMPORT_ORDERS,
    "订单号,付款时间,买家手机号,收货人姓名,商品名称,商品单价,商品数量,订单实付金额,退款金额\n"
    "E2026,2026-01-05 12:00:00,13500135000,周九,金骏眉,300.00,1,300.00,0.00\n",
    "order_ref=订单号;created_at=付款时间;phone=买家手机号;name=收货人姓名;product_name=商品名称;"
    "unit_price=商品单价;quantity=商品数量;order_total=订单实付金额;refunded_amount=退款金额", 0.9 },
  { "square", SIYU_IMPORT_ORDERS,
    "Transaction ID,Date,Item,Qty,Price,Gross Sales,Customer Name,Customer ID,Phone\n"
    "TX1,2026-04-01 10:00:00,Oolong,2,5.00,10.00,Ann Lee,C-17,(212) 555-0101\n",
    "order_ref=Transaction ID;created_at=Date;product_name=Item;quantity=Qty;unit_price=Price;"
    "line_total=Gross Sales;name=Customer Name;customer_id=Customer ID;phone=Phone", 0.9 },
  { "uci online retail", SIYU_IMPORT_ORDERS,
    "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
    "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n",
    "order_ref=InvoiceNo;sku=StockCode;product_name=Description;quantity=Quantity;created_at=InvoiceDate;"
    "unit_price=UnitPrice;customer_id=CustomerID", 0.9 },
  { "pos in english", SIYU_IMPORT_ORDERS,
    "Order #,Order Date,Customer,Mobile,E-mail,Product,Qty,Unit Price,Total,Oder Status\n"
    "1001,2026-05-05 15:00,Bo Chen,13800138001,bo@example.com,Green tea,1,12.00,12.00,paid\n",
    "order_ref=Order #;created_at=Order Date;name=Customer;phone=Mobile;email=E-mail;product_name=Product;"
    "quantity=Qty;unit_price=Unit Price;order_total=Total;status=Oder Status", 0.65 },
  { "values alone", SIYU_IMPORT_ORDERS,
    "单号,日期,客户,列1,列2,金额\n"
    "A1,2026-06-01 10:00:00,吴十,13800138002,wu@example.com,10.00\n"
    "A2,2026-06-02 11:00:00,郑一,13800138003,zheng@example.com,20.00\n",
    "order_ref=单号;created_at=日期;name=客户;phone=列1;email=列2;order_total=金额", 0.55 },
  { "members", SIYU_IMPORT_CUSTOMERS,
    "会员卡号,姓名,手机号,生日,会员等级,入会时间,标签,所在城市\n"
    "M001,陈二,13800138004,1990-05-01,金卡,2024-01-01,老客,杭州\n",
    "customer_id=会员卡号;name=姓名;phone=手机号;birthday=生日;tier=会员等级;member_since=入会时间;"
    "tags=标签;city=所在城市", 0.9 },
};

static void
test_header_sets (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (sets); i++)
    {
      const HeaderSet *set = &sets[i];
      g_autofree char *path = g_build_filename (dir, "export.csv", NULL);
      g_autoptr(SiyuImport) import = NULL;
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) pairs = g_strsplit (set->expected, ";", -1);
      const char * const *fields = siyu_import_list_fields (set->kind);

      g_test_message ("%s", set->name);
      g_assert_true (g_file_set_contents (path, set->csv, -1, NULL));
      import = siyu_import_new (shop, path, set->kind);
      g_assert_true (siyu_import_open (import, NULL, &error));
      g_assert_no_error (error);
      g_assert_null (siyu_import_get_preset (import));
      g_assert_true (siyu_import_get_guessed (import));

      for (guint f = 0; fields[f] != NULL; f++)
        {
          const char *expected = NULL;

          for (guint p = 0; pairs[p] != NULL; p++)
            if (g_str_has_prefix (pairs[p], fields[f]) && pairs[p][strlen (fields[f])] == '=')
              expected = pairs[p] + strlen (fields[f]) + 1;
          if (g_strcmp0 (siyu_import_get_column (import, fields[f]), expected) != 0)
            g_error ("%s: %s is “%s”, not “%s”", set->name, fields[f],
                     siyu_import_get_column (import, fields[f]), expected);
          if (expected != NULL)
            {
              g_assert_cmpfloat (siyu_import_get_confidence (import, fields[f]), >=, set->sure);
              g_assert_cmpfloat (siyu_import_get_confidence (import, fields[f]), <=, 0.99);
            }
          else
            g_assert_cmpfloat (siyu_import_get_confidence (import, fields[f]), ==, 0.0);
        }
      g_unlink (path);
    }
}

/* The header is compared folded, and the values confirm or deny. */
static void
test_header_scores (void)
{
  g_assert_cmpfloat (siyu_import_guess_header ("phone", "手机号码"), ==, 1.0);
  g_assert_cmpfloat (siyu_import_guess_header ("phone", " 手机号码（必填） "), ==, 1.0);
  g_assert_cmpfloat (siyu_import_guess_header ("order_ref", "订单编号"), ==, 1.0);
  /* The twelfth word, 0.002 less for each before it. */
  g_assert_cmpfloat_with_epsilon (siyu_import_guess_header ("order_ref", "ORDER_ID"), 1.0 - 12 * 0.002, 1e-9);
  g_assert_cmpfloat_with_epsilon (siyu_import_guess_header ("order_ref", "Order-Number"), 1.0 - 13 * 0.002, 1e-9);
  /* Holding a word: 备用手机号码 holds 手机号码, four of its six characters. */
  g_assert_cmpfloat_with_epsilon (siyu_import_guess_header ("phone", "备用手机号码"), 0.6 + 0.25 * 4 / 6, 1e-9);
  /* One letter off a long word, the ninth of the field. */
  g_assert_cmpfloat_with_epsilon (siyu_import_guess_header ("quantity", "quantiy"), 0.7 - 8 * 0.001, 1e-9);
  /* Short English words are not looked for inside others: "tel" in "hotel". */
  g_assert_cmpfloat (siyu_import_guess_header ("phone", "hotel"), ==, 0.0);
  g_assert_cmpfloat (siyu_import_guess_header ("phone", "备注"), ==, 0.0);
  g_assert_cmpfloat (siyu_import_guess_header ("no such field", "手机"), ==, 0.0);
}

/* A phone column of names is not a phone column; a date column of
 * quantities is not a date column. */
static void
test_values_deny (void)
{
  const char *fields[] = { "order_ref", "created_at", "phone", "quantity" };
  const char *headers[] = { "订单号", "时间", "电话", "数量" };
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  SiyuGuess guesses[4];

  g_ptr_array_add (rows, g_strsplit ("A1,3,张三,1", ",", -1));
  g_ptr_array_add (rows, g_strsplit ("A2,4,李四,2", ",", -1));
  siyu_import_guess (fields, 4, headers, 4, rows, guesses);
  g_assert_cmpint (guesses[0].column, ==, 0);
  g_assert_cmpint (guesses[1].column, ==, -1);
  g_assert_cmpint (guesses[2].column, ==, -1);
  g_assert_cmpint (guesses[3].column, ==, 3);

  /* Without rows, the header alone decides. */
  siyu_import_guess (fields, 4, headers, 4, NULL, guesses);
  g_assert_cmpint (guesses[1].column, ==, 1);
  g_assert_cmpint (guesses[2].column, ==, 2);
}

/* A guessed mapping imports, and the owner's correction is remembered
 * for the next file with the same headers. */
static void
test_guess_imports (void)
{
  g_autofree char *dir = siyu_test_tmpdir ();
  g_autoptr(SiyuShop) shop = siyu_test_new_shop (dir, NULL);
  g_autofree char *path = g_build_filename (dir, "茶叶订单.csv", NULL);
  g_autoptr(SiyuImport) import = NULL;
  g_autoptr(SiyuImport) again = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, sets[0].csv, -1, NULL));
  import = siyu_import_new (shop, path, SIYU_IMPORT_ORDERS);
  siyu_import_map (import, "name", "");
  g_assert_true (siyu_import_run (import, SIYU_IMPORT_ALL_OR_NOTHING, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (siyu_import_get_counts (import)->orders_created, ==, 2);
  g_assert_cmpuint (siyu_import_get_counts (import)->contacts_created, ==, 2);
  g_assert_cmpfloat (siyu_import_get_confidence (import, "name"), ==, 0.0);

  again = siyu_import_new (shop, path, SIYU_IMPORT_ORDERS);
  g_assert_true (siyu_import_open (again, NULL, &error));
  g_assert_false (siyu_import_get_guessed (again));
  g_assert_null (siyu_import_get_column (again, "name"));
  g_assert_cmpstr (siyu_import_get_column (again, "phone"), ==, "手机号码");
  g_assert_cmpfloat (siyu_import_get_confidence (again, "phone"), ==, 1.0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/siyu/import-guess/header-sets", test_header_sets);
  g_test_add_func ("/siyu/import-guess/header-scores", test_header_scores);
  g_test_add_func ("/siyu/import-guess/values-deny", test_values_deny);
  g_test_add_func ("/siyu/import-guess/imports", test_guess_imports);

  return g_test_run ();
}
