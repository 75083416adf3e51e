/*
 * util.c
 *		Small helpers shared by the C files of mineconsol (see util.h):
 *		prepared statements kept for the life of the backend, the lookup of
 *		a column that must exist, the identity check every trigger function
 *		makes before it reads or writes anything, and the one parser of ISO
 *		dates.
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "util.h"

/*
 * mc_prepare_kept
 *		Prepare the query into *plan, kept for the life of the backend, unless
 *		*plan holds it already: every call site names its plan and query, and
 *		only the first call prepares.  The query is fmt with the arguments
 *		after it, formatted only then (a query per track names its table).
 *
 * These are the stage trigger's and the audit trail's queries.  Every such
 * query reads one row or one unit's members by key, written so that even a
 * generic plan made while the tables were small uses their indexes (a
 * correlated subquery rather than a join, ORDER BY … LIMIT on an index's
 * order): planning at every call cost the stage trigger a third of its time.
 */
void
mc_prepare_kept(SPIPlanPtr *plan, int nargs, Oid *argtypes, const char *fmt,...)
{
	StringInfoData sql;
	SPIPlanPtr	prepared;

	if (*plan != NULL)
		return;
	initStringInfo(&sql);
	for (;;)
	{
		va_list		args;
		int			needed;

		va_start(args, fmt);
		needed = appendStringInfoVA(&sql, fmt, args);
		va_end(args);
		if (needed == 0)
			break;
		enlargeStringInfo(&sql, needed);
	}
	prepared = SPI_prepare(sql.data, nargs, argtypes);
	if (prepared == NULL)
		elog(ERROR, "SPI_prepare failed for \"%s\": %s",
			 sql.data, SPI_result_code_string(SPI_result));
	SPI_keepplan(prepared);
	*plan = prepared;
	pfree(sql.data);
}

/*
 * mc_column_attnum
 *		The attribute number of a column mineconsol reads in desc, the
 *		descriptor of relation relname (or of its row type), which must be
 *		there: else 42703, naming the column and where it was looked for.
 */
int
mc_column_attnum(TupleDesc desc, const char *column, const char *relname)
{
	int			attnum = SPI_fnumber(desc, column);

	if (attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of relation \"%s\" does not exist",
						column, relname)));
	return attnum;
}

/*
 * mc_parse_iso_date
 *		Parse exactly YYYY-MM-DD (four-digit year, two-digit month and day, a
 *		day that exists) into *result; false, without raising an error, for
 *		anything else.  This is the only date parser of the extension: the
 *		evidence of a step (its "date" key) and the setting mineconsol.as_of
 *		both use it, so neither depends on DateStyle, and neither accepts
 *		'today', 'infinity', '2023/6/30' or '30.06.2023'.
 */
bool
mc_parse_iso_date(const char *s, int len, DateADT *result)
{
	int			y,
				m,
				d,
				i;

	if (len != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > day_tab[isleap(y)][m - 1])
		return false;
	*result = date2j(y, m, d) - POSTGRES_EPOCH_JDATE;
	return true;
}

/* A finite date as YYYY-MM-DD, whatever DateStyle says. */
const char *
mc_date_text(DateADT d)
{
	int			y,
				m,
				day;

	j2date(d + POSTGRES_EPOCH_JDATE, &y, &m, &day);
	return psprintf("%04d-%02d-%02d", y, m, day);
}

/*
 * mc_trigger_check
 *		Every trigger function of the stage workflow and its audit trail
 *		fires only where mineconsol attached it: called as a trigger, on one
 *		of the named tables of schema mineconsol (compared by the schema's
 *		OID and the name, so a temporary or another schema's table of the
 *		same name is refused), with the timing, level and events given.
 *		Anything else is refused with SQLSTATE 39P01 (trigger protocol
 *		violated) before the function reads or writes anything.  Returns
 *		the index of the table in tables.  how says when it must fire, for
 *		the message, e.g. "BEFORE INSERT FOR EACH ROW".
 */
int
mc_trigger_check(FunctionCallInfo fcinfo, const char *fn,
				 const char *const *tables, int ntables,
				 bool before, bool row, int events, const char *how)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Relation	rel;
	Oid			nsp;
	const char *relname;
	StringInfoData list;
	int			i;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("%s() must be called as a trigger", fn)));
	rel = trigdata->tg_relation;
	relname = RelationGetRelationName(rel);
	nsp = get_namespace_oid("mineconsol", true);
	for (i = 0; i < ntables; i++)
		if (OidIsValid(nsp) && RelationGetNamespace(rel) == nsp &&
			strcmp(relname, tables[i]) == 0)
			break;
	if (i == ntables)
	{
		initStringInfo(&list);
		for (i = 0; i < ntables; i++)
		{
			const char *sep;

			if (i == 0)
				sep = "";
			else if (i == ntables - 1)
				/* translator: before the last item of a list: "a, b and c" */
				sep = mc_gettext(" and ");
			else
				sep = mc_gettext(", ");
			appendStringInfo(&list, "%smineconsol.%s", sep, tables[i]);
		}
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("%s() cannot fire on relation \"%s\"", fn, relname),
				 errdetail("It is a trigger of %s only, attached by mineconsol.", list.data),
				 errhint("Do not attach mineconsol's trigger functions to other tables.")));
	}
	if ((before ? !TRIGGER_FIRED_BEFORE(trigdata->tg_event)
		 : !TRIGGER_FIRED_AFTER(trigdata->tg_event)) ||
		(row ? !TRIGGER_FIRED_FOR_ROW(trigdata->tg_event)
		 : !TRIGGER_FIRED_FOR_STATEMENT(trigdata->tg_event)) ||
		(events & (1 << (trigdata->tg_event & TRIGGER_EVENT_OPMASK))) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("%s() must be fired %s", fn, how)));
	return i;
}
