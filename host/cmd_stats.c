#include "cli.h"
int cmd_stats(struct cli *cli, int argc, char **argv) { return 0; }
