/*
 * legacy_symbols.c
 *		The C names 0.1.0's SQL definitions call, for the legacy library
 *		mineconsol-0.1 alone.
 *
 * 0.1.0 named its C functions after whatever was at hand (license_no_in,
 * stage_advance, mineconsol_classify …); since 0.2.0 each is mc_<SQL name>,
 * and the module mineconsol exports nothing else.  A database still on
 * 0.1.0's definitions (CREATE EXTENSION mineconsol VERSION '0.1.0', or one
 * whose ALTER EXTENSION UPDATE has not run yet) needs the old names: the
 * secondary control file mineconsol--0.1.0.control points those definitions
 * at $libdir/mineconsol-0.1, which the Makefile links from the module's
 * objects and this file.  Each old name below calls its mc_ function with the
 * same call information.  The upgrade script points every definition at the
 * module again, so that nothing uses this library after the update.
 *
 * This library exists only for databases still on 0.1.0's definitions.  The
 * list is the frozen script's (sql/mineconsol--0.1.0.sql), in its order;
 * test/shell/symbols.sh checks that it is complete.  The module never links
 * this file: the Makefile leaves it out of OBJS.
 */
#include "postgres.h"

#include "fmgr.h"

#include "mineconsol.h"

/* old: the C name in 0.1.0's script; body: the mc_ function that serves it */
#define LEGACY_SYMBOL(old, body) \
extern PGDLLEXPORT Datum body(PG_FUNCTION_ARGS); \
PG_FUNCTION_INFO_V1(old); \
Datum \
old(PG_FUNCTION_ARGS) \
{ \
	return body(fcinfo); \
} \
extern int no_such_variable

LEGACY_SYMBOL(license_no_in, mc_license_no_in);
LEGACY_SYMBOL(license_no_out, mc_license_no_out);
LEGACY_SYMBOL(license_no_recv, mc_license_no_recv);
LEGACY_SYMBOL(license_no_send, mc_license_no_send);
LEGACY_SYMBOL(license_no_eq, mc_license_no_eq);
LEGACY_SYMBOL(license_no_ne, mc_license_no_ne);
LEGACY_SYMBOL(license_no_lt, mc_license_no_lt);
LEGACY_SYMBOL(license_no_le, mc_license_no_le);
LEGACY_SYMBOL(license_no_gt, mc_license_no_gt);
LEGACY_SYMBOL(license_no_ge, mc_license_no_ge);
LEGACY_SYMBOL(license_no_cmp, mc_license_no_cmp);
LEGACY_SYMBOL(license_no_hash, mc_license_no_hash);
LEGACY_SYMBOL(license_no_hash_extended, mc_license_no_hash_extended);
LEGACY_SYMBOL(try_license_no, mc_try_license_no);
LEGACY_SYMBOL(license_authority, mc_license_authority);
LEGACY_SYMBOL(license_issued, mc_license_issued);
LEGACY_SYMBOL(license_kind, mc_license_kind);
LEGACY_SYMBOL(uscc_in, mc_uscc_in);
LEGACY_SYMBOL(uscc_out, mc_uscc_out);
LEGACY_SYMBOL(uscc_recv, mc_uscc_recv);
LEGACY_SYMBOL(uscc_send, mc_uscc_send);
LEGACY_SYMBOL(uscc_eq, mc_uscc_eq);
LEGACY_SYMBOL(uscc_ne, mc_uscc_ne);
LEGACY_SYMBOL(uscc_lt, mc_uscc_lt);
LEGACY_SYMBOL(uscc_le, mc_uscc_le);
LEGACY_SYMBOL(uscc_gt, mc_uscc_gt);
LEGACY_SYMBOL(uscc_ge, mc_uscc_ge);
LEGACY_SYMBOL(uscc_cmp, mc_uscc_cmp);
LEGACY_SYMBOL(uscc_hash, mc_uscc_hash);
LEGACY_SYMBOL(uscc_hash_extended, mc_uscc_hash_extended);
LEGACY_SYMBOL(try_uscc, mc_try_uscc);
LEGACY_SYMBOL(uscc_region, mc_uscc_region);
LEGACY_SYMBOL(mineconsol_merge_cluster, mc_merge_cluster);
LEGACY_SYMBOL(stage_cache_invalidate, mc_stage_cache_invalidate);
LEGACY_SYMBOL(stage_guard, mc_stage_guard);
LEGACY_SYMBOL(stage_events_append, mc_stage_events_append);
LEGACY_SYMBOL(stage_events_append_only, mc_stage_events_append_only);
LEGACY_SYMBOL(stage_advance, mc_advance);
LEGACY_SYMBOL(stage_revert, mc_revert_stage);
LEGACY_SYMBOL(verify_audit, mc_verify_audit);
LEGACY_SYMBOL(audit_canonical, mc_audit_canonical);
LEGACY_SYMBOL(mineconsol_as_of, mc_as_of);
LEGACY_SYMBOL(mineconsol_classify, mc_classify);
