/*
 * mineconsol.c
 *		Module entry point: the module magic and the mineconsol.* settings.
 *
 * Each area of the extension lives in its own files (docs/architecture.md
 * lists them); this file only registers what must exist once per backend:
 * the setting mineconsol.as_of and the stage graph's cache invalidation.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/guc.h"

#include "mineconsol.h"
#include "stage.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

void
_PG_init(void)
{
	mc_define_as_of_setting();
	MarkGUCPrefixReserved("mineconsol");
	mc_stage_init();
}
