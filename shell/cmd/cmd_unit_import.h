/* cmd_unit_import — the handler of `unit import` (the unit group's table in cmd_unit.c). */
#ifndef PROPDESK_CMD_UNIT_IMPORT_H
#define PROPDESK_CMD_UNIT_IMPORT_H

struct shell;
struct args;

int cmd_unit_import_run(struct shell *sh, struct args *a);

#endif
