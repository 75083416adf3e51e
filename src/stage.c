/*
 * stage.c
 *		The stage workflow (RULES.md 四): the trigger that guards the stage
 *		columns of schemes, units and closures, advance(), revert_stage(),
 *		and the cached transition graph.
 *
 * Tracks.  Each track is a table with a stage column and a stage_evidence
 * column (jsonb), guarded by the row trigger stage_guard(track):
 *
 *	  scheme   schemes,  key id
 *	  unit     units,    key id
 *	  closure  closures, key mine_id
 *
 * Graph.  stage_transitions holds one row per allowed step (track,
 * from_stage, to_stage, evidence_keys, relative deadline).  The first stage
 * of a track is the one that is never a to_stage; every step must lead
 * further from it.  The graph is read once per backend and cached in
 * CacheMemoryContext; a statement trigger on stage_transitions sends a
 * relcache invalidation for the table, and our relcache callback drops the
 * cache, so the next check (in this session after the next command, in
 * others after the change commits) reads the new graph.
 *
 * Evidence.  An UPDATE has no argument for evidence, so the tables carry it:
 * an UPDATE that changes stage sets stage_evidence in the same statement,
 * and advance() does exactly that.  An UPDATE of stage whose SET list does
 * not name stage_evidence gives no evidence (the previous step's value left
 * in the column is not evidence for this one).  stage_evidence cannot
 * change without the stage.
 *
 * Checks, in this order, each refusal SQLSTATE 23514 naming the row, the
 * step, the allowed next stages and the missing or invalid evidence:
 * the step is one step forward in the graph; the caller may record it
 * (stage_transitions.recorded_by 'city': members of mineconsol_admin only,
 * else 42501); the evidence is at most EVIDENCE_MAX_BYTES (else 54000) and
 * holds every key of the step (date: an ISO date, from 2000-01-01, not
 * after tomorrow and not before the date of the step that reached the
 * row's current stage; shares: holder → fraction, summing to 1;
 * license_no: a valid licence number; any other key: a non-empty value);
 * cross-track prerequisites (a unit reaches "transferred" or later only
 * once its county's scheme is "approved", and "licensed" or later only once
 * the closure of every member other than the retained mine has reached
 * "license_cancelled").  A new row must start at the first stage (a unit
 * only once its county's scheme is "drafted"), except when a superuser
 * inserts it (pg_restore, migration).
 *
 * The trigger functions fire only on their own tables, with their own
 * timing, level and events (mc_trigger_check(), else 39P01): a trigger a
 * role attaches to a table of its own cannot write stage_events.
 *
 * Backward moves go only through revert_stage(), for members of
 * mineconsol_admin or superusers.  revert_stage() announces the one move it
 * is about to make in pending_revert, a backend-local variable that SQL
 * cannot reach, and the trigger lets exactly that move through.
 *
 * Every accepted change appends its event to stage_events (audit.c), with
 * the deadline (milestones, or relative to an earlier step) and the days
 * late, counted from the evidence date.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/sysattr.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/bitmapset.h"
#include "nodes/parsenodes.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/datetime.h"
#include "utils/fmgrprotos.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "mineconsol.h"
#include "stage.h"

/* The input function of license_no, in license_no.c (NULL when invalid). */
extern Datum try_license_no(PG_FUNCTION_ARGS);

/* Tracks: fixed by DESIGN.md. */
typedef enum Track
{
	TRACK_SCHEME,
	TRACK_UNIT,
	TRACK_CLOSURE,
	NTRACKS
} Track;

typedef struct TrackDef
{
	const char *name;			/* track name, as in stage_transitions */
	const char *table;			/* table in schema mineconsol */
	const char *key;			/* key column */
} TrackDef;

static const TrackDef track_defs[NTRACKS] = {
	{"scheme", "schemes", "id"},
	{"unit", "units", "id"},
	{"closure", "closures", "mine_id"},
};

/* The tables of the tracks, in Track order, for mc_trigger_check(). */
static const char *const track_tables[NTRACKS] = {"schemes", "units", "closures"};

/* Stage names the cross-track rules refer to (DESIGN.md). */
#define SCHEME_DRAFTED				"drafted"
#define SCHEME_APPROVED				"approved"
#define UNIT_TRANSFERRED			"transferred"
#define UNIT_LICENSED				"licensed"
#define CLOSURE_LICENSE_CANCELLED	"license_cancelled"

/* One step of the graph (a row of stage_transitions). */
typedef struct StageStep
{
	int			from;			/* index into StageGraph.stages */
	int			to;
	int			nkeys;
	char	  **keys;			/* required evidence keys */
	char	   *due_after;		/* relative deadline: from this stage's date */
	char	   *due_param;		/* … plus this parameter, in years */
	bool		by_city;		/* recorded_by = 'city': only the city records it */
} StageStep;

typedef struct StageGraph
{
	int			nstages;
	char	  **stages;
	int		   *depth;			/* steps from the first stage */
	bool	   *has_due;		/* milestones has a deadline for the stage */
	DateADT    *due;
	int			first;			/* index of the first stage */
	int			nsteps;
	StageStep  *steps;
} StageGraph;

/*
 * The deliberate cache: the graph of every track, built from
 * stage_transitions, dropped by stage_cache_callback().
 */
static MemoryContext stage_cache_cxt = NULL;
static StageGraph stage_graphs[NTRACKS];
static bool stage_cache_valid = false;
static uint64 stage_cache_inval_count = 0;
static Oid	stage_cache_relid = InvalidOid; /* stage_transitions */
static Oid	stage_cache_milestones_relid = InvalidOid;

/* The one backward move revert_stage() is making (see head comment). */
typedef struct PendingRevert
{
	bool		active;
	Track		track;
	int64		row_id;
	const char *to_stage;
	const char *reason;
} PendingRevert;

static PendingRevert pending_revert = {false};

/* Prepared statements, kept for the life of the backend. */
static SPIPlanPtr scheme_stage_plan = NULL;
static SPIPlanPtr members_plan = NULL;
static SPIPlanPtr relative_due_plan = NULL;
static SPIPlanPtr relative_years_plan = NULL;
static SPIPlanPtr advance_plans[NTRACKS];
static SPIPlanPtr revert_plans[NTRACKS];

/* ---------------------------------------------------------------- cache */

static void
stage_cache_callback(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == stage_cache_relid ||
		relid == stage_cache_milestones_relid)
	{
		stage_cache_valid = false;
		stage_cache_inval_count++;
	}
}

/* Called once per backend from _PG_init(). */
void
mc_stage_init(void)
{
	CacheRegisterRelcacheCallback(stage_cache_callback, (Datum) 0);
}

static int
graph_stage_index(const StageGraph *g, const char *name)
{
	int			i;

	for (i = 0; i < g->nstages; i++)
		if (strcmp(g->stages[i], name) == 0)
			return i;
	return -1;
}

static int
graph_add_stage(StageGraph *g, const char *name, int maxstages)
{
	int			i = graph_stage_index(g, name);

	if (i >= 0)
		return i;
	Assert(g->nstages < maxstages);
	g->stages[g->nstages] = pstrdup(name);
	return g->nstages++;
}

static void graph_invalid(const char *track, const char *why) pg_attribute_noreturn();

static void
graph_invalid(const char *track, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
			 errmsg("stage_transitions does not define a valid stage graph for track \"%s\"", track),
			 errdetail("%s", why),
			 errhint("Every stage of a track must be reachable from one first stage, and every step must lead away from it.")));
}

/* Compute the first stage and the depths of a track's graph. */
static void
graph_finish(StageGraph *g, const char *track)
{
	int		   *queue;
	int			head = 0,
				tail = 0,
				i,
				s;

	g->depth = palloc(sizeof(int) * Max(g->nstages, 1));
	g->first = -1;
	for (s = 0; s < g->nstages; s++)
	{
		bool		is_target = false;

		g->depth[s] = -1;
		for (i = 0; i < g->nsteps; i++)
			if (g->steps[i].to == s)
				is_target = true;
		if (!is_target)
		{
			if (g->first >= 0)
				graph_invalid(track, psprintf("Both \"%s\" and \"%s\" are first stages (never the target of a step).",
											  g->stages[g->first], g->stages[s]));
			g->first = s;
		}
	}
	if (g->nstages == 0)
		return;
	if (g->first < 0)
		graph_invalid(track, "Every stage is the target of a step, so there is no first stage.");

	queue = palloc(sizeof(int) * g->nstages);
	g->depth[g->first] = 0;
	queue[tail++] = g->first;
	while (head < tail)
	{
		int			from = queue[head++];

		for (i = 0; i < g->nsteps; i++)
			if (g->steps[i].from == from && g->depth[g->steps[i].to] < 0)
			{
				g->depth[g->steps[i].to] = g->depth[from] + 1;
				queue[tail++] = g->steps[i].to;
			}
	}
	for (s = 0; s < g->nstages; s++)
		if (g->depth[s] < 0)
			graph_invalid(track, psprintf("Stage \"%s\" cannot be reached from the first stage \"%s\".",
										  g->stages[s], g->stages[g->first]));
	for (i = 0; i < g->nsteps; i++)
		if (g->depth[g->steps[i].to] <= g->depth[g->steps[i].from])
			graph_invalid(track, psprintf("The step from \"%s\" to \"%s\" leads back towards the first stage.",
										  g->stages[g->steps[i].from], g->stages[g->steps[i].to]));
}

static Track
track_of_name(const char *name, bool missing_ok)
{
	int			t;

	for (t = 0; t < NTRACKS; t++)
		if (strcmp(track_defs[t].name, name) == 0)
			return (Track) t;
	if (!missing_ok)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown track \"%s\"", name),
				 errhint("The tracks are \"scheme\", \"unit\" and \"closure\".")));
	return NTRACKS;
}

/* Read stage_transitions into the cache.  The caller is connected to SPI. */
static void
stage_cache_load(void)
{
	uint64		start = stage_cache_inval_count;
	MemoryContext oldcxt;
	uint64		n,
				r;
	int			t;
	Oid			nsp;
	int			col_track,
				col_from,
				col_to,
				col_keys,
				col_after,
				col_param,
				col_by;

	if (stage_cache_cxt == NULL)
		stage_cache_cxt = AllocSetContextCreate(CacheMemoryContext,
												"mineconsol stage graph",
												ALLOCSET_SMALL_SIZES);
	stage_cache_valid = false;
	MemoryContextReset(stage_cache_cxt);
	memset(stage_graphs, 0, sizeof(stage_graphs));

	nsp = get_namespace_oid("mineconsol", false);
	stage_cache_relid = get_relname_relid("stage_transitions", nsp);
	stage_cache_milestones_relid = get_relname_relid("milestones", nsp);
	if (!OidIsValid(stage_cache_relid) || !OidIsValid(stage_cache_milestones_relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation \"mineconsol.stage_transitions\" or \"mineconsol.milestones\" does not exist")));

	/*
	 * SELECT *: recorded_by is new in 0.2.0.  Until ALTER EXTENSION UPDATE
	 * has added it, the city alone records the step into the scheme's
	 * "approved", as the 0.2.0 seed says.
	 */
	if (SPI_execute("SELECT * FROM mineconsol.stage_transitions ORDER BY track, from_stage, to_stage",
					true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read mineconsol.stage_transitions");
	n = SPI_processed;
	{
		TupleDesc	desc = SPI_tuptable->tupdesc;

		col_track = SPI_fnumber(desc, "track");
		col_from = SPI_fnumber(desc, "from_stage");
		col_to = SPI_fnumber(desc, "to_stage");
		col_keys = SPI_fnumber(desc, "evidence_keys");
		col_after = SPI_fnumber(desc, "due_after_stage");
		col_param = SPI_fnumber(desc, "due_within_param");
		col_by = SPI_fnumber(desc, "recorded_by");
		if (col_track <= 0 || col_from <= 0 || col_to <= 0 || col_keys <= 0 ||
			col_after <= 0 || col_param <= 0)
			elog(ERROR, "mineconsol.stage_transitions lacks a column of the stage graph");
	}

	oldcxt = MemoryContextSwitchTo(stage_cache_cxt);
	for (t = 0; t < NTRACKS; t++)
	{
		stage_graphs[t].stages = palloc(sizeof(char *) * (2 * n + 1));
		stage_graphs[t].steps = palloc0(sizeof(StageStep) * (n + 1));
	}
	for (r = 0; r < n; r++)
	{
		HeapTuple	tup = SPI_tuptable->vals[r];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		char	   *track = SPI_getvalue(tup, desc, col_track);
		StageGraph *g;
		StageStep  *step;
		bool		isnull;
		Datum		keys;

		t = track_of_name(track, true);
		if (t == NTRACKS)
			continue;			/* the CHECK constraint keeps this out */
		g = &stage_graphs[t];
		step = &g->steps[g->nsteps++];
		step->from = graph_add_stage(g, SPI_getvalue(tup, desc, col_from), 2 * n);
		step->to = graph_add_stage(g, SPI_getvalue(tup, desc, col_to), 2 * n);
		keys = SPI_getbinval(tup, desc, col_keys, &isnull);
		if (!isnull)
		{
			Datum	   *elems;
			bool	   *nulls;
			int			nelems,
						i;

			deconstruct_array(DatumGetArrayTypeP(keys), TEXTOID, -1, false,
							  TYPALIGN_INT, &elems, &nulls, &nelems);
			step->keys = palloc(sizeof(char *) * Max(nelems, 1));
			for (i = 0; i < nelems; i++)
				if (!nulls[i])
					step->keys[step->nkeys++] = TextDatumGetCString(elems[i]);
		}
		step->due_after = SPI_getvalue(tup, desc, col_after);
		step->due_param = SPI_getvalue(tup, desc, col_param);
		if (col_by > 0)
		{
			char	   *by = SPI_getvalue(tup, desc, col_by);

			step->by_city = by != NULL && strcmp(by, "city") == 0;
		}
		else
			step->by_city = t == TRACK_SCHEME &&
				strcmp(g->stages[step->to], SCHEME_APPROVED) == 0;
	}
	for (t = 0; t < NTRACKS; t++)
		graph_finish(&stage_graphs[t], track_defs[t].name);
	MemoryContextSwitchTo(oldcxt);
	SPI_freetuptable(SPI_tuptable);

	/* Deadlines of the stages (milestones). */
	if (SPI_execute("SELECT track, stage, due FROM mineconsol.milestones", true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read mineconsol.milestones");
	oldcxt = MemoryContextSwitchTo(stage_cache_cxt);
	for (t = 0; t < NTRACKS; t++)
	{
		StageGraph *g = &stage_graphs[t];

		g->has_due = palloc0(sizeof(bool) * Max(g->nstages, 1));
		g->due = palloc0(sizeof(DateADT) * Max(g->nstages, 1));
	}
	for (r = 0; r < SPI_processed; r++)
	{
		HeapTuple	tup = SPI_tuptable->vals[r];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		Datum		due;
		int			s;

		t = track_of_name(SPI_getvalue(tup, desc, 1), true);
		if (t == NTRACKS)
			continue;
		s = graph_stage_index(&stage_graphs[t], SPI_getvalue(tup, desc, 2));
		due = SPI_getbinval(tup, desc, 3, &isnull);
		if (s < 0 || isnull)
			continue;			/* a milestone for a stage not in the graph */
		stage_graphs[t].has_due[s] = true;
		stage_graphs[t].due[s] = DatumGetDateADT(due);
	}
	MemoryContextSwitchTo(oldcxt);
	SPI_freetuptable(SPI_tuptable);

	/* An invalidation that arrived while we read leaves the cache invalid. */
	stage_cache_valid = (stage_cache_inval_count == start);
}

/*
 * The graphs of all tracks, loading the cache if needed (SPI connected).
 * Each entry point calls this once, before any other query, and passes the
 * result down: an invalidation that arrives during its queries marks the
 * cache stale but cannot free what it is using.
 */
static const StageGraph *
stage_graphs_get(void)
{
	int			t;

	if (!stage_cache_valid)
		stage_cache_load();
	for (t = 0; t < NTRACKS; t++)
		if (stage_graphs[t].nstages == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
					 errmsg("stage_transitions has no steps for track \"%s\"", track_defs[t].name)));
	return stage_graphs;
}

/* Index of a stage the C rules name; the graph must have it. */
static int
graph_required_stage(const StageGraph *g, Track t, const char *name)
{
	int			i = graph_stage_index(g, name);

	if (i < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				 errmsg("stage_transitions has no stage \"%s\" in track \"%s\"", name, track_defs[t].name),
				 errdetail("The cross-track rules of the stage workflow refer to it.")));
	return i;
}

static const StageStep *
graph_step(const StageGraph *g, int from, int to)
{
	int			i;

	for (i = 0; i < g->nsteps; i++)
		if (g->steps[i].from == from && g->steps[i].to == to)
			return &g->steps[i];
	return NULL;
}

/* The (first) step that leads into a stage: its evidence is the stage's. */
static const StageStep *
graph_step_into(const StageGraph *g, int to)
{
	int			i;

	for (i = 0; i < g->nsteps; i++)
		if (g->steps[i].to == to)
			return &g->steps[i];
	return NULL;
}

/* Does stage a come before stage b (b reachable from a)? */
static bool
graph_before(const StageGraph *g, int a, int b)
{
	int			i;

	if (a == b)
		return false;
	for (i = 0; i < g->nsteps; i++)
		if (g->steps[i].to == b &&
			(g->steps[i].from == a || graph_before(g, a, g->steps[i].from)))
			return true;
	return false;
}

/* "Allowed next stage: "x"." for the stage at index from. */
static void
append_allowed_next(StringInfo buf, const StageGraph *g, int from)
{
	int			i,
				n = 0;
	StringInfoData list;

	initStringInfo(&list);
	for (i = 0; i < g->nsteps; i++)
		if (g->steps[i].from == from)
			appendStringInfo(&list, "%s\"%s\"", n++ ? ", " : "", g->stages[g->steps[i].to]);
	if (buf->len > 0)
		appendStringInfoChar(buf, ' ');
	if (n == 0)
		appendStringInfo(buf, "\"%s\" is the last stage; there is no next stage.", g->stages[from]);
	else
		appendStringInfo(buf, "Allowed next stage%s: %s.", n > 1 ? "s" : "", list.data);
}

/* ---------------------------------------------------------------- rows */

static const char *
row_label(Track t, int64 row_id, const char *county)
{
	const char *what;

	switch (t)
	{
		case TRACK_SCHEME:
			what = psprintf("scheme " INT64_FORMAT, row_id);
			break;
		case TRACK_UNIT:
			what = psprintf("unit " INT64_FORMAT, row_id);
			break;
		default:
			what = psprintf("closure of mine " INT64_FORMAT, row_id);
			break;
	}
	return county ? psprintf("%s (county %s)", what, county) : what;
}

/* County of a closure's mine, for messages (SPI connected). */
static const char *
closure_county(int64 mine_id)
{
	Oid			types[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(mine_id)};

	if (SPI_execute_with_args("SELECT county_code FROM mineconsol.mines WHERE id OPERATOR(pg_catalog.=) $1",
							  1, types, values, NULL, true, 1) == SPI_OK_SELECT &&
		SPI_processed == 1)
		return SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	return NULL;
}

/*
 * A plan kept for the life of the backend (the stage trigger's and the
 * audit trail's queries).  Every such query reads one row or one unit's
 * members by key, written so that even a generic plan made while the tables
 * were small uses their indexes (a correlated subquery rather than a join,
 * ORDER BY … LIMIT on an index's order): planning at every call cost the
 * stage trigger a third of its time.
 */
SPIPlanPtr
mc_prepare_kept(const char *sql, int nargs, Oid *argtypes)
{
	SPIPlanPtr	plan = SPI_prepare(sql, nargs, argtypes);

	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed for \"%s\": %s",
			 sql, SPI_result_code_string(SPI_result));
	SPI_keepplan(plan);
	return plan;
}

/* Stage of a county's scheme, or NULL when it has none (SPI connected). */
static char *
scheme_stage_of(const char *county)
{
	Datum		values[1];

	if (scheme_stage_plan == NULL)
	{
		Oid			types[1] = {TEXTOID};

		scheme_stage_plan = mc_prepare_kept(
			"SELECT stage FROM mineconsol.schemes WHERE county_code OPERATOR(pg_catalog.=) $1",
			1, types);
	}
	values[0] = CStringGetTextDatum(county);
	if (SPI_execute_plan(scheme_stage_plan, values, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read the scheme of county %s", county);
	if (SPI_processed == 0)
		return NULL;
	return SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
}

static bool
user_is_city(void)
{
	Oid			admin = get_role_oid("mineconsol_admin", true);

	return superuser() || (OidIsValid(admin) && has_privs_of_role(GetUserId(), admin));
}

/* ------------------------------------------------------------- evidence */

/* Parse an ISO date YYYY-MM-DD strictly; false if it is not one. */
static bool
parse_iso_date(const char *s, int len, DateADT *result)
{
	int			y,
				m,
				d,
				i;

	if (len != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > day_tab[isleap(y)][m - 1])
		return false;
	*result = date2j(y, m, d) - POSTGRES_EPOCH_JDATE;
	return true;
}

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

	if (!parse_iso_date(EVIDENCE_MIN_DATE, strlen(EVIDENCE_MIN_DATE), &d))
		elog(ERROR, "invalid EVIDENCE_MIN_DATE");
	return d;
}

/* A date as YYYY-MM-DD, whatever DateStyle says (dates here are finite). */
static const char *
date_text(DateADT d)
{
	int			y,
				m,
				day;

	j2date(d + POSTGRES_EPOCH_JDATE, &y, &m, &day);
	return psprintf("%04d-%02d-%02d", y, m, day);
}

/* The date of a step's evidence (the "date" key), when it is a valid ISO date. */
static bool
evidence_date(Jsonb *ev, DateADT *date)
{
	JsonbValue *v;

	if (ev == NULL || !JB_ROOT_IS_OBJECT(ev))
		return false;
	v = getKeyJsonValueFromContainer(&ev->root, "date", 4, NULL);
	return v != NULL && v->type == jbvString &&
		parse_iso_date(v->val.string.val, v->val.string.len, date);
}

/* Refuse evidence (or a revert reason) larger than EVIDENCE_MAX_BYTES: 54000. */
static void
check_evidence_size(Size size, const char *what, const char *row)
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
		return "a scalar";
	if (JB_ROOT_IS_ARRAY(jb))
		return "an array";
	return "an object";
}

/* Append "; " between items of a list. */
static void
list_sep(StringInfo buf)
{
	if (buf->len > 0)
		appendStringInfoString(buf, "; ");
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
		appendStringInfo(invalid, "shares must be an object of holder → fraction, got %s",
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
			appendStringInfo(invalid, "the share of \"%.*s\" must be a number greater than 0, got %s",
							 k.val.string.len, k.val.string.val, jsonb_value_text(&val));
			return;
		}
		sum = DatumGetNumeric(DirectFunctionCall2(numeric_add, NumericGetDatum(sum),
												  NumericGetDatum(val.val.numeric)));
	}
	if (n == 0)
	{
		list_sep(invalid);
		appendStringInfoString(invalid, "shares must name at least one holder");
		return;
	}
	if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(sum),
										  NumericGetDatum(int64_to_numeric(1)))) != 0)
	{
		list_sep(invalid);
		appendStringInfo(invalid, "shares must sum to 1 (fractions, not percentages), got %s",
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
	(void) try_license_no(fc);
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
static void
check_evidence(Jsonb *ev, const StageStep *step, StringInfo missing,
			   StringInfo invalid, DateADT *date, bool *date_set,
			   const DateADT *prev_date, const char *prev_stage)
{
	int			i;

	*date_set = false;
	if (ev != NULL && !JB_ROOT_IS_OBJECT(ev))
	{
		appendStringInfo(invalid, "the evidence must be a JSON object, got %s", jsonb_kind(ev));
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
			appendStringInfo(missing, "%s%s", missing->len ? ", " : "", key);
			continue;
		}
		if (strcmp(key, "date") == 0)
		{
			if (v->type != jbvString ||
				!parse_iso_date(v->val.string.val, v->val.string.len, date))
			{
				list_sep(invalid);
				appendStringInfo(invalid, "date must be an ISO date (YYYY-MM-DD), got %s",
								 jsonb_value_text(v));
			}
			else if (*date < evidence_min_date())
			{
				list_sep(invalid);
				appendStringInfo(invalid, "date %s is before %s, when no document of the programme can be dated",
								 date_text(*date), EVIDENCE_MIN_DATE);
			}
			else if (*date > GetSQLCurrentDate() + 1)
			{
				list_sep(invalid);
				appendStringInfo(invalid, "date %s is in the future (more than a day after today)",
								 date_text(*date));
			}
			else if (prev_date != NULL && *date < *prev_date)
			{
				list_sep(invalid);
				appendStringInfo(invalid, "date %s is before %s, the date of the step that reached \"%s\"",
								 date_text(*date), date_text(*prev_date), prev_stage);
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
				appendStringInfo(invalid, "license_no must be a valid licence number (type license_no), got %s",
								 jsonb_value_text(v));
			}
		}
	}
}

/* ------------------------------------------------------- prerequisites */

/*
 * A unit reaches "transferred" or later only once its county's scheme is
 * "approved".  Appends the reason to detail and returns false if not.
 */
static bool
unit_scheme_ready(const StageGraph *graphs, const char *county, int target,
				  StringInfo detail)
{
	const StageGraph *ug = &graphs[TRACK_UNIT];
	const StageGraph *sg = &graphs[TRACK_SCHEME];
	int			transferred = graph_required_stage(ug, TRACK_UNIT, UNIT_TRANSFERRED);
	int			approved = graph_required_stage(sg, TRACK_SCHEME, SCHEME_APPROVED);
	char	   *stage;
	int			s;

	if (ug->depth[target] < ug->depth[transferred])
		return true;
	stage = scheme_stage_of(county);
	s = stage ? graph_stage_index(sg, stage) : -1;
	if (s >= 0 && sg->depth[s] >= sg->depth[approved])
		return true;
	if (stage)
		appendStringInfo(detail, "The scheme of county %s is at \"%s\"; a unit reaches \"%s\" only once its county's scheme is \"%s\".",
						 county, stage, UNIT_TRANSFERRED, SCHEME_APPROVED);
	else
		appendStringInfo(detail, "County %s has no scheme; a unit reaches \"%s\" only once its county's scheme is \"%s\".",
						 county, UNIT_TRANSFERRED, SCHEME_APPROVED);
	return false;
}

/*
 * A unit reaches "licensed" or later only once the closure of every member
 * other than the retained mine has reached "license_cancelled".
 */
static bool
unit_members_closed(const StageGraph *graphs, int64 unit_id, bool retained_null,
					int64 retained, int target, StringInfo detail)
{
	const StageGraph *ug = &graphs[TRACK_UNIT];
	const StageGraph *cg = &graphs[TRACK_CLOSURE];
	int			licensed = graph_required_stage(ug, TRACK_UNIT, UNIT_LICENSED);
	int			cancelled = graph_required_stage(cg, TRACK_CLOSURE, CLOSURE_LICENSE_CANCELLED);
	Datum		values[2];
	char		nulls[2] = {' ', ' '};
	StringInfoData open;
	uint64		i;
	int			nopen = 0;

	if (ug->depth[target] < ug->depth[licensed])
		return true;
	if (members_plan == NULL)
	{
		Oid			types[2] = {INT8OID, INT8OID};

		members_plan = mc_prepare_kept(
			"SELECT m.mine_id, (SELECT c.stage FROM mineconsol.closures c"
			"                   WHERE c.mine_id OPERATOR(pg_catalog.=) m.mine_id)"
			" FROM mineconsol.unit_members m"
			" WHERE m.unit_id OPERATOR(pg_catalog.=) $1"
			" AND m.mine_id IS DISTINCT FROM $2"
			" ORDER BY m.mine_id",
			2, types);
	}
	values[0] = Int64GetDatum(unit_id);
	values[1] = Int64GetDatum(retained);
	nulls[1] = retained_null ? 'n' : ' ';
	if (SPI_execute_plan(members_plan, values, nulls, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the members of unit " INT64_FORMAT, unit_id);

	initStringInfo(&open);
	for (i = 0; i < SPI_processed; i++)
	{
		char	   *mine = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
		char	   *stage = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2);
		int			s = stage ? graph_stage_index(cg, stage) : -1;

		if (s >= 0 && cg->depth[s] >= cg->depth[cancelled])
			continue;
		if (nopen++ > 0)
			appendStringInfoString(&open, ", ");
		if (stage)
			appendStringInfo(&open, "mine %s is at \"%s\"", mine, stage);
		else
			appendStringInfo(&open, "mine %s has no closure", mine);
	}
	if (nopen == 0)
		return true;
	appendStringInfo(detail, "A unit reaches \"%s\" only once the closure of every member other than the retained mine has reached \"%s\": %s.",
					 UNIT_LICENSED, CLOSURE_LICENSE_CANCELLED, open.data);
	return false;
}

/* --------------------------------------------------------------- due */

/*
 * The deadline of a step: relative to an earlier step when the step says so
 * (that step's evidence date + the parameter in years), else the milestone
 * of (track, stage).  Returns false when there is none.
 */
static bool
step_due(Track t, const StageGraph *g, const StageStep *step, int64 row_id,
		 DateADT *due)
{
	Datum		values[3];
	bool		isnull;
	volatile int rc = 0;
	Oid			save_userid;
	int			save_sec_context;
	char	   *from_date;
	DateADT		start;

	if (step->due_after == NULL)
	{
		if (g->has_due[step->to])
			*due = g->due[step->to];
		return g->has_due[step->to];
	}

	/*
	 * Relative: the evidence date of the row's last step into due_after, read
	 * from stage_events as the table's owner (county staff, who record the
	 * step, may not read the audit trail).  The query names only
	 * pg_catalog's operators and mineconsol's table, so nothing a caller
	 * controls runs with the owner's rights.
	 */
	if (relative_due_plan == NULL)
	{
		Oid			types[3] = {TEXTOID, INT8OID, TEXTOID};

		relative_due_plan = mc_prepare_kept(
			"SELECT e.evidence OPERATOR(pg_catalog.->>) 'date'"
			" FROM mineconsol.stage_events e"
			" WHERE e.track OPERATOR(pg_catalog.=) $1 AND e.row_id OPERATOR(pg_catalog.=) $2"
			" AND e.to_stage OPERATOR(pg_catalog.=) $3 AND e.reason IS NULL"
			" ORDER BY e.id DESC LIMIT 1",
			3, types);
	}
	values[0] = CStringGetTextDatum(track_defs[t].name);
	values[1] = Int64GetDatum(row_id);
	values[2] = CStringGetTextDatum(step->due_after);
	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(mc_audit_owner(), save_sec_context | SECURITY_LOCAL_USERID_CHANGE);
	PG_TRY();
	{
		rc = SPI_execute_plan(relative_due_plan, values, NULL, true, 1);
	}
	PG_FINALLY();
	{
		SetUserIdAndSecContext(save_userid, save_sec_context);
	}
	PG_END_TRY();
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not read the deadline of stage \"%s\"", g->stages[step->to]);
	if (SPI_processed == 0)
		return false;
	from_date = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	if (from_date == NULL || !parse_iso_date(from_date, strlen(from_date), &start))
		return false;

	/* … plus the parameter in years, read as the caller (parameters is public). */
	if (relative_years_plan == NULL)
	{
		Oid			types[2] = {DATEOID, TEXTOID};

		relative_years_plan = mc_prepare_kept(
			"SELECT ($1 OPERATOR(pg_catalog.+) pg_catalog.make_interval(years => mineconsol.param($2)::pg_catalog.int4))::pg_catalog.date",
			2, types);
	}
	values[0] = DateADTGetDatum(start);
	values[1] = CStringGetTextDatum(step->due_param);
	if (SPI_execute_plan(relative_years_plan, values, NULL, false, 1) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "could not compute the deadline of stage \"%s\"", g->stages[step->to]);
	*due = DatumGetDateADT(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	return !isnull;
}

/* ------------------------------------------------------- trigger identity */

/*
 * mc_trigger_check
 *		Every trigger function of the stage workflow and its audit trail
 *		fires only where mineconsol attached it: called as a trigger, on one
 *		of the named tables of schema mineconsol (compared by the schema's
 *		OID and the name, so a temporary or another schema's table of the
 *		same name is refused), with the timing, level and events given.
 *		Anything else is refused with SQLSTATE 39P01 (trigger protocol
 *		violated) before the function reads or writes anything.  Returns
 *		the index of the table in tables.  how says when it must fire, for
 *		the message, e.g. "BEFORE INSERT FOR EACH ROW".
 */
int
mc_trigger_check(FunctionCallInfo fcinfo, const char *fn,
				 const char *const *tables, int ntables,
				 bool before, bool row, int events, const char *how)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Relation	rel;
	Oid			nsp;
	const char *relname;
	StringInfoData list;
	int			i;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("%s() must be called as a trigger", fn)));
	rel = trigdata->tg_relation;
	relname = RelationGetRelationName(rel);
	nsp = get_namespace_oid("mineconsol", true);
	for (i = 0; i < ntables; i++)
		if (OidIsValid(nsp) && RelationGetNamespace(rel) == nsp &&
			strcmp(relname, tables[i]) == 0)
			break;
	if (i == ntables)
	{
		initStringInfo(&list);
		for (i = 0; i < ntables; i++)
			appendStringInfo(&list, "%smineconsol.%s",
							 i == 0 ? "" : i == ntables - 1 ? " and " : ", ", tables[i]);
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("%s() cannot fire on relation \"%s\"", fn, relname),
				 errdetail("It is a trigger of %s only, attached by mineconsol.", list.data),
				 errhint("Do not attach mineconsol's trigger functions to other tables.")));
	}
	if ((before ? !TRIGGER_FIRED_BEFORE(trigdata->tg_event)
		 : !TRIGGER_FIRED_AFTER(trigdata->tg_event)) ||
		(row ? !TRIGGER_FIRED_FOR_ROW(trigdata->tg_event)
		 : !TRIGGER_FIRED_FOR_STATEMENT(trigdata->tg_event)) ||
		(events & (1 << (trigdata->tg_event & TRIGGER_EVENT_OPMASK))) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("%s() must be fired %s", fn, how)));
	return i;
}

/* ------------------------------------------------------------- trigger */

static const char *
tuple_text(HeapTuple tuple, TupleDesc desc, const char *column)
{
	int			attnum = SPI_fnumber(desc, column);

	if (attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" does not exist", column)));
	return SPI_getvalue(tuple, desc, attnum);
}

static Jsonb *
tuple_jsonb(HeapTuple tuple, TupleDesc desc, const char *column)
{
	int			attnum = SPI_fnumber(desc, column);
	bool		isnull;
	Datum		d;

	if (attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" does not exist", column)));
	d = SPI_getbinval(tuple, desc, attnum, &isnull);
	return isnull ? NULL : DatumGetJsonbP(d);
}

static int64
tuple_int8(HeapTuple tuple, TupleDesc desc, const char *column, bool *isnull)
{
	int			attnum = SPI_fnumber(desc, column);
	Datum		d;

	if (attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" does not exist", column)));
	d = SPI_getbinval(tuple, desc, attnum, isnull);
	return *isnull ? 0 : DatumGetInt64(d);
}

static bool
jsonb_same(Jsonb *a, Jsonb *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return compareJsonbContainers(&a->root, &b->root) == 0;
}

static Jsonb *
empty_jsonb(void)
{
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum("{}")));
}

/*
 * The row's head: last_event_id and last_event_hash, which only this
 * trigger writes.  heads_differ() says whether an UPDATE tries to change
 * them; head_prev_hash() gives the hash the row's next event links to (and
 * returns the id it must exceed).
 */
static bool
heads_differ(HeapTuple oldtup, HeapTuple newtup, TupleDesc desc)
{
	static const char *const cols[] = {"last_event_id", "last_event_hash"};
	int			i;

	for (i = 0; i < (int) lengthof(cols); i++)
	{
		int			attnum = SPI_fnumber(desc, cols[i]);
		Form_pg_attribute att;
		bool		oldnull,
					newnull;
		Datum		o,
					n;

		if (attnum <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" does not exist", cols[i])));
		att = TupleDescAttr(desc, attnum - 1);
		o = heap_getattr(oldtup, attnum, desc, &oldnull);
		n = heap_getattr(newtup, attnum, desc, &newnull);
		if (oldnull != newnull)
			return true;
		if (oldnull)
			continue;
		if (att->attlen == -1)
		{
			/* compare contents: the same bytes may come with another header */
			struct varlena *ov = PG_DETOAST_DATUM_PACKED(o);
			struct varlena *nv = PG_DETOAST_DATUM_PACKED(n);

			if (VARSIZE_ANY_EXHDR(ov) != VARSIZE_ANY_EXHDR(nv) ||
				memcmp(VARDATA_ANY(ov), VARDATA_ANY(nv), VARSIZE_ANY_EXHDR(ov)) != 0)
				return true;
		}
		else if (!datumIsEqual(o, n, att->attbyval, att->attlen))
			return true;
	}
	return false;
}

static int64
head_prev_hash(HeapTuple oldtup, TupleDesc desc, StageEvent *ev)
{
	int			attnum = SPI_fnumber(desc, "last_event_hash");
	bool		isnull;
	Datum		d = heap_getattr(oldtup, attnum, desc, &isnull);
	int64		last_id;

	memset(ev->prev_hash, 0, AUDIT_HASH_LEN);
	if (!isnull)
	{
		bytea	   *b = DatumGetByteaPP(d);

		if (VARSIZE_ANY_EXHDR(b) != AUDIT_HASH_LEN)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("last_event_hash of %s %lld is not a SHA-256 hash",
							ev->track, (long long) ev->row_id)));
		memcpy(ev->prev_hash, VARDATA_ANY(b), AUDIT_HASH_LEN);
	}
	ev->prev_hash_set = true;
	last_id = tuple_int8(oldtup, desc, "last_event_id", &isnull);
	return isnull ? 0 : last_id;
}

/* The new row with its head moved to the event just appended. */
static HeapTuple
head_moved(HeapTuple newtup, TupleDesc desc, const StageEvent *ev)
{
	int			cols[2];
	Datum		values[2];
	bool		nulls[2] = {false, false};
	bytea	   *hash = palloc(VARHDRSZ + AUDIT_HASH_LEN);

	SET_VARSIZE(hash, VARHDRSZ + AUDIT_HASH_LEN);
	memcpy(VARDATA(hash), ev->hash, AUDIT_HASH_LEN);
	cols[0] = SPI_fnumber(desc, "last_event_id");
	cols[1] = SPI_fnumber(desc, "last_event_hash");
	values[0] = Int64GetDatum(ev->id);
	values[1] = PointerGetDatum(hash);
	return heap_modify_tuple_by_cols(newtup, desc, 2, cols, values, nulls);
}

static void
refuse_head_change(Track t, int64 row_id)
{
	ereport(ERROR,
			(errcode(ERRCODE_GENERATED_ALWAYS),
			 errmsg("last_event_id and last_event_hash of %s are maintained by mineconsol",
					row_label(t, row_id, NULL)),
			 errdetail("They name the row's last event in stage_events, the head of its audit chain."),
			 errhint("Change the stage with advance() or revert_stage(); the stage trigger records the event and sets them.")));
}

/*
 * DELETE: a row with a history stays, so that its chain keeps its head
 * (and a row inserted later with the same key cannot start a second chain).
 */
static void
guard_delete(Track t, HeapTuple oldtup, TupleDesc desc)
{
	bool		isnull;
	int64		last_id = tuple_int8(oldtup, desc, "last_event_id", &isnull);
	int64		row_id;

	if (isnull)
		return;
	row_id = tuple_int8(oldtup, desc, track_defs[t].key, &isnull);
	ereport(ERROR,
			(errcode(ERRCODE_RESTRICT_VIOLATION),
			 errmsg("%s cannot be deleted: it has a stage history", row_label(t, row_id, NULL)),
			 errdetail("Its last event is " INT64_FORMAT " in stage_events; the audit trail keeps a row with a history.", last_id),
			 errhint("To undo a step, use revert_stage().")));
}

/* INSERT: a new row starts at the first stage (superusers: any stage). */
static void
guard_insert(const StageGraph *graphs, Track t, HeapTuple newtup, TupleDesc desc)
{
	const StageGraph *g = &graphs[t];
	const char *stage = tuple_text(newtup, desc, "stage");
	const char *county = t == TRACK_CLOSURE ? NULL : tuple_text(newtup, desc, "county_code");
	bool		isnull;
	int64		row_id = tuple_int8(newtup, desc, track_defs[t].key, &isnull);
	int			s;

	if (stage == NULL)
		return;					/* NOT NULL refuses it */
	if (!superuser() &&
		!(heap_attisnull(newtup, SPI_fnumber(desc, "last_event_id"), desc) &&
		  heap_attisnull(newtup, SPI_fnumber(desc, "last_event_hash"), desc)))
		refuse_head_change(t, row_id);
	if (!superuser())
	{
		Jsonb	   *ev = tuple_jsonb(newtup, desc, "stage_evidence");

		if (ev != NULL)
			check_evidence_size(VARSIZE(ev), "evidence",
								row_label(t, row_id, t == TRACK_CLOSURE ? NULL : county));
	}
	s = graph_stage_index(g, stage);
	if (s < 0)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("%s cannot start at stage \"%s\"",
						row_label(t, row_id, t == TRACK_CLOSURE ? closure_county(row_id) : county), stage),
				 errdetail("\"%s\" is not a stage of the %s track; a new row starts at \"%s\".",
						   stage, track_defs[t].name, g->stages[g->first])));
	if (superuser())
		return;					/* restore, migration */
	if (s != g->first)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("%s cannot start at stage \"%s\"",
						row_label(t, row_id, t == TRACK_CLOSURE ? closure_county(row_id) : county), stage),
				 errdetail("A new row starts at \"%s\" and moves forward one step at a time.",
						   g->stages[g->first]),
				 errhint("Insert it at \"%s\" and use advance(); only a superuser may insert a row at a later stage (restore, migration).",
						 g->stages[g->first])));
	if (t == TRACK_UNIT && county != NULL)
	{
		const StageGraph *sg = &graphs[TRACK_SCHEME];
		int			drafted = graph_required_stage(sg, TRACK_SCHEME, SCHEME_DRAFTED);
		char	   *sstage = scheme_stage_of(county);
		int			ss = sstage ? graph_stage_index(sg, sstage) : -1;

		if (ss < 0 || sg->depth[ss] < sg->depth[drafted])
			ereport(ERROR,
					(errcode(ERRCODE_CHECK_VIOLATION),
					 errmsg("%s cannot be created before the scheme of county %s is drafted",
							row_label(t, row_id, county), county),
					 sstage ? errdetail("The scheme of county %s is at \"%s\"; units are adopted only once it is \"%s\" or later.",
										county, sstage, SCHEME_DRAFTED)
					 : errdetail("County %s has no scheme; units are adopted only once it is \"%s\" or later.",
								 county, SCHEME_DRAFTED),
					 errhint("Advance the county's scheme first, e.g. advance('scheme', id, '%s', evidence).",
							 SCHEME_DRAFTED)));
	}
}

/*
 * UPDATE of stage and/or stage_evidence.  Returns the event appended (the
 * caller moves the row's head to it), or NULL when the stage stays.
 */
static StageEvent *
guard_update(const StageGraph *graphs, Track t, HeapTuple oldtup,
			 HeapTuple newtup, TupleDesc desc, bool evidence_given)
{
	const StageGraph *g = &graphs[t];
	const char *from = tuple_text(oldtup, desc, "stage");
	const char *to = tuple_text(newtup, desc, "stage");
	Jsonb	   *old_ev = tuple_jsonb(oldtup, desc, "stage_evidence");
	Jsonb	   *new_ev = tuple_jsonb(newtup, desc, "stage_evidence");
	const char *county = t == TRACK_CLOSURE ? NULL : tuple_text(newtup, desc, "county_code");
	bool		isnull;
	int64		row_id = tuple_int8(newtup, desc, track_defs[t].key, &isnull);
	int			fi,
				ti;
	const StageStep *step;
	StringInfoData detail,
				missing,
				invalid;
	bool		evidence_stale = false;
	DateADT		date = 0;
	bool		date_set = false;
	StageEvent *ev;
	int64		last_id;
	DateADT		prev_date;
	bool		has_prev_date;

	if (heads_differ(oldtup, newtup, desc))
		refuse_head_change(t, row_id);
	if (to == NULL || from == NULL)
		return NULL;			/* NOT NULL refuses it */

	if (strcmp(from, to) == 0)
	{
		if (jsonb_same(old_ev, new_ev))
			return NULL;		/* nothing changes */
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("evidence of %s can change only with its stage",
						row_label(t, row_id, t == TRACK_CLOSURE ? closure_county(row_id) : county)),
				 errdetail("stage_evidence holds the evidence of the step that reached \"%s\", recorded in stage_events.", from),
				 errhint("To correct it, revert_stage() and advance again.")));
	}

	fi = graph_stage_index(g, from);
	ti = graph_stage_index(g, to);
	ev = palloc0(sizeof(StageEvent));
	ev->track = track_defs[t].name;
	ev->row_id = row_id;
	ev->row_id_set = true;
	ev->from_stage = from;
	ev->to_stage = to;
	ev->actor = GetUserNameFromId(GetUserId(), false);
	last_id = head_prev_hash(oldtup, desc, ev);

	/* The backward move revert_stage() announced. */
	if (pending_revert.active && pending_revert.track == t &&
		pending_revert.row_id == row_id && strcmp(pending_revert.to_stage, to) == 0)
	{
		pending_revert.active = false;
		if (!user_is_city())	/* revert_stage() checked; be sure */
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("permission denied to revert %s", row_label(t, row_id, NULL))));
		ev->evidence = empty_jsonb();
		ev->reason = pending_revert.reason;
		mc_audit_append(ev, last_id);
		return ev;
	}

	initStringInfo(&detail);
	initStringInfo(&missing);
	initStringInfo(&invalid);
	step = (fi >= 0 && ti >= 0) ? graph_step(g, fi, ti) : NULL;
	if (step == NULL)
	{
		const char *hint = NULL;

		if (ti < 0)
			appendStringInfo(&detail, "\"%s\" is not a stage of the %s track.", to, track_defs[t].name);
		else if (fi >= 0 && graph_before(g, ti, fi))
		{
			appendStringInfo(&detail, "\"%s\" comes before \"%s\".", to, from);
			hint = "Only revert_stage() moves a row back, for members of mineconsol_admin (the city).";
		}
		else
			appendStringInfo(&detail, "\"%s\" is not the next stage.", to);
		if (fi >= 0)
			append_allowed_next(&detail, g, fi);
		if (ti >= 0 && hint == NULL)
		{
			const StageStep *into = graph_step_into(g, ti);

			if (into)
				check_evidence(new_ev, into, &missing, &invalid, &date, &date_set, NULL, NULL);
			if (missing.len > 0)
				appendStringInfo(&detail, " Missing evidence for \"%s\": %s.", to, missing.data);
		}
		if (hint == NULL)
			hint = "Move one step at a time: advance(track, id, next_stage, evidence).";
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("%s cannot move from \"%s\" to \"%s\"",
						row_label(t, row_id, t == TRACK_CLOSURE ? closure_county(row_id) : county), from, to),
				 errdetail("%s", detail.data),
				 errhint("%s", hint)));
	}

	/* Who records the step (stage_transitions.recorded_by). */
	if (step->by_city && !user_is_city())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to record \"%s\" for %s", to,
						row_label(t, row_id, t == TRACK_CLOSURE ? closure_county(row_id) : county)),
				 errdetail("The step from \"%s\" to \"%s\" is recorded by the city (members of mineconsol_admin), as stage_transitions.recorded_by says.",
						   from, to),
				 errhint("County staff record the steps whose recorded_by is 'county'; the city records this one once it has decided.")));

	/* An UPDATE that does not set stage_evidence gives no evidence. */
	if (!evidence_given)
	{
		evidence_stale = true;
		new_ev = NULL;
	}
	else if (new_ev != NULL)
		check_evidence_size(VARSIZE(new_ev), "evidence",
							row_label(t, row_id, t == TRACK_CLOSURE ? closure_county(row_id) : county));
	has_prev_date = evidence_date(old_ev, &prev_date);
	check_evidence(new_ev, step, &missing, &invalid, &date, &date_set,
				   has_prev_date ? &prev_date : NULL, from);
	if (t == TRACK_UNIT && county != NULL)
	{
		int64		retained;
		bool		retained_null;

		retained = tuple_int8(newtup, desc, "retained_mine_id", &retained_null);
		(void) (unit_scheme_ready(graphs, county, ti, &detail) &&
				unit_members_closed(graphs, row_id, retained_null, retained, ti, &detail));
	}
	if (detail.len > 0 || missing.len > 0 || invalid.len > 0)
	{
		append_allowed_next(&detail, g, fi);
		if (missing.len > 0)
			appendStringInfo(&detail, " Missing evidence: %s.", missing.data);
		if (invalid.len > 0)
			appendStringInfo(&detail, " Invalid evidence: %s.", invalid.data);
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("%s cannot move from \"%s\" to \"%s\"",
						row_label(t, row_id, t == TRACK_CLOSURE ? closure_county(row_id) : county), from, to),
				 errdetail("%s", detail.data),
				 evidence_stale
				 ? errhint("stage_evidence was not changed: set it to the evidence of \"%s\" in the same UPDATE as stage, or use advance().", to)
				 : (missing.len > 0 || invalid.len > 0)
				 ? errhint("Give the evidence as a JSON object with the keys of the step, e.g. {\"date\": \"2022-10-20\", \"doc_no\": \"…\"}; unknown keys are kept.")
				 : 0));
	}

	/* Accepted: record the event. */
	ev->evidence = new_ev;
	ev->due_set = step_due(t, g, step, row_id, &ev->due);
	if (ev->due_set && date_set)
	{
		ev->days_late = Max(0, date - ev->due);
		ev->days_late_set = true;
	}
	mc_audit_append(ev, last_id);
	return ev;
}

/*
 * stage_guard(track)
 *		BEFORE INSERT OR UPDATE OF stage, stage_evidence, last_event_id,
 *		last_event_hash OR DELETE row trigger.
 */
PG_FUNCTION_INFO_V1(stage_guard);
Datum
stage_guard(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Trigger    *trigger;
	TupleDesc	desc;
	Track		t;
	const StageGraph *graphs;
	HeapTuple	result;
	MemoryContext caller_cxt;

	t = (Track) mc_trigger_check(fcinfo, "stage_guard", track_tables, NTRACKS,
								 true, true, MC_ON_INSERT | MC_ON_UPDATE | MC_ON_DELETE,
								 "BEFORE INSERT, UPDATE OR DELETE FOR EACH ROW");
	/* The track is the table's; the argument must agree. */
	trigger = trigdata->tg_trigger;
	if (trigger->tgnargs != 1 || strcmp(trigger->tgargs[0], track_defs[t].name) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("stage_guard() on mineconsol.%s takes one argument, the track \"%s\"",
						track_defs[t].table, track_defs[t].name)));
	desc = RelationGetDescr(trigdata->tg_relation);
	if (TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
	{
		guard_delete(t, trigdata->tg_trigtuple, desc);
		return PointerGetDatum(trigdata->tg_trigtuple);
	}

	caller_cxt = CurrentMemoryContext;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	graphs = stage_graphs_get();
	if (TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
	{
		guard_insert(graphs, t, trigdata->tg_trigtuple, desc);
		result = trigdata->tg_trigtuple;
	}
	else
	{
		/* Is stage_evidence in the UPDATE's SET list? */
		int			attnum = SPI_fnumber(desc, "stage_evidence");
		bool		given = attnum > 0 &&
			bms_is_member(attnum - FirstLowInvalidHeapAttributeNumber,
						  trigdata->tg_updatedcols);
		StageEvent *ev;

		ev = guard_update(graphs, t, trigdata->tg_trigtuple, trigdata->tg_newtuple,
						  desc, given);
		if (ev)
		{
			/* the row outlives SPI_finish(): build it in the caller's context */
			MemoryContext spi_cxt = MemoryContextSwitchTo(caller_cxt);

			result = head_moved(trigdata->tg_newtuple, desc, ev);
			MemoryContextSwitchTo(spi_cxt);
		}
		else
			result = trigdata->tg_newtuple;
	}
	SPI_finish();

	return PointerGetDatum(result);
}

/*
 * stage_cache_invalidate()
 *		AFTER statement trigger on stage_transitions and milestones:
 *		invalidate the cache in every backend (relcache invalidation of the
 *		table, processed at command end locally and at commit by the others).
 */
PG_FUNCTION_INFO_V1(stage_cache_invalidate);
Datum
stage_cache_invalidate(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	static const char *const tables[] = {"stage_transitions", "milestones"};

	(void) mc_trigger_check(fcinfo, "stage_cache_invalidate", tables, lengthof(tables),
							false, false, MC_ON_INSERT | MC_ON_UPDATE | MC_ON_DELETE | MC_ON_TRUNCATE,
							"AFTER INSERT, UPDATE, DELETE OR TRUNCATE FOR EACH STATEMENT");
	CacheInvalidateRelcacheByRelid(RelationGetRelid(trigdata->tg_relation));
	return PointerGetDatum(NULL);
}

/* ----------------------------------------------- advance, revert_stage */

static char *
text_arg(FunctionCallInfo fcinfo, int n, const char *name)
{
	if (PG_ARGISNULL(n))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", name)));
	return text_to_cstring(PG_GETARG_TEXT_PP(n));
}

/*
 * Run a prepared UPDATE of one row (SPI connected) and return the event
 * its trigger recorded, as the function result.  Returns (Datum) 0 when the
 * UPDATE touched no row.
 */
static Datum
update_and_receive(FunctionCallInfo fcinfo, MemoryContext fn_cxt, SPIPlanPtr plan,
				   Datum *values, const char *nulls, Track t, int64 row_id)
{
	StageEvent *ev;
	TupleDesc	desc;
	bool		received;
	volatile int rc = 0;
	MemoryContext oldcxt;
	Datum		result;

	ev = MemoryContextAllocZero(fn_cxt, sizeof(StageEvent));
	mc_audit_expect(ev, fn_cxt, track_defs[t].name, row_id);
	PG_TRY();
	{
		rc = SPI_execute_plan(plan, values, nulls, false, 0);
	}
	PG_FINALLY();
	{
		received = mc_audit_expect_end();
	}
	PG_END_TRY();
	if (rc != SPI_OK_UPDATE)
		elog(ERROR, "could not update %s: %s", row_label(t, row_id, NULL), SPI_result_code_string(rc));
	if (SPI_processed == 0)
		return (Datum) 0;
	if (!received)
		elog(ERROR, "the event of %s was not recorded", row_label(t, row_id, NULL));

	/* The result outlives SPI_finish(): build it in the function's context. */
	oldcxt = MemoryContextSwitchTo(fn_cxt);
	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	desc = BlessTupleDesc(desc);
	result = mc_audit_event_datum(ev, desc);
	MemoryContextSwitchTo(oldcxt);
	return result;
}

/*
 * Current stage and county of a row (SPI connected); raises P0002 when the
 * row does not exist.  With lock, the row is locked FOR UPDATE.
 */
static char *
row_stage(Track t, int64 row_id, bool lock, const char **county)
{
	Oid			types[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(row_id)};
	char	   *sql;

	if (t == TRACK_CLOSURE)
		sql = psprintf("SELECT c.stage, m.county_code FROM mineconsol.closures c"
					   " JOIN mineconsol.mines m ON m.id OPERATOR(pg_catalog.=) c.mine_id"
					   " WHERE c.mine_id OPERATOR(pg_catalog.=) $1%s",
					   lock ? " FOR UPDATE OF c" : "");
	else
		sql = psprintf("SELECT stage, county_code FROM mineconsol.%s"
					   " WHERE id OPERATOR(pg_catalog.=) $1%s",
					   track_defs[t].table, lock ? " FOR UPDATE" : "");
	if (SPI_execute_with_args(sql, 1, types, values, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read %s", row_label(t, row_id, NULL));
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("%s does not exist", row_label(t, row_id, NULL))));
	*county = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
	return SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
}

/*
 * advance(track, id, to_stage, evidence) → stage_events
 *		UPDATE the row's stage and stage_evidence; the trigger checks and
 *		records.  A row already at to_stage (another session was first) is
 *		refused with 23514.
 */
PG_FUNCTION_INFO_V1(stage_advance);
Datum
stage_advance(PG_FUNCTION_ARGS)
{
	char	   *track = text_arg(fcinfo, 0, "track");
	Track		t = track_of_name(track, false);
	int64		row_id;
	char	   *to;
	Datum		values[3];
	char		nulls[3] = {' ', ' ', ' '};
	Datum		result;
	MemoryContext fn_cxt;

	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("id must not be null")));
	row_id = PG_GETARG_INT64(1);
	to = text_arg(fcinfo, 2, "to_stage");

	fn_cxt = CurrentMemoryContext;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (advance_plans[t] == NULL)
	{
		Oid			types[3] = {INT8OID, TEXTOID, JSONBOID};

		advance_plans[t] = mc_prepare_kept(
			psprintf("UPDATE mineconsol.%s SET stage = $2, stage_evidence = $3"
					 " WHERE %s OPERATOR(pg_catalog.=) $1 AND stage OPERATOR(pg_catalog.<>) $2",
					 track_defs[t].table, track_defs[t].key),
			3, types);
	}
	values[0] = Int64GetDatum(row_id);
	values[1] = CStringGetTextDatum(to);
	if (PG_ARGISNULL(3))
		nulls[2] = 'n';
	else
		values[2] = PointerGetDatum(PG_GETARG_JSONB_P(3));
	result = update_and_receive(fcinfo, fn_cxt, advance_plans[t], values, nulls, t, row_id);
	if (result == (Datum) 0)
	{
		const char *county;
		char	   *stage = row_stage(t, row_id, false, &county);
		const StageGraph *g = &stage_graphs_get()[t];
		StringInfoData detail;
		int			s = graph_stage_index(g, stage);

		initStringInfo(&detail);
		if (s >= 0)
			append_allowed_next(&detail, g, s);
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("%s is already at stage \"%s\"", row_label(t, row_id, county), stage),
				 detail.len ? errdetail("%s", detail.data) : 0,
				 errhint("Another session may have moved it first; read the row again.")));
	}
	SPI_finish();
	PG_RETURN_DATUM(result);
}

/*
 * revert_stage(track, id, to_stage, reason) → stage_events
 *		Move a row back to an earlier stage: city role (mineconsol_admin) or
 *		superuser only, with a reason, recorded.  The row's stage_evidence
 *		becomes the evidence of the last step forward into to_stage (NULL for
 *		the first stage).
 */
PG_FUNCTION_INFO_V1(stage_revert);
Datum
stage_revert(PG_FUNCTION_ARGS)
{
	char	   *track = text_arg(fcinfo, 0, "track");
	Track		t = track_of_name(track, false);
	int64		row_id;
	char	   *to;
	char	   *reason;
	char	   *from;
	const char *county;
	const StageGraph *g;
	int			fi,
				ti;
	Datum		values[3];
	Datum		result = (Datum) 0;
	MemoryContext fn_cxt;

	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("id must not be null")));
	row_id = PG_GETARG_INT64(1);
	to = text_arg(fcinfo, 2, "to_stage");
	reason = PG_ARGISNULL(3) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(3));

	if (!user_is_city())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to revert %s", row_label(t, row_id, NULL)),
				 errdetail("Only members of mineconsol_admin (the city) may move a row back to an earlier stage."),
				 errhint("Ask the city's leadership group office to revert it.")));
	if (reason == NULL || strspn(reason, " \t\r\n") == strlen(reason))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a revert needs a reason"),
				 errdetail("The reason is recorded in stage_events with the revert.")));
	check_evidence_size(strlen(reason), "the reason for the revert", row_label(t, row_id, NULL));

	fn_cxt = CurrentMemoryContext;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	from = row_stage(t, row_id, true, &county);
	g = &stage_graphs_get()[t];
	fi = graph_stage_index(g, from);
	ti = graph_stage_index(g, to);
	if (ti < 0 || fi < 0 || !graph_before(g, ti, fi))
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("%s cannot be reverted from \"%s\" to \"%s\"", row_label(t, row_id, county), from, to),
				 ti < 0 ? errdetail("\"%s\" is not a stage of the %s track.", to, track_defs[t].name)
				 : errdetail("\"%s\" does not come before \"%s\".", to, from),
				 errhint("revert_stage() moves a row back; advance() moves it forward.")));

	if (revert_plans[t] == NULL)
	{
		Oid			types[3] = {INT8OID, TEXTOID, TEXTOID};

		revert_plans[t] = mc_prepare_kept(
			psprintf("UPDATE mineconsol.%s SET stage = $2, stage_evidence ="
					 " (SELECT e.evidence FROM mineconsol.stage_events e"
					 "   WHERE e.track OPERATOR(pg_catalog.=) $3 AND e.row_id OPERATOR(pg_catalog.=) $1"
					 "     AND e.to_stage OPERATOR(pg_catalog.=) $2 AND e.reason IS NULL"
					 "   ORDER BY e.id DESC LIMIT 1)"
					 " WHERE %s OPERATOR(pg_catalog.=) $1",
					 track_defs[t].table, track_defs[t].key),
			3, types);
	}
	values[0] = Int64GetDatum(row_id);
	values[1] = CStringGetTextDatum(to);
	values[2] = CStringGetTextDatum(track_defs[t].name);

	pending_revert.track = t;
	pending_revert.row_id = row_id;
	pending_revert.to_stage = to;
	pending_revert.reason = reason;
	pending_revert.active = true;
	PG_TRY();
	{
		result = update_and_receive(fcinfo, fn_cxt, revert_plans[t], values, NULL, t, row_id);
	}
	PG_FINALLY();
	{
		pending_revert.active = false;
	}
	PG_END_TRY();
	if (result == (Datum) 0)
		elog(ERROR, "could not revert %s", row_label(t, row_id, NULL));
	SPI_finish();
	PG_RETURN_DATUM(result);
}
