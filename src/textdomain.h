/*
 * textdomain.h
 *		The text domain of mineconsol's messages, for every C file.
 *
 * utils/elog.h defines TEXTDOMAIN as NULL (the server's own domain), so a
 * module that ships its own catalogue redefines it after including
 * postgres.h, as PL/pgSQL does.  The Makefile includes this file before each
 * source (-include), so every ereport() of every file translates through
 * "mineconsol-NN" (PG_TEXTDOMAIN) with no line of its own; the sources'
 * own #include "postgres.h" then finds it already included.
 */
#ifndef MINECONSOL_TEXTDOMAIN_H
#define MINECONSOL_TEXTDOMAIN_H

#include "postgres.h"

#undef TEXTDOMAIN
#define TEXTDOMAIN PG_TEXTDOMAIN("mineconsol")

/*
 * A text built outside ereport() (a detail composed by a helper, a hint
 * chosen by a function), translated in mineconsol's domain: PostgreSQL's _()
 * would look in the server's.  po/extract.sh extracts its literals.
 */
#define mc_gettext(msgid) dgettext(TEXTDOMAIN, (msgid))

#endif							/* MINECONSOL_TEXTDOMAIN_H */
