/*
 * i18n.h
 *		Messages in the reader's language: the extension's text domain, and
 *		structured messages (a template with its arguments) that can be kept
 *		as JSON and rendered later, in whatever language the reader's
 *		lc_messages selects.
 */
#ifndef MINECONSOL_I18N_H
#define MINECONSOL_I18N_H

#include "postgres.h"

#include "lib/stringinfo.h"
#include "utils/jsonb.h"

/*
 * Marks a text with a context for extraction (xgettext -kpgettext_noop:1c,2)
 * and builds the key gettext looks it up by: context, EOT, text.
 */
#define pgettext_noop(ctx, text) ctx "\004" text

/*
 * A template of a structured message: a stable key (what is stored) and the
 * English text (the msgid: what is translated).  Templates use %s and
 * %N$s only; every argument is already text.
 */
typedef struct McTemplate
{
	const char *key;
	const char *msgid;
} McTemplate;

/*
 * A structured message: a template with its arguments, a literal value
 * (quoted as it is, never translated), a list of messages (joined by the
 * language's list separator) or a code of a kind label() knows (a scale
 * class, an issuing level…: shown as label(kind, code)).
 */
typedef enum McMsgKind
{
	MC_MSG_TEMPLATE,
	MC_MSG_LITERAL,
	MC_MSG_LIST,
	MC_MSG_CODE
} McMsgKind;

typedef struct McMsg McMsg;
struct McMsg
{
	McMsgKind	kind;
	const McTemplate *tmpl;		/* MC_MSG_TEMPLATE */
	const char *text;			/* MC_MSG_LITERAL, MC_MSG_CODE: the value */
	const char *ctx;			/* MC_MSG_CODE: the kind of code */
	int			nargs;
	int			maxargs;
	McMsg	  **args;
};

extern McMsg *mc_msg(const McTemplate *tmpl, int nargs,...);
extern McMsg *mc_lit(const char *text);
extern McMsg *mc_code(const char *kind, const char *code);
extern McMsg *mc_list(void);
extern void mc_list_add(McMsg *list, McMsg *item);

extern void mc_msg_render(StringInfo buf, const McMsg *m, bool translate);
extern char *mc_msg_render_cstring(const McMsg *m, bool translate);
extern bool mc_translating(void);
extern void mc_msg_to_json(StringInfo buf, const McMsg *m);

/*
 * Rebuilds a message from its JSON form (a JsonbValue of an array element)
 * with templates found in the given table; NULL if it does not parse or
 * names a template the table lacks.
 */
extern McMsg *mc_msg_from_jsonb(JsonbValue *v, const McTemplate *table, int ntable);

/*
 * Between two sentences of a composed detail: a space after an English full
 * stop, nothing after a Chinese one (。, or any other non-ASCII end).
 */
static inline void
mc_append_sentence_break(StringInfo buf)
{
	if (buf->len > 0 && (unsigned char) buf->data[buf->len - 1] < 0x80)
		appendStringInfoChar(buf, ' ');
}

/* A code (a stage, a disposition…) as people read it: see mc_label(). */
extern const char *mc_label_cstring(const char *kind, const char *code);

#endif							/* MINECONSOL_I18N_H */
