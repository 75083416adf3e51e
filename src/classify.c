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
 * The rules array starts with the decisive code, then every other code
 * that matched in the order the rules were checked (the notes L1, L3, L4,
 * S4, A1 and LX among them), then every "<code>?", then the scope basis
 * (S1-S3): hit_rank().  A fact a rule needs but that is missing yields an
 * entry "<code>?" whose reason says what is missing: never a silent pass.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/typcache.h"

#include "i18n.h"
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
	McMsg	   *reason;
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
 * The reasons' templates
 * ------------------------------------------------------------------------
 *
 * Every reason is a template with its arguments (i18n.h): classify()
 * renders it in the session's language, reason_args() keeps the template's
 * key and the arguments, and render_reasons() renders those when a stored
 * verdict is read.  The keys are stored: never change one, add a new key for
 * a new wording.  Templates take %s (or %N$s) only; the values of the facts
 * are quoted as they are, dates as YYYY-MM-DD.
 */
typedef enum ReasonKey
{
	V_UNKNOWN,
	V_NO_DATE,
	V_NOT_RECORDED,
	V_UNKNOWN_LEVEL,
	R_S1_OUT_LEVEL,
	R_S1_OUT_DATES,
	R_S1_OUT_INVALID,
	R_S1_OUT_RESERVES,
	R_S1_IN,
	R_S2_IN,
	R_S3_IN,
	R_C1,
	R_C2_UNKNOWN,
	R_C2,
	R_C4,
	R_C3_ECO,
	R_C3_SAFETY,
	R_C3_PRODUCT,
	R_C3_NO_DEADLINE,
	R_C3_PASSED,
	R_C3_RECTIFY,
	R_FACT_AREA,
	R_FACT_RESERVES,
	R_M1_MISSING_ONE,
	R_M1_MISSING_MANY,
	R_M1,
	R_L2_MISSING_BOTH,
	R_L2_MISSING_SCALE,
	R_L2_MISSING_ZONE,
	R_L2,
	R_L4,
	R_L4_ANCHOR,
	R_L4_GROUP,
	R_L4_DOWNSTREAM,
	R_L4_GREEN,
	R_L4_NONE,
	R_L3_UNKNOWN,
	R_L3,
	R_C6_NONE,
	R_C6_RETAINED,
	R_C6_MEMBER,
	R_E1_EXHAUSTED,
	R_E1_BACKWARD,
	R_E1_RESTORATION,
	R_E1,
	R_C5_NO_MODE,
	R_C5_TERM_ENDED,
	R_C5_TERM,
	R_C5_RESERVES,
	R_C5_NO_RESERVES,
	R_L1_SUSPECTED,
	R_L1_SUSPECTED_AND,
	R_L1_ONE,
	R_L1_MANY,
	R_S4,
	R_A1,
	R_M1_UNKNOWN,
	R_L2_UNKNOWN,
	R_L2_SCALE_UNKNOWN,
	R_LX,
	R_LX_RENEW,
	R_LX_EXIT,
	R_LX_MERGE,
	R_LX_OTHER,
	R_R,
	NUM_REASON_KEYS
} ReasonKey;

static const McTemplate reason_templates[NUM_REASON_KEYS] = {
	/* translator: a fact that is not recorded, quoted in a reason */
	[V_UNKNOWN] = {"unknown", gettext_noop("unknown")},
	/* translator: a date that is not recorded, quoted in a reason */
	[V_NO_DATE] = {"no_date", gettext_noop("(no date)")},
	[V_NOT_RECORDED] = {"not_recorded", gettext_noop("not recorded")},
	[V_UNKNOWN_LEVEL] = {"unknown_level", gettext_noop("(unknown level)")},
	/* translator: %s is an issuing level (a label of kind "level") */
	[R_S1_OUT_LEVEL] = {"S1.out.level", gettext_noop("out of scope: licensed by the %s; only mines licensed by the city or a county take part")},
	[R_S1_OUT_DATES] = {"S1.out.dates", gettext_noop("out of scope: the licence's validity dates are not recorded, it was not refused for incomplete documents (S2) and has no delineated area (S3)")},
	[R_S1_OUT_INVALID] = {"S1.out.invalid", gettext_noop("out of scope: no licence valid on %s (S1), not refused for incomplete documents (S2), no delineated area (S3)")},
	[R_S1_OUT_RESERVES] = {"S1.out.reserves", gettext_noop("out of scope: retained reserves none or zero recorded (S1), not refused for incomplete documents (S2), no delineated area (S3)")},
	/* translator: the day judged at, the licence's last day, the reserves in tonnes */
	[R_S1_IN] = {"S1.in", gettext_noop("in scope: licence valid on %s (until %s) with %s t of retained reserves")},
	[R_S2_IN] = {"S2.in", gettext_noop("in scope: refused or not accepted only because documents were incomplete")},
	[R_S3_IN] = {"S3.in", gettext_noop("in scope: a mining area has been delineated")},
	/* translator: number of penalties, first and last penalty date, the window in years, the day of the illegal mining */
	[R_C1] = {"C1", gettext_noop("%s illegal-mining penalties between %s and %s, within %s years before the illegal mining of %s: ban")},
	[R_C2_UNKNOWN] = {"C2?", gettext_noop("licence expired on %s but expiry_cause is not recorded: whether C2 (close) applies cannot be decided")},
	[R_C2] = {"C2", gettext_noop("licence expired on %s through the holder's own fault: close")},
	/* translator: the protected areas (a list), the overlap in km² */
	[R_C4] = {"C4", gettext_noop("overlaps %s (%s km² in all): refer to the area's authority")},
	[R_C3_ECO] = {"C3.eco", gettext_noop("ecological protection")},
	[R_C3_SAFETY] = {"C3.safety", gettext_noop("safety conditions")},
	[R_C3_PRODUCT] = {"C3.product", gettext_noop("product standards")},
	/* translator: %s is a list of requirements the mine fails */
	[R_C3_NO_DEADLINE] = {"C3.no_deadline", gettext_noop("fails %s; no rectification deadline is set yet: stop and rectify")},
	[R_C3_PASSED] = {"C3.passed", gettext_noop("fails %s and the rectification deadline %s has passed: close")},
	[R_C3_RECTIFY] = {"C3.rectify", gettext_noop("fails %s: stop and rectify by %s")},
	[R_FACT_AREA] = {"fact.area", gettext_noop("the area")},
	[R_FACT_RESERVES] = {"fact.reserves", gettext_noop("the retained reserves")},
	/* translator: %s names one missing fact */
	[R_M1_MISSING_ONE] = {"M1?.missing.one", gettext_noop("marked small under M1, but %s is not recorded: whether M1 applies cannot be checked")},
	/* translator: %s lists the missing facts */
	[R_M1_MISSING_MANY] = {"M1?.missing.many", gettext_noop("marked small under M1, but %s are not recorded: whether M1 applies cannot be checked")},
	/* translator: area, small_area_km2, reserves, small_reserves_t, merge distance, ore body */
	[R_M1] = {"M1", gettext_noop("small (%s km² < %s km², %s t < %s t) and within %s m of another mine on ore body %s: must merge")},
	[R_L2_MISSING_BOTH] = {"L2?.missing.both", gettext_noop("marked small under L2, but its scale class and concentrated mining zone are not recorded: whether L2 applies cannot be checked")},
	[R_L2_MISSING_SCALE] = {"L2?.missing.scale", gettext_noop("marked small under L2, but its scale class is not recorded: whether L2 applies cannot be checked")},
	[R_L2_MISSING_ZONE] = {"L2?.missing.zone", gettext_noop("marked small under L2, but its concentrated mining zone is not recorded: whether L2 applies cannot be checked")},
	/* translator: scale class, concentrated mining zone, safety distance, ore body */
	[R_L2] = {"L2", gettext_noop("%s scale in the concentrated mining zone %s, within %s m of another mine on ore body %s: must merge")},
	/* translator: the preferences it meets (a list), its reserves in t, its area in km² */
	[R_L4] = {"L4", gettext_noop("chosen as the consolidation subject: %s; %s t of reserves, %s km²")},
	[R_L4_ANCHOR] = {"L4.anchor", gettext_noop("chosen as the consolidation subject: the larger mine the small ones merge into; %s; %s t of reserves, %s km²")},
	[R_L4_GROUP] = {"L4.group", gettext_noop("a large mining group")},
	[R_L4_DOWNSTREAM] = {"L4.downstream", gettext_noop("downstream processing")},
	[R_L4_GREEN] = {"L4.green", gettext_noop("on the green-mine list")},
	[R_L4_NONE] = {"L4.none", gettext_noop("none of the L4 preferences")},
	[R_L3_UNKNOWN] = {"L3?", gettext_noop("the merged mine's scale class cannot be decided (no scale_thresholds row for its mineral and unit, or no capacity): whether it reaches medium scale is unknown")},
	[R_L3] = {"L3", gettext_noop("the merged mine reaches only %s scale; a merge must yield a large or medium mine")},
	/* translator: cluster number, number of mines, ore body */
	[R_C6_NONE] = {"C6.none", gettext_noop("member of merge cluster %s (%s mines) on ore body %s, in which no member can be retained (all are banned, closed or referred): close")},
	[R_C6_RETAINED] = {"C6.retained", gettext_noop("retained mine of merge cluster %s (%s mines) on ore body %s")},
	/* translator: cluster number, number of mines, ore body, the retained mine's id */
	[R_C6_MEMBER] = {"C6.member", gettext_noop("member of merge cluster %s (%s mines) on ore body %s, merging into mine %s: close once property rights are settled")},
	[R_E1_EXHAUSTED] = {"E1.exhausted", gettext_noop("exhausted reserves")},
	[R_E1_BACKWARD] = {"E1.backward", gettext_noop("a backward process")},
	[R_E1_RESTORATION] = {"E1.restoration", gettext_noop("failed restoration")},
	/* translator: area in km², reserves in t, what is wrong (a list) */
	[R_E1] = {"E1", gettext_noop("isolated small mine (%s km², %s t) with %s, which cannot join a merge: close")},
	[R_C5_NO_MODE] = {"C5?.mode", gettext_noop("not in a merge, and how the licence was sold (transfer_mode) is not recorded: whether it exits at term or mines out cannot be decided")},
	[R_C5_TERM_ENDED] = {"C5.term_ended", gettext_noop("not in a merge; the licence was sold for a term, which ended on %s: close and exit now")},
	[R_C5_TERM] = {"C5.term", gettext_noop("not in a merge; the licence was sold for a term: close and exit when it ends on %s")},
	[R_C5_RESERVES] = {"C5.reserves", gettext_noop("not in a merge; the licence was sold by reserves and %s t remain: mine them out at design capacity within a deadline, no extension of the area, then exit")},
	[R_C5_NO_RESERVES] = {"C5?.reserves", gettext_noop("not in a merge; the licence was sold by reserves but minable reserves none or zero recorded: C5 cannot be decided")},
	[R_L1_SUSPECTED] = {"L1.suspected", gettext_noop("suspected fake consolidation: rectify, bring into consolidation and refer to discipline inspection")},
	/* translator: the start of an L1 reason, before "the same holder holds…" */
	[R_L1_SUSPECTED_AND] = {"L1.suspected_and", gettext_noop("suspected fake consolidation, and ")},
	/* translator: "suspected fake consolidation, and " or nothing, 1, ore body, distance in m, the other mine's id */
	[R_L1_ONE] = {"L1.one", gettext_noop("%sthe same holder holds %s other licence on ore body %s within %s m (mine %s): one ore body worked by several licences, refer to discipline inspection")},
	/* translator: "suspected fake consolidation, and " or nothing, how many, ore body, distance in m, the other mines' ids */
	[R_L1_MANY] = {"L1.many", gettext_noop("%sthe same holder holds %s other licences on ore body %s within %s m (mines %s): one ore body worked by several licences, refer to discipline inspection")},
	[R_S4] = {"S4", gettext_noop("would be kept but lies outside every planned mining zone of the master plan 2021-2025")},
	[R_A1] = {"A1", gettext_noop("would be kept but lies in the ecologically fragile area %s")},
	[R_M1_UNKNOWN] = {"M1?.unknown", gettext_noop("area or retained reserves not recorded: whether the mine is small under M1 cannot be decided, so it was clustered as a larger mine")},
	[R_L2_UNKNOWN] = {"L2?.unknown", gettext_noop("whether the mine lies in a concentrated mining zone, or its scale class, is not recorded: whether L2 applies cannot be decided")},
	[R_L2_SCALE_UNKNOWN] = {"L2?.scale", gettext_noop("lies in the concentrated mining zone %s but its scale class is unknown: whether L2 applies cannot be decided")},
	/* translator: the licence's last day, then what follows (one of the LX.* texts) */
	[R_LX] = {"LX", gettext_noop("licence expired on %s, not through the holder's fault (expiry_cause other): not C2 (close); %s")},
	/* translator: %s is the issuing level */
	[R_LX_RENEW] = {"LX.renew", gettext_noop("kept, it needs its licence renewed (延续) by the issuing authority (%s)")},
	[R_LX_EXIT] = {"LX.exit", gettext_noop("its term has ended, so it exits now (C5)")},
	[R_LX_MERGE] = {"LX.merge", gettext_noop("it closes into the merge")},
	[R_LX_OTHER] = {"LX.other", gettext_noop("the disposition follows from the other rules")},
	[R_R] = {"R", gettext_noop("none of the disposition rules applies: retain on its own")},
};

#define MSG0(k)			mc_msg(&reason_templates[(k)], 0)
#define MSG(k, n, ...)	mc_msg(&reason_templates[(k)], (n), __VA_ARGS__)

/* ------------------------------------------------------------------------
 * Reading the row
 * ------------------------------------------------------------------------
 */
static ClassifyCache *
classify_cache_build(FunctionCallInfo fcinfo, Oid tupType, int32 tupTypmod,
					 bool verdict_result)
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

	if (verdict_result)
	{
		if (get_call_result_type(fcinfo, NULL, &resultDesc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "classify must return a composite type");
		cache->resultDesc = BlessTupleDesc(CreateTupleDescCopy(resultDesc));
		for (f = 0; f < NUM_DISPOSITIONS; f++)
			cache->dispositionOid[f] =
				DatumGetObjectId(DirectFunctionCall2(enum_in,
													 CStringGetDatum(disposition_labels[f]),
													 ObjectIdGetDatum(TupleDescAttr(cache->resultDesc, 0)->atttypid)));
	}
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
static McMsg *
fact_text_quoted(ClassifyCache *c, FactField f)
{
	return FNULL(c, f) ? MSG0(V_UNKNOWN) : mc_lit(TextDatumGetCString(FDATUM(c, f)));
}

static McMsg *
fact_km2_text(ClassifyCache *c, FactField f)
{
	return FNULL(c, f) ? MSG0(V_UNKNOWN) : mc_lit(psprintf("%.4f", DatumGetFloat8(FDATUM(c, f))));
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

static McMsg *
fact_numeric_text(ClassifyCache *c, FactField f)
{
	if (FNULL(c, f))
		return MSG0(V_UNKNOWN);
	return mc_lit(DatumGetCString(DirectFunctionCall1(numeric_out, FDATUM(c, f))));
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

static McMsg *
fact_date_text(ClassifyCache *c, FactField f)
{
	return FNULL(c, f) ? MSG0(V_NO_DATE) : mc_lit(iso_date(DatumGetDateADT(FDATUM(c, f))));
}

/*
 * The non-NULL elements of a text[] or bigint[] field as a list of their
 * texts (NULL when the field is NULL or has none); *count, when asked for,
 * is how many.
 */
static McMsg *
fact_list(ClassifyCache *c, FactField f, int *count)
{
	ArrayType  *arr;
	bool		ids;
	Datum	   *elems;
	bool	   *enulls;
	int			n,
				i;
	McMsg	   *list;

	if (count != NULL)
		*count = 0;
	if (FNULL(c, f))
		return NULL;
	arr = DatumGetArrayTypeP(FDATUM(c, f));
	ids = ARR_ELEMTYPE(arr) == INT8OID;
	if (ids)
		deconstruct_array(arr, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
						  &elems, &enulls, &n);
	else
		deconstruct_array(arr, ARR_ELEMTYPE(arr), -1, false, TYPALIGN_INT,
						  &elems, &enulls, &n);
	list = mc_list();
	for (i = 0; i < n; i++)
	{
		if (enulls[i])
			continue;
		mc_list_add(list, mc_lit(ids ? psprintf(INT64_FORMAT, DatumGetInt64(elems[i]))
								 : TextDatumGetCString(elems[i])));
	}
	if (count != NULL)
		*count = list->nargs;
	return list->nargs > 0 ? list : NULL;
}

/* ------------------------------------------------------------------------
 * Building the verdict
 * ------------------------------------------------------------------------
 */
static int
add_hit(Verdict *v, const char *code, McMsg *reason)
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

/* The issuing level as a reason names it. */
static McMsg *
level_msg(ClassifyCache *c, ReasonKey if_null)
{
	return FNULL(c, F_LICENSED_BY) ? MSG0(if_null)
		: mc_code("level", TextDatumGetCString(FDATUM(c, F_LICENSED_BY)));
}

/* Why an out-of-scope mine is out of scope (docs/rules.md, "Scope"). */
static McMsg *
scope_refusal(ClassifyCache *c)
{
	char	   *by = fact_text(c, F_LICENSED_BY);

	if (by == NULL || (strcmp(by, "city") != 0 && strcmp(by, "county") != 0))
		return MSG(R_S1_OUT_LEVEL, 1, level_msg(c, V_UNKNOWN_LEVEL));
	if (FNULL(c, F_LICENCE_VALID))
		return MSG0(R_S1_OUT_DATES);
	if (!fact_bool(c, F_LICENCE_VALID, false))
		return MSG(R_S1_OUT_INVALID, 1, fact_date_text(c, F_AS_OF));
	return MSG0(R_S1_OUT_RESERVES);
}

/* Scope basis of an in-scope mine: S1, S2, S3 as they hold. */
static void
scope_basis(Verdict *v, ClassifyCache *c)
{
	if (fact_bool(c, F_LICENCE_VALID, false) && !FNULL(c, F_RESERVES_T) &&
		fact_numeric_sign(c, F_RESERVES_T) > 0)
		add_hit(v, "S1", MSG(R_S1_IN, 3,
							 fact_date_text(c, F_AS_OF),
							 fact_date_text(c, F_VALID_TO),
							 fact_numeric_text(c, F_RESERVES_T)));
	if (fact_bool(c, F_DOCUMENTS_INCOMPLETE, false))
		add_hit(v, "S2", MSG0(R_S2_IN));
	if (fact_bool(c, F_AREA_DELINEATED, false))
		add_hit(v, "S3", MSG0(R_S3_IN));
}

static void
rule_c1(Verdict *v, ClassifyCache *c)
{
	int			hit;

	if (FNULL(c, F_C1_ACT_ON))
		return;
	hit = add_hit(v, "C1",
				  MSG(R_C1, 5,
					  FNULL(c, F_C1_PENALTIES) ? MSG0(V_UNKNOWN) :
					  mc_lit(psprintf("%d", DatumGetInt32(FDATUM(c, F_C1_PENALTIES)))),
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
		add_hit(v, "C2?", MSG(R_C2_UNKNOWN, 1, fact_date_text(c, F_VALID_TO)));
		return;
	}
	if (strcmp(cause, "own") != 0)
		return;
	hit = add_hit(v, "C2", MSG(R_C2, 1, fact_date_text(c, F_VALID_TO)));
	decide(v, D_CLOSE, hit);
}

static void
rule_c4(Verdict *v, ClassifyCache *c)
{
	McMsg	   *zones = fact_list(c, F_C4_ZONES, NULL);
	int			hit;

	if (zones == NULL)
		return;
	hit = add_hit(v, "C4", MSG(R_C4, 2, zones, fact_km2_text(c, F_C4_OVERLAP_KM2)));
	decide(v, D_REFER, hit);
}

static void
rule_c3(Verdict *v, ClassifyCache *c, DateADT as_of)
{
	McMsg	   *fails = mc_list();
	int			hit;

	if (!fact_bool(c, F_ECO_OK, true))
		mc_list_add(fails, MSG0(R_C3_ECO));
	if (!fact_bool(c, F_SAFETY_OK, true))
		mc_list_add(fails, MSG0(R_C3_SAFETY));
	if (!fact_bool(c, F_PRODUCT_OK, true))
		mc_list_add(fails, MSG0(R_C3_PRODUCT));
	if (fails->nargs == 0)
		return;

	if (FNULL(c, F_RECTIFY_BY))
	{
		hit = add_hit(v, "C3", MSG(R_C3_NO_DEADLINE, 1, fails));
		decide(v, D_RECTIFY, hit);
	}
	else if (as_of > DatumGetDateADT(FDATUM(c, F_RECTIFY_BY)))
	{
		hit = add_hit(v, "C3", MSG(R_C3_PASSED, 2, fails, fact_date_text(c, F_RECTIFY_BY)));
		decide(v, D_CLOSE, hit);
	}
	else
	{
		hit = add_hit(v, "C3", MSG(R_C3_RECTIFY, 2, fails, fact_date_text(c, F_RECTIFY_BY)));
		decide(v, D_RECTIFY, hit);
	}
}

/* Why a mine is in its merge cluster: M1, or L2 (an anchor is neither). */
static void
rule_merge_basis(Verdict *v, ClassifyCache *c)
{
	McMsg	   *ore = fact_text_quoted(c, F_ORE_BODY);

	if (fact_bool(c, F_M1_SMALL, false))
	{
		McMsg	   *missing = mc_list();

		if (FNULL(c, F_AREA_KM2))
			mc_list_add(missing, MSG0(R_FACT_AREA));
		if (FNULL(c, F_RESERVES_T))
			mc_list_add(missing, MSG0(R_FACT_RESERVES));
		if (FNULL(c, F_SMALL_AREA_KM2))
			mc_list_add(missing, mc_lit("small_area_km2"));
		if (FNULL(c, F_SMALL_RESERVES_T))
			mc_list_add(missing, mc_lit("small_reserves_t"));
		if (missing->nargs > 0)
			add_hit(v, "M1?", MSG(missing->nargs > 1 ? R_M1_MISSING_MANY : R_M1_MISSING_ONE, 1,
								  missing));
		else
			add_hit(v, "M1", MSG(R_M1, 6,
								 mc_lit(psprintf("%.4f", DatumGetFloat8(FDATUM(c, F_AREA_KM2)))),
								 fact_numeric_text(c, F_SMALL_AREA_KM2),
								 fact_numeric_text(c, F_RESERVES_T),
								 fact_numeric_text(c, F_SMALL_RESERVES_T),
								 fact_numeric_text(c, F_MERGE_DISTANCE_M), ore));
	}
	else if (fact_bool(c, F_L2_SMALL, false))
	{
		if (FNULL(c, F_SCALE_CLASS) || FNULL(c, F_CONCENTRATED_ZONE))
			add_hit(v, "L2?", MSG0(FNULL(c, F_SCALE_CLASS) && FNULL(c, F_CONCENTRATED_ZONE) ?
								   R_L2_MISSING_BOTH :
								   FNULL(c, F_SCALE_CLASS) ? R_L2_MISSING_SCALE :
								   R_L2_MISSING_ZONE));
		else
			add_hit(v, "L2", MSG(R_L2, 4,
								 mc_code("scale", fact_text(c, F_SCALE_CLASS)),
								 mc_lit(fact_text(c, F_CONCENTRATED_ZONE)),
								 fact_numeric_text(c, F_SAFETY_DISTANCE_M), ore));
	}
}

/* L4: what made the retained mine the consolidation subject. */
static McMsg *
retained_basis(ClassifyCache *c)
{
	McMsg	   *prefs = mc_list();

	if (fact_bool(c, F_GROUP_ENTERPRISE, false))
		mc_list_add(prefs, MSG0(R_L4_GROUP));
	if (fact_bool(c, F_DOWNSTREAM_PROCESSING, false))
		mc_list_add(prefs, MSG0(R_L4_DOWNSTREAM));
	if (fact_bool(c, F_GREEN_LISTED, false))
		mc_list_add(prefs, MSG0(R_L4_GREEN));
	return MSG(fact_bool(c, F_ANCHOR, false) ? R_L4_ANCHOR : R_L4, 3,
			   prefs->nargs > 0 ? prefs : MSG0(R_L4_NONE),
			   fact_numeric_text(c, F_RESERVES_T),
			   fact_km2_text(c, F_AREA_KM2));
}

static void
rule_c6(Verdict *v, ClassifyCache *c)
{
	McMsg	   *cluster = mc_lit(psprintf("%d", DatumGetInt32(FDATUM(c, F_CLUSTER_ID))));
	McMsg	   *size = mc_lit(psprintf("%d", FNULL(c, F_CLUSTER_SIZE) ? 0 :
									   DatumGetInt32(FDATUM(c, F_CLUSTER_SIZE))));
	McMsg	   *ore = fact_text_quoted(c, F_ORE_BODY);
	int64		id = DatumGetInt64(FDATUM(c, F_ID));
	int			hit;

	if (FNULL(c, F_RETAINED_MINE_ID))
	{
		hit = add_hit(v, "C6", MSG(R_C6_NONE, 3, cluster, size, ore));
		decide(v, D_MERGE_CLOSE, hit);
		rule_merge_basis(v, c);
		return;
	}
	if (DatumGetInt64(FDATUM(c, F_RETAINED_MINE_ID)) == id)
	{
		char	   *scale = fact_text(c, F_CLUSTER_SCALE_CLASS);

		hit = add_hit(v, "C6", MSG(R_C6_RETAINED, 3, cluster, size, ore));
		decide(v, D_MERGE_RETAIN, hit);
		rule_merge_basis(v, c);
		add_hit(v, "L4", retained_basis(c));
		if (scale == NULL || strcmp(scale, "unknown") == 0)
			add_hit(v, "L3?", MSG0(R_L3_UNKNOWN));
		else if (strcmp(scale, "large") != 0 && strcmp(scale, "medium") != 0)
			add_hit(v, "L3", MSG(R_L3, 1, mc_code("scale", scale)));
		return;
	}
	hit = add_hit(v, "C6", MSG(R_C6_MEMBER, 4, cluster, size, ore,
							   mc_lit(psprintf(INT64_FORMAT,
											   DatumGetInt64(FDATUM(c, F_RETAINED_MINE_ID))))));
	decide(v, D_MERGE_CLOSE, hit);
	rule_merge_basis(v, c);
}

static void
rule_e1(Verdict *v, ClassifyCache *c)
{
	McMsg	   *why;
	int			hit;

	if (!fact_bool(c, F_M1_SMALL, false))
		return;
	why = mc_list();
	if (!FNULL(c, F_RESERVES_T) && fact_numeric_sign(c, F_RESERVES_T) == 0)
		mc_list_add(why, MSG0(R_E1_EXHAUSTED));
	if (fact_bool(c, F_BACKWARD_PROCESS, false))
		mc_list_add(why, MSG0(R_E1_BACKWARD));
	if (!fact_bool(c, F_RESTORATION_OK, true))
		mc_list_add(why, MSG0(R_E1_RESTORATION));
	if (why->nargs == 0)
		return;
	hit = add_hit(v, "E1", MSG(R_E1, 3, fact_km2_text(c, F_AREA_KM2),
							   fact_numeric_text(c, F_RESERVES_T), why));
	decide(v, D_CLOSE, hit);
}

static void
rule_c5(Verdict *v, ClassifyCache *c, DateADT as_of)
{
	char	   *mode = fact_text(c, F_TRANSFER_MODE);
	int			hit;

	if (mode == NULL)
	{
		add_hit(v, "C5?", MSG0(R_C5_NO_MODE));
		return;
	}
	if (strcmp(mode, "term") == 0 && !FNULL(c, F_VALID_TO) &&
		DatumGetDateADT(FDATUM(c, F_VALID_TO)) < as_of)
	{
		hit = add_hit(v, "C5", MSG(R_C5_TERM_ENDED, 1, fact_date_text(c, F_VALID_TO)));
		decide(v, D_EXIT_AT_TERM, hit);
	}
	else if (strcmp(mode, "term") == 0)
	{
		hit = add_hit(v, "C5", MSG(R_C5_TERM, 1, fact_date_text(c, F_VALID_TO)));
		decide(v, D_EXIT_AT_TERM, hit);
	}
	else if (!FNULL(c, F_RESERVES_T) && fact_numeric_sign(c, F_RESERVES_T) > 0)
	{
		hit = add_hit(v, "C5", MSG(R_C5_RESERVES, 1, fact_numeric_text(c, F_RESERVES_T)));
		decide(v, D_MINE_OUT_THEN_EXIT, hit);
	}
	else
		add_hit(v, "C5?", MSG0(R_C5_NO_RESERVES));
}

static void
rule_l1(Verdict *v, ClassifyCache *c)
{
	int			n;
	McMsg	   *ids = fact_list(c, F_L1_SAME_HOLDER_IDS, &n);
	bool		flagged = fact_bool(c, F_FAKE_CONSOLIDATION_SUSPECTED, false);

	if (ids == NULL && !flagged)
		return;
	if (ids == NULL)
		add_hit(v, "L1", MSG0(R_L1_SUSPECTED));
	else
		add_hit(v, "L1", MSG(n == 1 ? R_L1_ONE : R_L1_MANY, 5,
							 flagged ? MSG0(R_L1_SUSPECTED_AND) : mc_lit(""),
							 mc_lit(psprintf("%d", n)), fact_text_quoted(c, F_ORE_BODY),
							 fact_numeric_text(c, F_MERGE_DISTANCE_M), ids));
}

/* S4 and A1: warnings on a mine that would be kept. */
static void
rule_kept_warnings(Verdict *v, ClassifyCache *c)
{
	McMsg	   *fragile = fact_list(c, F_ECO_FRAGILE_ZONES, NULL);

	if (FNULL(c, F_PLANNED_ZONE))
		add_hit(v, "S4", MSG0(R_S4));
	if (fragile != NULL)
		add_hit(v, "A1", MSG(R_A1, 1, fragile));
}

/* Missing facts the merge rules need, said out loud. */
static void
merge_fact_notes(Verdict *v, ClassifyCache *c)
{
	if (FNULL(c, F_M1_SMALL))
		add_hit(v, "M1?", MSG0(R_M1_UNKNOWN));
	if (FNULL(c, F_L2_SMALL))
	{
		if (FNULL(c, F_CONCENTRATED_ZONE))
			add_hit(v, "L2?", MSG0(R_L2_UNKNOWN));
		else
			add_hit(v, "L2?", MSG(R_L2_SCALE_UNKNOWN, 1, mc_lit(fact_text(c, F_CONCENTRATED_ZONE))));
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
	McMsg	   *follows;

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
			follows = MSG(R_LX_RENEW, 1, level_msg(c, V_NOT_RECORDED));
			break;
		case D_EXIT_AT_TERM:
			follows = MSG0(R_LX_EXIT);
			break;
		case D_MERGE_CLOSE:
			follows = MSG0(R_LX_MERGE);
			break;
		default:
			follows = MSG0(R_LX_OTHER);
			break;
	}
	add_hit(v, "LX", MSG(R_LX, 2, fact_date_text(c, F_VALID_TO), follows));
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
		decide(v, D_RETAIN, add_hit(v, "R", MSG0(R_R)));

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

/*
 * The order of the hits in the result: by rank, in the order they matched
 * within a rank.  Returns how many.
 */
static int
verdict_order(const Verdict *v, int *order)
{
	int			rank,
				i,
				n = 0;

	for (rank = 0; rank <= 3; rank++)
		for (i = 0; i < v->nhits; i++)
			if (hit_rank(v, i) == rank)
				order[n++] = i;
	return n;
}

/* The verdict as the SQL composite (disposition, rules, reasons). */
static Datum
verdict_datum(Verdict *v, ClassifyCache *c)
{
	Datum	   *codes = palloc(sizeof(Datum) * v->nhits);
	Datum	   *reasons = palloc(sizeof(Datum) * v->nhits);
	int			order[MAX_HITS];
	Datum		values[3];
	bool		nulls[3] = {false, false, false};
	int			i,
				n;

	bool		translate = mc_translating();

	n = verdict_order(v, order);
	for (i = 0; i < n; i++)
	{
		codes[i] = code_datum(c, v->hits[order[i]].code);
		reasons[i] = PointerGetDatum(cstring_to_text(mc_msg_render_cstring(v->hits[order[i]].reason, translate)));
	}
	values[0] = ObjectIdGetDatum(c->dispositionOid[v->disposition]);
	values[1] = PointerGetDatum(construct_array(codes, n, TEXTOID, -1, false, TYPALIGN_INT));
	values[2] = PointerGetDatum(construct_array(reasons, n, TEXTOID, -1, false, TYPALIGN_INT));
	return HeapTupleGetDatum(heap_form_tuple(c->resultDesc, values, nulls));
}

/*
 * Classifies the row argument of fcinfo into *v, with the per-call cache
 * (built for a verdict result or not).
 */
static ClassifyCache *
classify_arg(FunctionCallInfo fcinfo, Verdict *v, bool verdict_result)
{
	HeapTupleHeader row = PG_GETARG_HEAPTUPLEHEADER(0);
	Oid			tupType = HeapTupleHeaderGetTypeId(row);
	int32		tupTypmod = HeapTupleHeaderGetTypMod(row);
	ClassifyCache *cache = (ClassifyCache *) fcinfo->flinfo->fn_extra;
	HeapTupleData tuple;

	if (cache == NULL || cache->tupType != tupType || cache->tupTypmod != tupTypmod)
	{
		cache = classify_cache_build(fcinfo, tupType, tupTypmod, verdict_result);
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

	classify_facts(v, cache);
	return cache;
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
	Verdict		v;
	ClassifyCache *cache = classify_arg(fcinfo, &v, true);

	PG_RETURN_DATUM(verdict_datum(&v, cache));
}

/*
 * reason_args(mine_facts) -> jsonb: what each reason of classify() says, as
 * a JSON array in the order of its rules: one structured message per rule
 * (i18n.c, mc_msg_to_json).  The same classification as classify(), so a
 * stored verdict's reasons rendered later say what classify() said.
 */
PG_FUNCTION_INFO_V1(mc_reason_args);
Datum
mc_reason_args(PG_FUNCTION_ARGS)
{
	Verdict		v;
	int			order[MAX_HITS];
	int			i,
				n;
	StringInfoData buf;

	classify_arg(fcinfo, &v, false);
	n = verdict_order(&v, order);
	initStringInfo(&buf);
	appendStringInfoChar(&buf, '[');
	for (i = 0; i < n; i++)
	{
		if (i > 0)
			appendStringInfoString(&buf, ", ");
		mc_msg_to_json(&buf, v.hits[order[i]].reason);
	}
	appendStringInfoChar(&buf, ']');
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}

/*
 * render_reasons(reason_args jsonb, stored text[], in_english boolean)
 * -> text[]: the reasons a stored verdict keeps, rendered in the session's
 * language (in English, the templates themselves, with in_english: what
 * refresh_results() stores as the text).  Where reason_args is NULL (a
 * verdict stored before it existed) or an element cannot be read (not an
 * array of messages, a template this library does not know), the stored
 * text of that reason is returned as it is.  A session that reads English
 * gets the stored text, which is that English rendering, without parsing.
 */
PG_FUNCTION_INFO_V1(mc_render_reasons);
Datum
mc_render_reasons(PG_FUNCTION_ARGS)
{
	Jsonb	   *args;
	ArrayType  *stored = PG_ARGISNULL(1) ? NULL : PG_GETARG_ARRAYTYPE_P(1);
	bool		translate = PG_ARGISNULL(2) || !PG_GETARG_BOOL(2);
	Datum	   *texts = NULL;
	bool	   *tnulls = NULL;
	int			nstored = 0;
	int			nargs;
	Datum	   *out;
	bool	   *onulls;
	int			n,
				i;
	int			dims[1];
	int			lbs[1] = {1};

	if (translate && stored != NULL && !mc_translating())
		PG_RETURN_ARRAYTYPE_P(stored);
	args = PG_ARGISNULL(0) ? NULL : PG_GETARG_JSONB_P(0);
	if (args == NULL || !JB_ROOT_IS_ARRAY(args) || JB_ROOT_IS_SCALAR(args))
	{
		if (stored == NULL)
			PG_RETURN_NULL();
		PG_RETURN_ARRAYTYPE_P(stored);
	}

	if (stored != NULL)
		deconstruct_array(stored, TEXTOID, -1, false, TYPALIGN_INT, &texts, &tnulls, &nstored);
	nargs = (int) JB_ROOT_COUNT(args);
	n = Max(nargs, nstored);
	if (n == 0)
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(TEXTOID));
	out = palloc(sizeof(Datum) * n);
	onulls = palloc(sizeof(bool) * n);
	for (i = 0; i < n; i++)
	{
		JsonbValue *elem = i < nargs ? getIthJsonbValueFromContainer(&args->root, i) : NULL;
		McMsg	   *m = elem ? mc_msg_from_jsonb(elem, reason_templates, NUM_REASON_KEYS) : NULL;

		CHECK_FOR_INTERRUPTS();
		onulls[i] = false;
		if (m != NULL)
			out[i] = PointerGetDatum(cstring_to_text(mc_msg_render_cstring(m, translate)));
		else if (i < nstored && !tnulls[i])
			out[i] = texts[i];
		else
			onulls[i] = true;
	}
	dims[0] = n;
	PG_RETURN_ARRAYTYPE_P(construct_md_array(out, onulls, 1, dims, lbs, TEXTOID, -1, false, TYPALIGN_INT));
}
