/*
 * mineconsol.h
 *		Declarations shared between the C files of mineconsol.
 */
#ifndef MINECONSOL_H
#define MINECONSOL_H

#include "postgres.h"

#include "utils/date.h"

/* as_of.c: the setting mineconsol.as_of */
extern void mc_define_as_of_setting(void);
extern DateADT mc_as_of(void);

#endif							/* MINECONSOL_H */
