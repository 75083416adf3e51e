/*
 * stage_api.c
 *		advance() and revert_stage(): the SQL functions that move a row of a
 *		track.  Each runs one UPDATE of the row; the trigger (stage_trigger.c)
 *		checks and records the event, and hands the event as stored to the
 *		function, which returns it (mc_event_await()).
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "mineconsol.h"
#include "stage.h"

/* Prepared statements, kept for the life of the backend. */
static SPIPlanPtr advance_plans[NTRACKS];
static SPIPlanPtr revert_plans[NTRACKS];

/* Argument n, which must not be NULL (name: the argument's SQL name). */
static void
require_arg(FunctionCallInfo fcinfo, int n, const char *name)
{
	if (PG_ARGISNULL(n))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", name)));
}

static char *
text_arg(FunctionCallInfo fcinfo, int n, const char *name)
{
	require_arg(fcinfo, n, name);
	return text_to_cstring(PG_GETARG_TEXT_PP(n));
}

/* The arguments advance() and revert_stage() begin with: track, id, to_stage. */
static void
move_args(FunctionCallInfo fcinfo, Track *t, int64 *row_id, char **to)
{
	*t = mc_track_of_name(text_arg(fcinfo, 0, "track"), false);
	require_arg(fcinfo, 1, "id");
	*row_id = PG_GETARG_INT64(1);
	*to = text_arg(fcinfo, 2, "to_stage");
}

/*
 * Run a prepared UPDATE of one row (SPI connected) and return the event its
 * trigger recorded, as the trigger handed it over, built in fn_cxt (which
 * outlives SPI_finish()).  Returns (Datum) 0 when the UPDATE touched no row.
 */
static Datum
update_and_wait(MemoryContext fn_cxt, SPIPlanPtr plan, Datum *values,
				const char *nulls, Track t, int64 row_id)
{
	StageEventWait wait = {t, row_id, fn_cxt, (Datum) 0};
	StageEventWait *outer;
	volatile int rc = 0;

	outer = mc_event_await(&wait);
	PG_TRY();
	{
		rc = SPI_execute_plan(plan, values, nulls, false, 0);
	}
	PG_FINALLY();
	{
		mc_event_await_end(outer);
	}
	PG_END_TRY();
	if (rc != SPI_OK_UPDATE)
		elog(ERROR, "could not update %s: %s", mc_row_label(t, row_id, NULL), SPI_result_code_string(rc));
	if (SPI_processed == 0)
		return (Datum) 0;
	if (wait.event == (Datum) 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the event of %s was not recorded", mc_row_label(t, row_id, NULL)),
				 errdetail("Its stage changed without the stage trigger."),
				 errhint("Enable the trigger %s_stage_guard on mineconsol.%s.",
						 mc_track_defs[t].table, mc_track_defs[t].table)));
	return wait.event;
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
					   mc_track_defs[t].table, lock ? " FOR UPDATE" : "");
	if (SPI_execute_with_args(sql, 1, types, values, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read %s", mc_row_label(t, row_id, NULL));
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("%s does not exist", mc_row_label(t, row_id, NULL))));
	*county = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
	return SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
}

/*
 * advance(track, id, to_stage, evidence) → stage_events
 *		UPDATE the row's stage and stage_evidence; the trigger checks and
 *		records.  A row already at to_stage (another session was first) is
 *		refused with 23514.
 */
PG_FUNCTION_INFO_V1(mc_advance);
Datum
mc_advance(PG_FUNCTION_ARGS)
{
	Track		t;
	int64		row_id;
	char	   *to;
	Oid			types[3] = {INT8OID, TEXTOID, JSONBOID};
	Datum		values[3];
	char		nulls[3] = {' ', ' ', ' '};
	Datum		result;
	MemoryContext fn_cxt;

	move_args(fcinfo, &t, &row_id, &to);
	fn_cxt = CurrentMemoryContext;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	mc_prepare_kept(&advance_plans[t], 3, types,
					"UPDATE mineconsol.%s SET stage = $2, stage_evidence = $3"
					" WHERE %s OPERATOR(pg_catalog.=) $1 AND stage OPERATOR(pg_catalog.<>) $2",
					mc_track_defs[t].table, mc_track_defs[t].key);
	values[0] = Int64GetDatum(row_id);
	values[1] = CStringGetTextDatum(to);
	if (PG_ARGISNULL(3))
		nulls[2] = 'n';
	else
		values[2] = PointerGetDatum(PG_GETARG_JSONB_P(3));
	result = update_and_wait(fn_cxt, advance_plans[t], values, nulls, t, row_id);
	if (result == (Datum) 0)
	{
		const char *county;
		char	   *stage = row_stage(t, row_id, false, &county);
		const StageGraph *g = &mc_stage_graphs()[t];
		StringInfoData detail;
		int			s = mc_graph_stage_index(g, stage);

		initStringInfo(&detail);
		if (s >= 0)
			mc_append_allowed_next(&detail, g, s);
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("%s is already at stage \"%s\"", mc_row_label(t, row_id, county), stage),
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
PG_FUNCTION_INFO_V1(mc_revert_stage);
Datum
mc_revert_stage(PG_FUNCTION_ARGS)
{
	Track		t;
	int64		row_id;
	char	   *to;
	char	   *reason;
	char	   *from;
	const char *county;
	const StageGraph *g;
	int			fi,
				ti;
	Oid			types[3] = {INT8OID, TEXTOID, TEXTOID};
	Datum		values[3];
	/* set inside PG_TRY, read after it: volatile, as setjmp requires */
	volatile Datum result = (Datum) 0;
	MemoryContext fn_cxt;

	move_args(fcinfo, &t, &row_id, &to);
	reason = PG_ARGISNULL(3) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(3));

	if (!mc_user_is_city())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to revert %s", mc_row_label(t, row_id, NULL)),
				 errdetail("Only members of mineconsol_admin (the city) may move a row back to an earlier stage."),
				 errhint("Ask the city's leadership group office to revert it.")));
	if (reason == NULL || strspn(reason, " \t\r\n") == strlen(reason))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a revert needs a reason"),
				 errdetail("The reason is recorded in stage_events with the revert.")));
	mc_check_evidence_size(strlen(reason), mc_gettext("the reason for the revert"), mc_row_label(t, row_id, NULL));

	fn_cxt = CurrentMemoryContext;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	from = row_stage(t, row_id, true, &county);
	g = &mc_stage_graphs()[t];
	fi = mc_graph_stage_index(g, from);
	ti = mc_graph_stage_index(g, to);
	if (ti < 0 || fi < 0 || !mc_graph_before(g, ti, fi))
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("%s cannot be reverted from \"%s\" to \"%s\"", mc_row_label(t, row_id, county), from, to),
				 ti < 0 ? errdetail("\"%s\" is not a stage of the %s track.", to, mc_track_defs[t].name)
				 : errdetail("\"%s\" does not come before \"%s\".", to, from),
				 errhint("revert_stage() moves a row back; advance() moves it forward.")));

	mc_prepare_kept(&revert_plans[t], 3, types,
					"UPDATE mineconsol.%s SET stage = $2, stage_evidence ="
					" (SELECT e.evidence FROM mineconsol.stage_events e"
					"   WHERE e.track OPERATOR(pg_catalog.=) $3 AND e.row_id OPERATOR(pg_catalog.=) $1"
					"     AND e.to_stage OPERATOR(pg_catalog.=) $2 AND e.reason IS NULL"
					"   ORDER BY e.id DESC LIMIT 1)"
					" WHERE %s OPERATOR(pg_catalog.=) $1",
					mc_track_defs[t].table, mc_track_defs[t].key);
	values[0] = Int64GetDatum(row_id);
	values[1] = CStringGetTextDatum(to);
	values[2] = CStringGetTextDatum(mc_track_defs[t].name);

	mc_revert_announce(t, row_id, to, reason);
	PG_TRY();
	{
		result = update_and_wait(fn_cxt, revert_plans[t], values, NULL, t, row_id);
	}
	PG_FINALLY();
	{
		mc_revert_withdraw();
	}
	PG_END_TRY();
	if (result == (Datum) 0)
		elog(ERROR, "could not revert %s", mc_row_label(t, row_id, NULL));
	SPI_finish();
	PG_RETURN_DATUM(result);
}
