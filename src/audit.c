/*
 * audit.c
 *		The audit trail of the stage workflow: stage_events, an append-only,
 *		SHA-256 hash-chained table.
 *
 * Chains.  The events of one row of a track (track, row_id) form a hash
 * chain in id order; the row itself holds the head: last_event_id and
 * last_event_hash of schemes, units and closures name its last event.  An
 * append happens inside the UPDATE that changes the row's stage, so the
 * row lock PostgreSQL already holds for that UPDATE orders the appends of
 * one row, and appends for different rows never wait for each other.  (A
 * single chain over all events would have to be locked from each append to
 * its commit, so that an aborted append cannot leave a successor linked to
 * nothing: every change of stage in the city would queue behind one lock.)
 * Ids come from a sequence: they increase in the order events are recorded,
 * and an aborted change leaves a gap, which is not a break: the links are
 * the hashes, not the ids.
 *
 *	  hash(e) = SHA-256(prev_hash(e) ‖ canonical(e))
 *	  prev_hash(first event of a row) = 32 zero bytes
 *	  prev_hash(e) = hash(the row's event before e)
 *
 * Canonical serialisation (version 1).  A sequence of fields; each field is
 * either the single byte "N" (SQL NULL) or a netstring
 * "<decimal byte length>:<bytes>," of its text form:
 *
 *	  "mineconsol-event-v1" (the tag, always present),
 *	  id, track, row_id, from_stage, to_stage, actor, at, evidence, due,
 *	  days_late, reason
 *
 * Text forms: integers in decimal without leading zeros or "+"; text as
 * stored (UTF-8 in a UTF-8 database); at in UTC as
 * YYYY-MM-DDTHH:MM:SS.ffffffZ (always six fraction digits); due as
 * YYYY-MM-DD; infinite values as "infinity" / "-infinity"; evidence as
 * jsonb's own text output (object keys in jsonb order — shorter keys
 * first, then bytewise —, no duplicate keys, ": " and ", " as separators,
 * numbers as stored).  A netstring starts with a digit, so "N" cannot be
 * mistaken for a value and the serialisation reads back one way only.
 * prev_hash and hash themselves are not part of canonical(e); prev_hash
 * enters the hash as the 32 raw bytes in front of it.
 *
 * The hash is computed with PostgreSQL's own cryptohash (OpenSSL when the
 * server is built with it), not with pgcrypto.
 *
 * Appending.  The stage trigger appends through mc_audit_append(): it
 * takes the next id, hashes the event onto the head the row holds, inserts
 * it, and the trigger puts the new head into the row.  Any other INSERT into
 * stage_events goes through the row trigger stage_events_append(), which
 * accepts an event only if it extends its row's chain (a later id, the
 * hash of the row's last event as prev_hash, a correct hash); that is how
 * pg_restore reloads the trail (the dump lists events in id order, and the
 * rows bring their heads as data).  UPDATE, DELETE and TRUNCATE are refused
 * for everyone by a statement trigger (SQLSTATE 55000); only a superuser
 * who disables the triggers can edit an event, and verify_audit() then
 * names it.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/sequence.h"
#include "commands/trigger.h"
#include "common/cryptohash.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "optimizer/optimizer.h"
#include "rewrite/rewriteHandler.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"

#include "compat.h"
#include "mineconsol.h"
#include "stage.h"

#define AUDIT_TAG			"mineconsol-event-v1"

#define VERIFY_BATCH		1000

/*
 * The receiver of the next event appended for one row: advance() and
 * revert_stage() set it around their UPDATE so that they can return the
 * event the trigger recorded without reading it back.
 */
typedef struct EventReceiver
{
	StageEvent *dest;			/* NULL: nobody waits */
	MemoryContext cxt;			/* where to copy the event */
	const char *track;
	int64		row_id;
	bool		filled;
} EventReceiver;

static EventReceiver receiver = {NULL};

/*
 * The id of the event mc_audit_append() is inserting right now (0: none):
 * the insert trigger lets exactly that row through unchecked, since it was
 * built and hashed here.
 */
static int64 appending_id = 0;

/* Prepared statements, kept for the life of the backend. */
static SPIPlanPtr row_last_event_plan = NULL;

/* The number of columns of stage_events as mineconsol creates it. */
#define EVENT_NATTS			13

/* Attribute numbers of stage_events' columns in a given tuple descriptor. */
typedef struct EventAttnums
{
	int			id;
	int			track;
	int			row_id;
	int			from_stage;
	int			to_stage;
	int			actor;
	int			at;
	int			evidence;
	int			due;
	int			days_late;
	int			reason;
	int			prev_hash;
	int			hash;
} EventAttnums;

static int
event_attnum(TupleDesc tupdesc, const char *name)
{
	int			attnum = SPI_fnumber(tupdesc, name);

	if (attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("stage event has no column \"%s\"", name)));
	return attnum;
}

static void
event_attnums(TupleDesc tupdesc, EventAttnums *a)
{
	a->id = event_attnum(tupdesc, "id");
	a->track = event_attnum(tupdesc, "track");
	a->row_id = event_attnum(tupdesc, "row_id");
	a->from_stage = event_attnum(tupdesc, "from_stage");
	a->to_stage = event_attnum(tupdesc, "to_stage");
	a->actor = event_attnum(tupdesc, "actor");
	a->at = event_attnum(tupdesc, "at");
	a->evidence = event_attnum(tupdesc, "evidence");
	a->due = event_attnum(tupdesc, "due");
	a->days_late = event_attnum(tupdesc, "days_late");
	a->reason = event_attnum(tupdesc, "reason");
	a->prev_hash = event_attnum(tupdesc, "prev_hash");
	a->hash = event_attnum(tupdesc, "hash");
}

static const char *
event_text(HeapTuple tuple, TupleDesc tupdesc, int attnum)
{
	bool		isnull;
	Datum		d = heap_getattr(tuple, attnum, tupdesc, &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

/* A hash column: set *set when it holds exactly AUDIT_HASH_LEN bytes. */
static void
event_hash(HeapTuple tuple, TupleDesc tupdesc, int attnum, uint8 *dest, bool *set)
{
	bool		isnull;
	Datum		d = heap_getattr(tuple, attnum, tupdesc, &isnull);
	bytea	   *b;

	*set = false;
	if (isnull)
		return;
	b = DatumGetByteaPP(d);
	if (VARSIZE_ANY_EXHDR(b) != AUDIT_HASH_LEN)
		return;
	memcpy(dest, VARDATA_ANY(b), AUDIT_HASH_LEN);
	*set = true;
}

/* Read an event from a tuple of stage_events (or of its row type). */
static void
event_from_tuple(HeapTuple tuple, TupleDesc tupdesc, const EventAttnums *a,
				 StageEvent *ev)
{
	bool		isnull;
	Datum		d;

	memset(ev, 0, sizeof(*ev));
	d = heap_getattr(tuple, a->id, tupdesc, &isnull);
	ev->id_set = !isnull;
	ev->id = isnull ? 0 : DatumGetInt64(d);
	ev->track = event_text(tuple, tupdesc, a->track);
	d = heap_getattr(tuple, a->row_id, tupdesc, &isnull);
	ev->row_id_set = !isnull;
	ev->row_id = isnull ? 0 : DatumGetInt64(d);
	ev->from_stage = event_text(tuple, tupdesc, a->from_stage);
	ev->to_stage = event_text(tuple, tupdesc, a->to_stage);
	ev->actor = event_text(tuple, tupdesc, a->actor);
	d = heap_getattr(tuple, a->at, tupdesc, &isnull);
	ev->at_set = !isnull;
	ev->at = isnull ? 0 : DatumGetTimestampTz(d);
	d = heap_getattr(tuple, a->evidence, tupdesc, &isnull);
	ev->evidence = isnull ? NULL : DatumGetJsonbP(d);
	d = heap_getattr(tuple, a->due, tupdesc, &isnull);
	ev->due_set = !isnull;
	ev->due = isnull ? 0 : DatumGetDateADT(d);
	d = heap_getattr(tuple, a->days_late, tupdesc, &isnull);
	ev->days_late_set = !isnull;
	ev->days_late = isnull ? 0 : DatumGetInt32(d);
	ev->reason = event_text(tuple, tupdesc, a->reason);
	event_hash(tuple, tupdesc, a->prev_hash, ev->prev_hash, &ev->prev_hash_set);
	event_hash(tuple, tupdesc, a->hash, ev->hash, &ev->hash_set);
}

/* Canonical serialisation: see the head comment of this file. */

static void
put_field(StringInfo buf, const char *value, int len)
{
	appendStringInfo(buf, "%d:", len);
	appendBinaryStringInfo(buf, value, len);
	appendStringInfoChar(buf, ',');
}

static void
put_null(StringInfo buf)
{
	appendStringInfoChar(buf, 'N');
}

static void
put_text(StringInfo buf, const char *value)
{
	if (value == NULL)
		put_null(buf);
	else
		put_field(buf, value, strlen(value));
}

static void
put_int(StringInfo buf, bool set, int64 value)
{
	char		num[32];

	if (!set)
	{
		put_null(buf);
		return;
	}
	snprintf(num, sizeof(num), INT64_FORMAT, value);
	put_text(buf, num);
}

static void
put_timestamptz(StringInfo buf, bool set, TimestampTz ts)
{
	struct pg_tm tm;
	fsec_t		fsec;
	char		out[64];

	if (!set)
	{
		put_null(buf);
		return;
	}
	if (TIMESTAMP_NOT_FINITE(ts))
	{
		put_text(buf, TIMESTAMP_IS_NOBEGIN(ts) ? "-infinity" : "infinity");
		return;
	}
	/* No time zone pointer: the broken-down time is UTC. */
	if (timestamp2tm(ts, NULL, &tm, &fsec, NULL, NULL) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	snprintf(out, sizeof(out), "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
			 tm.tm_year, tm.tm_mon, tm.tm_mday,
			 tm.tm_hour, tm.tm_min, tm.tm_sec, (int) fsec);
	put_text(buf, out);
}

static void
put_date(StringInfo buf, bool set, DateADT date)
{
	int			y,
				m,
				d;
	char		out[32];

	if (!set)
	{
		put_null(buf);
		return;
	}
	if (DATE_NOT_FINITE(date))
	{
		put_text(buf, DATE_IS_NOBEGIN(date) ? "-infinity" : "infinity");
		return;
	}
	j2date(date + POSTGRES_EPOCH_JDATE, &y, &m, &d);
	snprintf(out, sizeof(out), "%04d-%02d-%02d", y, m, d);
	put_text(buf, out);
}

static void
put_jsonb(StringInfo buf, Jsonb *jb)
{
	if (jb == NULL)
		put_null(buf);
	else
		put_text(buf, JsonbToCString(NULL, &jb->root, VARSIZE(jb)));
}

static void
audit_canonical_into(StringInfo buf, const StageEvent *ev)
{
	put_text(buf, AUDIT_TAG);
	put_int(buf, ev->id_set, ev->id);
	put_text(buf, ev->track);
	put_int(buf, ev->row_id_set, ev->row_id);
	put_text(buf, ev->from_stage);
	put_text(buf, ev->to_stage);
	put_text(buf, ev->actor);
	put_timestamptz(buf, ev->at_set, ev->at);
	put_jsonb(buf, ev->evidence);
	put_date(buf, ev->due_set, ev->due);
	put_int(buf, ev->days_late_set, ev->days_late);
	put_text(buf, ev->reason);
}

/* dest = SHA-256(prev ‖ canonical(ev)) */
static void
audit_hash(const StageEvent *ev, const uint8 *prev, uint8 *dest)
{
	StringInfoData buf;
	pg_cryptohash_ctx *ctx;

	initStringInfo(&buf);
	audit_canonical_into(&buf, ev);
	ctx = pg_cryptohash_create(PG_SHA256);
	if (ctx == NULL ||
		pg_cryptohash_init(ctx) < 0 ||
		pg_cryptohash_update(ctx, prev, AUDIT_HASH_LEN) < 0 ||
		pg_cryptohash_update(ctx, (const uint8 *) buf.data, buf.len) < 0 ||
		pg_cryptohash_final(ctx, dest, AUDIT_HASH_LEN) < 0)
	{
		const char *why = ctx ? pg_cryptohash_error(ctx) : "out of memory";

		pg_cryptohash_free(ctx);
		elog(ERROR, "could not compute SHA-256 hash: %s", why);
	}
	pg_cryptohash_free(ctx);
	pfree(buf.data);
}

static Datum
hash_datum(const uint8 *hash)
{
	bytea	   *b = palloc(VARHDRSZ + AUDIT_HASH_LEN);

	SET_VARSIZE(b, VARHDRSZ + AUDIT_HASH_LEN);
	memcpy(VARDATA(b), hash, AUDIT_HASH_LEN);
	return PointerGetDatum(b);
}

/*
 * A relation of the extension's schema, by name.  Looked up at each use
 * (two syscache probes): a cached OID would go stale when the extension is
 * dropped and created again in the same session.
 */
static Oid
audit_relid(const char *relname)
{
	Oid			relid = get_relname_relid(relname, get_namespace_oid("mineconsol", false));

	if (!OidIsValid(relid))
		elog(ERROR, "relation mineconsol.%s does not exist", relname);
	return relid;
}

/*
 * The owner of mineconsol.stage_events.  Events are written as the owner, so
 * that county staff change stages (and so append events) without any
 * privilege on the audit trail itself: they can neither read it nor forge
 * an entry by a direct INSERT.
 */
static Oid
audit_owner(Oid relid)
{
	HeapTuple	tup;
	Oid			owner;

	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	return owner;
}

static void audit_insert(Oid relid, StageEvent *ev);
static void audit_deliver(const StageEvent *ev);

/*
 * mc_audit_append
 *		Append ev to its row's chain.  The caller (the stage trigger, holding
 *		the row's lock, connected to SPI) has filled in everything but id,
 *		at and hash, with prev_hash the row's last_event_hash (32 zero bytes
 *		before its first event) and after_id its last_event_id (0: none).
 *		Takes the next id, stamps the time, hashes and inserts; the caller
 *		then stores ev->id and ev->hash in the row.
 *		The insert runs as the owner of stage_events; an error restores the
 *		caller's identity with the (sub)transaction's abort.
 */
void
mc_audit_append(StageEvent *ev, int64 after_id)
{
	Oid			events = audit_relid("stage_events");
	Oid			save_userid;
	int			save_sec_context;
	int64		save_appending_id = appending_id;

	Assert(ev->prev_hash_set);
	ev->id = nextval_internal(compat_getIdentitySequence(events, 1, false), false);
	ev->id_set = true;
	if (ev->id <= after_id)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("stage_events_id_seq is behind the audit trail"),
				 errdetail("The next event id is " INT64_FORMAT ", but %s %lld already has event " INT64_FORMAT ".",
						   ev->id, ev->track, (long long) ev->row_id, after_id),
				 errhint("Events were loaded without their sequence: SELECT setval('mineconsol.stage_events_id_seq', max(id)) FROM mineconsol.stage_events;")));
	ev->at = GetCurrentTimestamp();
	ev->at_set = true;
	audit_hash(ev, ev->prev_hash, ev->hash);
	ev->hash_set = true;

	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(audit_owner(events),
						   save_sec_context | SECURITY_LOCAL_USERID_CHANGE);
	appending_id = ev->id;
	PG_TRY();
	{
		audit_insert(events, ev);
	}
	PG_FINALLY();
	{
		appending_id = save_appending_id;
		SetUserIdAndSecContext(save_userid, save_sec_context);
	}
	PG_END_TRY();
	audit_deliver(ev);
}

/* The columns of a row of stage_events (desc, its columns at a) holding ev. */
static void
event_values(const StageEvent *ev, TupleDesc desc, const EventAttnums *a,
			 Datum *values, bool *nulls)
{
	int			i;

	for (i = 0; i < desc->natts; i++)
	{
		values[i] = (Datum) 0;
		nulls[i] = true;
	}
#define SET(att, val) (values[(att) - 1] = (val), nulls[(att) - 1] = false)
	SET(a->id, Int64GetDatum(ev->id));
	SET(a->track, CStringGetTextDatum(ev->track));
	SET(a->row_id, Int64GetDatum(ev->row_id));
	SET(a->from_stage, CStringGetTextDatum(ev->from_stage));
	SET(a->to_stage, CStringGetTextDatum(ev->to_stage));
	SET(a->actor, CStringGetTextDatum(ev->actor));
	SET(a->at, TimestampTzGetDatum(ev->at));
	if (ev->evidence)
		SET(a->evidence, JsonbPGetDatum(ev->evidence));
	if (ev->due_set)
		SET(a->due, DateADTGetDatum(ev->due));
	if (ev->days_late_set)
		SET(a->days_late, Int32GetDatum(ev->days_late));
	if (ev->reason)
		SET(a->reason, CStringGetTextDatum(ev->reason));
	SET(a->prev_hash, hash_datum(ev->prev_hash));
	SET(a->hash, hash_datum(ev->hash));
#undef SET
}

/*
 * Columns a DBA added to stage_events get their defaults, as an INSERT
 * would give them (the way logical replication fills them in).
 */
static void
event_fill_defaults(Relation rel, const EventAttnums *a, EState *estate,
					TupleTableSlot *slot)
{
	TupleDesc	desc = RelationGetDescr(rel);
	int			attnum;

	for (attnum = 1; attnum <= desc->natts; attnum++)
	{
		Expr	   *defexpr;
		ExprState  *state;

		if (TupleDescAttr(desc, attnum - 1)->attisdropped ||
			attnum == a->id || attnum == a->track || attnum == a->row_id ||
			attnum == a->from_stage || attnum == a->to_stage || attnum == a->actor ||
			attnum == a->at || attnum == a->evidence || attnum == a->due ||
			attnum == a->days_late || attnum == a->reason ||
			attnum == a->prev_hash || attnum == a->hash)
			continue;
		defexpr = (Expr *) build_column_default(rel, attnum);
		if (defexpr == NULL)
			continue;
		state = ExecPrepareExpr(expression_planner(defexpr), estate);
		slot->tts_values[attnum - 1] =
			ExecEvalExprSwitchContext(state, GetPerTupleExprContext(estate),
									  &slot->tts_isnull[attnum - 1]);
	}
}

/*
 * INSERT the event into stage_events (relid) the way logical replication
 * applies a row (ExecSimpleRelationInsert): the table's BEFORE and AFTER row
 * triggers, NOT NULL and CHECK constraints, column defaults and indexes all
 * apply, without planning and running an INSERT statement for each change
 * of stage (a third of the append's cost).  Unlike an INSERT statement it
 * fires no statement-level triggers and checks neither privileges nor
 * row-level security: it runs as the table's owner, on the extension's
 * own behalf.
 */
static void
audit_insert(Oid relid, StageEvent *ev)
{
	Relation	rel = table_open(relid, RowExclusiveLock);
	TupleDesc	desc = RelationGetDescr(rel);
	EState	   *estate = CreateExecutorState();
	RangeTblEntry *rte = makeNode(RangeTblEntry);
	ResultRelInfo *rri = makeNode(ResultRelInfo);
	TupleTableSlot *slot;
	EventAttnums a;

	rte->rtekind = RTE_RELATION;
	rte->relid = relid;
	rte->relkind = rel->rd_rel->relkind;
	rte->rellockmode = RowExclusiveLock;
	compat_ExecInitRangeTable(estate, rte);
	InitResultRelInfo(rri, rel, 1, NULL, 0);
	/* so that AFTER triggers find the relation rather than open it again */
	estate->es_opened_result_relations = list_make1(rri);
	estate->es_output_cid = GetCurrentCommandId(true);
	ExecOpenIndices(rri, false);
	AfterTriggerBeginQuery();

	slot = table_slot_create(rel, &estate->es_tupleTable);
	ExecClearTuple(slot);
	event_attnums(desc, &a);
	event_values(ev, desc, &a, slot->tts_values, slot->tts_isnull);
	if (desc->natts > EVENT_NATTS)
		event_fill_defaults(rel, &a, estate, slot);
	ExecStoreVirtualTuple(slot);

	ExecSimpleRelationInsert(rri, estate, slot);

	AfterTriggerEndQuery(estate);
	ExecCloseResultRelations(estate);	/* its indexes, and any AFTER trigger opened */
	ExecResetTupleTable(estate->es_tupleTable, false);
	FreeExecutorState(estate);
	table_close(rel, NoLock);
}

/* Hand a copy of the event to advance() / revert_stage() if they wait for it. */
static void
audit_deliver(const StageEvent *ev)
{
	MemoryContext oldcxt;
	StageEvent *d;

	if (receiver.dest == NULL || receiver.filled ||
		receiver.row_id != ev->row_id || strcmp(receiver.track, ev->track) != 0)
		return;
	oldcxt = MemoryContextSwitchTo(receiver.cxt);
	d = receiver.dest;
	*d = *ev;
	d->track = pstrdup(ev->track);
	d->from_stage = pstrdup(ev->from_stage);
	d->to_stage = pstrdup(ev->to_stage);
	d->actor = pstrdup(ev->actor);
	if (ev->evidence != NULL)
	{
		d->evidence = palloc(VARSIZE(ev->evidence));
		memcpy(d->evidence, ev->evidence, VARSIZE(ev->evidence));
	}
	d->reason = ev->reason ? pstrdup(ev->reason) : NULL;
	MemoryContextSwitchTo(oldcxt);
	receiver.filled = true;
}

/*
 * mc_audit_expect
 *		Have the next event appended for (track, row_id) copied to *dest,
 *		allocated in cxt.  mc_audit_expect_end() stops it (call it in a
 *		PG_FINALLY block) and says whether the event arrived.
 */
void
mc_audit_expect(StageEvent *dest, MemoryContext cxt, const char *track, int64 row_id)
{
	receiver.dest = dest;
	receiver.cxt = cxt;
	receiver.track = track;
	receiver.row_id = row_id;
	receiver.filled = false;
}

bool
mc_audit_expect_end(void)
{
	bool		filled = receiver.filled;

	receiver.dest = NULL;
	receiver.filled = false;
	return filled;
}

/* An event as a datum of the row type desc (stage_events' own). */
Datum
mc_audit_event_datum(const StageEvent *ev, TupleDesc desc)
{
	Datum	   *values = palloc(sizeof(Datum) * desc->natts);
	bool	   *nulls = palloc(sizeof(bool) * desc->natts);
	EventAttnums a;

	event_attnums(desc, &a);
	event_values(ev, desc, &a, values, nulls);
	return HeapTupleGetDatum(heap_form_tuple(desc, values, nulls));
}

static char *
hash_hex(const uint8 *hash)
{
	char	   *out = palloc(AUDIT_HASH_LEN * 2 + 1);
	int			i;

	for (i = 0; i < AUDIT_HASH_LEN; i++)
		sprintf(out + 2 * i, "%02x", hash[i]);
	return out;
}

/*
 * The id and hash of the last event of a row's chain (SPI connected);
 * false when the row has none.
 */
static bool
row_last_event(const char *track, int64 row_id, int64 *id, uint8 *hash)
{
	Datum		values[2];
	bool		isnull;
	bool		hash_ok;

	if (row_last_event_plan == NULL)
	{
		Oid			types[2] = {TEXTOID, INT8OID};

		row_last_event_plan = mc_prepare_kept(
			"SELECT id, hash FROM mineconsol.stage_events"
			" WHERE track OPERATOR(pg_catalog.=) $1 AND row_id OPERATOR(pg_catalog.=) $2"
			" ORDER BY id DESC LIMIT 1",
			2, types);
	}
	values[0] = CStringGetTextDatum(track);
	values[1] = Int64GetDatum(row_id);
	if (SPI_execute_plan(row_last_event_plan, values, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read the last event of %s %lld", track, (long long) row_id);
	if (SPI_processed == 0)
		return false;
	*id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	event_hash(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, hash, &hash_ok);
	if (!hash_ok)
		memset(hash, 0xFF, AUDIT_HASH_LEN);	/* links to nothing */
	return true;
}

/*
 * stage_events_append
 *		BEFORE INSERT row trigger on stage_events.  The stage trigger's own
 *		append (appending_id) passes; any other row must extend its row's
 *		chain.
 */
PG_FUNCTION_INFO_V1(stage_events_append);
Datum
stage_events_append(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TupleDesc	tupdesc;
	HeapTuple	tuple;
	EventAttnums a;
	StageEvent	ev;
	uint8		expect[AUDIT_HASH_LEN];
	uint8		last_hash[AUDIT_HASH_LEN];
	int64		last_id = 0;
	bool		has_last;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("stage_events_append() must be called as a trigger")));
	if (!TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		!TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("stage_events_append() must be fired BEFORE INSERT FOR EACH ROW")));
	if (trigdata->tg_trigger->tgnargs != 0)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("stage_events_append() takes no arguments")));

	tupdesc = RelationGetDescr(trigdata->tg_relation);
	tuple = trigdata->tg_trigtuple;
	if (appending_id != 0)
	{
		bool		isnull;
		Datum		id = heap_getattr(tuple, event_attnum(tupdesc, "id"), tupdesc, &isnull);

		if (!isnull && DatumGetInt64(id) == appending_id)
			return PointerGetDatum(tuple);
	}
	event_attnums(tupdesc, &a);
	event_from_tuple(tuple, tupdesc, &a, &ev);

	if (!ev.id_set || ev.id <= 0 || !ev.row_id_set || ev.track == NULL ||
		!ev.prev_hash_set || !ev.hash_set ||
		(ev.days_late_set && ev.days_late < 0))
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("stage event does not extend the audit chain"),
				 errdetail("An event needs a positive id, its track and row_id, and prev_hash and hash of 32 bytes each; days_late is never negative."),
				 errhint("Stage events are recorded by advance() and revert_stage(), or by an UPDATE of a stage column.")));
	audit_hash(&ev, ev.prev_hash, expect);
	if (memcmp(expect, ev.hash, AUDIT_HASH_LEN) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("stage event " INT64_FORMAT " does not extend the audit chain", ev.id),
				 errdetail("Its hash is not SHA-256(prev_hash ‖ canonical event): expected \\x%s.",
						   hash_hex(expect)),
				 errhint("Stage events are recorded by advance() and revert_stage(), or by an UPDATE of a stage column.")));

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	has_last = row_last_event(ev.track, ev.row_id, &last_id, last_hash);
	SPI_finish();
	if (!has_last)
		memset(last_hash, 0, AUDIT_HASH_LEN);
	if (has_last && ev.id <= last_id)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("stage event " INT64_FORMAT " does not extend the audit chain of %s %lld",
						ev.id, ev.track, (long long) ev.row_id),
				 errdetail("The row's last event is " INT64_FORMAT "; a new event must come after it.", last_id),
				 errhint("Stage events are recorded by advance() and revert_stage(), or by an UPDATE of a stage column.")));
	if (memcmp(ev.prev_hash, last_hash, AUDIT_HASH_LEN) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("stage event " INT64_FORMAT " does not extend the audit chain of %s %lld",
						ev.id, ev.track, (long long) ev.row_id),
				 has_last
				 ? errdetail("prev_hash must be the hash of the row's last event " INT64_FORMAT ", \\x%s.",
							 last_id, hash_hex(last_hash))
				 : errdetail("The row has no event yet: prev_hash must be 32 zero bytes."),
				 errhint("Stage events are recorded by advance() and revert_stage(), or by an UPDATE of a stage column.")));
	return PointerGetDatum(tuple);
}

/*
 * stage_events_append_only
 *		BEFORE UPDATE OR DELETE OR TRUNCATE statement trigger on stage_events.
 */
PG_FUNCTION_INFO_V1(stage_events_append_only);
Datum
stage_events_append_only(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	const char *what;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("stage_events_append_only() must be called as a trigger")));
	if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
		what = "UPDATE";
	else if (TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
		what = "DELETE";
	else if (TRIGGER_FIRED_BY_TRUNCATE(trigdata->tg_event))
		what = "TRUNCATE";
	else
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("stage_events_append_only() must be fired by UPDATE, DELETE or TRUNCATE")));

	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("stage_events is append-only: %s is not allowed", what),
			 errdetail("Stage events form a hash chain; an event cannot be changed or removed once recorded."),
			 errhint("To undo a step, use revert_stage(), which records a new event.")));
	PG_RETURN_NULL();			/* keep compiler quiet */
}

/*
 * audit_canonical(stage_events) → bytea: the bytes the hash covers after
 * prev_hash, for checking the chain outside the database.
 */
PG_FUNCTION_INFO_V1(audit_canonical);
Datum
audit_canonical(PG_FUNCTION_ARGS)
{
	HeapTupleHeader rec = PG_GETARG_HEAPTUPLEHEADER(0);
	TupleDesc	tupdesc;
	HeapTupleData tuple;
	EventAttnums a;
	StageEvent	ev;
	StringInfoData buf;
	bytea	   *result;

	tupdesc = lookup_rowtype_tupdesc(HeapTupleHeaderGetTypeId(rec),
									 HeapTupleHeaderGetTypMod(rec));
	tuple.t_len = HeapTupleHeaderGetDatumLength(rec);
	ItemPointerSetInvalid(&tuple.t_self);
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = rec;
	event_attnums(tupdesc, &a);
	event_from_tuple(&tuple, tupdesc, &a, &ev);
	initStringInfo(&buf);
	audit_canonical_into(&buf, &ev);
	ReleaseTupleDesc(tupdesc);

	result = palloc(VARHDRSZ + buf.len);
	SET_VARSIZE(result, VARHDRSZ + buf.len);
	memcpy(VARDATA(result), buf.data, buf.len);
	PG_RETURN_BYTEA_P(result);
}

/*
 * The rows whose head (last_event_id, last_event_hash) is not the last
 * event of their chain, and for each the event to name: the first one past
 * the head (added behind the trigger's back), or else the head's own event
 * (removed, or another one in its place).
 */
#define HEAD_MISMATCH_SQL \
	"WITH r AS (" \
	"  SELECT 'scheme'::text AS track, id AS row_id, last_event_id, last_event_hash FROM mineconsol.schemes" \
	"  UNION ALL SELECT 'unit', id, last_event_id, last_event_hash FROM mineconsol.units" \
	"  UNION ALL SELECT 'closure', mine_id, last_event_id, last_event_hash FROM mineconsol.closures)" \
	" SELECT pg_catalog.count(*), pg_catalog.min(CASE WHEN e.id OPERATOR(pg_catalog.>) COALESCE(r.last_event_id, 0)" \
	"   THEN (SELECT pg_catalog.min(x.id) FROM mineconsol.stage_events x" \
	"         WHERE x.track OPERATOR(pg_catalog.=) r.track AND x.row_id OPERATOR(pg_catalog.=) r.row_id" \
	"           AND x.id OPERATOR(pg_catalog.>) COALESCE(r.last_event_id, 0))" \
	"   ELSE r.last_event_id END)" \
	" FROM r LEFT JOIN LATERAL (SELECT id, hash FROM mineconsol.stage_events e" \
	"   WHERE e.track OPERATOR(pg_catalog.=) r.track AND e.row_id OPERATOR(pg_catalog.=) r.row_id" \
	"   ORDER BY e.id DESC LIMIT 1) e ON true" \
	" WHERE r.last_event_id IS DISTINCT FROM e.id OR r.last_event_hash IS DISTINCT FROM e.hash"

/* A new lowest bad event. */
static void
note_bad(bool *bad, int64 *first_bad, bool known, int64 id)
{
	*bad = true;
	if (known && (*first_bad == 0 || id < *first_bad))
		*first_bad = id;
}

/*
 * verify_audit() → (ok, checked, first_bad_event)
 *		Walk every row's chain (events in track, row_id, id order).  An
 *		event is bad when its prev_hash is not the stored hash of the row's
 *		previous event (32 zero bytes for the first) or when its own hash
 *		does not match; the next link is checked against the stored hash,
 *		so an edited event names itself and a removed one names the event
 *		after it.  Then every row of the tracks must hold its chain's last
 *		event as head.  first_bad_event is the lowest-numbered bad event.
 *		All reads use one snapshot; rows hidden by row-level security are
 *		not checked.
 */
PG_FUNCTION_INFO_V1(verify_audit);
Datum
verify_audit(PG_FUNCTION_ARGS)
{
	TupleDesc	result_desc;
	SPIPlanPtr	plan;
	Portal		portal;
	uint8		prev[AUDIT_HASH_LEN];
	uint8		expect[AUDIT_HASH_LEN];
	char	   *prev_track = NULL;
	int64		prev_row = 0;
	int64		checked = 0;
	int64		first_bad = 0;
	bool		bad = false;
	MemoryContext rowcxt;
	MemoryContext oldcxt;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};
	HeapTuple	result;
	bool		isnull;

	if (get_call_result_type(fcinfo, NULL, &result_desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	result_desc = BlessTupleDesc(result_desc);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	plan = SPI_prepare("SELECT * FROM mineconsol.stage_events ORDER BY track, row_id, id", 0, NULL);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	portal = SPI_cursor_open(NULL, plan, NULL, NULL, true);
	rowcxt = AllocSetContextCreate(CurrentMemoryContext, "verify_audit rows",
								   ALLOCSET_DEFAULT_SIZES);
	for (;;)
	{
		EventAttnums a;
		uint64		i;

		SPI_cursor_fetch(portal, true, VERIFY_BATCH);
		if (SPI_processed == 0)
			break;
		event_attnums(SPI_tuptable->tupdesc, &a);
		for (i = 0; i < SPI_processed; i++)
		{
			StageEvent	ev;

			CHECK_FOR_INTERRUPTS();
			oldcxt = MemoryContextSwitchTo(rowcxt);
			event_from_tuple(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, &a, &ev);
			if (prev_track == NULL || ev.track == NULL ||
				strcmp(prev_track, ev.track) != 0 || prev_row != ev.row_id)
				memset(prev, 0, AUDIT_HASH_LEN);	/* a new row's chain */
			audit_hash(&ev, prev, expect);
			if (!ev.prev_hash_set || memcmp(ev.prev_hash, prev, AUDIT_HASH_LEN) != 0 ||
				!ev.hash_set || memcmp(ev.hash, expect, AUDIT_HASH_LEN) != 0)
				note_bad(&bad, &first_bad, ev.id_set, ev.id);
			else
				checked++;
			MemoryContextSwitchTo(oldcxt);

			/* The next link must lead to this event's stored hash. */
			if (ev.hash_set)
				memcpy(prev, ev.hash, AUDIT_HASH_LEN);
			else
				memset(prev, 0xFF, AUDIT_HASH_LEN);
			if (prev_track != NULL)
				pfree(prev_track);
			prev_track = MemoryContextStrdup(CurrentMemoryContext, ev.track ? ev.track : "");
			prev_row = ev.row_id;
			MemoryContextReset(rowcxt);
		}
		SPI_freetuptable(SPI_tuptable);
	}
	SPI_cursor_close(portal);

	/* Every row's head must be its chain's last event. */
	if (SPI_execute(HEAD_MISMATCH_SQL, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "could not compare the rows' heads with stage_events");
	if (DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull)) > 0)
	{
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);

		note_bad(&bad, &first_bad, !isnull, isnull ? 0 : DatumGetInt64(d));
	}
	SPI_finish();

	values[0] = BoolGetDatum(!bad);
	values[1] = Int64GetDatum(checked);
	values[2] = Int64GetDatum(first_bad);
	nulls[2] = first_bad == 0;
	result = heap_form_tuple(result_desc, values, nulls);
	PG_RETURN_DATUM(HeapTupleGetDatum(result));
}
