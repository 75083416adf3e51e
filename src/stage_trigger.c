/*
 * stage_trigger.c
 *		stage_guard(track): the BEFORE row trigger that guards the stage
 *		columns of schemes, units and closures, and appends every accepted
 *		change of stage to the audit trail.
 *
 * INSERT: a new row starts at its track's first stage (a unit only once its
 * county's scheme is drafted), unless a superuser inserts it (restore,
 * migration).  UPDATE of stage: one step forward, with its evidence, by the
 * party the step names, meeting the cross-track prerequisites; or exactly
 * the backward move revert_stage() announced.  The event is appended
 * (audit.c) and the row's head (last_event_id, last_event_hash) moved to
 * it; nobody else may change the head.  DELETE: a row with a history stays.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/sysattr.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/bitmapset.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/rel.h"

#include "i18n.h"
#include "mineconsol.h"
#include "stage.h"

/* The tables of the tracks, in Track order, for mc_trigger_check(). */
static const char *const track_tables[NTRACKS] = {"schemes", "units", "closures"};

/* The one backward move revert_stage() is making (see mc_revert_announce()). */
typedef struct PendingRevert
{
	bool		active;
	Track		track;
	int64		row_id;
	const char *to_stage;
	const char *reason;
} PendingRevert;

static PendingRevert pending_revert = {false};

/*
 * The call of advance() or revert_stage() whose UPDATE is running, and so
 * waits for its row's event (see mc_event_await()); NULL between calls.
 * It points into that call's own frame and is restored when the call ends.
 */
static StageEventWait *event_wait = NULL;


/*
 * mc_revert_announce
 *		revert_stage() is about to move (track, row_id) back to to_stage with
 *		reason: let exactly that move through, once.  The token lives only
 *		in this backend's memory, so no SQL can forge it.
 *		mc_revert_withdraw() clears it (call it in a PG_FINALLY block).
 */
void
mc_revert_announce(Track t, int64 row_id, const char *to_stage, const char *reason)
{
	pending_revert.track = t;
	pending_revert.row_id = row_id;
	pending_revert.to_stage = to_stage;
	pending_revert.reason = reason;
	pending_revert.active = true;
}

void
mc_revert_withdraw(void)
{
	pending_revert.active = false;
}

/*
 * mc_event_await
 *		advance() or revert_stage() is about to UPDATE (w->track, w->row_id):
 *		the event the trigger appends for that row is to be put into
 *		w->event, built in w->cxt, straight from the INSERT that stores it.
 *		Returns the wait of an enclosing call (a trigger may call advance()
 *		for another row), which mc_event_await_end() puts back; call that in
 *		a PG_FINALLY block, so that no wait outlives its call.
 */
StageEventWait *
mc_event_await(StageEventWait *w)
{
	StageEventWait *outer = event_wait;

	w->event = (Datum) 0;
	event_wait = w;
	return outer;
}

void
mc_event_await_end(StageEventWait *outer)
{
	event_wait = outer;
}

/* The context to build the event of (t, row_id) in, if a call waits for it. */
static MemoryContext
event_wanted(Track t, int64 row_id)
{
	if (event_wait != NULL && event_wait->event == (Datum) 0 &&
		event_wait->track == t && event_wait->row_id == row_id)
		return event_wait->cxt;
	return NULL;
}

/* Append ev and hand it to the call that waits for it, if any. */
static void
append_event(Track t, StageEvent *ev, int64 last_id)
{
	MemoryContext cxt = event_wanted(t, ev->row_id);
	Datum		stored = mc_audit_append(ev, last_id, cxt);

	if (cxt != NULL)
		event_wait->event = stored;
}

/*
 * The tuple accessors below take the trigger's relation: a column they read
 * must exist, and the error names the table (mc_column_attnum()).
 */
static const char *
tuple_text(HeapTuple tuple, Relation rel, const char *column)
{
	TupleDesc	desc = RelationGetDescr(rel);
	int			attnum = mc_column_attnum(desc, column, RelationGetRelationName(rel));
	bool		isnull;
	Datum		d;

	if (TupleDescAttr(desc, attnum - 1)->atttypid != TEXTOID)
		return SPI_getvalue(tuple, desc, attnum);
	/* text, as the tracks' tables have it: no output function to look up */
	d = heap_getattr(tuple, attnum, desc, &isnull);
	return isnull ? NULL : TextDatumGetCString(d);
}

static Jsonb *
tuple_jsonb(HeapTuple tuple, Relation rel, const char *column)
{
	TupleDesc	desc = RelationGetDescr(rel);
	int			attnum = mc_column_attnum(desc, column, RelationGetRelationName(rel));
	bool		isnull;
	Datum		d;

	d = SPI_getbinval(tuple, desc, attnum, &isnull);
	return isnull ? NULL : DatumGetJsonbP(d);
}

static int64
tuple_int8(HeapTuple tuple, Relation rel, const char *column, bool *isnull)
{
	TupleDesc	desc = RelationGetDescr(rel);
	int			attnum = mc_column_attnum(desc, column, RelationGetRelationName(rel));
	Datum		d;

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
heads_differ(HeapTuple oldtup, HeapTuple newtup, Relation rel)
{
	static const char *const cols[] = {"last_event_id", "last_event_hash"};
	TupleDesc	desc = RelationGetDescr(rel);
	int			i;

	for (i = 0; i < (int) lengthof(cols); i++)
	{
		int			attnum = mc_column_attnum(desc, cols[i], RelationGetRelationName(rel));
		Form_pg_attribute att = TupleDescAttr(desc, attnum - 1);
		bool		oldnull,
					newnull;
		Datum		o,
					n;

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
head_prev_hash(HeapTuple oldtup, Relation rel, StageEvent *ev)
{
	TupleDesc	desc = RelationGetDescr(rel);
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
	last_id = tuple_int8(oldtup, rel, "last_event_id", &isnull);
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
					mc_row_label(t, row_id, NULL)),
			 errdetail("They name the row's last event in stage_events, the head of its audit chain."),
			 errhint("Change the stage with advance() or revert_stage(); the stage trigger records the event and sets them.")));
}

/*
 * DELETE: a row with a history stays, so that its chain keeps its head
 * (and a row inserted later with the same key cannot start a second chain).
 */
static void
guard_delete(Track t, HeapTuple oldtup, Relation rel)
{
	bool		isnull;
	int64		last_id = tuple_int8(oldtup, rel, "last_event_id", &isnull);
	int64		row_id;

	if (isnull)
		return;
	row_id = tuple_int8(oldtup, rel, mc_track_defs[t].key, &isnull);
	ereport(ERROR,
			(errcode(ERRCODE_RESTRICT_VIOLATION),
			 errmsg("%s cannot be deleted: it has a stage history", mc_row_label(t, row_id, NULL)),
			 errdetail("Its last event is %lld in stage_events; the audit trail keeps a row with a history.", (long long) last_id),
			 errhint("To undo a step, use revert_stage().")));
}

/* INSERT: a new row starts at the first stage (superusers: any stage). */
static void
guard_insert(const StageGraph *graphs, Track t, HeapTuple newtup, Relation rel)
{
	TupleDesc	desc = RelationGetDescr(rel);
	const StageGraph *g = &graphs[t];
	const char *stage = tuple_text(newtup, rel, "stage");
	const char *county = t == TRACK_CLOSURE ? NULL : tuple_text(newtup, rel, "county_code");
	bool		isnull;
	int64		row_id = tuple_int8(newtup, rel, mc_track_defs[t].key, &isnull);
	int			s;

	if (stage == NULL)
		return;					/* NOT NULL refuses it */
	if (!superuser() &&
		!(heap_attisnull(newtup, SPI_fnumber(desc, "last_event_id"), desc) &&
		  heap_attisnull(newtup, SPI_fnumber(desc, "last_event_hash"), desc)))
		refuse_head_change(t, row_id);
	if (!superuser())
	{
		Jsonb	   *ev = tuple_jsonb(newtup, rel, "stage_evidence");

		if (ev != NULL)
			mc_check_evidence_size(VARSIZE(ev), mc_gettext("evidence"),
								mc_row_label(t, row_id, t == TRACK_CLOSURE ? NULL : county));
	}
	s = mc_graph_stage_index(g, stage);
	if (s < 0)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("%s cannot start at stage \"%s\"",
						mc_row_label(t, row_id, t == TRACK_CLOSURE ? mc_closure_county(row_id) : county), stage),
				 errdetail("\"%s\" is not a stage of the %s track; a new row starts at \"%s\".",
						   stage, mc_label_cstring("track", mc_track_defs[t].name),
						   mc_label_cstring("stage", g->stages[g->first]))));
	if (superuser())
		return;					/* restore, migration */
	if (s != g->first)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("%s cannot start at stage \"%s\"",
						mc_row_label(t, row_id, t == TRACK_CLOSURE ? mc_closure_county(row_id) : county),
						mc_label_cstring("stage", stage)),
				 errdetail("A new row starts at \"%s\" and moves forward one step at a time.",
						   mc_label_cstring("stage", g->stages[g->first])),
				 errhint("Insert it at \"%s\" and use advance(); only a superuser may insert a row at a later stage (restore, migration).",
						 g->stages[g->first])));
	if (t == TRACK_UNIT && county != NULL)
	{
		const StageGraph *sg = &graphs[TRACK_SCHEME];
		int			drafted = mc_graph_required_stage(sg, TRACK_SCHEME, SCHEME_DRAFTED);
		char	   *sstage = mc_scheme_stage_of(county);
		int			ss = sstage ? mc_graph_stage_index(sg, sstage) : -1;

		if (ss < 0 || sg->depth[ss] < sg->depth[drafted])
			ereport(ERROR,
					(errcode(ERRCODE_CHECK_VIOLATION),
					 errmsg("%s cannot be created before the scheme of county %s is drafted",
							mc_row_label(t, row_id, county), county),
					 sstage ? errdetail("The scheme of county %s is at \"%s\"; units are adopted only once it is \"%s\" or later.",
										county, mc_label_cstring("stage", sstage), mc_label_cstring("stage", SCHEME_DRAFTED))
					 : errdetail("County %s has no scheme; units are adopted only once it is \"%s\" or later.",
								 county, mc_label_cstring("stage", SCHEME_DRAFTED)),
					 errhint("Advance the county's scheme first, e.g. advance('scheme', id, '%s', evidence).",
							 SCHEME_DRAFTED)));
	}
}

/*
 * Refuse an UPDATE whose change of stage is no step of the graph (23514):
 * say why (unknown stage, backwards, skipping), the allowed next stages and,
 * for a skip, the evidence the target stage would need.
 */
static void refuse_no_step(const StageGraph *g, Track t, int64 row_id, const char *county,
						   const char *from, const char *to, int fi, int ti,
						   Jsonb *new_ev) pg_attribute_noreturn();

static void
refuse_no_step(const StageGraph *g, Track t, int64 row_id, const char *county,
			   const char *from, const char *to, int fi, int ti, Jsonb *new_ev)
{
	StringInfoData detail,
				missing,
				invalid;
	DateADT		date = 0;
	bool		date_set = false;
	const char *hint = NULL;

	initStringInfo(&detail);
	initStringInfo(&missing);
	initStringInfo(&invalid);

	if (ti < 0)
		appendStringInfo(&detail, mc_gettext("\"%s\" is not a stage of the %s track."), to,
						 mc_label_cstring("track", mc_track_defs[t].name));
	else if (fi >= 0 && mc_graph_before(g, ti, fi))
	{
		appendStringInfo(&detail, mc_gettext("\"%s\" comes before \"%s\"."),
						 mc_label_cstring("stage", to), mc_label_cstring("stage", from));
		hint = mc_gettext("Only revert_stage() moves a row back, for members of mineconsol_admin (the city).");
	}
	else
		appendStringInfo(&detail, mc_gettext("\"%s\" is not the next stage."), mc_label_cstring("stage", to));
	if (fi >= 0)
		mc_append_allowed_next(&detail, g, fi);
	if (ti >= 0 && hint == NULL)
	{
		const StageStep *into = mc_graph_step_into(g, ti);

		if (into)
			mc_check_evidence(new_ev, into, &missing, &invalid, &date, &date_set, NULL, NULL);
		if (missing.len > 0)
		{
			mc_append_sentence_break(&detail);
			appendStringInfo(&detail, mc_gettext("Missing evidence for \"%s\": %s."),
							 mc_label_cstring("stage", to), missing.data);
		}
	}
	if (hint == NULL)
		hint = mc_gettext("Move one step at a time: advance(track, id, next_stage, evidence).");
	ereport(ERROR,
			(errcode(ERRCODE_CHECK_VIOLATION),
			 errmsg("%s cannot move from \"%s\" to \"%s\"",
					mc_row_label(t, row_id, t == TRACK_CLOSURE ? mc_closure_county(row_id) : county),
					mc_label_cstring("stage", from), mc_label_cstring("stage", to)),
			 errdetail("%s", detail.data),
			 errhint("%s", hint)));
}

/*
 * Refuse a step of the graph whose evidence or prerequisites fail (23514):
 * detail holds the unmet prerequisites, missing and invalid the evidence.
 */
static void refuse_step(const StageGraph *g, Track t, int64 row_id, const char *county,
						const char *from, const char *to, int fi, StringInfo detail,
						StringInfo missing, StringInfo invalid,
						bool evidence_stale) pg_attribute_noreturn();

static void
refuse_step(const StageGraph *g, Track t, int64 row_id, const char *county,
			const char *from, const char *to, int fi, StringInfo detail,
			StringInfo missing, StringInfo invalid, bool evidence_stale)
{
	mc_append_allowed_next(detail, g, fi);
	if (missing->len > 0)
	{
		mc_append_sentence_break(detail);
		appendStringInfo(detail, mc_gettext("Missing evidence: %s."), missing->data);
	}
	if (invalid->len > 0)
	{
		mc_append_sentence_break(detail);
		appendStringInfo(detail, mc_gettext("Invalid evidence: %s."), invalid->data);
	}
	ereport(ERROR,
			(errcode(ERRCODE_CHECK_VIOLATION),
			 errmsg("%s cannot move from \"%s\" to \"%s\"",
					mc_row_label(t, row_id, t == TRACK_CLOSURE ? mc_closure_county(row_id) : county),
					mc_label_cstring("stage", from), mc_label_cstring("stage", to)),
			 errdetail("%s", detail->data),
			 evidence_stale
			 ? errhint("stage_evidence was not changed: set it to the evidence of \"%s\" in the same UPDATE as stage, or use advance().",
					   mc_label_cstring("stage", to))
			 : (missing->len > 0 || invalid->len > 0)
			 ? errhint("Give the evidence as a JSON object with the keys of the step, e.g. {\"date\": \"2022-10-20\", \"doc_no\": \"…\"}; unknown keys are kept.")
			 : 0));
}

/* Who records the step (stage_transitions.recorded_by): 'city' is mineconsol_admin only (42501). */
static void
check_recorder(const StageStep *step, Track t, int64 row_id, const char *county,
			   const char *from, const char *to)
{
if (step->by_city && !mc_user_is_city())
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied to record \"%s\" for %s", mc_label_cstring("stage", to),
					mc_row_label(t, row_id, t == TRACK_CLOSURE ? mc_closure_county(row_id) : county)),
			 errdetail("The step from \"%s\" to \"%s\" is recorded by the city (members of mineconsol_admin), as stage_transitions.recorded_by says.",
					   mc_label_cstring("stage", from), mc_label_cstring("stage", to)),
			 errhint("County staff record the steps whose recorded_by is 'county'; the city records this one once it has decided.")));
}

/*
 * Is this UPDATE the backward move revert_stage() announced?  The token is
 * used up at once, and the caller's right is checked again.
 */
static bool
revert_announced(Track t, int64 row_id, const char *to)
{
	if (!(pending_revert.active && pending_revert.track == t &&
		  pending_revert.row_id == row_id && strcmp(pending_revert.to_stage, to) == 0))
		return false;
	pending_revert.active = false;
	if (!mc_user_is_city())		/* revert_stage() checked; be sure */
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to revert %s", mc_row_label(t, row_id, NULL))));
	return true;
}

/*
 * UPDATE of stage and/or stage_evidence.  Returns the event appended (the
 * caller moves the row's head to it), or NULL when the stage stays.
 *
 * A little over 100 lines on purpose: it is the checks of a step in the
 * order stage.h gives them, read top to bottom; the refusals are in
 * refuse_no_step() and refuse_step(), the revert in revert_announced().
 */
static StageEvent *
guard_update(const StageGraph *graphs, Track t, HeapTuple oldtup,
			 HeapTuple newtup, Relation rel, bool evidence_given)
{
	const StageGraph *g = &graphs[t];
	const char *from = tuple_text(oldtup, rel, "stage");
	const char *to = tuple_text(newtup, rel, "stage");
	Jsonb	   *old_ev = tuple_jsonb(oldtup, rel, "stage_evidence");
	Jsonb	   *new_ev = tuple_jsonb(newtup, rel, "stage_evidence");
	const char *county = t == TRACK_CLOSURE ? NULL : tuple_text(newtup, rel, "county_code");
	bool		isnull;
	int64		row_id = tuple_int8(newtup, rel, mc_track_defs[t].key, &isnull);
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

	if (heads_differ(oldtup, newtup, rel))
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
						mc_row_label(t, row_id, t == TRACK_CLOSURE ? mc_closure_county(row_id) : county)),
				 errdetail("stage_evidence holds the evidence of the step that reached \"%s\", recorded in stage_events.",
						   mc_label_cstring("stage", from)),
				 errhint("To correct it, revert_stage() and advance again.")));
	}

	fi = mc_graph_stage_index(g, from);
	ti = mc_graph_stage_index(g, to);
	ev = palloc0(sizeof(StageEvent));
	ev->track = mc_track_defs[t].name;
	ev->row_id = row_id;
	ev->row_id_set = true;
	ev->from_stage = from;
	ev->to_stage = to;
	ev->actor = GetUserNameFromId(GetUserId(), false);
	last_id = head_prev_hash(oldtup, rel, ev);

	/* The backward move revert_stage() announced. */
	if (revert_announced(t, row_id, to))
	{
		ev->evidence = empty_jsonb();
		ev->reason = pending_revert.reason;
		append_event(t, ev, last_id);
		return ev;
	}

	initStringInfo(&detail);
	initStringInfo(&missing);
	initStringInfo(&invalid);
	step = (fi >= 0 && ti >= 0) ? mc_graph_step(g, fi, ti) : NULL;
	if (step == NULL)
		refuse_no_step(g, t, row_id, county, from, to, fi, ti, new_ev);

	check_recorder(step, t, row_id, county, from, to);

	/* An UPDATE that does not set stage_evidence gives no evidence. */
	if (!evidence_given)
	{
		evidence_stale = true;
		new_ev = NULL;
	}
	else if (new_ev != NULL && !mc_evidence_fits(VARSIZE(new_ev)))
		/* the row's label (a query for a closure) only for the refusal */
		mc_check_evidence_size(VARSIZE(new_ev), mc_gettext("evidence"),
							mc_row_label(t, row_id, t == TRACK_CLOSURE ? mc_closure_county(row_id) : county));
	has_prev_date = mc_evidence_date(old_ev, &prev_date);
	mc_check_evidence(new_ev, step, &missing, &invalid, &date, &date_set,
				   has_prev_date ? &prev_date : NULL, from);
	if (t == TRACK_UNIT && county != NULL)
	{
		int64		retained;
		bool		retained_null;

		retained = tuple_int8(newtup, rel, "retained_mine_id", &retained_null);
		(void) (mc_unit_scheme_ready(graphs, county, ti, &detail) &&
				mc_unit_members_closed(graphs, row_id, retained_null, retained, ti, &detail));
	}
	if (detail.len > 0 || missing.len > 0 || invalid.len > 0)
		refuse_step(g, t, row_id, county, from, to, fi, &detail, &missing, &invalid,
					evidence_stale);

	/* Accepted: record the event. */
	ev->evidence = new_ev;
	ev->due_set = mc_step_due(t, g, step, row_id, last_id != 0,
							  has_prev_date ? &prev_date : NULL, &ev->due);
	if (ev->due_set && date_set)
	{
		ev->days_late = Max(0, date - ev->due);
		ev->days_late_set = true;
	}
	append_event(t, ev, last_id);
	return ev;
}

/*
 * stage_guard(track)
 *		BEFORE INSERT OR UPDATE OF stage, stage_evidence, last_event_id,
 *		last_event_hash OR DELETE row trigger.
 */
PG_FUNCTION_INFO_V1(mc_stage_guard);
Datum
mc_stage_guard(PG_FUNCTION_ARGS)
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
	if (trigger->tgnargs != 1 || strcmp(trigger->tgargs[0], mc_track_defs[t].name) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("stage_guard() on mineconsol.%s takes one argument, the track \"%s\"",
						mc_track_defs[t].table, mc_track_defs[t].name)));
	desc = RelationGetDescr(trigdata->tg_relation);
	if (TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
	{
		guard_delete(t, trigdata->tg_trigtuple, trigdata->tg_relation);
		return PointerGetDatum(trigdata->tg_trigtuple);
	}

	caller_cxt = CurrentMemoryContext;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	graphs = mc_stage_graphs();
	if (TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
	{
		guard_insert(graphs, t, trigdata->tg_trigtuple, trigdata->tg_relation);
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
						  trigdata->tg_relation, given);
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
