/*
 * util.h
 *		Small helpers shared by the C files of mineconsol that need no
 *		knowledge of any one area: a kept SPI plan, a column that must
 *		exist, the identity check of trigger functions, and the strict ISO
 *		date parser.
 *
 * Dependencies run one way: stage_*.c use audit.c, and both use this file;
 * this file uses none of them.
 */
#ifndef MINECONSOL_UTIL_H
#define MINECONSOL_UTIL_H

#include "postgres.h"

#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/date.h"

/* Events a trigger function is made for: a mask of 1 << TRIGGER_EVENT_* */
#define MC_ON_INSERT		(1 << TRIGGER_EVENT_INSERT)
#define MC_ON_DELETE		(1 << TRIGGER_EVENT_DELETE)
#define MC_ON_UPDATE		(1 << TRIGGER_EVENT_UPDATE)
#define MC_ON_TRUNCATE		(1 << TRIGGER_EVENT_TRUNCATE)

extern int	mc_trigger_check(FunctionCallInfo fcinfo, const char *fn,
							 const char *const *tables, int ntables,
							 bool before, bool row, int events,
							 const char *how);
extern void mc_prepare_kept(SPIPlanPtr *plan, int nargs, Oid *argtypes,
							const char *fmt,...) pg_attribute_printf(4, 5);
extern int	mc_column_attnum(TupleDesc desc, const char *column,
							 const char *relname);
extern bool mc_parse_iso_date(const char *s, int len, DateADT *result);
extern const char *mc_date_text(DateADT d);

#endif							/* MINECONSOL_UTIL_H */
