/* placeholder: replaced by the demo generator work */
#include "config.h"
#include "siyu-cli.h"
int siyu_cli_bench (int argc, char **argv) { return 1; }
