/*
 * stage.h
 *		The stage workflow (docs/rules.md, "Stage tracks"), shared by its files:
 *
 *	  stage_graph.c     the transition graph, read from stage_transitions and
 *	                    milestones and cached per backend
 *	  stage_evidence.c  the checks of a step's evidence
 *	  stage_rules.c     cross-track prerequisites, deadlines, who is the city
 *	  stage_trigger.c   the trigger stage_guard() that guards the stage columns
 *	  stage_api.c       advance() and revert_stage()
 *
 * They use the audit trail (audit.h) and the small helpers of util.h; the
 * audit trail uses neither this header nor any stage_*.c file.
 * docs/architecture.md walks through them.
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
 * is about to make (mc_revert_announce()) in a backend-local variable of
 * stage_trigger.c that SQL cannot reach, and the trigger lets exactly that
 * move through: a plain UPDATE cannot forge a revert.
 *
 * Every accepted change appends its event to stage_events (audit.c), with
 * the deadline (milestones, or relative to an earlier step) and the days
 * late, counted from the evidence date.  advance() and revert_stage()
 * return that event as the INSERT stored it: each waits for its row's event
 * in a structure of its own call (mc_event_await()), which the trigger
 * fills in; no state outlives the call.
 */
#ifndef MINECONSOL_STAGE_H
#define MINECONSOL_STAGE_H

#include "postgres.h"

#include "access/htup.h"
#include "access/tupdesc.h"
#include "lib/stringinfo.h"
#include "utils/date.h"
#include "utils/jsonb.h"

#include "audit.h"
#include "util.h"

/* The tracks: fixed by the plan (docs/rules.md, "Stage tracks"). */
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

/* Stage names the cross-track rules refer to (docs/rules.md, "Stage tracks"). */
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

/* The tracks, in Track order (stage_graph.c). */
extern const TrackDef mc_track_defs[NTRACKS];

/* stage_graph.c */
extern void mc_stage_init(void);
extern Track mc_track_of_name(const char *name, bool missing_ok);
extern const StageGraph *mc_stage_graphs(void);
extern int	mc_graph_stage_index(const StageGraph *g, const char *name);
extern int	mc_graph_required_stage(const StageGraph *g, Track t, const char *name);
extern const StageStep *mc_graph_step(const StageGraph *g, int from, int to);
extern const StageStep *mc_graph_step_into(const StageGraph *g, int to);
extern bool mc_graph_before(const StageGraph *g, int a, int b);
extern void mc_append_allowed_next(StringInfo buf, const StageGraph *g, int from);

/* stage_evidence.c */
extern void mc_check_evidence(Jsonb *ev, const StageStep *step, StringInfo missing,
							  StringInfo invalid, DateADT *date, bool *date_set,
							  const DateADT *prev_date, const char *prev_stage);
extern bool mc_evidence_date(Jsonb *ev, DateADT *date);
extern bool mc_evidence_fits(Size size);
extern void mc_check_evidence_size(Size size, const char *what, const char *row);

/* stage_rules.c */
extern const char *mc_row_label(Track t, int64 row_id, const char *county);
extern const char *mc_closure_county(int64 mine_id);
extern char *mc_scheme_stage_of(const char *county);
extern bool mc_user_is_city(void);
extern bool mc_unit_scheme_ready(const StageGraph *graphs, const char *county,
								 int target, StringInfo detail);
extern bool mc_unit_members_closed(const StageGraph *graphs, int64 unit_id,
								   bool retained_null, int64 retained, int target,
								   StringInfo detail);
extern bool mc_step_due(Track t, const StageGraph *g, const StageStep *step,
						int64 row_id, bool cur_known, const DateADT *cur_date,
						DateADT *due);

/* stage_trigger.c: the one backward move revert_stage() is making */
extern void mc_revert_announce(Track t, int64 row_id, const char *to_stage,
							   const char *reason);
extern void mc_revert_withdraw(void);

/*
 * stage_trigger.c: the event advance() or revert_stage() waits for, in
 * that call's own frame; the trigger fills in event (a datum of
 * stage_events' row type, in cxt) when it appends the row's event.
 */
typedef struct StageEventWait
{
	Track		track;
	int64		row_id;
	MemoryContext cxt;
	Datum		event;			/* (Datum) 0 until the event is appended */
} StageEventWait;

extern StageEventWait *mc_event_await(StageEventWait *w);
extern void mc_event_await_end(StageEventWait *outer);

#endif							/* MINECONSOL_STAGE_H */
