/*
 * audit.c
 *		The audit trail of the stage workflow: stage_events, an append-only,
 *		SHA-256 hash-chained table.
 *
 * Chain.  Events are numbered 1, 2, 3 … without gaps.  The head of the
 * chain (id and hash of the last event) is the single row of audit_head.
 * An append takes a transaction-level advisory lock (the one
 * pg_advisory_xact_lock(1835626085, 1635083380) takes) before it reads the
 * head, and keeps it to the end of its transaction, so ids, chain order and
 * commit order agree under any concurrency, and an aborted append leaves
 * neither an event nor a gap.  (An advisory lock hands over to one waiter
 * at a time; a row lock on audit_head would wake every waiter at each
 * commit.)  Under REPEATABLE READ a concurrent append makes the head stale;
 * the conditional update of audit_head then fails with a serialization
 * error instead of forking the chain.
 *
 *	  hash(e) = SHA-256(prev_hash(e) ‖ canonical(e))
 *	  prev_hash(event 1) = 32 zero bytes; prev_hash(e) = hash(e - 1)
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
 * Appending.  Every INSERT into stage_events goes through the row trigger
 * stage_events_append(), which accepts an event only if it extends the
 * chain (id = head + 1, prev_hash = head hash, hash correct) and moves the
 * head; this is also how pg_restore rebuilds the chain (the dump lists
 * events in id order).  The stage trigger appends through the same INSERT
 * (mc_audit_append).  UPDATE, DELETE and TRUNCATE are refused for everyone
 * by a statement trigger (SQLSTATE 55000); only a superuser who disables
 * the triggers can edit an event, and verify_audit() then names it.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "common/cryptohash.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "storage/lock.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"

#include "mineconsol.h"
#include "stage.h"

#define AUDIT_TAG			"mineconsol-event-v1"

/*
 * The advisory lock that serialises appends, as pg_advisory_xact_lock(int4,
 * int4) would take it: keys 'mine', 'audt'.
 */
#define AUDIT_LOCK_KEY1		0x6D696E65
#define AUDIT_LOCK_KEY2		0x61756474
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

/* Prepared statements, kept for the life of the backend. */
static SPIPlanPtr head_lock_plan = NULL;
static SPIPlanPtr head_move_plan = NULL;
static SPIPlanPtr event_insert_plan = NULL;

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

static SPIPlanPtr
audit_prepare(const char *sql, int nargs, Oid *argtypes)
{
	SPIPlanPtr	plan = SPI_prepare(sql, nargs, argtypes);

	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed for \"%s\": %s",
			 sql, SPI_result_code_string(SPI_result));
	SPI_keepplan(plan);
	return plan;
}

/* Serialise appends: see the head comment. */
static void
audit_lock_chain(void)
{
	LOCKTAG		tag;

	SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, AUDIT_LOCK_KEY1, AUDIT_LOCK_KEY2, 2);
	(void) LockAcquire(&tag, ExclusiveLock, false, false);
}

/*
 * The owner of mineconsol.stage_events.  Events are written as the owner, so
 * that county staff change stages (and so append events) without any
 * privilege on the audit trail itself: they can neither read it nor forge
 * an entry by a direct INSERT.
 */
static void audit_append_as_owner(StageEvent *ev);

static Oid
audit_owner(void)
{
	Oid			relid = get_relname_relid("stage_events", get_namespace_oid("mineconsol", false));
	HeapTuple	tup;
	Oid			owner;

	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	return owner;
}

/*
 * mc_audit_append
 *		Append ev to the chain: lock the chain, take the next id, stamp the
 *		time, compute the hash and insert (the insert trigger checks and
 *		moves the head).  The caller is connected to SPI and has filled in
 *		everything but id, at, prev_hash and hash (the actor is the caller's
 *		role).  The writes run as the owner of stage_events; an error
 *		restores the caller's identity with the (sub)transaction's abort.
 */
void
mc_audit_append(StageEvent *ev)
{
	Oid			save_userid;
	int			save_sec_context;

	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(audit_owner(),
						   save_sec_context | SECURITY_LOCAL_USERID_CHANGE);
	audit_append_as_owner(ev);
	SetUserIdAndSecContext(save_userid, save_sec_context);
}

static void
audit_append_as_owner(StageEvent *ev)
{
	Datum		values[13];
	char		nulls[13];
	bool		isnull;
	int			rc;
	Datum		d;

	if (head_lock_plan == NULL)
		head_lock_plan = audit_prepare(
			"SELECT last_id, hash FROM mineconsol.audit_head", 0, NULL);
	if (event_insert_plan == NULL)
	{
		Oid			types[13] = {INT8OID, TEXTOID, INT8OID, TEXTOID, TEXTOID,
								 TEXTOID, TIMESTAMPTZOID, JSONBOID, DATEOID,
								 INT4OID, TEXTOID, BYTEAOID, BYTEAOID};

		event_insert_plan = audit_prepare(
			"INSERT INTO mineconsol.stage_events (id, track, row_id, from_stage, to_stage,"
			" actor, at, evidence, due, days_late, reason, prev_hash, hash)"
			" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
			13, types);
	}

	audit_lock_chain();
	rc = SPI_execute_plan(head_lock_plan, NULL, NULL, false, 0);
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("the audit chain has no head"),
				 errdetail("mineconsol.audit_head must hold exactly one row."),
				 errhint("Reinstall the extension, or restore audit_head from the last event of stage_events.")));
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	ev->id = DatumGetInt64(d) + 1;
	ev->id_set = true;
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);
	{
		bytea	   *prev = DatumGetByteaPP(d);

		if (VARSIZE_ANY_EXHDR(prev) != AUDIT_HASH_LEN)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("the audit chain head is not a SHA-256 hash")));
		memcpy(ev->prev_hash, VARDATA_ANY(prev), AUDIT_HASH_LEN);
		ev->prev_hash_set = true;
	}
	/* Stamped under the head lock: times increase along the chain. */
	ev->at = GetCurrentTimestamp();
	ev->at_set = true;
	audit_hash(ev, ev->prev_hash, ev->hash);
	ev->hash_set = true;

	memset(nulls, ' ', sizeof(nulls));
	values[0] = Int64GetDatum(ev->id);
	values[1] = CStringGetTextDatum(ev->track);
	values[2] = Int64GetDatum(ev->row_id);
	values[3] = CStringGetTextDatum(ev->from_stage);
	values[4] = CStringGetTextDatum(ev->to_stage);
	values[5] = CStringGetTextDatum(ev->actor);
	values[6] = TimestampTzGetDatum(ev->at);
	values[7] = JsonbPGetDatum(ev->evidence);
	values[8] = DateADTGetDatum(ev->due);
	nulls[8] = ev->due_set ? ' ' : 'n';
	values[9] = Int32GetDatum(ev->days_late);
	nulls[9] = ev->days_late_set ? ' ' : 'n';
	values[10] = ev->reason ? CStringGetTextDatum(ev->reason) : (Datum) 0;
	nulls[10] = ev->reason ? ' ' : 'n';
	values[11] = hash_datum(ev->prev_hash);
	values[12] = hash_datum(ev->hash);
	rc = SPI_execute_plan(event_insert_plan, values, nulls, false, 0);
	if (rc != SPI_OK_INSERT || SPI_processed != 1)
		elog(ERROR, "could not insert stage event " INT64_FORMAT ": %s",
			 ev->id, SPI_result_code_string(rc));

	if (receiver.dest != NULL && !receiver.filled &&
		receiver.row_id == ev->row_id && strcmp(receiver.track, ev->track) == 0)
	{
		MemoryContext oldcxt = MemoryContextSwitchTo(receiver.cxt);
		StageEvent *d = receiver.dest;

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
	EventAttnums a;
	Datum	   *values = palloc0(sizeof(Datum) * desc->natts);
	bool	   *nulls = palloc(sizeof(bool) * desc->natts);
	int			i;

	for (i = 0; i < desc->natts; i++)
		nulls[i] = true;
	event_attnums(desc, &a);
#define SET(att, val) (values[(att) - 1] = (val), nulls[(att) - 1] = false)
	SET(a.id, Int64GetDatum(ev->id));
	SET(a.track, CStringGetTextDatum(ev->track));
	SET(a.row_id, Int64GetDatum(ev->row_id));
	SET(a.from_stage, CStringGetTextDatum(ev->from_stage));
	SET(a.to_stage, CStringGetTextDatum(ev->to_stage));
	SET(a.actor, CStringGetTextDatum(ev->actor));
	SET(a.at, TimestampTzGetDatum(ev->at));
	if (ev->evidence)
		SET(a.evidence, JsonbPGetDatum(ev->evidence));
	if (ev->due_set)
		SET(a.due, DateADTGetDatum(ev->due));
	if (ev->days_late_set)
		SET(a.days_late, Int32GetDatum(ev->days_late));
	if (ev->reason)
		SET(a.reason, CStringGetTextDatum(ev->reason));
	SET(a.prev_hash, hash_datum(ev->prev_hash));
	SET(a.hash, hash_datum(ev->hash));
#undef SET
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
 * stage_events_append
 *		BEFORE INSERT row trigger on stage_events: the only way in.  The row
 *		must extend the chain; the head moves to it.
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
	Datum		values[3];
	int			rc;

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
	event_attnums(tupdesc, &a);
	event_from_tuple(tuple, tupdesc, &a, &ev);

	if (!ev.id_set || !ev.prev_hash_set || !ev.hash_set ||
		(ev.days_late_set && ev.days_late < 0))
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("stage event does not extend the audit chain"),
				 errdetail("An event needs its id, prev_hash and hash of 32 bytes each, and days_late is never negative."),
				 errhint("Stage events are recorded by advance() and revert_stage(), or by an UPDATE of a stage column.")));
	audit_hash(&ev, ev.prev_hash, expect);
	if (memcmp(expect, ev.hash, AUDIT_HASH_LEN) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("stage event " INT64_FORMAT " does not extend the audit chain", ev.id),
				 errdetail("Its hash is not SHA-256(prev_hash ‖ canonical event): expected \\x%s.",
						   hash_hex(expect)),
				 errhint("Stage events are recorded by advance() and revert_stage(), or by an UPDATE of a stage column.")));

	audit_lock_chain();			/* held already when called from mc_audit_append */
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (head_move_plan == NULL)
	{
		Oid			types[3] = {INT8OID, BYTEAOID, BYTEAOID};

		head_move_plan = audit_prepare(
			"UPDATE mineconsol.audit_head SET last_id = $1, hash = $2"
			" WHERE last_id OPERATOR(pg_catalog.=) ($1 OPERATOR(pg_catalog.-) 1)"
			" AND hash OPERATOR(pg_catalog.=) $3",
			3, types);
	}
	values[0] = Int64GetDatum(ev.id);
	values[1] = hash_datum(ev.hash);
	values[2] = hash_datum(ev.prev_hash);
	rc = SPI_execute_plan(head_move_plan, values, NULL, false, 0);
	if (rc != SPI_OK_UPDATE)
		elog(ERROR, "could not move the audit chain head: %s", SPI_result_code_string(rc));
	if (SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("stage event " INT64_FORMAT " does not extend the audit chain", ev.id),
				 errdetail("A new event must take the id after the chain head (audit_head.last_id) and have the head's hash as prev_hash."),
				 errhint("Stage events are recorded by advance() and revert_stage(), or by an UPDATE of a stage column.")));
	SPI_finish();
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
 * verify_audit() → (ok, checked, first_bad_event)
 *		Walk the chain in id order.  An event is bad when its id is not the
 *		next one (an event is missing: the missing id is reported), when its
 *		prev_hash is not the previous event's hash, or when its hash does not
 *		match.  At the end the last event must be the head: events past the
 *		head (inserted with the triggers disabled) name the first of them, a
 *		removed tail names the first missing id.  All reads use one snapshot.
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
	int64		checked = 0;
	int64		next_id = 1;
	int64		first_bad = 0;
	bool		bad = false;
	MemoryContext rowcxt;
	MemoryContext oldcxt;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};
	HeapTuple	result;
	int			rc;

	if (get_call_result_type(fcinfo, NULL, &result_desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	result_desc = BlessTupleDesc(result_desc);

	memset(prev, 0, sizeof(prev));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	plan = SPI_prepare("SELECT * FROM mineconsol.stage_events ORDER BY id", 0, NULL);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	portal = SPI_cursor_open(NULL, plan, NULL, NULL, true);
	rowcxt = AllocSetContextCreate(CurrentMemoryContext, "verify_audit rows",
								   ALLOCSET_DEFAULT_SIZES);
	while (!bad)
	{
		EventAttnums a;
		uint64		i;

		SPI_cursor_fetch(portal, true, VERIFY_BATCH);
		if (SPI_processed == 0)
			break;
		event_attnums(SPI_tuptable->tupdesc, &a);
		for (i = 0; i < SPI_processed && !bad; i++)
		{
			StageEvent	ev;

			CHECK_FOR_INTERRUPTS();
			oldcxt = MemoryContextSwitchTo(rowcxt);
			event_from_tuple(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, &a, &ev);
			if (ev.id != next_id)
			{
				bad = true;
				first_bad = next_id;
			}
			else
			{
				audit_hash(&ev, prev, expect);
				if (!ev.prev_hash_set || memcmp(ev.prev_hash, prev, AUDIT_HASH_LEN) != 0 ||
					!ev.hash_set || memcmp(ev.hash, expect, AUDIT_HASH_LEN) != 0)
				{
					bad = true;
					first_bad = ev.id;
				}
				else
				{
					memcpy(prev, expect, AUDIT_HASH_LEN);
					checked++;
					next_id++;
				}
			}
			MemoryContextSwitchTo(oldcxt);
			MemoryContextReset(rowcxt);
		}
		SPI_freetuptable(SPI_tuptable);
	}
	SPI_cursor_close(portal);

	/* The last event must be the head: a removed tail shows here. */
	if (!bad)
	{
		rc = SPI_execute("SELECT last_id, hash FROM mineconsol.audit_head", true, 0);
		if (rc != SPI_OK_SELECT)
			elog(ERROR, "could not read the audit chain head");
		if (SPI_processed != 1)
		{
			bad = true;
			first_bad = next_id;
		}
		else
		{
			bool		isnull;
			int64		last_id;
			bool		hash_ok;

			last_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
												  SPI_tuptable->tupdesc, 1, &isnull));
			event_hash(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, expect, &hash_ok);
			if (last_id < next_id - 1)
			{
				/* events past the head were not appended through the trigger */
				bad = true;
				first_bad = last_id + 1;
				checked = last_id;
			}
			else if (last_id > next_id - 1)
			{
				/* the tail of the chain was removed: the first missing event */
				bad = true;
				first_bad = next_id;
			}
			else if (!hash_ok || memcmp(expect, prev, AUDIT_HASH_LEN) != 0)
			{
				/* the last event is not the one the head recorded */
				bad = true;
				first_bad = last_id;
				checked = last_id - 1;
			}
		}
	}
	SPI_finish();

	values[0] = BoolGetDatum(!bad);
	values[1] = Int64GetDatum(checked);
	values[2] = Int64GetDatum(first_bad);
	nulls[2] = !bad;
	result = heap_form_tuple(result_desc, values, nulls);
	PG_RETURN_DATUM(HeapTupleGetDatum(result));
}
