/*
 * compat.h
 *		What differs between the PostgreSQL major versions mineconsol builds
 *		against, in one place.  15 and 17 are built and tested (make test,
 *		make test-debian13); the branches for 16 and 18 follow those
 *		versions' headers but are not tested.
 *
 * Each difference is a small wrapper named after the server function it
 * stands for, with the signature of the oldest version; the code calls the
 * wrapper.  It includes the headers the wrapped functions need.
 */
#ifndef MINECONSOL_COMPAT_H
#define MINECONSOL_COMPAT_H

#include "postgres.h"

#include "access/relation.h"
#include "catalog/dependency.h"
#include "executor/executor.h"
#include "fmgr.h"
#include "nodes/parsenodes.h"
#include "parser/parse_relation.h"
#include "utils/datetime.h"
#include "utils/guc.h"

#if PG_VERSION_NUM < 150000
#error "mineconsol needs PostgreSQL 15 or later"
#endif

/* 16 moved the varlena macros (VARDATA_ANY …) out of postgres.h. */
#if PG_VERSION_NUM >= 160000
#include "varatt.h"
#endif

/*
 * guc_malloc: the "extra" a GUC check hook hands over is freed by guc.c,
 * with free() up to 15 and from its own memory context (guc_free) since 16,
 * so it must come from the matching allocator.  NULL when out of memory.
 */
static inline void *
compat_guc_malloc(size_t size)
{
#if PG_VERSION_NUM >= 160000
	return guc_malloc(LOG, size);
#else
	return malloc(size);
#endif
}

/*
 * ExecInitRangeTable for an executor state built by hand around one table
 * (rte is its only range table entry): 16 moved the permission details out of
 * the range table entry into a list of its own (RTEPermissionInfo), which
 * the range table's executor state now takes too; 18 adds the set of entries
 * that are not pruned.
 */
static inline void
compat_ExecInitRangeTable(EState *estate, RangeTblEntry *rte)
{
#if PG_VERSION_NUM >= 160000
	List	   *perminfos = NIL;

	addRTEPermissionInfo(&perminfos, rte);
#if PG_VERSION_NUM >= 180000
	ExecInitRangeTable(estate, list_make1(rte), perminfos, bms_make_singleton(1));
#else
	ExecInitRangeTable(estate, list_make1(rte), perminfos);
#endif
#else
	ExecInitRangeTable(estate, list_make1(rte));
#endif
}

/*
 * getIdentitySequence: 17 takes the table rather than its OID (so that a
 * partition finds its root's sequence).  The table stays locked, as the
 * caller's use of it will lock it anyway.
 */
static inline Oid
compat_getIdentitySequence(Oid relid, AttrNumber attnum, bool missing_ok)
{
#if PG_VERSION_NUM >= 170000
	Relation	rel = relation_open(relid, AccessShareLock);
	Oid			seqid = getIdentitySequence(rel, attnum, missing_ok);

	relation_close(rel, NoLock);
	return seqid;
#else
	return getIdentitySequence(relid, attnum, missing_ok);
#endif
}

/*
 * PG_FUNCTION_INFO_V1 as 16 defines it: the module is built with
 * -fvisibility=hidden (the Makefile adds it before 16, and defines
 * PGDLLEXPORT as default visibility), so a function the server calls by name
 * must be declared PGDLLEXPORT; 15's macro exports only its pg_finfo_ record.
 */
#if PG_VERSION_NUM < 160000
#undef PG_FUNCTION_INFO_V1
#define PG_FUNCTION_INFO_V1(funcname) \
extern PGDLLEXPORT Datum funcname(PG_FUNCTION_ARGS); \
extern PGDLLEXPORT const Pg_finfo_record * CppConcat(pg_finfo_,funcname)(void); \
const Pg_finfo_record * \
CppConcat(pg_finfo_,funcname) (void) \
{ \
	static const Pg_finfo_record my_finfo = { 1 }; \
	return &my_finfo; \
} \
extern int no_such_variable
#endif

#endif							/* MINECONSOL_COMPAT_H */
