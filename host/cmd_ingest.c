#include "cli.h"
int cmd_ingest(struct cli *cli, int argc, char **argv) { return 0; }
