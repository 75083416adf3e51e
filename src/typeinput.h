/*
 * typeinput.h
 *		Small helpers shared by the text input of mineconsol's base types
 *		(license_no.c, uscc.c), and their comparison functions.
 *
 * Both types read identifiers typed or pasted by people: the value is
 * trimmed of surrounding ASCII white space and nothing else is changed.
 * Positions in error details are 1-based character positions, as in the
 * documents that define the identifiers.
 */
#ifndef MINECONSOL_TYPEINPUT_H
#define MINECONSOL_TYPEINPUT_H

#include "postgres.h"

#include "fmgr.h"

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

/*
 * MC_BYTE_ORDER_FUNCTIONS(type, Struct)
 *		The btree support function and the functions of the six comparison
 *		operators of a base type whose values (a Struct holding char
 *		data[], passed by reference) sort as their bytes: mc_<type>_cmp,
 *		mc_<type>_eq, mc_<type>_ne, mc_<type>_lt, mc_<type>_le, mc_<type>_gt
 *		and mc_<type>_ge.  Their SQL: sql/templates/byte_ordered_type.sql.
 */
#define MC_BYTE_ORDER_FUNCTION(type, Struct, op, test) \
PG_FUNCTION_INFO_V1(mc_##type##_##op); \
Datum \
mc_##type##_##op(PG_FUNCTION_ARGS) \
{ \
	const Struct *a = (const Struct *) PG_GETARG_POINTER(0); \
	const Struct *b = (const Struct *) PG_GETARG_POINTER(1); \
\
	PG_RETURN_BOOL(memcmp(a->data, b->data, sizeof(a->data)) test 0); \
} \
extern int no_such_variable

#define MC_BYTE_ORDER_FUNCTIONS(type, Struct) \
PG_FUNCTION_INFO_V1(mc_##type##_cmp); \
Datum \
mc_##type##_cmp(PG_FUNCTION_ARGS) \
{ \
	const Struct *a = (const Struct *) PG_GETARG_POINTER(0); \
	const Struct *b = (const Struct *) PG_GETARG_POINTER(1); \
	int			c = memcmp(a->data, b->data, sizeof(a->data)); \
\
	PG_RETURN_INT32(c < 0 ? -1 : (c > 0 ? 1 : 0)); \
} \
MC_BYTE_ORDER_FUNCTION(type, Struct, eq, ==); \
MC_BYTE_ORDER_FUNCTION(type, Struct, ne, !=); \
MC_BYTE_ORDER_FUNCTION(type, Struct, lt, <); \
MC_BYTE_ORDER_FUNCTION(type, Struct, le, <=); \
MC_BYTE_ORDER_FUNCTION(type, Struct, gt, >); \
MC_BYTE_ORDER_FUNCTION(type, Struct, ge, >=)

#endif							/* MINECONSOL_TYPEINPUT_H */
