/*
 * audit.h
 *		The audit trail of the stage workflow (audit.c), as the stage trigger
 *		and advance() / revert_stage() use it.  audit.c calls nothing of the
 *		stage workflow's code (only util.c): it appends (returning the event
 *		as stored when asked) and verifies events, and knows the tracks'
 *		tables only to compare their heads with the chains.
 */
#ifndef MINECONSOL_AUDIT_H
#define MINECONSOL_AUDIT_H

#include "postgres.h"

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

extern Datum mc_audit_append(StageEvent *ev, int64 after_id, MemoryContext cxt);
extern Oid	mc_audit_owner(void);

#endif							/* MINECONSOL_AUDIT_H */
