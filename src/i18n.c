/*
 * i18n.c
 *		Messages in the reader's language.
 *
 * ereport() translates through the text domain the Makefile names
 * (TEXTDOMAIN, "mineconsol-NN"), which _PG_init() binds; the language is the
 * session's lc_messages.  This file adds what ereport() does not cover:
 *
 *	tr(msgid)			the SQL functions' messages (RAISE ... USING MESSAGE =
 *						format(mineconsol.tr('...%s'), ...)), and texts the
 *						extension ships as data (the departments of duties);
 *	label(kind, code)	a code (stage, disposition, track, issuing level,
 *						scale class) as people read it: the code itself in
 *						English, its name in Chinese;
 *	structured messages	a template key with its arguments, rendered now or
 *						kept as JSON and rendered when read (the reasons of
 *						stored verdicts, see classify.c).
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/guc.h"
#include "utils/memutils.h"

#include "i18n.h"
#include "mineconsol.h"

/* ------------------------------------------------------------------------
 * Structured messages
 * ------------------------------------------------------------------------
 */
/*
 * A node, with room for nargs arguments in the same allocation (classify()
 * builds a few dozen nodes per row: one allocation each, no zeroing).
 */
static McMsg *
msg_new_with_room(McMsgKind kind, int nargs)
{
	McMsg	   *m = palloc(MAXALIGN(sizeof(McMsg)) + sizeof(McMsg *) * nargs);

	m->kind = kind;
	m->tmpl = NULL;
	m->text = NULL;
	m->ctx = NULL;
	m->nargs = 0;
	m->maxargs = nargs;
	m->args = nargs > 0 ? (McMsg **) ((char *) m + MAXALIGN(sizeof(McMsg))) : NULL;
	return m;
}

static McMsg *
msg_new(McMsgKind kind)
{
	return msg_new_with_room(kind, 0);
}

static void
msg_add_arg(McMsg *m, McMsg *arg)
{
	if (m->nargs == m->maxargs)
	{
		/* grown out of its node's room (or had none): a separate array */
		McMsg	  **args = palloc(sizeof(McMsg *) * (m->maxargs ? m->maxargs * 2 : 4));

		if (m->nargs > 0)
			memcpy(args, m->args, sizeof(McMsg *) * m->nargs);
		m->maxargs = m->maxargs ? m->maxargs * 2 : 4;
		m->args = args;
	}
	m->args[m->nargs++] = arg;
}

/* A template with nargs arguments, each an McMsg *. */
McMsg *
mc_msg(const McTemplate *tmpl, int nargs,...)
{
	McMsg	   *m = msg_new_with_room(MC_MSG_TEMPLATE, nargs);
	va_list		ap;
	int			i;

	m->tmpl = tmpl;
	va_start(ap, nargs);
	for (i = 0; i < nargs; i++)
		msg_add_arg(m, va_arg(ap, McMsg *));
	va_end(ap);
	return m;
}

McMsg *
mc_lit(const char *text)
{
	McMsg	   *m = msg_new(MC_MSG_LITERAL);

	m->text = text;
	return m;
}

McMsg *
mc_code(const char *kind, const char *code)
{
	McMsg	   *m = msg_new(MC_MSG_CODE);

	m->ctx = kind;
	m->text = code;
	return m;
}

McMsg *
mc_list(void)
{
	return msg_new(MC_MSG_LIST);
}

void
mc_list_add(McMsg *list, McMsg *item)
{
	Assert(list->kind == MC_MSG_LIST);
	msg_add_arg(list, item);
}

/*
 * The separator of a list's items: ", " in English, the enumeration comma
 * in Chinese.
 */
static const char list_separator_msgid[] = gettext_noop(", ");

static const char *
list_separator(bool translate)
{
	/* translator: separator between the items of a list, e.g. "a, b, c" */
	return translate ? mc_gettext(list_separator_msgid) : list_separator_msgid;
}

/*
 * Whether the session's language has a translation (lc_messages names a
 * language the catalogue has): if not, messages read as their msgids.
 */
bool
mc_translating(void)
{
	/*
	 * Cached on purpose, per value of lc_messages: classify() asks for every
	 * row, and a catalogue lookup per row cost more than the rules (an
	 * English session then renders its reasons without any lookup).
	 */
	static char *cached_for = NULL;
	static bool cached = false;
	const char *lc;

	/* (not locale_messages: pg_locale.h needs ICU's headers from 16 on) */
	lc = GetConfigOption("lc_messages", true, false);
	if (lc == NULL)
		lc = "";
	if (cached_for == NULL || strcmp(cached_for, lc) != 0)
	{
		cached = mc_gettext(list_separator_msgid) != list_separator_msgid;
		if (cached_for != NULL)
			pfree(cached_for);
		cached_for = MemoryContextStrdup(TopMemoryContext, lc);
	}
	return cached;
}

/*
 * Fills the template's translation (with translate; else the template
 * itself, English) with the rendered arguments: %s takes the next argument,
 * %N$s the N-th, %% is a percent sign.  A directive without its argument is
 * left as it is (msgfmt -c has checked that a translation uses the same
 * arguments as its msgid).
 */
void
mc_msg_render(StringInfo buf, const McMsg *m, bool translate)
{
	const char *p;
	int			next = 0;
	int			i;

	check_stack_depth();
	switch (m->kind)
	{
		case MC_MSG_LITERAL:
			appendStringInfoString(buf, m->text);
			return;
		case MC_MSG_CODE:
			appendStringInfoString(buf, translate ? mc_label_cstring(m->ctx, m->text) : m->text);
			return;
		case MC_MSG_LIST:
			for (i = 0; i < m->nargs; i++)
			{
				CHECK_FOR_INTERRUPTS();
				if (i > 0)
					appendStringInfoString(buf, list_separator(translate));
				mc_msg_render(buf, m->args[i], translate);
			}
			return;
		case MC_MSG_TEMPLATE:
			break;
	}

	p = translate ? mc_gettext(m->tmpl->msgid) : m->tmpl->msgid;
	while (*p)
	{
		const char *pct = strchr(p, '%');
		const char *q;
		int			n;

		/* the text up to the next directive, at once */
		if (pct == NULL)
		{
			appendStringInfoString(buf, p);
			break;
		}
		if (pct > p)
			appendBinaryStringInfo(buf, p, pct - p);
		p = pct;
		if (p[1] == '%')
		{
			appendStringInfoChar(buf, '%');
			p += 2;
			continue;
		}
		if (p[1] == 's')
		{
			if (next < m->nargs)
				mc_msg_render(buf, m->args[next], translate);
			next++;
			p += 2;
			continue;
		}
		/* %N$s */
		n = 0;
		for (q = p + 1; *q >= '0' && *q <= '9' && n < 1000; q++)
			n = n * 10 + (*q - '0');
		if (q > p + 1 && q[0] == '$' && q[1] == 's' && n >= 1 && n <= m->nargs)
		{
			mc_msg_render(buf, m->args[n - 1], translate);
			p = q + 2;
			continue;
		}
		appendStringInfoChar(buf, '%');
		p++;
	}
}

char *
mc_msg_render_cstring(const McMsg *m, bool translate)
{
	StringInfoData buf;

	initStringInfo(&buf);
	mc_msg_render(&buf, m, translate);
	return buf.data;
}

/*
 * JSON form: a literal is a string, a list {"l": [...]}, a code
 * {"c": kind, "v": code}, a template {"k": key} or {"k": key, "a": [...]}.
 */
void
mc_msg_to_json(StringInfo buf, const McMsg *m)
{
	int			i;

	switch (m->kind)
	{
		case MC_MSG_LITERAL:
			escape_json(buf, m->text);
			return;
		case MC_MSG_CODE:
			appendStringInfoString(buf, "{\"c\": ");
			escape_json(buf, m->ctx);
			appendStringInfoString(buf, ", \"v\": ");
			escape_json(buf, m->text);
			appendStringInfoChar(buf, '}');
			return;
		case MC_MSG_LIST:
			appendStringInfoString(buf, "{\"l\": [");
			break;
		case MC_MSG_TEMPLATE:
			appendStringInfoString(buf, "{\"k\": ");
			escape_json(buf, m->tmpl->key);
			if (m->nargs == 0)
			{
				appendStringInfoChar(buf, '}');
				return;
			}
			appendStringInfoString(buf, ", \"a\": [");
			break;
	}
	for (i = 0; i < m->nargs; i++)
	{
		if (i > 0)
			appendStringInfoString(buf, ", ");
		mc_msg_to_json(buf, m->args[i]);
	}
	appendStringInfoString(buf, "]}");
}

static const McTemplate *
template_by_key(const char *key, int len, const McTemplate *table, int ntable)
{
	int			i;

	for (i = 0; i < ntable; i++)
		if (strncmp(table[i].key, key, len) == 0 && table[i].key[len] == '\0')
			return &table[i];
	return NULL;
}

/* The members of a JSON array (a binary container) as messages. */
static bool
msg_args_from_jsonb(McMsg *m, JsonbValue *arr, const McTemplate *table, int ntable)
{
	uint32		i,
				n;

	if (arr->type != jbvBinary || !JsonContainerIsArray(arr->val.binary.data))
		return false;
	n = JsonContainerSize(arr->val.binary.data);
	for (i = 0; i < n; i++)
	{
		JsonbValue *elem = getIthJsonbValueFromContainer(arr->val.binary.data, i);
		McMsg	   *arg;

		CHECK_FOR_INTERRUPTS();
		if (elem == NULL || (arg = mc_msg_from_jsonb(elem, table, ntable)) == NULL)
			return false;
		msg_add_arg(m, arg);
	}
	return true;
}

McMsg *
mc_msg_from_jsonb(JsonbValue *v, const McTemplate *table, int ntable)
{
	JsonbValue	kbuf,
			   *k,
			   *a;
	McMsg	   *m;

	check_stack_depth();
	if (v->type == jbvString)
		return mc_lit(pnstrdup(v->val.string.val, v->val.string.len));
	if (v->type != jbvBinary || !JsonContainerIsObject(v->val.binary.data))
		return NULL;

	if ((a = getKeyJsonValueFromContainer(v->val.binary.data, "l", 1, NULL)) != NULL)
	{
		m = mc_list();
		return msg_args_from_jsonb(m, a, table, ntable) ? m : NULL;
	}
	if ((a = getKeyJsonValueFromContainer(v->val.binary.data, "c", 1, NULL)) != NULL)
	{
		k = getKeyJsonValueFromContainer(v->val.binary.data, "v", 1, &kbuf);
		if (a->type != jbvString || k == NULL || k->type != jbvString)
			return NULL;
		return mc_code(pnstrdup(a->val.string.val, a->val.string.len),
					   pnstrdup(k->val.string.val, k->val.string.len));
	}
	k = getKeyJsonValueFromContainer(v->val.binary.data, "k", 1, &kbuf);
	if (k == NULL || k->type != jbvString)
		return NULL;
	m = msg_new(MC_MSG_TEMPLATE);
	m->tmpl = template_by_key(k->val.string.val, k->val.string.len, table, ntable);
	if (m->tmpl == NULL)
		return NULL;
	a = getKeyJsonValueFromContainer(v->val.binary.data, "a", 1, NULL);
	if (a != NULL && !msg_args_from_jsonb(m, a, table, ntable))
		return NULL;
	return m;
}

/* ------------------------------------------------------------------------
 * Codes as people read them
 * ------------------------------------------------------------------------
 */

/*
 * Every code label(kind, code) knows, as "kind\004code": the msgid of its
 * name.  In English the name is the code itself (what the views have always
 * shown); the catalogue gives each its name in the plan's words.
 */
static const char *const labels[] pg_attribute_unused() = {
	/* stages of the three tracks (stage_transitions) */
	pgettext_noop("stage", "survey"),
	pgettext_noop("stage", "drafted"),
	pgettext_noop("stage", "hearing_held"),
	pgettext_noop("stage", "noticed"),
	pgettext_noop("stage", "submitted"),
	pgettext_noop("stage", "approved"),
	pgettext_noop("stage", "planned"),
	pgettext_noop("stage", "reserves_verified"),
	pgettext_noop("stage", "valued"),
	pgettext_noop("stage", "transferred"),
	pgettext_noop("stage", "rights_settled"),
	pgettext_noop("stage", "plans_approved"),
	pgettext_noop("stage", "licensed"),
	pgettext_noop("stage", "restored"),
	pgettext_noop("stage", "to_close"),
	pgettext_noop("stage", "closure_decided"),
	pgettext_noop("stage", "license_cancelled"),
	pgettext_noop("stage", "announced"),
	pgettext_noop("stage", "explosives_disposed"),
	/* tracks */
	pgettext_noop("track", "scheme"),
	pgettext_noop("track", "unit"),
	pgettext_noop("track", "closure"),
	pgettext_noop("track", "mine"),
	/* dispositions (the enum disposition) */
	pgettext_noop("disposition", "ban"),
	pgettext_noop("disposition", "close"),
	pgettext_noop("disposition", "refer"),
	pgettext_noop("disposition", "rectify"),
	pgettext_noop("disposition", "merge_retain"),
	pgettext_noop("disposition", "merge_close"),
	pgettext_noop("disposition", "exit_at_term"),
	pgettext_noop("disposition", "mine_out_then_exit"),
	pgettext_noop("disposition", "retain"),
	pgettext_noop("disposition", "out_of_scope"),
	/* issuing levels (mines.licensed_by) */
	pgettext_noop("level", "city"),
	pgettext_noop("level", "county"),
	pgettext_noop("level", "province"),
	pgettext_noop("level", "ministry"),
	/* scale classes */
	pgettext_noop("scale", "large"),
	pgettext_noop("scale", "medium"),
	pgettext_noop("scale", "small"),
	pgettext_noop("scale", "very_small"),
	pgettext_noop("scale", "unknown"),
};

/*
 * Texts the extension stores in English and shows through tr(): the
 * departments of the seeded duties and of v_department_tasks (五(二)), the
 * note of a merge plan without a retained mine.  Listed here so that the
 * catalogue has them; test/sql/i18n.sql checks every seeded department is
 * translated.
 */
static const char *const stored_texts[] pg_attribute_unused() = {
	gettext_noop("county government (survey: natural resources)"),
	gettext_noop("county government"),
	gettext_noop("city government (leadership group office, planning and natural resources bureau)"),
	gettext_noop("natural resources"),
	gettext_noop("natural resources; ecology and environment (EIA); administrative approval"),
	gettext_noop("retained mine, accepted by the county (natural resources)"),
	gettext_noop("natural resources (issuing authority)"),
	gettext_noop("public security"),
	gettext_noop("county government (natural resources)"),
	gettext_noop("emergency management"),
	gettext_noop("ecology and environment"),
	gettext_noop("water resources"),
	gettext_noop("discipline inspection"),
	gettext_noop("every member is banned, closed or referred: no mine can be retained"),
};

/*
 * The name of a code: its translation under "kind", or the code itself
 * (English, an unknown code, a code of a kind label() does not know).
 */
const char *
mc_label_cstring(const char *kind, const char *code)
{
	char	   *key = psprintf("%s\004%s", kind, code);
	const char *t = mc_gettext(key);

	return t == key ? code : t;
}

PG_FUNCTION_INFO_V1(mc_tr);
Datum
mc_tr(PG_FUNCTION_ARGS)
{
	text	   *msgid = PG_GETARG_TEXT_PP(0);
	char	   *s = text_to_cstring(msgid);
	const char *t = mc_gettext(s);

	if (t == s)
		PG_RETURN_TEXT_P(msgid);
	PG_RETURN_TEXT_P(cstring_to_text(t));
}

PG_FUNCTION_INFO_V1(mc_label);
Datum
mc_label(PG_FUNCTION_ARGS)
{
	char	   *kind = text_to_cstring(PG_GETARG_TEXT_PP(0));
	text	   *code = PG_GETARG_TEXT_PP(1);
	char	   *c = text_to_cstring(code);
	const char *t = mc_label_cstring(kind, c);

	if (t == c)
		PG_RETURN_TEXT_P(code);
	PG_RETURN_TEXT_P(cstring_to_text(t));
}
