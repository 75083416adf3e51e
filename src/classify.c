/*
 * classify.c
 *		classify(mine_facts) -> verdict: the plan's dispositions (clause
 *		三(二)) with every matched rule code and one reason per rule.
 *
 * The function is pure: everything it needs is a field of its argument,
 * computed by the mine_facts view (penalty windows, zone overlaps, the merge
 * cluster, the retained mine, the parameters in force).  Fields are found by
 * name, once per row type, so adding a column to mine_facts breaks nothing;
 * a missing field or one of another type is an error naming it.
 *
 * Precedence (docs/rules.md, "Precedence"), first wins:
 *	out of scope > C1 ban > C2 close > C4 refer > C3 rectify/close >
 *	C6 merge_retain/merge_close > E1 close > C5 exit > R retain.
 * The rules array starts with the decisive code and lists every other rule
 * that matched after it, in the order above, then L1/L3/S4/A1 notes and the
 * scope basis (S1-S3).  A fact a rule needs but that is missing yields an
 * entry "<code>?" whose reason says what is missing: never a silent pass.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/typcache.h"

#include "mineconsol.h"

/* ------------------------------------------------------------------------
 * The fields of mine_facts that classify() reads
 * ------------------------------------------------------------------------
 */
typedef enum FactField
{
	F_ID,
	F_AS_OF,
	F_IN_SCOPE,
	F_LICENSED_BY,
	F_LICENCE_VALID,
	F_VALID_TO,
	F_RESERVES_T,
	F_AREA_KM2,
	F_DOCUMENTS_INCOMPLETE,
	F_AREA_DELINEATED,
	F_C1_ACT_ON,
	F_C1_PENALTIES,
	F_C1_FIRST_PENALTY,
	F_C1_LAST_PENALTY,
	F_EXPIRY_CAUSE,
	F_ECO_OK,
	F_SAFETY_OK,
	F_PRODUCT_OK,
	F_RECTIFY_BY,
	F_C4_ZONES,
	F_C4_OVERLAP_KM2,
	F_ORE_BODY,
	F_CLUSTER_ID,
	F_CLUSTER_SIZE,
	F_RETAINED_MINE_ID,
	F_CLUSTER_SCALE_CLASS,
	F_ANCHOR,
	F_M1_SMALL,
	F_L2_SMALL,
	F_SCALE_CLASS,
	F_CONCENTRATED_ZONE,
	F_BACKWARD_PROCESS,
	F_RESTORATION_OK,
	F_TRANSFER_MODE,
	F_FAKE_CONSOLIDATION_SUSPECTED,
	F_L1_SAME_HOLDER_IDS,
	F_PLANNED_ZONE,
	F_ECO_FRAGILE_ZONES,
	F_GROUP_ENTERPRISE,
	F_DOWNSTREAM_PROCESSING,
	F_GREEN_LISTED,
	F_MERGE_DISTANCE_M,
	F_SAFETY_DISTANCE_M,
	F_SMALL_AREA_KM2,
	F_SMALL_RESERVES_T,
	F_PENALTY_COUNT,
	F_PENALTY_WINDOW_YEARS,
	NUM_FACT_FIELDS
} FactField;

typedef struct FactFieldSpec
{
	const char *name;
	Oid			type;
} FactFieldSpec;

static const FactFieldSpec fact_fields[NUM_FACT_FIELDS] = {
	[F_ID] = {"id", INT8OID},
	[F_AS_OF] = {"as_of", DATEOID},
	[F_IN_SCOPE] = {"in_scope", BOOLOID},
	[F_LICENSED_BY] = {"licensed_by", TEXTOID},
	[F_LICENCE_VALID] = {"licence_valid", BOOLOID},
	[F_VALID_TO] = {"valid_to", DATEOID},
	[F_RESERVES_T] = {"reserves_t", NUMERICOID},
	[F_AREA_KM2] = {"area_km2", FLOAT8OID},
	[F_DOCUMENTS_INCOMPLETE] = {"documents_incomplete", BOOLOID},
	[F_AREA_DELINEATED] = {"area_delineated", BOOLOID},
	[F_C1_ACT_ON] = {"c1_act_on", DATEOID},
	[F_C1_PENALTIES] = {"c1_penalties", INT4OID},
	[F_C1_FIRST_PENALTY] = {"c1_first_penalty", DATEOID},
	[F_C1_LAST_PENALTY] = {"c1_last_penalty", DATEOID},
	[F_EXPIRY_CAUSE] = {"expiry_cause", TEXTOID},
	[F_ECO_OK] = {"eco_ok", BOOLOID},
	[F_SAFETY_OK] = {"safety_ok", BOOLOID},
	[F_PRODUCT_OK] = {"product_ok", BOOLOID},
	[F_RECTIFY_BY] = {"rectify_by", DATEOID},
	[F_C4_ZONES] = {"c4_zones", TEXTARRAYOID},
	[F_C4_OVERLAP_KM2] = {"c4_overlap_km2", FLOAT8OID},
	[F_ORE_BODY] = {"ore_body", TEXTOID},
	[F_CLUSTER_ID] = {"cluster_id", INT4OID},
	[F_CLUSTER_SIZE] = {"cluster_size", INT4OID},
	[F_RETAINED_MINE_ID] = {"retained_mine_id", INT8OID},
	[F_CLUSTER_SCALE_CLASS] = {"cluster_scale_class", TEXTOID},
	[F_ANCHOR] = {"anchor", BOOLOID},
	[F_M1_SMALL] = {"m1_small", BOOLOID},
	[F_L2_SMALL] = {"l2_small", BOOLOID},
	[F_SCALE_CLASS] = {"scale_class", TEXTOID},
	[F_CONCENTRATED_ZONE] = {"concentrated_zone", TEXTOID},
	[F_BACKWARD_PROCESS] = {"backward_process", BOOLOID},
	[F_RESTORATION_OK] = {"restoration_ok", BOOLOID},
	[F_TRANSFER_MODE] = {"transfer_mode", TEXTOID},
	[F_FAKE_CONSOLIDATION_SUSPECTED] = {"fake_consolidation_suspected", BOOLOID},
	[F_L1_SAME_HOLDER_IDS] = {"l1_same_holder_ids", INT8ARRAYOID},
	[F_PLANNED_ZONE] = {"planned_zone", TEXTOID},
	[F_ECO_FRAGILE_ZONES] = {"eco_fragile_zones", TEXTARRAYOID},
	[F_GROUP_ENTERPRISE] = {"group_enterprise", BOOLOID},
	[F_DOWNSTREAM_PROCESSING] = {"downstream_processing", BOOLOID},
	[F_GREEN_LISTED] = {"green_listed", BOOLOID},
	[F_MERGE_DISTANCE_M] = {"merge_distance_m", NUMERICOID},
	[F_SAFETY_DISTANCE_M] = {"safety_distance_m", NUMERICOID},
	[F_SMALL_AREA_KM2] = {"small_area_km2", NUMERICOID},
	[F_SMALL_RESERVES_T] = {"small_reserves_t", NUMERICOID},
	[F_PENALTY_COUNT] = {"penalty_count", NUMERICOID},
	[F_PENALTY_WINDOW_YEARS] = {"penalty_window_years", NUMERICOID},
};

/* The dispositions, in the order of the SQL enum. */
typedef enum Disposition
{
	D_BAN,
	D_CLOSE,
	D_REFER,
	D_RECTIFY,
	D_MERGE_RETAIN,
	D_MERGE_CLOSE,
	D_EXIT_AT_TERM,
	D_MINE_OUT_THEN_EXIT,
	D_RETAIN,
	D_OUT_OF_SCOPE,
	NUM_DISPOSITIONS
} Disposition;

static const char *const disposition_labels[NUM_DISPOSITIONS] = {
	"ban", "close", "refer", "rectify", "merge_retain", "merge_close",
	"exit_at_term", "mine_out_then_exit", "retain", "out_of_scope"
};

/*
 * Per-call cache (fn_extra): where each field sits in the argument's row
 * type, and what the result needs.  Rebuilt when the row type changes.
 */
typedef struct ClassifyCache
{
	Oid			tupType;
	int32		tupTypmod;
	TupleDesc	argDesc;
	int			attno[NUM_FACT_FIELDS]; /* 0-based index into the row */
	Datum	   *values;
	bool	   *nulls;
	TupleDesc	resultDesc;
	Oid			dispositionOid[NUM_DISPOSITIONS];
	Datum		zero;			/* numeric 0, for signs */
	/* rule codes as text datums, by the address of their literal */
	int			ncodes;
	const char *code_literal[32];
	Datum		code_text[32];
} ClassifyCache;

/* One matched rule: its code and the sentence saying why. */
typedef struct Hit
{
	const char *code;
	char	   *reason;
} Hit;

#define MAX_HITS 24

typedef struct Verdict
{
	Disposition disposition;
	int			decisive;		/* index into hits, -1 until decided */
	int			nhits;
	Hit			hits[MAX_HITS];
} Verdict;

/* ------------------------------------------------------------------------
 * Reading the row
 * ------------------------------------------------------------------------
 */
static ClassifyCache *
classify_cache_build(FunctionCallInfo fcinfo, Oid tupType, int32 tupTypmod)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	ClassifyCache *cache = palloc0(sizeof(ClassifyCache));
	TupleDesc	desc = lookup_rowtype_tupdesc(tupType, tupTypmod);
	TupleDesc	resultDesc;
	int			f;

	cache->tupType = tupType;
	cache->tupTypmod = tupTypmod;
	cache->argDesc = CreateTupleDescCopy(desc);
	ReleaseTupleDesc(desc);
	cache->values = palloc(sizeof(Datum) * cache->argDesc->natts);
	cache->nulls = palloc(sizeof(bool) * cache->argDesc->natts);

	for (f = 0; f < NUM_FACT_FIELDS; f++)
	{
		int			i;

		cache->attno[f] = -1;
		for (i = 0; i < cache->argDesc->natts; i++)
		{
			Form_pg_attribute att = TupleDescAttr(cache->argDesc, i);

			if (!att->attisdropped &&
				strcmp(NameStr(att->attname), fact_fields[f].name) == 0)
			{
				if (att->atttypid != fact_fields[f].type)
					ereport(ERROR,
							(errcode(ERRCODE_DATATYPE_MISMATCH),
							 errmsg("classify: field \"%s\" is of type %s, expected %s",
									fact_fields[f].name,
									format_type_be(att->atttypid),
									format_type_be(fact_fields[f].type)),
							 errhint("Pass a row of mineconsol.mine_facts.")));
				cache->attno[f] = i;
				break;
			}
		}
		if (cache->attno[f] < 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("classify: the row has no field \"%s\"", fact_fields[f].name),
					 errhint("Pass a row of mineconsol.mine_facts.")));
	}

	if (get_call_result_type(fcinfo, NULL, &resultDesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "classify must return a composite type");
	cache->resultDesc = BlessTupleDesc(CreateTupleDescCopy(resultDesc));
	for (f = 0; f < NUM_DISPOSITIONS; f++)
		cache->dispositionOid[f] =
			DatumGetObjectId(DirectFunctionCall2(enum_in,
												 CStringGetDatum(disposition_labels[f]),
												 ObjectIdGetDatum(TupleDescAttr(cache->resultDesc, 0)->atttypid)));
	cache->zero = DirectFunctionCall1(int4_numeric, Int32GetDatum(0));
	MemoryContextSwitchTo(oldcxt);
	return cache;
}

/* Field accessors over the deformed row; NULL tests come first. */
#define FNULL(c, f)		((c)->nulls[(c)->attno[f]])
#define FDATUM(c, f)	((c)->values[(c)->attno[f]])

static bool
fact_bool(ClassifyCache *c, FactField f, bool if_null)
{
	return FNULL(c, f) ? if_null : DatumGetBool(FDATUM(c, f));
}

static char *
fact_text(ClassifyCache *c, FactField f)
{
	return FNULL(c, f) ? NULL : TextDatumGetCString(FDATUM(c, f));
}

/*
 * The fact as a reason quotes it: a missing one is said to be so, never
 * printed as a value it does not have.
 */
#define UNKNOWN_TEXT "unknown"

static char *
fact_text_quoted(ClassifyCache *c, FactField f)
{
	return FNULL(c, f) ? pstrdup(UNKNOWN_TEXT) : TextDatumGetCString(FDATUM(c, f));
}

static char *
fact_km2_text(ClassifyCache *c, FactField f)
{
	return FNULL(c, f) ? pstrdup(UNKNOWN_TEXT) : psprintf("%.4f", DatumGetFloat8(FDATUM(c, f)));
}

/*
 * The sign of a numeric field (-1, 0, 1), compared with a cached zero:
 * numeric_float8 would go through the text form.
 */
static int
fact_numeric_sign(ClassifyCache *c, FactField f)
{
	Assert(!FNULL(c, f));
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, FDATUM(c, f), c->zero));
}

static char *
fact_numeric_text(ClassifyCache *c, FactField f)
{
	if (FNULL(c, f))
		return pstrdup(UNKNOWN_TEXT);
	return DatumGetCString(DirectFunctionCall1(numeric_out, FDATUM(c, f)));
}

/*
 * A date as YYYY-MM-DD, whatever DateStyle says.  Written digit by digit:
 * every verdict formats a few dates, and psprintf costs more than the rest.
 */
static char *
iso_date(DateADT d)
{
	int			y,
				m,
				day;
	char	   *buf;

	if (DATE_NOT_FINITE(d))
		return pstrdup(DATE_IS_NOBEGIN(d) ? "-infinity" : "infinity");
	j2date(d + POSTGRES_EPOCH_JDATE, &y, &m, &day);
	if (y < 0 || y > 9999)
		return psprintf("%d-%02d-%02d", y, m, day);
	buf = palloc(11);
	buf[0] = '0' + y / 1000;
	buf[1] = '0' + y / 100 % 10;
	buf[2] = '0' + y / 10 % 10;
	buf[3] = '0' + y % 10;
	buf[4] = '-';
	buf[5] = '0' + m / 10;
	buf[6] = '0' + m % 10;
	buf[7] = '-';
	buf[8] = '0' + day / 10;
	buf[9] = '0' + day % 10;
	buf[10] = '\0';
	return buf;
}

static char *
fact_date_text(ClassifyCache *c, FactField f)
{
	return FNULL(c, f) ? pstrdup("(no date)") : iso_date(DatumGetDateADT(FDATUM(c, f)));
}

/* The elements of a text[] field joined with ", " (NULL or empty: NULL). */
static char *
fact_text_list(ClassifyCache *c, FactField f)
{
	ArrayType  *arr;
	Datum	   *elems;
	bool	   *enulls;
	int			n,
				i;
	StringInfoData buf;

	if (FNULL(c, f))
		return NULL;
	arr = DatumGetArrayTypeP(FDATUM(c, f));
	deconstruct_array(arr, ARR_ELEMTYPE(arr), -1, false, TYPALIGN_INT,
					  &elems, &enulls, &n);
	if (n == 0)
		return NULL;
	initStringInfo(&buf);
	for (i = 0; i < n; i++)
	{
		if (enulls[i])
			continue;
		if (buf.len > 0)
			appendStringInfoString(&buf, ", ");
		appendStringInfoString(&buf, TextDatumGetCString(elems[i]));
	}
	return buf.len > 0 ? buf.data : NULL;
}

/* The elements of a bigint[] field joined with ", " (NULL or empty: NULL). */
static char *
fact_id_list(ClassifyCache *c, FactField f, int *count)
{
	ArrayType  *arr;
	Datum	   *elems;
	bool	   *enulls;
	int			n,
				i;
	StringInfoData buf;

	*count = 0;
	if (FNULL(c, f))
		return NULL;
	arr = DatumGetArrayTypeP(FDATUM(c, f));
	deconstruct_array(arr, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &elems, &enulls, &n);
	initStringInfo(&buf);
	for (i = 0; i < n; i++)
	{
		if (enulls[i])
			continue;
		appendStringInfo(&buf, "%s" INT64_FORMAT, buf.len > 0 ? ", " : "",
						 DatumGetInt64(elems[i]));
		(*count)++;
	}
	return *count > 0 ? buf.data : NULL;
}

/* ------------------------------------------------------------------------
 * Building the verdict
 * ------------------------------------------------------------------------
 */
static int
add_hit(Verdict *v, const char *code, char *reason)
{
	if (v->nhits >= MAX_HITS)
		elog(ERROR, "classify: too many rules matched");
	v->hits[v->nhits].code = code;
	v->hits[v->nhits].reason = reason;
	return v->nhits++;
}

/* Record the decisive rule unless a rule of higher precedence already won. */
static void
decide(Verdict *v, Disposition d, int hit)
{
	if (v->decisive < 0)
	{
		v->disposition = d;
		v->decisive = hit;
	}
}

/* Why an out-of-scope mine is out of scope (docs/rules.md, "Scope"). */
static char *
scope_refusal(ClassifyCache *c)
{
	char	   *by = fact_text(c, F_LICENSED_BY);

	if (by == NULL || (strcmp(by, "city") != 0 && strcmp(by, "county") != 0))
		return psprintf("out of scope: licensed by the %s; only mines licensed by the city or a county take part",
						by ? by : "(unknown level)");
	if (FNULL(c, F_LICENCE_VALID))
		return pstrdup("out of scope: the licence's validity dates are not recorded, it was not refused for incomplete documents (S2) and has no delineated area (S3)");
	if (!fact_bool(c, F_LICENCE_VALID, false))
		return psprintf("out of scope: no licence valid on %s (S1), not refused for incomplete documents (S2), no delineated area (S3)",
						fact_date_text(c, F_AS_OF));
	return psprintf("out of scope: no retained reserves recorded (S1), not refused for incomplete documents (S2), no delineated area (S3)");
}

/* Scope basis of an in-scope mine: S1, S2, S3 as they hold. */
static void
scope_basis(Verdict *v, ClassifyCache *c)
{
	if (fact_bool(c, F_LICENCE_VALID, false) && !FNULL(c, F_RESERVES_T) &&
		fact_numeric_sign(c, F_RESERVES_T) > 0)
		add_hit(v, "S1", psprintf("in scope: licence valid on %s (until %s) with %s t of retained reserves",
								  fact_date_text(c, F_AS_OF),
								  fact_date_text(c, F_VALID_TO),
								  fact_numeric_text(c, F_RESERVES_T)));
	if (fact_bool(c, F_DOCUMENTS_INCOMPLETE, false))
		add_hit(v, "S2", pstrdup("in scope: refused or not accepted only because documents were incomplete"));
	if (fact_bool(c, F_AREA_DELINEATED, false))
		add_hit(v, "S3", pstrdup("in scope: a mining area has been delineated"));
}

static void
rule_c1(Verdict *v, ClassifyCache *c)
{
	int			hit;

	if (FNULL(c, F_C1_ACT_ON))
		return;
	hit = add_hit(v, "C1",
				  psprintf("%s illegal-mining penalties between %s and %s, within %s years before the illegal mining of %s: ban",
						   FNULL(c, F_C1_PENALTIES) ? UNKNOWN_TEXT :
						   psprintf("%d", DatumGetInt32(FDATUM(c, F_C1_PENALTIES))),
						   fact_date_text(c, F_C1_FIRST_PENALTY),
						   fact_date_text(c, F_C1_LAST_PENALTY),
						   fact_numeric_text(c, F_PENALTY_WINDOW_YEARS),
						   fact_date_text(c, F_C1_ACT_ON)));
	decide(v, D_BAN, hit);
}

static void
rule_c2(Verdict *v, ClassifyCache *c, DateADT as_of)
{
	char	   *cause;
	int			hit;

	if (FNULL(c, F_VALID_TO) || DatumGetDateADT(FDATUM(c, F_VALID_TO)) >= as_of)
		return;
	cause = fact_text(c, F_EXPIRY_CAUSE);
	if (cause == NULL)
	{
		add_hit(v, "C2?", psprintf("licence expired on %s but expiry_cause is not recorded: whether C2 (close) applies cannot be decided",
								   fact_date_text(c, F_VALID_TO)));
		return;
	}
	if (strcmp(cause, "own") != 0)
		return;
	hit = add_hit(v, "C2", psprintf("licence expired on %s through the holder's own fault: close",
									fact_date_text(c, F_VALID_TO)));
	decide(v, D_CLOSE, hit);
}

static void
rule_c4(Verdict *v, ClassifyCache *c)
{
	char	   *zones = fact_text_list(c, F_C4_ZONES);
	int			hit;

	if (zones == NULL)
		return;
	hit = add_hit(v, "C4", psprintf("overlaps %s (%s km² in all): refer to the area's authority",
									zones, fact_km2_text(c, F_C4_OVERLAP_KM2)));
	decide(v, D_REFER, hit);
}

static void
rule_c3(Verdict *v, ClassifyCache *c, DateADT as_of)
{
	StringInfoData fails;
	int			hit;

	initStringInfo(&fails);
	if (!fact_bool(c, F_ECO_OK, true))
		appendStringInfoString(&fails, "ecological protection");
	if (!fact_bool(c, F_SAFETY_OK, true))
		appendStringInfo(&fails, "%ssafety conditions", fails.len ? ", " : "");
	if (!fact_bool(c, F_PRODUCT_OK, true))
		appendStringInfo(&fails, "%sproduct standards", fails.len ? ", " : "");
	if (fails.len == 0)
		return;

	if (FNULL(c, F_RECTIFY_BY))
	{
		hit = add_hit(v, "C3", psprintf("fails %s; no rectification deadline is set yet: stop and rectify",
										fails.data));
		decide(v, D_RECTIFY, hit);
	}
	else if (as_of > DatumGetDateADT(FDATUM(c, F_RECTIFY_BY)))
	{
		hit = add_hit(v, "C3", psprintf("fails %s and the rectification deadline %s has passed: close",
										fails.data, fact_date_text(c, F_RECTIFY_BY)));
		decide(v, D_CLOSE, hit);
	}
	else
	{
		hit = add_hit(v, "C3", psprintf("fails %s: stop and rectify by %s",
										fails.data, fact_date_text(c, F_RECTIFY_BY)));
		decide(v, D_RECTIFY, hit);
	}
}

/* Why a mine is in its merge cluster: M1, or L2 (an anchor is neither). */
static void
rule_merge_basis(Verdict *v, ClassifyCache *c)
{
	char	   *ore = fact_text_quoted(c, F_ORE_BODY);

	if (fact_bool(c, F_M1_SMALL, false))
	{
		StringInfoData missing;

		initStringInfo(&missing);
		if (FNULL(c, F_AREA_KM2))
			appendStringInfoString(&missing, "the area");
		if (FNULL(c, F_RESERVES_T))
			appendStringInfo(&missing, "%sthe retained reserves", missing.len ? ", " : "");
		if (FNULL(c, F_SMALL_AREA_KM2))
			appendStringInfo(&missing, "%ssmall_area_km2", missing.len ? ", " : "");
		if (FNULL(c, F_SMALL_RESERVES_T))
			appendStringInfo(&missing, "%ssmall_reserves_t", missing.len ? ", " : "");
		if (missing.len > 0)
			add_hit(v, "M1?", psprintf("marked small under M1, but %s %s not recorded: whether M1 applies cannot be checked",
									   missing.data, strchr(missing.data, ',') ? "are" : "is"));
		else
			add_hit(v, "M1", psprintf("small (%.4f km² < %s km², %s t < %s t) and within %s m of another mine on ore body %s: must merge",
									  DatumGetFloat8(FDATUM(c, F_AREA_KM2)),
									  fact_numeric_text(c, F_SMALL_AREA_KM2),
									  fact_numeric_text(c, F_RESERVES_T),
									  fact_numeric_text(c, F_SMALL_RESERVES_T),
									  fact_numeric_text(c, F_MERGE_DISTANCE_M), ore));
	}
	else if (fact_bool(c, F_L2_SMALL, false))
	{
		if (FNULL(c, F_SCALE_CLASS) || FNULL(c, F_CONCENTRATED_ZONE))
			add_hit(v, "L2?", psprintf("marked small under L2, but its %s not recorded: whether L2 applies cannot be checked",
									   FNULL(c, F_SCALE_CLASS) && FNULL(c, F_CONCENTRATED_ZONE) ?
									   "scale class and concentrated mining zone are" :
									   FNULL(c, F_SCALE_CLASS) ? "scale class is" :
									   "concentrated mining zone is"));
		else
			add_hit(v, "L2", psprintf("%s scale in the concentrated mining zone %s, within %s m of another mine on ore body %s: must merge",
									  fact_text(c, F_SCALE_CLASS),
									  fact_text(c, F_CONCENTRATED_ZONE),
									  fact_numeric_text(c, F_SAFETY_DISTANCE_M), ore));
	}
}

/* L4: what made the retained mine the consolidation subject. */
static char *
retained_basis(ClassifyCache *c)
{
	StringInfoData buf;
	int			prefs = 0;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "chosen as the consolidation subject: ");
	if (fact_bool(c, F_ANCHOR, false))
		appendStringInfoString(&buf, "the larger mine the small ones merge into; ");
	if (fact_bool(c, F_GROUP_ENTERPRISE, false))
		appendStringInfo(&buf, "%sa large mining group", prefs++ ? ", " : "");
	if (fact_bool(c, F_DOWNSTREAM_PROCESSING, false))
		appendStringInfo(&buf, "%sdownstream processing", prefs++ ? ", " : "");
	if (fact_bool(c, F_GREEN_LISTED, false))
		appendStringInfo(&buf, "%son the green-mine list", prefs++ ? ", " : "");
	if (prefs == 0)
		appendStringInfoString(&buf, "none of the L4 preferences");
	appendStringInfo(&buf, "; %s t of reserves, %s km²",
					 FNULL(c, F_RESERVES_T) ? "unknown" : fact_numeric_text(c, F_RESERVES_T),
					 fact_km2_text(c, F_AREA_KM2));
	return buf.data;
}

static void
rule_c6(Verdict *v, ClassifyCache *c)
{
	int32		cluster = DatumGetInt32(FDATUM(c, F_CLUSTER_ID));
	int32		size = FNULL(c, F_CLUSTER_SIZE) ? 0 : DatumGetInt32(FDATUM(c, F_CLUSTER_SIZE));
	char	   *ore = fact_text_quoted(c, F_ORE_BODY);
	int64		id = DatumGetInt64(FDATUM(c, F_ID));
	int			hit;

	if (FNULL(c, F_RETAINED_MINE_ID))
	{
		hit = add_hit(v, "C6", psprintf("member of merge cluster %d (%d mines) on ore body %s, in which no member can be retained (all are banned, closed or referred): close",
										cluster, size, ore));
		decide(v, D_MERGE_CLOSE, hit);
		rule_merge_basis(v, c);
		return;
	}
	if (DatumGetInt64(FDATUM(c, F_RETAINED_MINE_ID)) == id)
	{
		char	   *scale = fact_text(c, F_CLUSTER_SCALE_CLASS);

		hit = add_hit(v, "C6", psprintf("retained mine of merge cluster %d (%d mines) on ore body %s",
										cluster, size, ore));
		decide(v, D_MERGE_RETAIN, hit);
		rule_merge_basis(v, c);
		add_hit(v, "L4", retained_basis(c));
		if (scale == NULL || strcmp(scale, "unknown") == 0)
			add_hit(v, "L3?", pstrdup("the merged mine's scale class cannot be decided (no scale_thresholds row for its mineral and unit, or no capacity): whether it reaches medium scale is unknown"));
		else if (strcmp(scale, "large") != 0 && strcmp(scale, "medium") != 0)
			add_hit(v, "L3", psprintf("the merged mine reaches only %s scale; a merge must yield a large or medium mine",
									  scale));
		return;
	}
	hit = add_hit(v, "C6", psprintf("member of merge cluster %d (%d mines) on ore body %s, merging into mine " INT64_FORMAT ": close once property rights are settled",
									cluster, size, ore,
									DatumGetInt64(FDATUM(c, F_RETAINED_MINE_ID))));
	decide(v, D_MERGE_CLOSE, hit);
	rule_merge_basis(v, c);
}

static void
rule_e1(Verdict *v, ClassifyCache *c)
{
	StringInfoData why;
	int			hit;

	if (!fact_bool(c, F_M1_SMALL, false))
		return;
	initStringInfo(&why);
	if (!FNULL(c, F_RESERVES_T) && fact_numeric_sign(c, F_RESERVES_T) == 0)
		appendStringInfoString(&why, "exhausted reserves");
	if (fact_bool(c, F_BACKWARD_PROCESS, false))
		appendStringInfo(&why, "%sa backward process", why.len ? ", " : "");
	if (!fact_bool(c, F_RESTORATION_OK, true))
		appendStringInfo(&why, "%sfailed restoration", why.len ? ", " : "");
	if (why.len == 0)
		return;
	hit = add_hit(v, "E1", psprintf("isolated small mine (%s km², %s t) with %s that cannot join a merge: close",
									fact_km2_text(c, F_AREA_KM2),
									fact_numeric_text(c, F_RESERVES_T), why.data));
	decide(v, D_CLOSE, hit);
}

static void
rule_c5(Verdict *v, ClassifyCache *c, DateADT as_of)
{
	char	   *mode = fact_text(c, F_TRANSFER_MODE);
	int			hit;

	if (mode == NULL)
	{
		add_hit(v, "C5?", pstrdup("not in a merge, and how the licence was sold (transfer_mode) is not recorded: whether it exits at term or mines out cannot be decided"));
		return;
	}
	if (strcmp(mode, "term") == 0 && !FNULL(c, F_VALID_TO) &&
		DatumGetDateADT(FDATUM(c, F_VALID_TO)) < as_of)
	{
		hit = add_hit(v, "C5", psprintf("not in a merge; the licence was sold for a term, which ended on %s: close and exit now",
										fact_date_text(c, F_VALID_TO)));
		decide(v, D_EXIT_AT_TERM, hit);
	}
	else if (strcmp(mode, "term") == 0)
	{
		hit = add_hit(v, "C5", psprintf("not in a merge; the licence was sold for a term: close and exit when it ends on %s",
										fact_date_text(c, F_VALID_TO)));
		decide(v, D_EXIT_AT_TERM, hit);
	}
	else if (!FNULL(c, F_RESERVES_T) && fact_numeric_sign(c, F_RESERVES_T) > 0)
	{
		hit = add_hit(v, "C5", psprintf("not in a merge; the licence was sold by reserves and %s t remain: mine them out at design capacity within a deadline, no extension of the area, then exit",
										fact_numeric_text(c, F_RESERVES_T)));
		decide(v, D_MINE_OUT_THEN_EXIT, hit);
	}
	else
		add_hit(v, "C5?", pstrdup("not in a merge; the licence was sold by reserves but no minable reserves are recorded: C5 cannot be decided"));
}

static void
rule_l1(Verdict *v, ClassifyCache *c)
{
	int			n;
	char	   *ids = fact_id_list(c, F_L1_SAME_HOLDER_IDS, &n);
	bool		flagged = fact_bool(c, F_FAKE_CONSOLIDATION_SUSPECTED, false);

	if (ids == NULL && !flagged)
		return;
	if (ids == NULL)
		add_hit(v, "L1", pstrdup("suspected fake consolidation: rectify, bring into consolidation and refer to discipline inspection"));
	else
		add_hit(v, "L1", psprintf("%sthe same holder holds %d other licence%s on ore body %s within %s m (mine%s %s): one ore body worked by several licences, refer to discipline inspection",
								  flagged ? "suspected fake consolidation, and " : "",
								  n, n == 1 ? "" : "s", fact_text_quoted(c, F_ORE_BODY),
								  fact_numeric_text(c, F_MERGE_DISTANCE_M),
								  n == 1 ? "" : "s", ids));
}

/* S4 and A1: warnings on a mine that would be kept. */
static void
rule_kept_warnings(Verdict *v, ClassifyCache *c)
{
	char	   *fragile = fact_text_list(c, F_ECO_FRAGILE_ZONES);

	if (FNULL(c, F_PLANNED_ZONE))
		add_hit(v, "S4", pstrdup("would be kept but lies outside every planned mining zone of the master plan 2021-2025"));
	if (fragile != NULL)
		add_hit(v, "A1", psprintf("would be kept but lies in the ecologically fragile area %s", fragile));
}

/* Missing facts the merge rules need, said out loud. */
static void
merge_fact_notes(Verdict *v, ClassifyCache *c)
{
	if (FNULL(c, F_M1_SMALL))
		add_hit(v, "M1?", pstrdup("area or retained reserves not recorded: whether the mine is small under M1 cannot be decided, so it was clustered as a larger mine"));
	if (FNULL(c, F_L2_SMALL))
	{
		if (FNULL(c, F_CONCENTRATED_ZONE))
			add_hit(v, "L2?", pstrdup("whether the mine lies in a concentrated mining zone, or its scale class, is not recorded: whether L2 applies cannot be decided"));
		else
			add_hit(v, "L2?", psprintf("lies in the concentrated mining zone %s but its scale class is unknown: whether L2 applies cannot be decided",
									   fact_text(c, F_CONCENTRATED_ZONE)));
	}
}

/*
 * LX: a licence that expired for a reason other than the holder's fault
 * (expiry_cause 'other') is not C2; the note says so and what follows from
 * the disposition: a kept mine needs its licence renewed (延续) by the
 * issuing authority, a C5 mine whose term has ended exits now.
 */
static void
rule_expired_other(Verdict *v, ClassifyCache *c, DateADT as_of)
{
	char	   *cause;
	const char *follows;

	if (FNULL(c, F_VALID_TO) || DatumGetDateADT(FDATUM(c, F_VALID_TO)) >= as_of)
		return;
	cause = fact_text(c, F_EXPIRY_CAUSE);
	if (cause == NULL || strcmp(cause, "own") == 0)
		return;
	switch (v->disposition)
	{
		case D_MERGE_RETAIN:
		case D_RETAIN:
		case D_RECTIFY:
			follows = psprintf("kept, it needs its licence renewed (延续) by the issuing authority (%s)",
							   FNULL(c, F_LICENSED_BY) ? "not recorded" : fact_text(c, F_LICENSED_BY));
			break;
		case D_EXIT_AT_TERM:
			follows = "its term has ended, so it exits now (C5)";
			break;
		case D_MERGE_CLOSE:
			follows = "it closes into the merge";
			break;
		default:
			follows = "the disposition follows from the other rules";
			break;
	}
	add_hit(v, "LX", psprintf("licence expired on %s, not through the holder's fault (expiry_cause other): not C2 (close); %s",
							  fact_date_text(c, F_VALID_TO), follows));
}

static void
classify_facts(Verdict *v, ClassifyCache *c)
{
	DateADT		as_of = DatumGetDateADT(FDATUM(c, F_AS_OF));
	bool		in_cluster;

	v->decisive = -1;
	v->nhits = 0;

	if (!fact_bool(c, F_IN_SCOPE, false))
	{
		decide(v, D_OUT_OF_SCOPE, add_hit(v, "S1", scope_refusal(c)));
		return;
	}

	in_cluster = !FNULL(c, F_CLUSTER_ID);
	rule_c1(v, c);
	rule_c2(v, c, as_of);
	rule_c4(v, c);
	rule_c3(v, c, as_of);
	if (in_cluster)
		rule_c6(v, c);
	else
	{
		rule_e1(v, c);
		rule_c5(v, c, as_of);
	}
	if (v->decisive < 0)
		decide(v, D_RETAIN, add_hit(v, "R", pstrdup("none of the disposition rules applies: retain on its own")));

	rule_l1(v, c);
	if (v->disposition == D_RETAIN ||
		(in_cluster && !FNULL(c, F_RETAINED_MINE_ID) &&
		 DatumGetInt64(FDATUM(c, F_RETAINED_MINE_ID)) == DatumGetInt64(FDATUM(c, F_ID))))
		rule_kept_warnings(v, c);
	rule_expired_other(v, c, as_of);
	merge_fact_notes(v, c);
	scope_basis(v, c);
}

/*
 * A rule code as text.  Codes are string literals, so their addresses are a
 * key: each is converted once per call site (fn_extra), not once per row.
 */
static Datum
code_datum(ClassifyCache *c, const char *code)
{
	int			i;
	MemoryContext oldcxt;

	for (i = 0; i < c->ncodes; i++)
		if (c->code_literal[i] == code)
			return c->code_text[i];
	if (c->ncodes == lengthof(c->code_literal))
		return CStringGetTextDatum(code);
	oldcxt = MemoryContextSwitchTo(GetMemoryChunkContext(c));
	c->code_literal[c->ncodes] = code;
	c->code_text[c->ncodes] = CStringGetTextDatum(code);
	MemoryContextSwitchTo(oldcxt);
	return c->code_text[c->ncodes++];
}

/*
 * Where a hit goes in the rules array: the decisive rule first, then the
 * other rules in the order they matched (precedence order), then the rules
 * a missing fact left undecided ("X?"), then the scope basis (S1-S3).
 */
static int
hit_rank(const Verdict *v, int i)
{
	const char *code = v->hits[i].code;

	if (i == v->decisive)
		return 0;
	if (code[strlen(code) - 1] == '?')
		return 2;
	if (code[0] == 'S' && code[1] >= '1' && code[1] <= '3' && code[2] == '\0')
		return 3;
	return 1;
}

/* The verdict as the SQL composite (disposition, rules, reasons). */
static Datum
verdict_datum(Verdict *v, ClassifyCache *c)
{
	Datum	   *codes = palloc(sizeof(Datum) * v->nhits);
	Datum	   *reasons = palloc(sizeof(Datum) * v->nhits);
	Datum		values[3];
	bool		nulls[3] = {false, false, false};
	int			rank,
				i,
				n = 0;

	for (rank = 0; rank <= 3; rank++)
		for (i = 0; i < v->nhits; i++)
		{
			if (hit_rank(v, i) != rank)
				continue;
			codes[n] = code_datum(c, v->hits[i].code);
			reasons[n++] = CStringGetTextDatum(v->hits[i].reason);
		}
	values[0] = ObjectIdGetDatum(c->dispositionOid[v->disposition]);
	values[1] = PointerGetDatum(construct_array(codes, n, TEXTOID, -1, false, TYPALIGN_INT));
	values[2] = PointerGetDatum(construct_array(reasons, n, TEXTOID, -1, false, TYPALIGN_INT));
	return HeapTupleGetDatum(heap_form_tuple(c->resultDesc, values, nulls));
}

/*
 * classify(facts mine_facts) → verdict, and classify_row(facts record):
 *		one body for both SQL names (classify_row takes any row with the
 *		columns of mine_facts); named after classify, the one users call.
 */
PG_FUNCTION_INFO_V1(mc_classify);
Datum
mc_classify(PG_FUNCTION_ARGS)
{
	HeapTupleHeader row = PG_GETARG_HEAPTUPLEHEADER(0);
	Oid			tupType = HeapTupleHeaderGetTypeId(row);
	int32		tupTypmod = HeapTupleHeaderGetTypMod(row);
	ClassifyCache *cache = (ClassifyCache *) fcinfo->flinfo->fn_extra;
	HeapTupleData tuple;
	Verdict		v;

	if (cache == NULL || cache->tupType != tupType || cache->tupTypmod != tupTypmod)
	{
		cache = classify_cache_build(fcinfo, tupType, tupTypmod);
		fcinfo->flinfo->fn_extra = cache;
	}

	tuple.t_len = HeapTupleHeaderGetDatumLength(row);
	ItemPointerSetInvalid(&tuple.t_self);
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = row;
	heap_deform_tuple(&tuple, cache->argDesc, cache->values, cache->nulls);

	if (FNULL(cache, F_ID) || FNULL(cache, F_AS_OF))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("classify: the row's id and as_of must not be NULL")));

	classify_facts(&v, cache);
	PG_RETURN_DATUM(verdict_datum(&v, cache));
}
