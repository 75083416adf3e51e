/*
 * as_of.c
 *		The setting mineconsol.as_of: the day every rule judges at.
 *
 * Empty (the default) means today.  Facts dated after the day do not exist
 * yet for the rules, so SET mineconsol.as_of = '2023-06-30' replays the
 * programme as it stood then.  The value is an ISO date (YYYY-MM-DD, the
 * strict parser of util.c: the same as a step's evidence date, whatever
 * DateStyle says).  The check hook parses the date once; the assign hook
 * keeps the parsed value, so as_of() costs no parsing per call.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/guc.h"

#include "compat.h"
#include "mineconsol.h"
#include "util.h"

static char *as_of_string = NULL;

/*
 * The parsed setting: date is valid when set is true.
 *
 * Two copies of this file can be loaded into one backend: the module and the
 * legacy library of 0.1.0's definitions (legacy_symbols.c), when a session
 * calls a function of a database still on 0.1.0 and then, say, runs ALTER
 * EXTENSION UPDATE.  The copy loaded first defines the setting, and its
 * hooks fill its own AsOf; it publishes that AsOf under a rendezvous name,
 * and a copy loaded later reads the setting from there.  The name carries the
 * layout's version: change the struct, change the name.
 */
typedef struct AsOf
{
	bool		set;
	DateADT		date;
} AsOf;

#define AS_OF_RENDEZVOUS "mineconsol.as_of/1"

static AsOf own_as_of;
static AsOf *as_of = &own_as_of;

static bool
check_as_of(char **newval, void **extra, GucSource source)
{
	DateADT		d;
	DateADT    *keep;

	if (*newval == NULL || (*newval)[0] == '\0')
		return true;
	if (!mc_parse_iso_date(*newval, strlen(*newval), &d))
	{
		GUC_check_errmsg("invalid value for mineconsol.as_of: \"%s\"", *newval);
		GUC_check_errdetail("mineconsol.as_of is an ISO date (YYYY-MM-DD) such as 2023-06-30, or empty for today.");
		return false;
	}
	/*
	 * A sane window around the programme: a day far outside it is
	 * a mistake, and '1900-01-01' would put every mine out of scope.
	 */
	if (d < date2j(2000, 1, 1) - POSTGRES_EPOCH_JDATE ||
		d > date2j(2100, 12, 31) - POSTGRES_EPOCH_JDATE)
	{
		GUC_check_errcode(ERRCODE_INVALID_PARAMETER_VALUE);
		GUC_check_errmsg("mineconsol.as_of \"%s\" is outside 2000-01-01 .. 2100-12-31", *newval);
		GUC_check_errdetail("mineconsol.as_of replays the programme at a day between 2000-01-01 and 2100-12-31, or is empty for today.");
		return false;
	}
	keep = (DateADT *) compat_guc_malloc(sizeof(DateADT));	/* guc.c frees it */
	if (keep == NULL)
		return false;
	*keep = d;
	*extra = keep;
	return true;
}

static void
assign_as_of(const char *newval, void *extra)
{
	as_of->set = (extra != NULL);
	as_of->date = as_of->set ? *(DateADT *) extra : 0;
}

/*
 * Define the setting, unless another copy of this code in the backend has
 * (see AsOf): then read that copy's value.  True when defined here.
 */
bool
mc_define_as_of_setting(void)
{
	AsOf	  **shared = (AsOf **) find_rendezvous_variable(AS_OF_RENDEZVOUS);

	if (*shared != NULL)
	{
		as_of = *shared;
		return false;
	}
	*shared = &own_as_of;
	DefineCustomStringVariable("mineconsol.as_of",
							   "The day every mineconsol rule judges at (empty: today).",
							   "Facts dated after it are ignored, so a past day replays the programme as it stood then.",
							   &as_of_string,
							   "",
							   PGC_USERSET,
							   0,
							   check_as_of,
							   assign_as_of,
							   NULL);
	return true;
}

/* The day the rules judge at: the setting, or today. */
DateADT
mc_as_of_date(void)
{
	return as_of->set ? as_of->date : GetSQLCurrentDate();
}

/* as_of() → date */
PG_FUNCTION_INFO_V1(mc_as_of);
Datum
mc_as_of(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATEADT(mc_as_of_date());
}
