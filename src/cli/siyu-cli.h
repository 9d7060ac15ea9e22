/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "siyu-consent.h"
#include "siyu-shop.h"

G_BEGIN_DECLS

/* Exit codes every command keeps to. */
#define SIYU_CLI_OK          0
#define SIYU_CLI_REFUSED     1 /* bad data, or an operation that was refused */
#define SIYU_CLI_USAGE       2 /* the command line itself is wrong */

typedef int (*SiyuCliCommandFunc) (int    argc,
                                   char **argv);

typedef struct {
  const char         *name;
  const char         *summary;
  SiyuCliCommandFunc  run;
} SiyuCliCommand;

int        siyu_cli_analytics     (int argc, char **argv);
int        siyu_cli_audit         (int argc, char **argv);
int        siyu_cli_backup        (int argc, char **argv);
int        siyu_cli_cohorts       (int argc, char **argv);
int        siyu_cli_consent       (int argc, char **argv);
int        siyu_cli_contact       (int argc, char **argv);
int        siyu_cli_contacts      (int argc, char **argv);
int        siyu_cli_create        (int argc, char **argv);
int        siyu_cli_demo          (int argc, char **argv);
int        siyu_cli_duplicates    (int argc, char **argv);
int        siyu_cli_predict       (int argc, char **argv);
int        siyu_cli_replenish     (int argc, char **argv);
int        siyu_cli_review        (int argc, char **argv);
int        siyu_cli_group         (int argc, char **argv);
int        siyu_cli_import        (int argc, char **argv);
int        siyu_cli_members       (int argc, char **argv);
int        siyu_cli_model         (int argc, char **argv);
int        siyu_cli_orders        (int argc, char **argv);
int        siyu_cli_info          (int argc, char **argv);
int        siyu_cli_settings      (int argc, char **argv);
int        siyu_cli_bench         (int argc, char **argv);
int        siyu_cli_campaign      (int argc, char **argv);
int        siyu_cli_segment       (int argc, char **argv);
int        siyu_cli_touch         (int argc, char **argv);
int        siyu_cli_account       (int argc, char **argv);
int        siyu_cli_sync          (int argc, char **argv);

GOptionContext *siyu_cli_option_context (const char   *command,
                                         const char   *parameter,
                                         const char   *summary);
int        siyu_cli_parse         (GOptionContext  *context,
                                   int             *argc,
                                   char          ***argv);
int        siyu_cli_usage_error   (const char      *command,
                                   const char      *format,
                                   ...) G_GNUC_PRINTF (2, 3);
int        siyu_cli_fail          (const GError    *error);
SiyuShop  *siyu_cli_open_shop     (const char      *command,
                                   const char      *path,
                                   int             *exit_code);
SiyuShop  *siyu_cli_open_shop_counted (const char *command,
                                       const char *path,
                                       int        *exit_code);
void       siyu_cli_figures_not_counted (const GError *error);
void       siyu_cli_print_json    (JsonNode        *node);
char      *siyu_cli_pad           (const char      *label,
                                   int              columns);
void       siyu_cli_progress      (double           fraction,
                                   gpointer         user_data);
void       siyu_cli_progress_done (void);
void       siyu_cli_print_consent_counts (const SiyuConsentCounts *counts,
                                          SiyuConsentPolicy        policy);

G_END_DECLS
