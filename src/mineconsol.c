/*
 * mineconsol.c
 *		Module entry point: the module magic and the mineconsol.* settings.
 *
 * Each area of the extension lives in its own files (docs/architecture.md
 * lists them); this file only registers, when the library is loaded, the
 * message catalogue's text domain and the stage graph's cache invalidation
 * (once per library) and the settings mineconsol.as_of and
 * mineconsol.simulate_parameters (once per backend).
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/guc.h"

#include "mineconsol.h"
#include "stage.h"

PG_MODULE_MAGIC;

/* Exported (the module is built with hidden visibility); 16's fmgr.h says so too. */
extern PGDLLEXPORT void _PG_init(void);

/* Read by param() through current_setting(); set by simulate() alone. */
static char *mc_simulate_parameters = NULL;

/*
 * The same objects make two libraries (the module, and the legacy library of
 * 0.1.0's definitions: see legacy_symbols.c), and one backend can load both.
 * Each copy keeps its own caches, so each registers its cache invalidation;
 * the settings are defined once, by the copy loaded first.
 */
void
_PG_init(void)
{
	/* Messages in the session's language (lc_messages): see i18n.c. */
	pg_bindtextdomain(TEXTDOMAIN);
	mc_stage_init();
	if (!mc_define_as_of_setting())
		return;
	DefineCustomStringVariable("mineconsol.simulate_parameters",
							   "Parameter overrides (a JSON object) that simulate() sets for its own duration.",
							   "param() reads them; refresh_results() never does. Empty: none.",
							   &mc_simulate_parameters,
							   "",
							   PGC_USERSET,
							   GUC_NOT_IN_SAMPLE | GUC_NO_SHOW_ALL,
							   NULL, NULL, NULL);
	MarkGUCPrefixReserved("mineconsol");
}
