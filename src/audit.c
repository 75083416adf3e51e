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
 * it (the executor's row insert, as the table's owner: audit_insert()),
 * and the trigger puts the new head into the row.  When advance() or
 * revert_stage() made the change, the row as stored is handed back, and
 * the trigger passes it to the function that waits for it
 * (stage_trigger.c): nothing reads the event back.
 * Any other INSERT into stage_events goes through the row trigger
 * stage_events_append(), which accepts an event only if it extends its
 * row's chain (a later id, the hash of the row's last event as prev_hash,
 * a correct hash); that is how pg_restore reloads the trail (the dump
 * lists events in id order, and the rows bring their heads as data).  UPDATE, DELETE and TRUNCATE are refused
 * for everyone by a statement trigger (SQLSTATE 55000); only a superuser
 * who disables the triggers can edit an event, and verify_audit() then
 * names it, unless every later hash of the row and its head were recomputed
 * too: that only a digest taken before (audit_digest(), kept outside the
 * database) shows, see "digests" below.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/skey.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
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
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "optimizer/optimizer.h"
#include "rewrite/rewriteHandler.h"
#include "storage/lmgr.h"
#include "storage/lock.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"
#include "utils/typcache.h"

#include "audit.h"
#include "compat.h"
#include "mineconsol.h"
#include "util.h"

#define AUDIT_TAG			"mineconsol-event-v1"

#define VERIFY_BATCH		1000

/*
 * The id of the event mc_audit_append() is inserting right now (0: none):
 * the insert trigger lets exactly that row through unchecked, since it was
 * built and hashed here.
 */
static int64 appending_id = 0;

/* Prepared statements, kept for the life of the backend. */
static SPIPlanPtr row_last_event_plan = NULL;

/* The table of the audit trail, for mc_trigger_check(). */
static const char *const event_tables[] = {"stage_events"};

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

/*
 * The columns of stage_events in the order mineconsol creates them (where
 * each is looked for first), each with its field of EventAttnums.
 */
typedef struct EventColumn
{
	const char *name;
	size_t		field;			/* offset of its int in EventAttnums */
} EventColumn;

#define EVENT_COLUMN(column) {#column, offsetof(EventAttnums, column)}
static const EventColumn event_columns[] = {
	EVENT_COLUMN(id),
	EVENT_COLUMN(track),
	EVENT_COLUMN(row_id),
	EVENT_COLUMN(from_stage),
	EVENT_COLUMN(to_stage),
	EVENT_COLUMN(actor),
	EVENT_COLUMN(at),
	EVENT_COLUMN(evidence),
	EVENT_COLUMN(due),
	EVENT_COLUMN(days_late),
	EVENT_COLUMN(prev_hash),
	EVENT_COLUMN(hash),
	EVENT_COLUMN(reason),
};
#undef EVENT_COLUMN

/* The number of columns of stage_events as mineconsol creates it. */
#define EVENT_NATTS			((int) lengthof(event_columns))

/*
 * The column named name, looked for first where stage_events has it as
 * mineconsol creates it (guess), then by name.
 */
static int
event_attnum_at(TupleDesc tupdesc, const char *name, int guess)
{
	if (guess <= tupdesc->natts)
	{
		Form_pg_attribute att = TupleDescAttr(tupdesc, guess - 1);

		if (!att->attisdropped && strcmp(NameStr(att->attname), name) == 0)
			return guess;
	}
	return mc_column_attnum(tupdesc, name, "stage_events");
}

/* The attribute numbers of all the columns of stage_events in tupdesc. */
static void
event_attnums(TupleDesc tupdesc, EventAttnums *a)
{
	int			i;

	for (i = 0; i < EVENT_NATTS; i++)
		*(int *) ((char *) a + event_columns[i].field) =
			event_attnum_at(tupdesc, event_columns[i].name, i + 1);
}

/* Whether attnum is one of the columns of stage_events (at a). */
static bool
event_attnum_known(const EventAttnums *a, int attnum)
{
	int			i;

	for (i = 0; i < EVENT_NATTS; i++)
		if (*(const int *) ((const char *) a + event_columns[i].field) == attnum)
			return true;
	return false;
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

/*
 * The serialisation is built for every event appended and checked, so the
 * numbers are written with pg_ltoa()/pg_lltoa() and digits() rather than
 * through snprintf(): the same text, a good part of an append's time less.
 */
static void
put_field(StringInfo buf, const char *value, int len)
{
	char		num[12];
	int			n = pg_ltoa(len, num);

	enlargeStringInfo(buf, n + len + 2);
	memcpy(buf->data + buf->len, num, n);
	buf->data[buf->len + n] = ':';
	memcpy(buf->data + buf->len + n + 1, value, len);
	buf->data[buf->len + n + 1 + len] = ',';
	buf->len += n + len + 2;
	buf->data[buf->len] = '\0';
}

/* value (0 <= value < 10^width) as exactly width decimal digits at out. */
static char *
digits(char *out, int value, int width)
{
	int			i;

	for (i = width - 1; i >= 0; i--)
	{
		out[i] = '0' + value % 10;
		value /= 10;
	}
	return out + width;
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
	char		num[MAXINT8LEN + 1];
	int			n;

	if (!set)
	{
		put_null(buf);
		return;
	}
	n = pg_lltoa(value, num);
	put_field(buf, num, n);
}

/*
 * A date or timestamp that is unset (N) or infinite ("infinity",
 * "-infinity"): written, and true; a finite one is the caller's: false.
 */
static bool
put_unset_or_infinite(StringInfo buf, bool set, bool finite, bool nobegin)
{
	if (!set)
		put_null(buf);
	else if (!finite)
		put_text(buf, nobegin ? "-infinity" : "infinity");
	return !set || !finite;
}

/* y-m-d (0 <= y <= 9999) as yyyy-mm-dd at out; returns the end. */
static char *
ymd_digits(char *out, int y, int m, int d)
{
	out = digits(out, y, 4);
	*out++ = '-';
	out = digits(out, m, 2);
	*out++ = '-';
	return digits(out, d, 2);
}

static void
put_timestamptz(StringInfo buf, bool set, TimestampTz ts)
{
	struct pg_tm tm;
	fsec_t		fsec;
	char		out[64];

	if (put_unset_or_infinite(buf, set, !TIMESTAMP_NOT_FINITE(ts), TIMESTAMP_IS_NOBEGIN(ts)))
		return;
	/* No time zone pointer: the broken-down time is UTC. */
	if (timestamp2tm(ts, NULL, &tm, &fsec, NULL, NULL) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	if (tm.tm_year >= 0 && tm.tm_year <= 9999)
	{
		char	   *p = ymd_digits(out, tm.tm_year, tm.tm_mon, tm.tm_mday);

		*p++ = 'T';
		p = digits(p, tm.tm_hour, 2);
		*p++ = ':';
		p = digits(p, tm.tm_min, 2);
		*p++ = ':';
		p = digits(p, tm.tm_sec, 2);
		*p++ = '.';
		p = digits(p, (int) fsec, 6);
		*p++ = 'Z';
		put_field(buf, out, p - out);
		return;
	}
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

	if (put_unset_or_infinite(buf, set, !DATE_NOT_FINITE(date), DATE_IS_NOBEGIN(date)))
		return;
	j2date(date + POSTGRES_EPOCH_JDATE, &y, &m, &d);
	if (y >= 0 && y <= 9999)
	{
		char	   *p = ymd_digits(out, y, m, d);

		put_field(buf, out, p - out);
		return;
	}
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

/* The owner of stage_events, as whom the trail is written and read internally. */
Oid
mc_audit_owner(void)
{
	return audit_owner(audit_relid("stage_events"));
}

static Datum audit_insert(Relation rel, StageEvent *ev, MemoryContext cxt);

/*
 * mc_audit_append
 *		Append ev to its row's chain.  The caller (the stage trigger, holding
 *		the row's lock, connected to SPI) has filled in everything but id,
 *		at and hash, with prev_hash the row's last_event_hash (32 zero bytes
 *		before its first event) and after_id its last_event_id (0: none).
 *		Takes the next id, stamps the time, hashes and inserts; the caller
 *		then stores ev->id and ev->hash in the row.
 *		With cxt, returns the event as stored (every column of stage_events,
 *		a DBA's too, after its triggers), a datum of the table's row type
 *		allocated in cxt; without, (Datum) 0.
 *		The insert runs as the owner of stage_events; an error restores the
 *		caller's identity with the (sub)transaction's abort.
 */
Datum
mc_audit_append(StageEvent *ev, int64 after_id, MemoryContext cxt)
{
	Relation	rel;
	Oid			seq;
	Oid			save_userid;
	int			save_sec_context;
	int64		save_appending_id = appending_id;
	volatile Datum stored = (Datum) 0;

	Assert(ev->prev_hash_set);

	/*
	 * Lock the table before taking the id: audit_digest() waits for every
	 * transaction holding this lock, and so for every event numbered below
	 * the ids it can see.  (The insert takes the same lock; taking it first
	 * costs nothing more.)
	 */
	rel = table_open(audit_relid("stage_events"), RowExclusiveLock);
	/* the identity sequence, by its name (pg_dump's config lists it too) */
	seq = get_relname_relid("stage_events_id_seq", RelationGetNamespace(rel));
	if (!OidIsValid(seq))
		elog(ERROR, "relation mineconsol.stage_events_id_seq does not exist");
	ev->id = nextval_internal(seq, false);
	ev->id_set = true;
	if (ev->id <= after_id)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("stage_events_id_seq is behind the audit trail"),
				 errdetail("The next event id is %lld, but %s %lld already has event %lld.",
						   (long long) ev->id, ev->track, (long long) ev->row_id, (long long) after_id),
				 errhint("Events were loaded without their sequence: SELECT setval('mineconsol.stage_events_id_seq', max(id)) FROM mineconsol.stage_events;")));
	ev->at = GetCurrentTimestamp();
	ev->at_set = true;
	audit_hash(ev, ev->prev_hash, ev->hash);
	ev->hash_set = true;

	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(rel->rd_rel->relowner,
						   save_sec_context | SECURITY_LOCAL_USERID_CHANGE);
	appending_id = ev->id;
	PG_TRY();
	{
		stored = audit_insert(rel, ev, cxt);
	}
	PG_FINALLY();
	{
		appending_id = save_appending_id;
		SetUserIdAndSecContext(save_userid, save_sec_context);
	}
	PG_END_TRY();
	table_close(rel, NoLock);
	return stored;
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
 * would give them (build_column_default(): the column's default, or the
 * next value of an identity column; NULL without either).
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
			event_attnum_known(a, attnum))
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
 * INSERT the event into stage_events (rel, open and locked) the way
 * logical replication applies a row (ExecSimpleRelationInsert()): the
 * table's BEFORE and AFTER row triggers, NOT NULL and CHECK constraints,
 * column defaults (of columns a DBA added) and indexes all apply, without
 * planning, starting and ending an INSERT statement for each change of
 * stage (through SPI, a prepared INSERT spent more time setting up its
 * executor than storing the row).  Unlike an INSERT statement it fires no
 * statement-level triggers and checks neither privileges nor row-level
 * security: it runs as the table's owner (mc_audit_append() switched), on
 * the extension's own behalf, so that county staff change stages without
 * any privilege on the audit trail, and only with values the stage trigger
 * built.  A BEFORE trigger that cancels the row is an error: the row's
 * head would name an event that is not there.
 *
 * With cxt, returns the row as stored (after the triggers; a DBA's columns
 * too), a datum of stage_events' row type allocated in cxt.
 */
static Datum
audit_insert(Relation rel, StageEvent *ev, MemoryContext cxt)
{
	TupleDesc	desc = RelationGetDescr(rel);
	EState	   *estate = CreateExecutorState();
	RangeTblEntry *rte = makeNode(RangeTblEntry);
	ResultRelInfo *rri = makeNode(ResultRelInfo);
	TupleTableSlot *slot;
	EventAttnums a;
	Datum		stored = (Datum) 0;

	rte->rtekind = RTE_RELATION;
	rte->relid = RelationGetRelid(rel);
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
	ItemPointerSetInvalid(&slot->tts_tid);

	ExecSimpleRelationInsert(rri, estate, slot);

	if (!ItemPointerIsValid(&slot->tts_tid))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("a trigger on stage_events cancelled event %lld of %s %lld",
						(long long) ev->id, ev->track, (long long) ev->row_id),
				 errdetail("The event of every change of stage must be stored: the row's head names it."),
				 errhint("A BEFORE INSERT trigger on stage_events must return the row.")));
	if (cxt != NULL)
	{
		bool		id_null,
					track_null,
					row_null;
		Datum		id = slot_getattr(slot, a.id, &id_null);
		Datum		track = slot_getattr(slot, a.track, &track_null);
		Datum		row_id = slot_getattr(slot, a.row_id, &row_null);
		MemoryContext oldcxt;

		/* what the function returns must be the event the row's head names */
		if (id_null || track_null || row_null || DatumGetInt64(id) != ev->id ||
			DatumGetInt64(row_id) != ev->row_id ||
			strcmp(TextDatumGetCString(track), ev->track) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
					 errmsg("a trigger on stage_events changed the id, track or row_id of event %lld of %s %lld",
							(long long) ev->id, ev->track, (long long) ev->row_id)));
		oldcxt = MemoryContextSwitchTo(cxt);
		stored = ExecFetchSlotHeapTupleDatum(slot);
		MemoryContextSwitchTo(oldcxt);
	}

	AfterTriggerEndQuery(estate);
	ExecCloseResultRelations(estate);	/* its indexes, and any AFTER trigger opened */
	ExecResetTupleTable(estate->es_tupleTable, false);
	FreeExecutorState(estate);
	return stored;
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
	Oid			types[2] = {TEXTOID, INT8OID};
	Datum		values[2];
	bool		isnull;
	bool		hash_ok;

	mc_prepare_kept(&row_last_event_plan, 2, types,
					"SELECT id, hash FROM mineconsol.stage_events"
					" WHERE track OPERATOR(pg_catalog.=) $1 AND row_id OPERATOR(pg_catalog.=) $2"
					" ORDER BY id DESC LIMIT 1");
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
PG_FUNCTION_INFO_V1(mc_stage_events_append);
Datum
mc_stage_events_append(PG_FUNCTION_ARGS)
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

	(void) mc_trigger_check(fcinfo, "stage_events_append", event_tables, 1,
							true, true, MC_ON_INSERT, "BEFORE INSERT FOR EACH ROW");
	if (trigdata->tg_trigger->tgnargs != 0)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("stage_events_append() takes no arguments")));

	tupdesc = RelationGetDescr(trigdata->tg_relation);
	tuple = trigdata->tg_trigtuple;
	if (appending_id != 0)
	{
		bool		isnull;
		int			attnum = mc_column_attnum(tupdesc, "id", "stage_events");
		Datum		id = heap_getattr(tuple, attnum, tupdesc, &isnull);

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
				 errmsg("stage event %lld does not extend the audit chain", (long long) ev.id),
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
				 errmsg("stage event %lld does not extend the audit chain of %s %lld",
						(long long) ev.id, ev.track, (long long) ev.row_id),
				 errdetail("The row's last event is %lld; a new event must come after it.", (long long) last_id),
				 errhint("Stage events are recorded by advance() and revert_stage(), or by an UPDATE of a stage column.")));
	if (memcmp(ev.prev_hash, last_hash, AUDIT_HASH_LEN) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("stage event %lld does not extend the audit chain of %s %lld",
						(long long) ev.id, ev.track, (long long) ev.row_id),
				 has_last
				 ? errdetail("prev_hash must be the hash of the row's last event %lld, \\x%s.",
							 (long long) last_id, hash_hex(last_hash))
				 : errdetail("The row has no event yet: prev_hash must be 32 zero bytes."),
				 errhint("Stage events are recorded by advance() and revert_stage(), or by an UPDATE of a stage column.")));
	return PointerGetDatum(tuple);
}

/*
 * stage_events_append_only
 *		BEFORE UPDATE OR DELETE OR TRUNCATE statement trigger on stage_events.
 */
PG_FUNCTION_INFO_V1(mc_stage_events_append_only);
Datum
mc_stage_events_append_only(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	const char *what;

	(void) mc_trigger_check(fcinfo, "stage_events_append_only", event_tables, 1,
							true, false, MC_ON_UPDATE | MC_ON_DELETE | MC_ON_TRUNCATE,
							"BEFORE UPDATE, DELETE OR TRUNCATE FOR EACH STATEMENT");
	if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
		what = "UPDATE";
	else if (TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
		what = "DELETE";
	else
		what = "TRUNCATE";

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
PG_FUNCTION_INFO_V1(mc_audit_canonical);
Datum
mc_audit_canonical(PG_FUNCTION_ARGS)
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

/* ------------------------------------------------------------ verifying */

/*
 * What a check of the trail found: counts, the lowest event a problem
 * names, and, for audit_problems(), one row per problem.
 */
typedef struct AuditCheck
{
	int64		checked;		/* events whose own hash and link are intact */
	bool		bad;
	int64		first_bad;		/* lowest event named by a problem; 0: none */
	Tuplestorestate *problems;	/* audit_problems(): its rows; else NULL */
	TupleDesc	problem_desc;
} AuditCheck;

/*
 * Note a problem: the event it names (if any), its row (if known), what (in
 * the reader's language: callers pass mc_gettext() texts).
 */
static void
audit_problem(AuditCheck *c, bool event_known, int64 event_id,
			  const char *track, bool row_known, int64 row_id, const char *what)
{
	c->bad = true;
	if (event_known && (c->first_bad == 0 || event_id < c->first_bad))
		c->first_bad = event_id;
	if (c->problems != NULL)
	{
		Datum		values[4];
		bool		nulls[4];

		values[0] = Int64GetDatum(event_id);
		nulls[0] = !event_known;
		values[1] = track ? CStringGetTextDatum(track) : (Datum) 0;
		nulls[1] = track == NULL;
		values[2] = Int64GetDatum(row_id);
		nulls[2] = !row_known;
		values[3] = CStringGetTextDatum(what);
		nulls[3] = false;
		tuplestore_putvalues(c->problems, c->problem_desc, values, nulls);
	}
}

/*
 * Walk every row's chain (events in track, row_id, id order).  An event is
 * bad when its prev_hash is not the stored hash of the row's previous event
 * (32 zero bytes for the first) or when its own hash does not match; the
 * next link is checked against the stored hash, so an edited event names
 * itself and a removed one names the event after it.  SPI connected.
 */
static void
audit_check_chains(AuditCheck *c)
{
	SPIPlanPtr	plan;
	Portal		portal;
	uint8		prev[AUDIT_HASH_LEN];
	uint8		expect[AUDIT_HASH_LEN];
	char	   *prev_track = NULL;
	int64		prev_row = 0;
	int64		prev_id = 0;
	MemoryContext rowcxt;
	MemoryContext oldcxt;

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
			bool		first;

			CHECK_FOR_INTERRUPTS();
			oldcxt = MemoryContextSwitchTo(rowcxt);
			event_from_tuple(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, &a, &ev);
			first = prev_track == NULL || ev.track == NULL ||
				strcmp(prev_track, ev.track) != 0 || prev_row != ev.row_id;
			if (first)
				memset(prev, 0, AUDIT_HASH_LEN);	/* a new row's chain */
			audit_hash(&ev, prev, expect);
			if (!ev.prev_hash_set || !ev.hash_set)
				audit_problem(c, ev.id_set, ev.id, ev.track, ev.row_id_set, ev.row_id,
							  mc_gettext("prev_hash or hash is not 32 bytes long"));
			else
			{
				bool		link_ok = memcmp(ev.prev_hash, prev, AUDIT_HASH_LEN) == 0;
				bool		hash_ok = memcmp(ev.hash, expect, AUDIT_HASH_LEN) == 0;

				if (!link_ok)
					audit_problem(c, ev.id_set, ev.id, ev.track, ev.row_id_set, ev.row_id,
								  first
								  ? mc_gettext("the row's first event does not link to 32 zero bytes: an event before it was removed")
								  : psprintf(mc_gettext("prev_hash is not the hash of event %lld, the row's previous event: an event between them was removed, or that one was changed"),
											 (long long) prev_id));
				if (!hash_ok)
					audit_problem(c, ev.id_set, ev.id, ev.track, ev.row_id_set, ev.row_id,
								  mc_gettext("hash is not SHA-256(prev_hash ‖ canonical event): the event was changed after it was recorded"));
				if (link_ok && hash_ok)
					c->checked++;
			}
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
			prev_id = ev.id;
			MemoryContextReset(rowcxt);
		}
		SPI_freetuptable(SPI_tuptable);
	}
	SPI_cursor_close(portal);
	MemoryContextDelete(rowcxt);
}

/*
 * The rows of the tracks whose head (last_event_id, last_event_hash) is not
 * the last event of their chain, or whose stage and stage_evidence are not
 * what that event left: its to_stage, and its evidence (after a revert, the
 * evidence of the last step forward into the stage, as revert_stage() sets
 * it).  With the first event past the head, if any.
 */
#define HEAD_MISMATCH_SQL \
	"WITH r AS (" \
	"  SELECT 'scheme'::text AS track, id AS row_id, stage, stage_evidence, last_event_id, last_event_hash FROM mineconsol.schemes" \
	"  UNION ALL SELECT 'unit', id, stage, stage_evidence, last_event_id, last_event_hash FROM mineconsol.units" \
	"  UNION ALL SELECT 'closure', mine_id, stage, stage_evidence, last_event_id, last_event_hash FROM mineconsol.closures)" \
	" SELECT c.track, c.row_id, c.stage, c.last_event_id, c.last_id, c.to_stage, c.hash_ok," \
	"   (SELECT pg_catalog.min(x.id) FROM mineconsol.stage_events x" \
	"     WHERE x.track OPERATOR(pg_catalog.=) c.track AND x.row_id OPERATOR(pg_catalog.=) c.row_id" \
	"       AND x.id OPERATOR(pg_catalog.>) COALESCE(c.last_event_id, 0))," \
	"   c.evidence_ok" \
	" FROM (SELECT r.track, r.row_id, r.stage, r.last_event_id, e.id AS last_id, e.to_stage," \
	"         COALESCE(r.last_event_hash, '\\x'::pg_catalog.bytea) OPERATOR(pg_catalog.=) COALESCE(e.hash, '\\x'::pg_catalog.bytea) AS hash_ok," \
	"         COALESCE(r.stage_evidence OPERATOR(pg_catalog.=) w.evidence, r.stage_evidence IS NULL AND w.evidence IS NULL) AS evidence_ok" \
	"    FROM r LEFT JOIN LATERAL (SELECT id, hash, to_stage, evidence, reason FROM mineconsol.stage_events e" \
	"           WHERE e.track OPERATOR(pg_catalog.=) r.track AND e.row_id OPERATOR(pg_catalog.=) r.row_id" \
	"           ORDER BY e.id DESC LIMIT 1) e ON true" \
	"    LEFT JOIN LATERAL (SELECT CASE WHEN e.reason IS NULL THEN e.evidence" \
	"           ELSE (SELECT x.evidence FROM mineconsol.stage_events x" \
	"                  WHERE x.track OPERATOR(pg_catalog.=) r.track AND x.row_id OPERATOR(pg_catalog.=) r.row_id" \
	"                    AND x.to_stage OPERATOR(pg_catalog.=) e.to_stage AND x.reason IS NULL" \
	"                    AND x.id OPERATOR(pg_catalog.<) e.id" \
	"                  ORDER BY x.id DESC LIMIT 1) END AS evidence) w ON true) c" \
	" WHERE NOT (COALESCE(c.last_event_id, 0) OPERATOR(pg_catalog.=) COALESCE(c.last_id, 0) AND c.hash_ok" \
	"   AND (c.last_id IS NULL OR (c.stage OPERATOR(pg_catalog.=) c.to_stage AND c.evidence_ok)))" \
	" ORDER BY c.track, c.row_id"

/* Chains whose row no longer exists in its track's table. */
#define ORPHAN_CHAINS_SQL \
	"SELECT c.track, c.row_id, c.last_id" \
	"  FROM (SELECT track, row_id, pg_catalog.max(id) AS last_id FROM mineconsol.stage_events" \
	"         GROUP BY track, row_id) c" \
	" WHERE NOT CASE WHEN c.track OPERATOR(pg_catalog.=) 'scheme' THEN EXISTS (SELECT 1 FROM mineconsol.schemes s" \
	"                     WHERE s.id OPERATOR(pg_catalog.=) c.row_id)" \
	"              WHEN c.track OPERATOR(pg_catalog.=) 'unit' THEN EXISTS (SELECT 1 FROM mineconsol.units u" \
	"                     WHERE u.id OPERATOR(pg_catalog.=) c.row_id)" \
	"              WHEN c.track OPERATOR(pg_catalog.=) 'closure' THEN EXISTS (SELECT 1 FROM mineconsol.closures l" \
	"                     WHERE l.mine_id OPERATOR(pg_catalog.=) c.row_id)" \
	"              ELSE false END" \
	" ORDER BY c.track, c.row_id"

/* Every row's head must be its chain's last event, and its stage that event's. */
static void
audit_check_heads(AuditCheck *c)
{
	uint64		i;

	if (SPI_execute(HEAD_MISMATCH_SQL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not compare the rows' heads with stage_events");
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull,
					head_null,
					last_null,
					past_null;
		char	   *track = SPI_getvalue(tup, desc, 1);
		int64		row_id = DatumGetInt64(SPI_getbinval(tup, desc, 2, &isnull));
		char	   *stage = SPI_getvalue(tup, desc, 3);
		Datum		d_head = SPI_getbinval(tup, desc, 4, &head_null);
		Datum		d_last = SPI_getbinval(tup, desc, 5, &last_null);
		char	   *to_stage = SPI_getvalue(tup, desc, 6);
		bool		hash_ok = DatumGetBool(SPI_getbinval(tup, desc, 7, &isnull));
		Datum		d_past = SPI_getbinval(tup, desc, 8, &past_null);
		bool		evidence_ok = DatumGetBool(SPI_getbinval(tup, desc, 9, &isnull));
		int64		head = head_null ? 0 : DatumGetInt64(d_head);
		int64		last = last_null ? 0 : DatumGetInt64(d_last);
		int64		past = past_null ? 0 : DatumGetInt64(d_past);

		CHECK_FOR_INTERRUPTS();
		if (head_null && last_null)
			audit_problem(c, false, 0, track, true, row_id,
						  mc_gettext("last_event_hash is set, but the row names no last event and has none"));
		else if (head_null)
			audit_problem(c, !past_null, past, track, true, row_id,
						  psprintf(mc_gettext("event %lld is in the row's chain, but the row names no last event: the event was added behind the stage trigger"),
								   (long long) past));
		else if (last_null)
			audit_problem(c, true, head, track, true, row_id,
						  psprintf(mc_gettext("the row's last event is %lld, but its chain has no events: they were removed"),
								   (long long) head));
		else if (last > head)
			audit_problem(c, !past_null, past, track, true, row_id,
						  psprintf(mc_gettext("event %lld comes after the row's last event %lld: it was added behind the stage trigger"),
								   (long long) past, (long long) head));
		else if (last < head)
			audit_problem(c, true, head, track, true, row_id,
						  psprintf(mc_gettext("the row's last event %lld is not in its chain, which ends at event %lld: it was removed"),
								   (long long) head, (long long) last));
		else
		{
			if (!hash_ok)
				audit_problem(c, true, head, track, true, row_id,
							  psprintf(mc_gettext("last_event_hash is not the hash of event %lld, the row's last event"),
									   (long long) head));
			if (stage == NULL || to_stage == NULL || strcmp(stage, to_stage) != 0)
				audit_problem(c, true, head, track, true, row_id,
							  psprintf(mc_gettext("the row is at stage \"%s\", but its last event %lld moved it to \"%s\": the stage was changed behind the stage trigger"),
									   stage ? stage : "", (long long) head, to_stage ? to_stage : ""));
			else if (!evidence_ok)
				audit_problem(c, true, head, track, true, row_id,
							  psprintf(mc_gettext("stage_evidence is not the evidence its last event %lld left: it was changed behind the stage trigger"),
									   (long long) head));
		}
	}
	SPI_freetuptable(SPI_tuptable);

	if (SPI_execute(ORPHAN_CHAINS_SQL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not compare stage_events with the rows of the tracks");
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		char	   *track = SPI_getvalue(tup, desc, 1);
		int64		row_id = DatumGetInt64(SPI_getbinval(tup, desc, 2, &isnull));
		int64		last = DatumGetInt64(SPI_getbinval(tup, desc, 3, &isnull));

		CHECK_FOR_INTERRUPTS();
		audit_problem(c, true, last, track, true, row_id,
					  mc_gettext("the row of this chain does not exist: it was deleted behind the stage trigger"));
	}
	SPI_freetuptable(SPI_tuptable);
}

/* ------------------------------------------------------------- digests */

/*
 * A digest names the trail as it stood: every chain's head (its last
 * event) at the time, in one SHA-256.
 *
 *	  mineconsol-audit-v1:<upto>:<chains>:<64 hex digits>
 *
 * upto is the highest event id then, chains the number of chains (rows
 * with at least one event), and the hash is SHA-256 over the netstrings
 * (as in the canonical event serialisation) of "mineconsol-audit-v1",
 * upto, and, for each chain in (track in byte order, row_id) order, its
 * track, row_id, the id of its last event with id <= upto, and that
 * event's 32-byte hash.  Since each event's hash covers every earlier event
 * of its row, the digest covers every event recorded up to upto.  Later
 * events have higher ids and leave it unchanged; an event at or below upto
 * changed, removed or added changes the head of its chain or the set of
 * chains, and so the digest.
 */
#define DIGEST_TAG			"mineconsol-audit-v1"

#define DIGEST_HEADS_SQL \
	"SELECT DISTINCT ON (e.track COLLATE pg_catalog.\"C\", e.row_id) e.track, e.row_id, e.id, e.hash" \
	"  FROM mineconsol.stage_events e WHERE e.id OPERATOR(pg_catalog.<=) $1" \
	" ORDER BY e.track COLLATE pg_catalog.\"C\", e.row_id, e.id DESC"

static void
digest_update(pg_cryptohash_ctx *ctx, StringInfo buf)
{
	if (pg_cryptohash_update(ctx, (const uint8 *) buf->data, buf->len) < 0)
		elog(ERROR, "could not compute SHA-256 hash: %s", pg_cryptohash_error(ctx));
	resetStringInfo(buf);
}

/*
 * The digest hash of the heads with id <= upto (SPI connected); *nchains
 * gets the number of chains.  With read_only, in the caller's snapshot;
 * without, in a new one (audit_digest(), after waiting).
 */
static void
digest_compute(int64 upto, uint8 *dest, int64 *nchains, bool read_only)
{
	pg_cryptohash_ctx *ctx;
	StringInfoData buf;
	SPIPlanPtr	plan;
	Portal		portal;
	Oid			types[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(upto)};

	*nchains = 0;
	initStringInfo(&buf);
	ctx = pg_cryptohash_create(PG_SHA256);
	if (ctx == NULL || pg_cryptohash_init(ctx) < 0)
		elog(ERROR, "could not compute SHA-256 hash: %s", ctx ? pg_cryptohash_error(ctx) : "out of memory");
	put_text(&buf, DIGEST_TAG);
	put_int(&buf, true, upto);
	digest_update(ctx, &buf);

	plan = SPI_prepare(DIGEST_HEADS_SQL, 1, types);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
	portal = SPI_cursor_open(NULL, plan, values, NULL, read_only);
	for (;;)
	{
		uint64		i;

		SPI_cursor_fetch(portal, true, VERIFY_BATCH);
		if (SPI_processed == 0)
			break;
		for (i = 0; i < SPI_processed; i++)
		{
			HeapTuple	tup = SPI_tuptable->vals[i];
			TupleDesc	desc = SPI_tuptable->tupdesc;
			bool		isnull;
			Datum		d;
			bytea	   *hash;

			CHECK_FOR_INTERRUPTS();
			put_text(&buf, SPI_getvalue(tup, desc, 1));
			d = SPI_getbinval(tup, desc, 2, &isnull);
			put_int(&buf, !isnull, isnull ? 0 : DatumGetInt64(d));
			d = SPI_getbinval(tup, desc, 3, &isnull);
			put_int(&buf, !isnull, isnull ? 0 : DatumGetInt64(d));
			d = SPI_getbinval(tup, desc, 4, &isnull);
			if (isnull)
				put_null(&buf);
			else
			{
				hash = DatumGetByteaPP(d);
				put_field(&buf, VARDATA_ANY(hash), VARSIZE_ANY_EXHDR(hash));
			}
			digest_update(ctx, &buf);
			(*nchains)++;
		}
		SPI_freetuptable(SPI_tuptable);
	}
	SPI_cursor_close(portal);
	SPI_freeplan(plan);
	if (pg_cryptohash_final(ctx, dest, AUDIT_HASH_LEN) < 0)
		elog(ERROR, "could not compute SHA-256 hash: %s", pg_cryptohash_error(ctx));
	pg_cryptohash_free(ctx);
	pfree(buf.data);
}

/* An unsigned decimal number of s (advanced past it); false if none. */
static bool
digest_number(const char **s, int64 *value)
{
	const char *p = *s;
	int64		v = 0;

	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++)
	{
		if (v > (PG_INT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (*p - '0');
	}
	*s = p;
	*value = v;
	return true;
}

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse a digest (see above); 22023 when it is not one. */
static void
digest_parse(const char *text, int64 *upto, int64 *nchains, uint8 *hash)
{
	const char *p = text;
	size_t		taglen = strlen(DIGEST_TAG);
	bool		ok;
	int			i;

	ok = strncmp(p, DIGEST_TAG ":", taglen + 1) == 0;
	if (ok)
	{
		p += taglen + 1;
		ok = digest_number(&p, upto) && *p++ == ':' &&
			digest_number(&p, nchains) && *p++ == ':' &&
			strlen(p) == 2 * AUDIT_HASH_LEN;
	}
	for (i = 0; ok && i < AUDIT_HASH_LEN; i++)
	{
		int			hi = hex_digit(p[2 * i]),
					lo = hex_digit(p[2 * i + 1]);

		ok = hi >= 0 && lo >= 0;
		hash[i] = (uint8) (hi * 16 + lo);
	}
	if (!ok)
	{
		/* quote at most 120 bytes: the argument may be anything, of any size */
		int			len = strlen(text);
		int			shown = pg_mbcliplen(text, len, 120);

		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid audit digest \"%.*s%s\"", shown, text,
						shown < len ? "..." : ""),
				 errdetail("A digest reads %s:<last event id>:<chains>:<64 hexadecimal digits>, as audit_digest() returns it.",
						   DIGEST_TAG)));
	}
}

/* Compare the trail with a digest, noting a problem if it does not match. */
static void
audit_check_digest(AuditCheck *c, const char *digest)
{
	int64		upto,
				nchains,
				now_chains;
	uint8		hash[AUDIT_HASH_LEN];
	uint8		now[AUDIT_HASH_LEN];

	digest_parse(digest, &upto, &nchains, hash);
	digest_compute(upto, now, &now_chains, true);
	if (now_chains != nchains || memcmp(hash, now, AUDIT_HASH_LEN) != 0)
		audit_problem(c, false, 0, NULL, false, 0,
					  psprintf(mc_gettext("the heads of the chains up to event %lld do not match the digest (%lld chains then, %lld now): an event recorded before the digest was changed, removed or added"),
							   (long long) upto, (long long) nchains, (long long) now_chains));
}

/* The whole check: chains, heads, and the digest if one is given. */
static void
audit_check(AuditCheck *c, const char *digest)
{
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	audit_check_chains(c);
	audit_check_heads(c);
	if (digest != NULL)
		audit_check_digest(c, digest);
	SPI_finish();
}

static Datum
verify_result(FunctionCallInfo fcinfo, const AuditCheck *c)
{
	TupleDesc	result_desc;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	if (get_call_result_type(fcinfo, NULL, &result_desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	result_desc = BlessTupleDesc(result_desc);
	values[0] = BoolGetDatum(!c->bad);
	values[1] = Int64GetDatum(c->checked);
	values[2] = Int64GetDatum(c->first_bad);
	nulls[2] = c->first_bad == 0;
	return HeapTupleGetDatum(heap_form_tuple(result_desc, values, nulls));
}

/*
 * verify_audit() → (ok, checked, first_bad_event)
 *		Check every chain, every row's head and stage, and that every chain
 *		has its row; first_bad_event is the lowest-numbered event a problem
 *		names.  All reads use one snapshot; rows hidden by row-level
 *		security are not checked.
 */
PG_FUNCTION_INFO_V1(mc_verify_audit);
Datum
mc_verify_audit(PG_FUNCTION_ARGS)
{
	AuditCheck	c = {0};

	audit_check(&c, NULL);
	PG_RETURN_DATUM(verify_result(fcinfo, &c));
}

/*
 * verify_audit(digest) → (ok, checked, first_bad_event)
 *		verify_audit(), and the heads up to the digest's last event must
 *		still hash to it.
 */
PG_FUNCTION_INFO_V1(mc_verify_audit_digest);
Datum
mc_verify_audit_digest(PG_FUNCTION_ARGS)
{
	AuditCheck	c = {0};

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("digest must not be null"),
				 errhint("verify_audit() without an argument checks the trail without a digest.")));
	audit_check(&c, text_to_cstring(PG_GETARG_TEXT_PP(0)));
	PG_RETURN_DATUM(verify_result(fcinfo, &c));
}

/*
 * audit_problems(digest DEFAULT NULL) → setof (event_id, track, row_id, problem)
 *		Every problem verify_audit() (with the digest, if given) counts, one
 *		row each.
 */
PG_FUNCTION_INFO_V1(mc_audit_problems);
Datum
mc_audit_problems(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	AuditCheck	c = {0};

	InitMaterializedSRF(fcinfo, 0);
	c.problems = rsinfo->setResult;
	c.problem_desc = rsinfo->setDesc;
	audit_check(&c, PG_ARGISNULL(0) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(0)));
	return (Datum) 0;
}

/*
 * audit_digest() → text
 *		The digest of the trail as it stands (see above).  Events are
 *		numbered when they are appended, not when they commit: an append in
 *		progress may hold an id below the highest one visible.  So the
 *		function takes the highest visible id, waits for every transaction
 *		that holds stage_events' append lock (each takes it before its id),
 *		and reads the heads with a new snapshot, in which every event up to
 *		that id is committed or gone for good.  This needs READ COMMITTED.
 */
PG_FUNCTION_INFO_V1(mc_audit_digest);
Datum
mc_audit_digest(PG_FUNCTION_ARGS)
{
	Oid			relid = audit_relid("stage_events");
	LOCKTAG		tag;
	int64		upto = 0;
	int64		nchains;
	uint8		hash[AUDIT_HASH_LEN];
	bool		isnull;
	Datum		d;
	char	   *result;

	if (IsolationUsesXactSnapshot())
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TRANSACTION_STATE),
				 errmsg("audit_digest() needs READ COMMITTED isolation"),
				 errdetail("It waits for the stage changes in progress and then reads the trail again, which a transaction snapshot would not show."),
				 errhint("Call it in a transaction of its own.")));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute("SELECT pg_catalog.max(id) FROM mineconsol.stage_events", false, 1) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "could not read the last event of stage_events");
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (!isnull)
		upto = DatumGetInt64(d);
	SPI_freetuptable(SPI_tuptable);

	SET_LOCKTAG_RELATION(tag, MyDatabaseId, relid);
	WaitForLockers(tag, ShareLock, false);

	digest_compute(upto, hash, &nchains, false);
	SPI_finish();
	result = psprintf("%s:" INT64_FORMAT ":" INT64_FORMAT ":%s", DIGEST_TAG, upto, nchains, hash_hex(hash));
	PG_RETURN_TEXT_P(cstring_to_text(result));
}
