/*
 * uscc.c
 *		The uscc type: a unified social credit code (GB 32100-2015,
 *		docs/formats.md, "Unified social credit codes").
 *
 * 18 characters from the alphabet 0-9 A-H J-N P-R T U W-Y (no I, O, S, V,
 * Z), whose characters have the values 0..30 in that order; with 1-based
 * positions:
 *
 *	1		registering body
 *	2		entity kind
 *	3-8		GB/T 2260 code of the registering authority (digits)
 *	9-17	organisation code
 *	18		check character: (31 - sum(value_i * 3^(i-1) mod 31) mod 31) mod 31
 *
 * Input is trimmed of surrounding ASCII white space; nothing else is
 * corrected (lower-case letters are refused, not upper-cased).
 *
 * Storage: a fixed-length 18-byte value passed by reference, holding the
 * characters themselves (ASCII, no terminator).  Comparing the bytes with
 * memcmp() orders values like their text in the C collation, and equal
 * values are bytewise equal, which hashing and btree deduplication rely on.
 *
 * As in license_no.c, uscc_check() describes the first fault instead of
 * raising it, so that try_uscc() never has to catch an error.
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"

#include "mineconsol.h"
#include "typeinput.h"

#define USCC_LEN			18
#define USCC_REGION_POS		3	/* 1-based */
#define USCC_REGION_LEN		6
#define USCC_RADIX			31

static const char uscc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* 3^(i-1) mod 31 for positions i = 1..17 */
static const int uscc_weights[USCC_LEN - 1] = {
	1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28
};

typedef struct Uscc
{
	char		data[USCC_LEN];
} Uscc;

#define DatumGetUsccP(X)		((Uscc *) DatumGetPointer(X))
#define PG_GETARG_USCC_P(n)		DatumGetUsccP(PG_GETARG_DATUM(n))

typedef enum UsccFault
{
	USCC_OK,
	USCC_EMPTY,
	USCC_LOWER_CASE,
	USCC_NOT_IN_ALPHABET,
	USCC_BAD_LENGTH,
	USCC_REGION_NOT_DIGIT,
	USCC_BAD_CHECK
} UsccFault;

/* The first fault uscc_check() found (the fields: typeinput.h). */
typedef struct UsccCheck
{
	UsccFault	fault;
	MC_INPUT_CHECK_FIELDS;
	char		expected;		/* the right check character */
} UsccCheck;

/* The value 0..30 of an alphabet character, or -1. */
static int
uscc_char_value(char c)
{
	const char *p;

	if (c == '\0')
		return -1;
	p = strchr(uscc_alphabet, c);
	return p ? (int) (p - uscc_alphabet) : -1;
}

/* The check character for the 17 alphabet characters at p. */
static char
uscc_check_char(const char *p)
{
	int			sum = 0;
	int			i;

	for (i = 0; i < USCC_LEN - 1; i++)
		sum += uscc_char_value(p[i]) * uscc_weights[i];
	return uscc_alphabet[(USCC_RADIX - sum % USCC_RADIX) % USCC_RADIX];
}

/*
 * uscc_check
 *		Validate str (a NUL-terminated string in the server encoding).
 *		Returns true if it is a unified social credit code; otherwise false,
 *		with the first fault described in *chk.  In both cases chk->value
 *		and chk->len give the trimmed value.
 */
static bool
uscc_check(const char *str, UsccCheck *chk)
{
	const char *p;
	const char *end;
	int			pos;

	memset(chk, 0, sizeof(*chk));
	chk->len = mc_trim_ascii_space(str, &chk->value);
	end = chk->value + chk->len;

	if (chk->len == 0)
		return MC_INPUT_FAULT(chk, USCC_EMPTY, 0, NULL, 0);

	/*
	 * Alphabet first.  Up to the first bad character every character is one
	 * ASCII byte, so byte and character positions agree.
	 */
	for (p = chk->value, pos = 1; p < end; p++, pos++)
	{
		if (*p >= 'a' && *p <= 'z')
			return MC_INPUT_FAULT(chk, USCC_LOWER_CASE, pos, p, 1);
		if (uscc_char_value(*p) < 0)
			return MC_INPUT_FAULT(chk, USCC_NOT_IN_ALPHABET, pos, p, pg_mblen(p));
	}

	if (chk->len != USCC_LEN)
		return MC_INPUT_FAULT(chk, USCC_BAD_LENGTH, 0, NULL, 0);

	for (pos = USCC_REGION_POS; pos < USCC_REGION_POS + USCC_REGION_LEN; pos++)
	{
		p = chk->value + pos - 1;
		if (!mc_is_digit(*p))
			return MC_INPUT_FAULT(chk, USCC_REGION_NOT_DIGIT, pos, p, 1);
	}

	chk->expected = uscc_check_char(chk->value);
	if (chk->value[USCC_LEN - 1] != chk->expected)
		return MC_INPUT_FAULT(chk, USCC_BAD_CHECK, USCC_LEN,
									  chk->value + USCC_LEN - 1, 1);
	return true;
}

/* The sentence saying what was expected, for errdetail. */
static char *
uscc_fault_detail(const UsccCheck *chk)
{
	switch (chk->fault)
	{
		case USCC_EMPTY:
			return psprintf(mc_gettext("The value is empty or only white space; expected %d characters."),
							USCC_LEN);
		case USCC_LOWER_CASE:
			return psprintf(mc_gettext("Position %d is the lower-case letter \"%.*s\"; letters in a unified social credit code are upper-case, and lower case is not converted."),
							chk->pos, chk->atlen, chk->at);
		case USCC_NOT_IN_ALPHABET:
			return psprintf(mc_gettext("A unified social credit code uses only the digits 0-9 and the letters A-Y without I, O, S, V and Z, but position %d is \"%.*s\"."),
							chk->pos, chk->atlen, chk->at);
		case USCC_BAD_LENGTH:
			return psprintf(mc_gettext("A unified social credit code has %d characters, but this one has %d."),
							USCC_LEN, chk->len);
		case USCC_REGION_NOT_DIGIT:
			return psprintf(mc_gettext("Positions %d-%d hold the GB/T 2260 code of the registering authority and must be digits, but position %d is \"%.*s\"."),
							USCC_REGION_POS, USCC_REGION_POS + USCC_REGION_LEN - 1,
							chk->pos, chk->atlen, chk->at);
		case USCC_BAD_CHECK:
			return psprintf(mc_gettext("The check character \"%.*s\" at position %d does not match the first %d characters."),
							chk->atlen, chk->at, chk->pos, USCC_LEN - 1);
		case USCC_OK:
			break;
	}
	elog(ERROR, "unexpected uscc fault %d", (int) chk->fault);
	return NULL;				/* keep compiler quiet */
}

static void uscc_report(const char *input, const UsccCheck *chk)
			pg_attribute_noreturn();

static void
uscc_report(const char *input, const UsccCheck *chk)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"", "uscc", input),
			 errdetail("%s", uscc_fault_detail(chk)),
			 chk->fault == USCC_BAD_CHECK ?
			 errhint("The check character for \"%.*s\" is \"%c\".",
					 USCC_LEN - 1, chk->value, chk->expected) : 0));
}

/* A new uscc from a value uscc_check() accepted. */
static Uscc *
uscc_make(const UsccCheck *chk)
{
	Uscc	   *result = palloc(sizeof(Uscc));

	memcpy(result->data, chk->value, USCC_LEN);
	return result;
}


/* The text of a uscc: all of its 18 bytes. */
static int
uscc_strlen(const Uscc *u)
{
	return USCC_LEN;
}

/*
 * mc_uscc_in, _out, _recv, _send, mc_try_uscc, mc_uscc_hash and
 * _hash_extended.  Comparison: the text in byte order (the characters
 * themselves): mc_uscc_cmp, mc_uscc_eq, mc_uscc_ne, mc_uscc_lt, mc_uscc_le,
 * mc_uscc_gt and mc_uscc_ge.
 */
MC_TEXT_TYPE_FUNCTIONS(uscc, Uscc, uscc_strlen);

/* Fields */

PG_FUNCTION_INFO_V1(mc_uscc_region);
Datum
mc_uscc_region(PG_FUNCTION_ARGS)
{
	Uscc	   *u = PG_GETARG_USCC_P(0);

	PG_RETURN_TEXT_P(cstring_to_text_with_len(u->data + USCC_REGION_POS - 1,
											  USCC_REGION_LEN));
}
