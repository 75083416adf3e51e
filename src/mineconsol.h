/*
 * mineconsol.h
 *		Declarations shared between the C files of mineconsol.
 *
 * Every C file that defines a function callable from SQL includes it (through
 * it, compat.h, whose PG_FUNCTION_INFO_V1 exports the function on every
 * supported version).  Naming: a C function callable from SQL is
 * mc_<its SQL name>; every other symbol that is not static starts with mc_
 * too.  Only the SQL-callable ones are exported from the module.
 */
#ifndef MINECONSOL_H
#define MINECONSOL_H

#include "postgres.h"

#include "fmgr.h"
#include "utils/date.h"

#include "compat.h"

/* as_of.c: the setting mineconsol.as_of */
extern bool mc_define_as_of_setting(void);
extern DateADT mc_as_of_date(void);

/* license_no.c: try_license_no(text), NULL when the text is not a licence number */
extern Datum mc_try_license_no(PG_FUNCTION_ARGS);

#endif							/* MINECONSOL_H */
