/*
 * stage.h
 *		Declarations shared by the stage workflow (stage.c) and its audit
 *		trail (audit.c).
 */
#ifndef MINECONSOL_STAGE_H
#define MINECONSOL_STAGE_H

#include "postgres.h"

#include "access/htup.h"
#include "access/tupdesc.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "executor/spi.h"
#include "datatype/timestamp.h"
#include "utils/date.h"
#include "utils/jsonb.h"

#define AUDIT_HASH_LEN	32		/* SHA-256 */

/*
 * One event of stage_events, as the canonical serialisation sees it.
 * Strings are NUL-terminated in the server encoding; a NULL pointer (or a
 * false *_set flag) is SQL NULL.
 */
typedef struct StageEvent
{
	int64		id;
	bool		id_set;
	const char *track;
	int64		row_id;
	bool		row_id_set;
	const char *from_stage;
	const char *to_stage;
	const char *actor;
	TimestampTz at;
	bool		at_set;
	Jsonb	   *evidence;
	DateADT		due;
	bool		due_set;
	int32		days_late;
	bool		days_late_set;
	const char *reason;
	uint8		prev_hash[AUDIT_HASH_LEN];
	bool		prev_hash_set;
	uint8		hash[AUDIT_HASH_LEN];
	bool		hash_set;
} StageEvent;

/* audit.c */
extern void mc_audit_append(StageEvent *ev, int64 after_id);
extern Oid	mc_audit_owner(void);
extern void mc_audit_expect(StageEvent *dest, MemoryContext cxt,
							const char *track, int64 row_id);
extern bool mc_audit_expect_end(void);
extern Datum mc_audit_event_datum(const StageEvent *ev, TupleDesc desc);

/* stage.c */

/* Events a trigger function is made for: a mask of 1 << TRIGGER_EVENT_* */
#define MC_ON_INSERT		(1 << TRIGGER_EVENT_INSERT)
#define MC_ON_DELETE		(1 << TRIGGER_EVENT_DELETE)
#define MC_ON_UPDATE		(1 << TRIGGER_EVENT_UPDATE)
#define MC_ON_TRUNCATE		(1 << TRIGGER_EVENT_TRUNCATE)

extern int	mc_trigger_check(FunctionCallInfo fcinfo, const char *fn,
							 const char *const *tables, int ntables,
							 bool before, bool row, int events,
							 const char *how);
extern void mc_stage_init(void);
extern SPIPlanPtr mc_prepare_kept(const char *sql, int nargs, Oid *argtypes);

#endif							/* MINECONSOL_STAGE_H */
