/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "siyu-consent.h"
#include "siyu-shop.h"

G_BEGIN_DECLS

#define SIYU_CONTACTS_ERROR (siyu_contacts_error_quark ())

typedef enum {
  SIYU_CONTACTS_ERROR_NOT_FOUND,
  SIYU_CONTACTS_ERROR_INVALID,
  SIYU_CONTACTS_ERROR_TAKEN,
  SIYU_CONTACTS_ERROR_SAME,
} SiyuContactsError;

/* What the owner can edit by hand. */
typedef enum {
  SIYU_CONTACT_NAME,
  SIYU_CONTACT_PHONE,
  SIYU_CONTACT_EMAIL,
  SIYU_CONTACT_WECHAT_ID,
  SIYU_CONTACT_CITY,
  SIYU_CONTACT_BIRTHDAY,
  SIYU_CONTACT_NOTES,
  SIYU_CONTACT_MARKETING_CONSENT,
  SIYU_CONTACT_DO_NOT_CONTACT,
  SIYU_N_CONTACT_FIELDS
} SiyuContactField;

/* The order of the contacts list. */
typedef enum {
  SIYU_CONTACT_SORT_NEWEST,      /* last added first */
  SIYU_CONTACT_SORT_NAME,
  SIYU_CONTACT_SORT_LAST_ORDER,  /* most recent buyer first */
  SIYU_CONTACT_SORT_NET_SPEND,   /* biggest spender first */
  SIYU_CONTACT_SORT_P_ALIVE,     /* most likely to buy again first; no prediction last */
} SiyuContactSort;

/* Which contacts the list shows; every member narrows it. */
typedef struct {
  const char      *search;       /* any part of a name, phone, e-mail or WeChat id */
  const char      *stage;        /* "dormant", …: contact_metrics.stage */
  const char      *segment;      /* "champions", …: contact_metrics.rfm_segment */
  gint64           tier_id;      /* 0: any */
  const char      *pyramid;      /* "co_builder", …: contact_metrics.pyramid */
  const char      *aipl;         /* "awareness", …: contact_metrics.aipl */
  int              r_score;      /* 1–5 RFM recency score; 0: any */
  int              f_score;      /* 1–5 RFM frequency score; 0: any */
  const char      *cohort;       /* "YYYY-MM": first paid order in that month */
  const char      *tag;
  gint64           group_id;     /* 0: any; members still in the group */
  gboolean         consent_only; /* only those who may be contacted (siyu-consent.c) */
  SiyuContactSort  sort;
} SiyuContactFilter;

/* One row of the contacts list. */
typedef struct {
  gint64    id;
  char     *name;
  char     *phone;
  char     *email;
  char     *wechat_id;
  char     *stage;
  char     *segment;
  char     *tier;
  char     *tier_zh;
  char     *last_order;          /* YYYY-MM-DD */
  gint64    orders;
  gint64    net_spend;
  char     *tags;                /* comma-separated */
  char     *groups;              /* comma-separated */
  gboolean  marketing_consent;   /* consent is given */
  gboolean  do_not_contact;
  SiyuConsent consent;
  double    p_alive;             /* 0–1; NAN: no prediction */
  gint64    value_12m;           /* minor units; -1: no prediction */
} SiyuContactSummary;

/* Who a contact is, without the figures. */
typedef struct {
  gint64  id;
  char   *name;                  /* nullable */
  char   *phone;                 /* E.164, nullable */
  char   *email;                 /* nullable */
} SiyuContactBasics;

GQuark      siyu_contacts_error_quark     (void);

GArray     *siyu_contacts_list            (SiyuShop                *shop,
                                           const SiyuContactFilter *filter,
                                           GError                 **error);
GPtrArray  *siyu_contacts_summarize       (SiyuShop                *shop,
                                           const gint64            *ids,
                                           guint                    n_ids,
                                           GError                 **error);
void        siyu_contact_summary_free     (SiyuContactSummary      *summary);
void        siyu_contact_basics_free      (SiyuContactBasics       *basics);
GPtrArray  *siyu_contacts_get_basics      (SiyuShop                *shop,
                                           const gint64            *ids,
                                           guint                    n_ids,
                                           GError                 **error);
GPtrArray  *siyu_contacts_list_basics     (SiyuShop                *shop,
                                           GError                 **error);
gint64      siyu_contacts_nth_id          (SiyuShop                *shop,
                                           gint64                   n,
                                           GError                 **error);
GArray     *siyu_contact_find_duplicates  (SiyuShop                *shop,
                                           gint64                   contact_id,
                                           GError                 **error);

gboolean    siyu_contact_field_from_string (const char       *text,
                                            SiyuContactField *field);
const char *siyu_contact_field_to_string   (SiyuContactField  field);

GArray     *siyu_contacts_search          (SiyuShop          *shop,
                                           const char        *text,
                                           guint              limit,
                                           GError           **error);
gboolean    siyu_contact_set              (SiyuShop          *shop,
                                           gint64             contact_id,
                                           SiyuContactField   field,
                                           const char        *value,
                                           char             **previous,
                                           GError           **error);
gboolean    siyu_contact_set_fields       (SiyuShop          *shop,
                                           gint64             contact_id,
                                           const SiyuContactField *fields,
                                           const char * const *values,
                                           guint              n_fields,
                                           GError           **error);
gint64      siyu_contact_find_owner       (SiyuShop          *shop,
                                           SiyuContactField   field,
                                           const char        *value,
                                           GError           **error);
gboolean    siyu_contact_tag              (SiyuShop          *shop,
                                           gint64             contact_id,
                                           const char        *tag,
                                           gboolean          *added,
                                           GError           **error);
gboolean    siyu_contact_untag            (SiyuShop          *shop,
                                           gint64             contact_id,
                                           const char        *tag,
                                           gboolean          *removed,
                                           GError           **error);
gboolean    siyu_contact_erase            (SiyuShop          *shop,
                                           gint64             contact_id,
                                           GError           **error);
gboolean    siyu_contact_erase_from_backups (SiyuShop        *shop,
                                             gint64           contact_id,
                                             guint           *removed,
                                             GError         **error);
JsonNode   *siyu_contact_describe         (SiyuShop          *shop,
                                           gint64             contact_id,
                                           GError           **error);
JsonNode   *siyu_contact_merge            (SiyuShop          *shop,
                                           gint64             keep_id,
                                           gint64             other_id,
                                           const SiyuContactField *take,
                                           guint              n_take,
                                           GError           **error);
gboolean    siyu_contact_unmerge          (SiyuShop          *shop,
                                           JsonNode          *undo,
                                           GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SiyuContactBasics, siyu_contact_basics_free)

G_END_DECLS
