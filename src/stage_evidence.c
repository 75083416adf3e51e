/*
 * stage_evidence.c
 *		The checks of a step's evidence: the jsonb object a step carries in
 *		stage_evidence (and advance()'s argument), against the keys its row
 *		of stage_transitions requires.
 *
 * date: an ISO date (util.c's parser), from EVIDENCE_MIN_DATE, not after
 * tomorrow, not before the date of the step that reached the row's current
 * stage; shares: holder → fraction, summing to exactly 1; license_no: a
 * valid licence number (license_no.c's parser); any other key: a non-empty
 * value.  Evidence and revert reasons are bounded (EVIDENCE_MAX_BYTES).
 */
#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "i18n.h"
#include "mineconsol.h"
#include "stage.h"

/* The earliest evidence date accepted: before the programme, and before any plausible document. */
#define EVIDENCE_MIN_DATE	"2000-01-01"

/*
 * The largest evidence (jsonb, bytes) or revert reason accepted.  Evidence
 * names documents (number, date, body, media, shares); the documents
 * themselves belong in a document store.  Every event is kept for ever, so
 * a bound keeps one careless or hostile step from filling the audit trail.
 */
#define EVIDENCE_MAX_BYTES	16384

static DateADT
evidence_min_date(void)
{
	DateADT		d;

	if (!mc_parse_iso_date(EVIDENCE_MIN_DATE, strlen(EVIDENCE_MIN_DATE), &d))
		elog(ERROR, "invalid EVIDENCE_MIN_DATE");
	return d;
}

/* The date of a step's evidence (the "date" key), when it is a valid ISO date. */
bool
mc_evidence_date(Jsonb *ev, DateADT *date)
{
	JsonbValue *v;

	if (ev == NULL || !JB_ROOT_IS_OBJECT(ev))
		return false;
	v = getKeyJsonValueFromContainer(&ev->root, "date", 4, NULL);
	return v != NULL && v->type == jbvString &&
		mc_parse_iso_date(v->val.string.val, v->val.string.len, date);
}

/* Refuse evidence (or a revert reason) larger than EVIDENCE_MAX_BYTES: 54000. */
void
mc_check_evidence_size(Size size, const char *what, const char *row)
{
	if (size > EVIDENCE_MAX_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s of %s is too large", what, row),
				 errdetail("It takes %zu bytes; the limit is %d bytes, and every event is kept for ever.",
						   size, EVIDENCE_MAX_BYTES),
				 errhint("Name the documents (number, date, issuing body) and keep the documents themselves elsewhere.")));
}

static char *
jsonb_value_text(JsonbValue *v)
{
	Jsonb	   *jb = JsonbValueToJsonb(v);

	return JsonbToCString(NULL, &jb->root, VARSIZE(jb));
}

static const char *
jsonb_kind(Jsonb *jb)
{
	if (JB_ROOT_IS_SCALAR(jb))
		return mc_gettext("a scalar");
	if (JB_ROOT_IS_ARRAY(jb))
		return mc_gettext("an array");
	return mc_gettext("an object");
}

/* Append "; " between items of a list. */
static void
list_sep(StringInfo buf)
{
	if (buf->len > 0)
		appendStringInfoString(buf, mc_gettext("; "));
}

/* shares: a non-empty object of holder → number > 0, summing to exactly 1. */
static void
check_shares(JsonbValue *v, StringInfo invalid)
{
	JsonbIterator *it;
	JsonbValue	k,
				val;
	JsonbIteratorToken tok;
	Numeric		sum = int64_to_numeric(0);
	Numeric		zero = int64_to_numeric(0);
	int			n = 0;

	if (v->type != jbvBinary || !JsonContainerIsObject(v->val.binary.data))
	{
		list_sep(invalid);
		appendStringInfo(invalid, mc_gettext("shares must be an object of holder → fraction, got %s"),
						 jsonb_value_text(v));
		return;
	}
	it = JsonbIteratorInit(v->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &k, false)) != WJB_DONE)
	{
		if (tok != WJB_KEY)
			continue;
		tok = JsonbIteratorNext(&it, &val, true);
		n++;
		if (val.type != jbvNumeric ||
			DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(val.val.numeric),
											  NumericGetDatum(zero))) <= 0)
		{
			list_sep(invalid);
			appendStringInfo(invalid, mc_gettext("the share of \"%.*s\" must be a number greater than 0, got %s"),
							 k.val.string.len, k.val.string.val, jsonb_value_text(&val));
			return;
		}
		sum = DatumGetNumeric(DirectFunctionCall2(numeric_add, NumericGetDatum(sum),
												  NumericGetDatum(val.val.numeric)));
	}
	if (n == 0)
	{
		list_sep(invalid);
		appendStringInfoString(invalid, mc_gettext("shares must name at least one holder"));
		return;
	}
	if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(sum),
										  NumericGetDatum(int64_to_numeric(1)))) != 0)
	{
		list_sep(invalid);
		appendStringInfo(invalid, mc_gettext("shares must sum to 1 (fractions, not percentages), got %s"),
						 DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(sum))));
	}
}

static bool
license_no_valid(const char *s, int len)
{
	LOCAL_FCINFO(fc, 1);

	InitFunctionCallInfoData(*fc, NULL, 1, InvalidOid, NULL, NULL);
	fc->args[0].value = PointerGetDatum(cstring_to_text_with_len(s, len));
	fc->args[0].isnull = false;
	(void) mc_try_license_no(fc);
	return !fc->isnull;
}

/*
 * Check evidence against the keys of a step: list the missing keys and the
 * invalid values.  *date gets the evidence date when it is valid.
 *
 * The date is the date of the step's document: an ISO date, not before
 * EVIDENCE_MIN_DATE, not after tomorrow (a day of slack for time zones and
 * for recording a document dated today before midnight elsewhere), and,
 * when prev_date is given (the date of the step that reached the row's
 * current stage, prev_stage), not before it: steps happen in order.
 */
void
mc_check_evidence(Jsonb *ev, const StageStep *step, StringInfo missing,
			   StringInfo invalid, DateADT *date, bool *date_set,
			   const DateADT *prev_date, const char *prev_stage)
{
	int			i;

	*date_set = false;
	if (ev != NULL && !JB_ROOT_IS_OBJECT(ev))
	{
		appendStringInfo(invalid, mc_gettext("the evidence must be a JSON object, got %s"), jsonb_kind(ev));
		ev = NULL;
	}
	for (i = 0; i < step->nkeys; i++)
	{
		const char *key = step->keys[i];
		JsonbValue *v = NULL;

		if (ev != NULL)
			v = getKeyJsonValueFromContainer(&ev->root, key, strlen(key), NULL);
		if (v == NULL || v->type == jbvNull ||
			(v->type == jbvString && v->val.string.len == 0))
		{
			appendStringInfo(missing, "%s%s", missing->len ? mc_gettext(", ") : "", key);
			continue;
		}
		if (strcmp(key, "date") == 0)
		{
			if (v->type != jbvString ||
				!mc_parse_iso_date(v->val.string.val, v->val.string.len, date))
			{
				list_sep(invalid);
				appendStringInfo(invalid, mc_gettext("date must be an ISO date (YYYY-MM-DD), got %s"),
								 jsonb_value_text(v));
			}
			else if (*date < evidence_min_date())
			{
				list_sep(invalid);
				appendStringInfo(invalid, mc_gettext("date %s is before %s, when no document of the programme can be dated"),
								 mc_date_text(*date), EVIDENCE_MIN_DATE);
			}
			else if (*date > GetSQLCurrentDate() + 1)
			{
				list_sep(invalid);
				appendStringInfo(invalid, mc_gettext("date %s is in the future (more than a day after today)"),
								 mc_date_text(*date));
			}
			else if (prev_date != NULL && *date < *prev_date)
			{
				list_sep(invalid);
				appendStringInfo(invalid, mc_gettext("date %s is before %s, the date of the step that reached \"%s\""),
								 mc_date_text(*date), mc_date_text(*prev_date), mc_label_cstring("stage", prev_stage));
			}
			else
				*date_set = true;
		}
		else if (strcmp(key, "shares") == 0)
			check_shares(v, invalid);
		else if (strcmp(key, "license_no") == 0)
		{
			if (v->type != jbvString ||
				!license_no_valid(v->val.string.val, v->val.string.len))
			{
				list_sep(invalid);
				appendStringInfo(invalid, mc_gettext("license_no must be a valid licence number (type license_no), got %s"),
								 jsonb_value_text(v));
			}
		}
	}
}
