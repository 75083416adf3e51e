/*
 * stage_rules.c
 *		The rules of the stage workflow that look beyond the row being
 *		changed: cross-track prerequisites (a unit waits for its county's
 *		scheme and for its members' closures), deadlines (milestones, or
 *		relative to an earlier step), who counts as the city, and how a row
 *		is named in messages.  Every function here runs with SPI connected.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"

#include "i18n.h"
#include "stage.h"

/* Prepared statements, kept for the life of the backend. */
static SPIPlanPtr scheme_stage_plan = NULL;
static SPIPlanPtr members_plan = NULL;
static SPIPlanPtr relative_due_plan = NULL;
static SPIPlanPtr relative_years_plan = NULL;

const char *
mc_row_label(Track t, int64 row_id, const char *county)
{
	const char *what;

	switch (t)
	{
		case TRACK_SCHEME:
			what = psprintf(mc_gettext("scheme %lld"), (long long) row_id);
			break;
		case TRACK_UNIT:
			what = psprintf(mc_gettext("unit %lld"), (long long) row_id);
			break;
		default:
			what = psprintf(mc_gettext("closure of mine %lld"), (long long) row_id);
			break;
	}
	return county ? psprintf(mc_gettext("%s (county %s)"), what, county) : what;
}

/* County of a closure's mine, for messages (SPI connected). */
const char *
mc_closure_county(int64 mine_id)
{
	Oid			types[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(mine_id)};

	if (SPI_execute_with_args("SELECT county_code FROM mineconsol.mines WHERE id OPERATOR(pg_catalog.=) $1",
							  1, types, values, NULL, true, 1) == SPI_OK_SELECT &&
		SPI_processed == 1)
		return SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	return NULL;
}

/* Stage of a county's scheme, or NULL when it has none (SPI connected). */
char *
mc_scheme_stage_of(const char *county)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1];

	mc_prepare_kept(&scheme_stage_plan, 1, types,
					"SELECT stage FROM mineconsol.schemes WHERE county_code OPERATOR(pg_catalog.=) $1");
	values[0] = CStringGetTextDatum(county);
	if (SPI_execute_plan(scheme_stage_plan, values, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read the scheme of county %s", county);
	if (SPI_processed == 0)
		return NULL;
	return SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
}

bool
mc_user_is_city(void)
{
	Oid			admin = get_role_oid("mineconsol_admin", true);

	return superuser() || (OidIsValid(admin) && has_privs_of_role(GetUserId(), admin));
}

/*
 * A unit reaches "transferred" or later only once its county's scheme is
 * "approved".  Appends the reason to detail and returns false if not.
 */
bool
mc_unit_scheme_ready(const StageGraph *graphs, const char *county, int target,
				  StringInfo detail)
{
	const StageGraph *ug = &graphs[TRACK_UNIT];
	const StageGraph *sg = &graphs[TRACK_SCHEME];
	int			transferred = mc_graph_required_stage(ug, TRACK_UNIT, UNIT_TRANSFERRED);
	int			approved = mc_graph_required_stage(sg, TRACK_SCHEME, SCHEME_APPROVED);
	char	   *stage;
	int			s;

	if (ug->depth[target] < ug->depth[transferred])
		return true;
	stage = mc_scheme_stage_of(county);
	s = stage ? mc_graph_stage_index(sg, stage) : -1;
	if (s >= 0 && sg->depth[s] >= sg->depth[approved])
		return true;
	if (stage)
		appendStringInfo(detail, mc_gettext("The scheme of county %s is at \"%s\"; a unit reaches \"%s\" only once its county's scheme is \"%s\"."),
						 county, mc_label_cstring("stage", stage), mc_label_cstring("stage", UNIT_TRANSFERRED),
						 mc_label_cstring("stage", SCHEME_APPROVED));
	else
		appendStringInfo(detail, mc_gettext("County %s has no scheme; a unit reaches \"%s\" only once its county's scheme is \"%s\"."),
						 county, mc_label_cstring("stage", UNIT_TRANSFERRED), mc_label_cstring("stage", SCHEME_APPROVED));
	return false;
}

/*
 * A unit reaches "licensed" or later only once the closure of every member
 * other than the retained mine has reached "license_cancelled".
 */
bool
mc_unit_members_closed(const StageGraph *graphs, int64 unit_id, bool retained_null,
					int64 retained, int target, StringInfo detail)
{
	const StageGraph *ug = &graphs[TRACK_UNIT];
	const StageGraph *cg = &graphs[TRACK_CLOSURE];
	int			licensed = mc_graph_required_stage(ug, TRACK_UNIT, UNIT_LICENSED);
	int			cancelled = mc_graph_required_stage(cg, TRACK_CLOSURE, CLOSURE_LICENSE_CANCELLED);
	Oid			types[2] = {INT8OID, INT8OID};
	Datum		values[2];
	char		nulls[2] = {' ', ' '};
	StringInfoData open;
	uint64		i;
	int			nopen = 0;

	if (ug->depth[target] < ug->depth[licensed])
		return true;
	mc_prepare_kept(&members_plan, 2, types,
					"SELECT m.mine_id, (SELECT c.stage FROM mineconsol.closures c"
					"                   WHERE c.mine_id OPERATOR(pg_catalog.=) m.mine_id)"
					" FROM mineconsol.unit_members m"
					" WHERE m.unit_id OPERATOR(pg_catalog.=) $1"
					" AND m.mine_id IS DISTINCT FROM $2"
					" ORDER BY m.mine_id");
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
		int			s = stage ? mc_graph_stage_index(cg, stage) : -1;

		if (s >= 0 && cg->depth[s] >= cg->depth[cancelled])
			continue;
		if (nopen++ > 0)
			appendStringInfoString(&open, mc_gettext(", "));
		if (stage)
			appendStringInfo(&open, mc_gettext("mine %s is at \"%s\""), mine, mc_label_cstring("stage", stage));
		else
			appendStringInfo(&open, mc_gettext("mine %s has no closure"), mine);
	}
	if (nopen == 0)
		return true;
	appendStringInfo(detail, mc_gettext("A unit reaches \"%s\" only once the closure of every member other than the retained mine has reached \"%s\": %s."),
					 mc_label_cstring("stage", UNIT_LICENSED), mc_label_cstring("stage", CLOSURE_LICENSE_CANCELLED), open.data);
	return false;
}

/* --------------------------------------------------------------- due */

static bool relative_due(const StageGraph *g, const StageStep *step, DateADT start,
						 DateADT *due);

/*
 * The deadline of a step: relative to an earlier step when the step says so
 * (that step's evidence date + the parameter in years), else the milestone
 * of (track, stage).  Returns false when there is none.
 *
 * cur_known says that the row has an event, so its stage_evidence is the
 * evidence of the last step forward into its current stage (the trigger
 * sets it with each step, and a revert sets it to that step's evidence
 * again: verify_audit() checks both); cur_date is that evidence's date
 * (NULL: none valid).  When the deadline runs from the current stage, as
 * the seeded "restored" does from "licensed", that is the date the events
 * would give, without reading them.
 */
bool
mc_step_due(Track t, const StageGraph *g, const StageStep *step, int64 row_id,
			bool cur_known, const DateADT *cur_date, DateADT *due)
{
	Oid			types[3] = {TEXTOID, INT8OID, TEXTOID};
	Datum		values[3];
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
	if (cur_known && strcmp(step->due_after, g->stages[step->from]) == 0)
	{
		if (cur_date == NULL)
			return false;
		return relative_due(g, step, *cur_date, due);
	}

	/*
	 * Relative: the evidence date of the row's last step into due_after, read
	 * from stage_events as the table's owner (county staff, who record the
	 * step, may not read the audit trail).  The query names only
	 * pg_catalog's operators and mineconsol's table, so nothing a caller
	 * controls runs with the owner's rights.
	 */
	mc_prepare_kept(&relative_due_plan, 3, types,
					"SELECT e.evidence OPERATOR(pg_catalog.->>) 'date'"
					" FROM mineconsol.stage_events e"
					" WHERE e.track OPERATOR(pg_catalog.=) $1 AND e.row_id OPERATOR(pg_catalog.=) $2"
					" AND e.to_stage OPERATOR(pg_catalog.=) $3 AND e.reason IS NULL"
					" ORDER BY e.id DESC LIMIT 1");
	values[0] = CStringGetTextDatum(mc_track_defs[t].name);
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
	if (from_date == NULL || !mc_parse_iso_date(from_date, strlen(from_date), &start))
		return false;
	return relative_due(g, step, start, due);
}

/*
 * start + the step's parameter in years (SPI connected).  The parameter is
 * read as the caller (parameters is public), through param().
 */
static bool
relative_due(const StageGraph *g, const StageStep *step, DateADT start, DateADT *due)
{
	Oid			types[2] = {DATEOID, TEXTOID};
	Datum		values[2];
	bool		isnull;

	mc_prepare_kept(&relative_years_plan, 2, types,
					"SELECT ($1 OPERATOR(pg_catalog.+) pg_catalog.make_interval(years => mineconsol.param($2)::pg_catalog.int4))::pg_catalog.date");
	values[0] = DateADTGetDatum(start);
	values[1] = CStringGetTextDatum(step->due_param);
	if (SPI_execute_plan(relative_years_plan, values, NULL, false, 1) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "could not compute the deadline of stage \"%s\"", g->stages[step->to]);
	*due = DatumGetDateADT(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	return !isnull;
}
