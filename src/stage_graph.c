/*
 * stage_graph.c
 *		The transition graph of each track, read from stage_transitions (one
 *		row per allowed step) and milestones (deadlines), and cached.
 *
 * The first stage of a track is the one that is never a to_stage; every
 * step must lead further from it (graph_finish() checks, 42P17 otherwise).
 * The graph is read once per backend into CacheMemoryContext; the statement
 * trigger stage_cache_invalidate() on stage_transitions and milestones sends
 * a relcache invalidation for the table, and stage_cache_callback() drops
 * the cache, so the next check (in this session after the next command, in
 * others after the change commits) reads the new graph.
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "i18n.h"
#include "mineconsol.h"
#include "stage.h"

const TrackDef mc_track_defs[NTRACKS] = {
	{"scheme", "schemes", "id"},
	{"unit", "units", "id"},
	{"closure", "closures", "mine_id"},
};

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

int
mc_graph_stage_index(const StageGraph *g, const char *name)
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
	int			i = mc_graph_stage_index(g, name);

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
				graph_invalid(track, psprintf(mc_gettext("Both \"%s\" and \"%s\" are first stages (never the target of a step)."),
											  g->stages[g->first], g->stages[s]));
			g->first = s;
		}
	}
	if (g->nstages == 0)
		return;
	if (g->first < 0)
		graph_invalid(track, mc_gettext("Every stage is the target of a step, so there is no first stage."));

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
			graph_invalid(track, psprintf(mc_gettext("Stage \"%s\" cannot be reached from the first stage \"%s\"."),
										  g->stages[s], g->stages[g->first]));
	for (i = 0; i < g->nsteps; i++)
		if (g->depth[g->steps[i].to] <= g->depth[g->steps[i].from])
			graph_invalid(track, psprintf(mc_gettext("The step from \"%s\" to \"%s\" leads back towards the first stage."),
										  g->stages[g->steps[i].from], g->stages[g->steps[i].to]));
}

Track
mc_track_of_name(const char *name, bool missing_ok)
{
	int			t;

	for (t = 0; t < NTRACKS; t++)
		if (strcmp(mc_track_defs[t].name, name) == 0)
			return (Track) t;
	if (!missing_ok)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown track \"%s\"", name),
				 errhint("The tracks are \"scheme\", \"unit\" and \"closure\".")));
	return NTRACKS;
}

/*
 * Read the steps of stage_transitions into stage_graphs (in the cache's
 * context) and check each track's graph.  SPI connected.
 */
static void
cache_load_steps(void)
{
	MemoryContext oldcxt;
	uint64		n,
				r;
	int			t;
	int			col_track,
				col_from,
				col_to,
				col_keys,
				col_after,
				col_param,
				col_by;

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

		t = mc_track_of_name(track, true);
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
		graph_finish(&stage_graphs[t], mc_track_defs[t].name);
	MemoryContextSwitchTo(oldcxt);
	SPI_freetuptable(SPI_tuptable);
}

/* Read the deadlines of the stages (milestones) into stage_graphs.  SPI connected. */
static void
cache_load_milestones(void)
{
	MemoryContext oldcxt;
	uint64		r;
	int			t;

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

		t = mc_track_of_name(SPI_getvalue(tup, desc, 1), true);
		if (t == NTRACKS)
			continue;
		s = mc_graph_stage_index(&stage_graphs[t], SPI_getvalue(tup, desc, 2));
		due = SPI_getbinval(tup, desc, 3, &isnull);
		if (s < 0 || isnull)
			continue;			/* a milestone for a stage not in the graph */
		stage_graphs[t].has_due[s] = true;
		stage_graphs[t].due[s] = DatumGetDateADT(due);
	}
	MemoryContextSwitchTo(oldcxt);
	SPI_freetuptable(SPI_tuptable);
}

/* Read stage_transitions and milestones into the cache.  SPI connected. */
static void
stage_cache_load(void)
{
	uint64		start = stage_cache_inval_count;
	Oid			nsp;

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
	cache_load_steps();
	cache_load_milestones();

	/* An invalidation that arrived while we read leaves the cache invalid. */
	stage_cache_valid = (stage_cache_inval_count == start);
}

/*
 * The graphs of all tracks, loading the cache if needed (SPI connected).
 * Each entry point calls this once, before any other query, and passes the
 * result down: an invalidation that arrives during its queries marks the
 * cache stale but cannot free what it is using.
 */
const StageGraph *
mc_stage_graphs(void)
{
	int			t;

	if (!stage_cache_valid)
		stage_cache_load();
	for (t = 0; t < NTRACKS; t++)
		if (stage_graphs[t].nstages == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
					 errmsg("stage_transitions has no steps for track \"%s\"", mc_track_defs[t].name)));
	return stage_graphs;
}

/* Index of a stage the C rules name; the graph must have it. */
int
mc_graph_required_stage(const StageGraph *g, Track t, const char *name)
{
	int			i = mc_graph_stage_index(g, name);

	if (i < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				 errmsg("stage_transitions has no stage \"%s\" in track \"%s\"", name, mc_track_defs[t].name),
				 errdetail("The cross-track rules of the stage workflow refer to it.")));
	return i;
}

const StageStep *
mc_graph_step(const StageGraph *g, int from, int to)
{
	int			i;

	for (i = 0; i < g->nsteps; i++)
		if (g->steps[i].from == from && g->steps[i].to == to)
			return &g->steps[i];
	return NULL;
}

/* The (first) step that leads into a stage: its evidence is the stage's. */
const StageStep *
mc_graph_step_into(const StageGraph *g, int to)
{
	int			i;

	for (i = 0; i < g->nsteps; i++)
		if (g->steps[i].to == to)
			return &g->steps[i];
	return NULL;
}

/* Does stage a come before stage b (b reachable from a)? */
bool
mc_graph_before(const StageGraph *g, int a, int b)
{
	int			i;

	if (a == b)
		return false;
	for (i = 0; i < g->nsteps; i++)
		if (g->steps[i].to == b &&
			(g->steps[i].from == a || mc_graph_before(g, a, g->steps[i].from)))
			return true;
	return false;
}

/* "Allowed next stage: "x"." for the stage at index from. */
void
mc_append_allowed_next(StringInfo buf, const StageGraph *g, int from)
{
	int			i,
				n = 0;
	StringInfoData list;

	initStringInfo(&list);
	for (i = 0; i < g->nsteps; i++)
		if (g->steps[i].from == from)
		{
			if (n++ > 0)
				appendStringInfoString(&list, mc_gettext(", "));
			/* translator: a stage's name quoted in a list of stages */
			appendStringInfo(&list, mc_gettext("\"%s\""), mc_label_cstring("stage", g->stages[g->steps[i].to]));
		}
	mc_append_sentence_break(buf);
	if (n == 0)
		appendStringInfo(buf, mc_gettext("\"%s\" is the last stage; there is no next stage."),
						 mc_label_cstring("stage", g->stages[from]));
	else
		appendStringInfo(buf, n > 1 ? mc_gettext("Allowed next stages: %s.") : mc_gettext("Allowed next stage: %s."),
						 list.data);
}

/*
 * stage_cache_invalidate()
 *		AFTER statement trigger on stage_transitions and milestones:
 *		invalidate the cache in every backend (relcache invalidation of the
 *		table, processed at command end locally and at commit by the others).
 */
PG_FUNCTION_INFO_V1(mc_stage_cache_invalidate);
Datum
mc_stage_cache_invalidate(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	static const char *const tables[] = {"stage_transitions", "milestones"};

	(void) mc_trigger_check(fcinfo, "stage_cache_invalidate", tables, lengthof(tables),
							false, false, MC_ON_INSERT | MC_ON_UPDATE | MC_ON_DELETE | MC_ON_TRUNCATE,
							"AFTER INSERT, UPDATE, DELETE OR TRUNCATE FOR EACH STATEMENT");
	CacheInvalidateRelcacheByRelid(RelationGetRelid(trigdata->tg_relation));
	return PointerGetDatum(NULL);
}
