/*
 * typeinput.h
 *		Small helpers shared by the text input of mineconsol's base types
 *		(license_no.c, uscc.c).
 *
 * Both types read identifiers typed or pasted by people: the value is
 * trimmed of surrounding ASCII white space and nothing else is changed.
 * Positions in error details are 1-based character positions, as in the
 * documents that define the identifiers.
 */
#ifndef MINECONSOL_TYPEINPUT_H
#define MINECONSOL_TYPEINPUT_H

#include "postgres.h"

/* ASCII white space: space, tab, newline, vertical tab, form feed, return. */
static inline bool
mc_is_ascii_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' ||
		c == '\v' || c == '\f' || c == '\r';
}

static inline bool
mc_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * mc_trim_ascii_space
 *		Point *start at the first byte of str that is not ASCII white space
 *		and return the length in bytes of the value without the white space
 *		around it.  Safe in every server encoding: ASCII bytes never occur
 *		inside a multibyte character there.
 */
static inline int
mc_trim_ascii_space(const char *str, const char **start)
{
	const char *end = str + strlen(str);

	while (str < end && mc_is_ascii_space(*str))
		str++;
	while (end > str && mc_is_ascii_space(end[-1]))
		end--;
	*start = str;
	return (int) (end - str);
}

/* The value of n ASCII digits at p (the caller has checked they are digits). */
static inline int
mc_digits_value(const char *p, int n)
{
	int			v = 0;

	while (n-- > 0)
		v = v * 10 + (*p++ - '0');
	return v;
}

#endif							/* MINECONSOL_TYPEINPUT_H */
