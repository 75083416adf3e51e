/*
 * typeinput.h
 *		Small helpers shared by the text input of mineconsol's base types
 *		(license_no.c, uscc.c), and their I/O, hash and comparison functions.
 *
 * Both types read identifiers typed or pasted by people: the value is
 * trimmed of surrounding ASCII white space and nothing else is changed.
 * Positions in error details are 1-based character positions, as in the
 * documents that define the identifiers.
 */
#ifndef MINECONSOL_TYPEINPUT_H
#define MINECONSOL_TYPEINPUT_H

#include "postgres.h"

#include "common/hashfn.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"

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
 * MC_INPUT_CHECK_FIELDS
 *		The fields of a <type>Check (license_no.c, uscc.c) after its fault
 *		(each type's own enum): the value checked and where the first fault
 *		is, as MC_INPUT_FAULT sets them and the type's report reads them.
 */
#define MC_INPUT_CHECK_FIELDS \
	const char *value;			/* the trimmed value, not NUL-terminated */ \
	int			len;			/* its length in bytes */ \
	int			pos;			/* 1-based position of the fault */ \
	const char *at;				/* the offending character or field */ \
	int			atlen			/* its length in bytes */

/*
 * MC_INPUT_FAULT(chk, fault, pos, at, atlen)
 *		Record in *chk (a <type>Check of license_no.c or uscc.c: its fault
 *		and MC_INPUT_CHECK_FIELDS) the first fault that <type>_check()
 *		found: the fault, its 1-based position and the offending bytes.
 *		Evaluates to false, for "return MC_INPUT_FAULT(…)".
 */
#define MC_INPUT_FAULT(chk, fault_, pos_, at_, atlen_) \
	((chk)->fault = (fault_), (chk)->pos = (pos_), (chk)->at = (at_), \
	 (chk)->atlen = (atlen_), false)

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

/*
 * MC_TEXT_TYPE_FUNCTIONS(type, Struct, textlen)
 *		The input, output, binary receive and send, try_<type>, hash and
 *		extended hash functions of a base type whose value (a Struct holding
 *		char data[], passed by reference) is its canonical text, the first
 *		textlen(value) bytes of data, zero bytes after it: mc_<type>_in,
 *		mc_<type>_out, mc_<type>_recv, mc_<type>_send, mc_try_<type>,
 *		mc_<type>_hash and mc_<type>_hash_extended, the comparison functions
 *		of MC_BYTE_ORDER_FUNCTIONS, and the static <type>_parse(str, input).
 *		The comparison comes with the hash: equal values (the same bytes,
 *		padding included) must hash alike, and the hash covers the text.  The
 *		including file defines <type>_check(str, Struct##Check *) (describes
 *		the first fault, raises nothing), <type>_report(input, const
 *		Struct##Check *) (raises 22P02 naming input) and <type>_make(const
 *		Struct##Check *) (a new value from an accepted check).
 *
 * The binary form is the canonical text.  It is validated exactly like text
 * input; pq_getmsgtext() has already refused bytes that are not valid in the
 * server encoding, zero bytes included.  try_<type> gives NULL instead of an
 * error: for loading dirty registers.  Hashing covers the text only (not a
 * padding after it), so equal values hash alike.  (The functions below are
 * alike in shape only: the V1 calling convention around a different call.)
 */
#define MC_TEXT_TYPE_FUNCTIONS(type, Struct, textlen) \
static Struct * \
type##_parse(const char *str, const char *input) \
{ \
	Struct##Check chk; \
\
	if (!type##_check(str, &chk)) \
		type##_report(input, &chk); \
	return type##_make(&chk); \
} \
PG_FUNCTION_INFO_V1(mc_##type##_in); \
Datum \
mc_##type##_in(PG_FUNCTION_ARGS) \
{ \
	char	   *str = PG_GETARG_CSTRING(0); \
\
	PG_RETURN_POINTER(type##_parse(str, str)); \
} \
PG_FUNCTION_INFO_V1(mc_##type##_out); \
Datum \
mc_##type##_out(PG_FUNCTION_ARGS) \
{ \
	const Struct *v = (const Struct *) PG_GETARG_POINTER(0); \
\
	PG_RETURN_CSTRING(pnstrdup(v->data, textlen(v))); \
} \
PG_FUNCTION_INFO_V1(mc_##type##_recv); \
Datum \
mc_##type##_recv(PG_FUNCTION_ARGS) \
{ \
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0); \
	int			nbytes; \
	char	   *str = pq_getmsgtext(buf, buf->len - buf->cursor, &nbytes); \
\
	PG_RETURN_POINTER(type##_parse(str, str)); \
} \
PG_FUNCTION_INFO_V1(mc_##type##_send); \
Datum \
mc_##type##_send(PG_FUNCTION_ARGS) \
{ \
	const Struct *v = (const Struct *) PG_GETARG_POINTER(0); \
	StringInfoData buf; \
\
	pq_begintypsend(&buf); \
	pq_sendtext(&buf, v->data, textlen(v)); \
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf)); \
} \
PG_FUNCTION_INFO_V1(mc_try_##type); \
Datum \
mc_try_##type(PG_FUNCTION_ARGS) \
{ \
	char	   *str = text_to_cstring(PG_GETARG_TEXT_PP(0)); \
	Struct##Check chk; \
\
	if (!type##_check(str, &chk)) \
		PG_RETURN_NULL(); \
	PG_RETURN_POINTER(type##_make(&chk)); \
} \
PG_FUNCTION_INFO_V1(mc_##type##_hash); \
Datum \
mc_##type##_hash(PG_FUNCTION_ARGS) \
{ \
	const Struct *v = (const Struct *) PG_GETARG_POINTER(0); \
\
	return hash_any((const unsigned char *) v->data, textlen(v)); \
} \
PG_FUNCTION_INFO_V1(mc_##type##_hash_extended); \
Datum \
mc_##type##_hash_extended(PG_FUNCTION_ARGS) \
{ \
	const Struct *v = (const Struct *) PG_GETARG_POINTER(0); \
\
	return hash_any_extended((const unsigned char *) v->data, textlen(v), \
							 PG_GETARG_INT64(1)); \
} \
MC_BYTE_ORDER_FUNCTIONS(type, Struct)

#endif							/* MINECONSOL_TYPEINPUT_H */
