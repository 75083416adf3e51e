/*
 * license_no.c
 *		The license_no type: a mining or exploration licence number
 *		(docs/formats.md, "Licence numbers").
 *
 * Accepted forms, with 1-based character positions:
 *
 *	C + 22 digits	mining licence: 2-7 GB/T 2260 code of the issuing
 *					authority, 8-13 year and month of issue (YYYYMM),
 *					14-23 digits of unpublished meaning
 *	T + 22 digits	exploration licence, current form: laid out like C
 *	T + 17 digits	legacy exploration licence (2008-2020): 2-3 authority,
 *					4 transfer method (1-5), 5-10 YYYYMM, 11-12 mineral
 *					class (01-04), 13-18 sequence
 *
 * The year of issue must lie in LICENSE_NO_MIN_YEAR..LICENSE_NO_MAX_YEAR and
 * the month in 01..12.  Input is trimmed of surrounding ASCII white space;
 * nothing else is corrected (a lower-case "c", an inner space or a full-width
 * digit is an error).
 *
 * Storage: a fixed-length 23-byte value passed by reference, holding the
 * canonical text (the trimmed input, ASCII only), padded with zero bytes
 * for the 18-character legacy form.  There is no length word and no
 * alignment padding.  A zero byte sorts below every digit, so comparing the
 * 23 bytes with memcmp() orders values exactly like their text in the C
 * collation (a legacy number sorts before the 23-character numbers it is a
 * prefix of), and equal values are bytewise equal, which the hash functions
 * and btree deduplication rely on.
 *
 * Validation is done once, in license_no_check(), which describes the first
 * fault it finds instead of raising it: the input and receive functions
 * report the fault, try_license_no() returns NULL, and no error is ever
 * caught.
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"

#include "mineconsol.h"
#include "typeinput.h"

#define LICENSE_NO_LEN			23	/* C or T + 22 digits; the storage size */
#define LICENSE_NO_LEGACY_LEN	18	/* T + 17 digits */

/* Plausible years of issue, both ends included. */
#define LICENSE_NO_MIN_YEAR		1950
#define LICENSE_NO_MAX_YEAR		2100

/* 1-based positions of the fields of the current (23-character) form */
#define CURRENT_AUTHORITY_POS	2
#define CURRENT_AUTHORITY_LEN	6
#define CURRENT_YEAR_POS		8

/* ... and of the legacy exploration form */
#define LEGACY_AUTHORITY_POS	2
#define LEGACY_AUTHORITY_LEN	2
#define LEGACY_TRANSFER_POS		4
#define LEGACY_YEAR_POS			5
#define LEGACY_MINERAL_POS		11

typedef struct LicenseNo
{
	char		data[LICENSE_NO_LEN];	/* canonical text, zero-padded */
} LicenseNo;

#define DatumGetLicenseNoP(X)		((LicenseNo *) DatumGetPointer(X))
#define PG_GETARG_LICENSE_NO_P(n)	DatumGetLicenseNoP(PG_GETARG_DATUM(n))

/* What is wrong with a value, as found by license_no_check() */
typedef enum LicenseNoFault
{
	LICENSE_NO_OK,
	LICENSE_NO_EMPTY,
	LICENSE_NO_BAD_PREFIX,
	LICENSE_NO_NOT_DIGIT,
	LICENSE_NO_BAD_LENGTH,
	LICENSE_NO_BAD_YEAR,
	LICENSE_NO_BAD_MONTH,
	LICENSE_NO_BAD_TRANSFER,
	LICENSE_NO_BAD_MINERAL
} LicenseNoFault;

/* The first fault license_no_check() found (the fields: typeinput.h). */
typedef struct LicenseNoCheck
{
	LicenseNoFault fault;
	MC_INPUT_CHECK_FIELDS;
} LicenseNoCheck;

/* Check the YYYYMM field at 1-based position pos of chk->value. */
static bool
license_no_check_month(LicenseNoCheck *chk, int pos)
{
	const char *year = chk->value + pos - 1;
	const char *month = year + 4;
	int			y = mc_digits_value(year, 4);
	int			m = mc_digits_value(month, 2);

	if (y < LICENSE_NO_MIN_YEAR || y > LICENSE_NO_MAX_YEAR)
		return MC_INPUT_FAULT(chk, LICENSE_NO_BAD_YEAR, pos, year, 4);
	if (m < 1 || m > 12)
		return MC_INPUT_FAULT(chk, LICENSE_NO_BAD_MONTH, pos + 4, month, 2);
	return true;
}

/*
 * license_no_check
 *		Validate str (a NUL-terminated string in the server encoding).
 *		Returns true if it is a licence number; otherwise false, with the
 *		first fault described in *chk.  In both cases chk->value and
 *		chk->len give the trimmed value.
 */
static bool
license_no_check(const char *str, LicenseNoCheck *chk)
{
	const char *p;
	const char *end;
	int			pos;
	int			mineral;

	memset(chk, 0, sizeof(*chk));
	chk->len = mc_trim_ascii_space(str, &chk->value);
	p = chk->value;
	end = p + chk->len;

	if (chk->len == 0)
		return MC_INPUT_FAULT(chk, LICENSE_NO_EMPTY, 0, NULL, 0);
	if (*p != 'C' && *p != 'T')
		return MC_INPUT_FAULT(chk, LICENSE_NO_BAD_PREFIX, 1, p, pg_mblen(p));

	/*
	 * Only digits after the prefix.  Up to the first non-digit every
	 * character is one ASCII byte, so byte and character positions agree.
	 */
	for (p++, pos = 2; p < end; p++, pos++)
	{
		if (!mc_is_digit(*p))
			return MC_INPUT_FAULT(chk, LICENSE_NO_NOT_DIGIT, pos, p, pg_mblen(p));
	}

	if (chk->len == LICENSE_NO_LEN)
		return license_no_check_month(chk, CURRENT_YEAR_POS);

	if (chk->len != LICENSE_NO_LEGACY_LEN || chk->value[0] != 'T')
		return MC_INPUT_FAULT(chk, LICENSE_NO_BAD_LENGTH, 0, NULL, 0);

	p = chk->value + LEGACY_TRANSFER_POS - 1;
	if (*p < '1' || *p > '5')
		return MC_INPUT_FAULT(chk, LICENSE_NO_BAD_TRANSFER,
									  LEGACY_TRANSFER_POS, p, 1);
	if (!license_no_check_month(chk, LEGACY_YEAR_POS))
		return false;
	p = chk->value + LEGACY_MINERAL_POS - 1;
	mineral = mc_digits_value(p, 2);
	if (mineral < 1 || mineral > 4)
		return MC_INPUT_FAULT(chk, LICENSE_NO_BAD_MINERAL,
									  LEGACY_MINERAL_POS, p, 2);
	return true;
}

static bool
all_digits(const char *p, int len)
{
	while (len-- > 0)
		if (!mc_is_digit(*p++))
			return false;
	return true;
}

/* The sentence saying what was expected, for errdetail. */
static char *
license_no_fault_detail(const LicenseNoCheck *chk)
{
	switch (chk->fault)
	{
		case LICENSE_NO_EMPTY:
			return pstrdup(mc_gettext("The value is empty or only white space; expected \"C\" followed by 22 digits, or \"T\" followed by 22 or 17 digits."));
		case LICENSE_NO_BAD_PREFIX:
			return psprintf(mc_gettext("A licence number starts with \"C\" (mining) or \"T\" (exploration), not \"%.*s\"."),
							chk->atlen, chk->at);
		case LICENSE_NO_NOT_DIGIT:
			return psprintf(mc_gettext("Only digits may follow the prefix letter, but position %d is \"%.*s\"."),
							chk->pos, chk->atlen, chk->at);
		case LICENSE_NO_BAD_LENGTH:
			if (chk->value[0] == 'C')
				return psprintf(mc_gettext("A mining licence number has %d characters (\"C\" and %d digits), but this one has %d."),
								LICENSE_NO_LEN, LICENSE_NO_LEN - 1, chk->len);
			return psprintf(mc_gettext("An exploration licence number has %d characters (\"T\" and %d digits) or, in the legacy form, %d (\"T\" and %d digits), but this one has %d."),
							LICENSE_NO_LEN, LICENSE_NO_LEN - 1,
							LICENSE_NO_LEGACY_LEN, LICENSE_NO_LEGACY_LEN - 1,
							chk->len);
		case LICENSE_NO_BAD_YEAR:
			return psprintf(mc_gettext("Positions %d-%d hold the year of issue, which must be between %d and %d, but they are \"%.*s\"."),
							chk->pos, chk->pos + 3,
							LICENSE_NO_MIN_YEAR, LICENSE_NO_MAX_YEAR,
							chk->atlen, chk->at);
		case LICENSE_NO_BAD_MONTH:
			return psprintf(mc_gettext("Positions %d-%d hold the month of issue, which must be 01 to 12, but they are \"%.*s\"."),
							chk->pos, chk->pos + 1, chk->atlen, chk->at);
		case LICENSE_NO_BAD_TRANSFER:
			return psprintf(mc_gettext("Position %d of a legacy exploration licence number holds the transfer method, which must be 1 to 5 (application, tender, auction, listing, negotiated), but it is \"%.*s\"."),
							chk->pos, chk->atlen, chk->at);
		case LICENSE_NO_BAD_MINERAL:
			return psprintf(mc_gettext("Positions %d-%d of a legacy exploration licence number hold the mineral class, which must be 01 to 04 (energy, metal, non-metal, water or gas), but they are \"%.*s\"."),
							chk->pos, chk->pos + 1, chk->atlen, chk->at);
		case LICENSE_NO_OK:
			break;
	}
	elog(ERROR, "unexpected license_no fault %d", (int) chk->fault);
	return NULL;				/* keep compiler quiet */
}

/*
 * A hint for the mistakes seen in published registers, or NULL: a number
 * that lost its prefix letter, or a lower-case prefix.
 */
static const char *
license_no_fault_hint(const LicenseNoCheck *chk)
{
	if (chk->fault != LICENSE_NO_BAD_PREFIX)
		return NULL;
	if (*chk->at == 'c' || *chk->at == 't')
		return mc_gettext("Lower-case letters are not converted; write the prefix as an upper-case \"C\" or \"T\".");
	if (all_digits(chk->value, chk->len))
	{
		if (chk->len == LICENSE_NO_LEN - 1)
			return mc_gettext("A value of 22 digits is probably a mining licence number that lost its leading \"C\".");
		if (chk->len == LICENSE_NO_LEGACY_LEN - 1)
			return mc_gettext("A value of 17 digits is probably a legacy exploration licence number that lost its leading \"T\".");
	}
	return NULL;
}

static void license_no_report(const char *input, const LicenseNoCheck *chk)
			pg_attribute_noreturn();

static void
license_no_report(const char *input, const LicenseNoCheck *chk)
{
	const char *hint = license_no_fault_hint(chk);

	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"",
					"license_no", input),
			 errdetail("%s", license_no_fault_detail(chk)),
			 hint ? errhint("%s", hint) : 0));
}

/* A new license_no from a value license_no_check() accepted. */
static LicenseNo *
license_no_make(const LicenseNoCheck *chk)
{
	LicenseNo  *result = palloc0(sizeof(LicenseNo));

	memcpy(result->data, chk->value, chk->len);
	return result;
}


static int
license_no_strlen(const LicenseNo *ln)
{
	return (int) strnlen(ln->data, LICENSE_NO_LEN);
}

static bool
license_no_is_legacy(const LicenseNo *ln)
{
	return ln->data[LICENSE_NO_LEGACY_LEN] == '\0';
}

/*
 * mc_license_no_in, _out, _recv, _send, mc_try_license_no, mc_license_no_hash
 * and _hash_extended: the text without its zero padding.  Comparison: the
 * text in byte order (zero padding sorts below every digit):
 * mc_license_no_cmp, mc_license_no_eq, mc_license_no_ne, mc_license_no_lt,
 * mc_license_no_le, mc_license_no_gt and mc_license_no_ge.
 */
MC_TEXT_TYPE_FUNCTIONS(license_no, LicenseNo, license_no_strlen);

/* Fields */

PG_FUNCTION_INFO_V1(mc_license_authority);
Datum
mc_license_authority(PG_FUNCTION_ARGS)
{
	LicenseNo  *ln = PG_GETARG_LICENSE_NO_P(0);

	if (license_no_is_legacy(ln))
		PG_RETURN_TEXT_P(cstring_to_text_with_len(ln->data + LEGACY_AUTHORITY_POS - 1,
												  LEGACY_AUTHORITY_LEN));
	PG_RETURN_TEXT_P(cstring_to_text_with_len(ln->data + CURRENT_AUTHORITY_POS - 1,
											  CURRENT_AUTHORITY_LEN));
}

PG_FUNCTION_INFO_V1(mc_license_issued);
Datum
mc_license_issued(PG_FUNCTION_ARGS)
{
	LicenseNo  *ln = PG_GETARG_LICENSE_NO_P(0);
	const char *year = ln->data - 1 +
		(license_no_is_legacy(ln) ? LEGACY_YEAR_POS : CURRENT_YEAR_POS);

	PG_RETURN_DATEADT(date2j(mc_digits_value(year, 4),
							 mc_digits_value(year + 4, 2), 1)
					  - POSTGRES_EPOCH_JDATE);
}

PG_FUNCTION_INFO_V1(mc_license_kind);
Datum
mc_license_kind(PG_FUNCTION_ARGS)
{
	LicenseNo  *ln = PG_GETARG_LICENSE_NO_P(0);

	PG_RETURN_TEXT_P(cstring_to_text(ln->data[0] == 'C' ? "mining" : "exploration"));
}
