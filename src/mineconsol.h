/*
 * mineconsol.h
 *		Declarations shared between the C files of mineconsol.
 */
#ifndef MINECONSOL_H
#define MINECONSOL_H

#include "postgres.h"

#endif							/* MINECONSOL_H */
