/*
 * corner_points.c
 *		The corner-point table of a mining licence (拐点坐标) read into a
 *		geometry (docs/formats.md, "Corner-point texts" and "Coordinate systems").
 *
 * A licence gives its mining area as numbered corner points in CGCS2000
 * 3-degree Gauss-Krüger coordinates, X = northing and Y = easting, the
 * easting usually carrying the zone number as a prefix (38389373.04 = zone
 * 38, easting 389373.04).  The text comes from documents typed or pasted by
 * people, so the grammar is tolerant of separators and labels and strict
 * about anything that could change the area.
 *
 * Grammar, line by line (lines numbered from 1; \n, \r\n or \r end a line):
 *
 *	Full-width characters U+FF01..U+FF5E count as their ASCII forms
 *	(１２３，：．－), U+3000 and U+00A0 as a space, 、 as a comma.
 *	Separators: white space , ; : |
 *
 *	blank line				skipped
 *	elevation line			contains 标高, 深度 or 高程: exactly two numbers
 *							(signed, with or without 米/m; "1280-1150" is a
 *							range) before any 面积/拐点/共; the larger is the
 *							top.  It ends the sub-area whose points precede
 *							it; with no point before it, it is an error.
 *	point line				[*] NAME X Y, NAME = 0-3 ASCII letters and 1-4
 *							digits, optionally followed by 号 or "." (1, 01,
 *							J1, JD12); X and Y unsigned decimals; nothing
 *							after Y.
 *	label line				no digit at all (拐点编号 X坐标 Y坐标), or a line
 *							with 面积, 拐点, 坐标, 范围, 编号, 点号, 序号, 带
 *							or CGCS (面积：0.09平方公里, 共4个拐点,
 *							2000国家大地坐标系): skipped, not cross-checked
 *							(documents put them before or after the points,
 *							for one sub-area or for all).
 *	anything else			an error naming the first token with a digit;
 *							a line naming the Xi'an 1980 or Beijing 1954
 *							datum (西安, 北京) is refused: only CGCS2000.
 *
 * Sub-areas: each is one polygon.  A new sub-area starts at the first point
 * after an elevation line, after a point that repeats the sub-area's first
 * point (the ring is closed explicitly), or at a point numbered 1 when the
 * current sub-area already has points.  A ring is closed automatically;
 * a point repeating the previous one is dropped.  A ring needs 3 distinct
 * points and must not cross or touch itself (checked with GEOS).  Sub-areas
 * that overlap or touch in plan (stacked elevation ranges) are merged into
 * their union so that the result is a valid MultiPolygon.
 *
 * Zone: every easting must have the zone prefix (8 integer digits, zone
 * 25..45, SRID 4513 + zone - 25) or none (at most 6 digits, SRID 4534 +
 * (3 * zone - 75) / 3, the zone then given by the caller); one text is one
 * zone and one form.
 *
 * The result is returned in the source SRID through the geometry type's
 * binary receive function (EWKB), found from the function's declared
 * result type: no PostGIS headers, no hard-coded OIDs.  The SQL wrapper
 * parse_corner_points() moves it to the working SRID.
 */
#include "postgres.h"

#include <ctype.h>
#include <math.h>

#include <geos_c.h>

#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/tuplestore.h"

#include "mineconsol.h"

#define CP_MIN_ZONE			25
#define CP_MAX_ZONE			45
#define CP_MAX_NAME_LETTERS	3
#define CP_MAX_NAME_DIGITS	4
#define CP_MAX_TOKENS		16

/*
 * Bounds on what one text may hold.  A licence has tens of corner points; these
 * are far above any real text and keep the memory and the time a text costs
 * small.  Beyond them the text is refused as malformed (22P02).
 */
#define CP_MAX_TEXT_BYTES	(1024 * 1024)
#define CP_MAX_LINES		100000	/* so at most as many points */
#define CP_MAX_AREAS		10000
/* digits of a coordinate before and after the decimal point */
#define CP_MAX_COORD_INT_DIGITS		10
#define CP_MAX_COORD_FRAC_DIGITS	10
/* an elevation in metres: |value| < 10^5, at most 6 decimals */
#define CP_MAX_ELEV_INT_DIGITS		5
#define CP_MAX_ELEV_FRAC_DIGITS		6
/* Two crossing segments pass within this distance (m) of GEOS's location. */
#define CP_CROSS_TOLERANCE	1e-3

/* SRIDs of the CGCS2000 3-degree Gauss-Krüger zones (docs/formats.md, "Coordinate systems") */
#define CP_SRID_PREFIXED(zone)		(4513 + (zone) - 25)
#define CP_SRID_UNPREFIXED(zone)	(4534 + (3 * (zone) - 75) / 3)

typedef struct CpLine
{
	int			no;				/* 1-based line number */
	const char *orig;			/* the line as given (UTF-8), not terminated */
	int			origlen;
	char	   *norm;			/* full-width folded, NUL-terminated */
	int		   *map;			/* byte of norm -> byte of orig (+1 sentinel) */
} CpLine;

typedef struct CpToken
{
	const char *s;				/* in CpLine.norm */
	int			len;
	int			off;			/* offset in CpLine.norm */
} CpToken;

typedef struct CpPoint
{
	double		x;				/* northing */
	double		y;				/* easting as given */
	int			line;
	char	   *name;
} CpPoint;

typedef enum CpAreaState
{
	CP_OPEN,					/* takes more points */
	CP_CLOSED,					/* ring closed by a repeated first point */
	CP_DONE						/* elevation range given */
} CpAreaState;

typedef struct CpArea
{
	CpPoint    *pts;
	int			npts;
	int			cap;
	CpAreaState state;
	bool		has_elev;
	char	   *top;			/* elevation numbers as text */
	char	   *bottom;
	int			last_line;		/* last line that belongs to the sub-area */
	int			last_point_line;	/* line of its last point, repeated or not */
} CpArea;

typedef struct CpParse
{
	const char *input;			/* whole text, UTF-8 */
	CpLine	   *lines;
	int			nlines;
	int			zone_arg;		/* 0 when not given */
	int			zone;			/* 0 until the first point */
	bool		prefixed;
	int			zone_line;		/* line of the point that fixed zone/form */
	CpArea	   *areas;
	int			nareas;
	int			cap;
	int			srid;
} CpParse;

/* ---------------------------------------------------------------- errors */

/* At most this many bytes of the input are quoted in a message. */
#define CP_QUOTE_MAX		120

/*
 * UTF-8 bytes (not terminated) as a string in the server encoding, cut at a
 * character boundary with "..." when longer than CP_QUOTE_MAX: messages
 * never echo a whole runaway line.
 */
static char *
cp_to_server(const char *s, int len)
{
	char	   *copy;
	bool		cut = false;

	if (len > CP_QUOTE_MAX)
	{
		len = CP_QUOTE_MAX;
		while (len > 0 && (((unsigned char) s[len]) & 0xC0) == 0x80)
			len--;				/* back to the start of a character */
		cut = true;
	}
	copy = pg_any_to_server(pnstrdup(s, len), len, PG_UTF8);
	return cut ? psprintf("%s...", copy) : copy;
}

/* The line as given, trimmed, in the server encoding. */
static char *
cp_line_text(const CpLine *ln)
{
	const char *s = ln->orig;
	int			len = ln->origlen;

	while (len > 0 && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return cp_to_server(s, len);
}

/* The token as given in the original line (full-width forms kept). */
static char *
cp_token_text(const CpLine *ln, const CpToken *t)
{
	int			from = ln->map[t->off];
	int			to = ln->map[t->off + t->len];

	return cp_to_server(ln->orig + from, to - from);
}

static void cp_error(const CpLine *ln, const char *detail, const char *hint)
			pg_attribute_noreturn();

/*
 * The error of a line: detail and hint are already in the reader's language
 * (callers pass mc_gettext() texts and psprintf(mc_gettext(…), …)).
 */
static void
cp_error(const CpLine *ln, const char *detail, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid corner-point text at line %d: \"%s\"",
					ln->no, cp_line_text(ln)),
			 errdetail("%s", detail),
			 hint ? errhint("%s", hint) : 0));
}

static const CpLine *
cp_line(const CpParse *ps, int no)
{
	return &ps->lines[no - 1];
}

/* ------------------------------------------------------------- lexing */

/*
 * Fold one line: full-width ASCII forms to ASCII, the ideographic space and
 * the no-break space to a space, 、 to a comma; a byte-order mark vanishes.
 * Records, for each byte of the result, where it came from.
 */
static void
cp_fold_line(CpLine *ln)
{
	const unsigned char *s = (const unsigned char *) ln->orig;
	int			n = ln->origlen;
	int			i = 0;
	int			o = 0;

	ln->norm = palloc(n + 1);
	ln->map = palloc(sizeof(int) * (n + 1));
	while (i < n)
	{
		int			clen = 1;
		int			c = -1;

		if (s[i] == 0xEF && i + 2 < n && s[i + 1] == 0xBC &&
			s[i + 2] >= 0x81 && s[i + 2] <= 0xBF)
			c = 0x21 + (s[i + 2] - 0x81), clen = 3;	/* U+FF01..U+FF3F */
		else if (s[i] == 0xEF && i + 2 < n && s[i + 1] == 0xBD &&
				 s[i + 2] >= 0x80 && s[i + 2] <= 0x9E)
			c = 0x60 + (s[i + 2] - 0x80), clen = 3;	/* U+FF40..U+FF5E */
		else if (s[i] == 0xE3 && i + 2 < n && s[i + 1] == 0x80 && s[i + 2] == 0x80)
			c = ' ', clen = 3;	/* U+3000 ideographic space */
		else if (s[i] == 0xE3 && i + 2 < n && s[i + 1] == 0x80 && s[i + 2] == 0x81)
			c = ',', clen = 3;	/* U+3001 、 */
		else if (s[i] == 0xC2 && i + 1 < n && s[i + 1] == 0xA0)
			c = ' ', clen = 2;	/* U+00A0 */
		else if (s[i] == 0xEF && i + 2 < n && s[i + 1] == 0xBB && s[i + 2] == 0xBF)
		{
			i += 3;				/* U+FEFF byte-order mark */
			continue;
		}

		if (c >= 0)
		{
			ln->map[o] = i;
			ln->norm[o++] = (char) c;
			i += clen;
		}
		else
		{
			ln->map[o] = i;
			ln->norm[o++] = (char) s[i++];
		}
	}
	ln->map[o] = n;
	ln->norm[o] = '\0';
}

static bool
cp_is_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' ||
		c == ',' || c == ';' || c == ':' || c == '|';
}

/* Split the folded line into tokens; returns how many (at most max). */
static int
cp_tokenize(const CpLine *ln, CpToken *toks, int max)
{
	const char *p = ln->norm;
	int			n = 0;

	while (*p && n < max)
	{
		const char *start;

		while (*p && cp_is_sep(*p))
			p++;
		if (!*p)
			break;
		start = p;
		while (*p && !cp_is_sep(*p))
			p++;
		toks[n].s = start;
		toks[n].len = (int) (p - start);
		toks[n].off = (int) (start - ln->norm);
		n++;
	}
	return n;
}

static bool
cp_contains(const char *s, const char *word)
{
	return strstr(s, word) != NULL;
}

static bool
cp_contains_ci(const char *s, const char *word)
{
	size_t		wl = strlen(word);

	for (; *s; s++)
		if (pg_strncasecmp(s, word, wl) == 0)
			return true;
	return false;
}

static bool
cp_has_digit(const char *s, int len)
{
	int			i;

	for (i = 0; i < len; i++)
		if (isdigit((unsigned char) s[i]))
			return true;
	return false;
}

/*
 * A point name: 0-3 ASCII letters, 1-4 digits, optionally 号 or ".".
 * Returns the number in it, or -1.
 */
static int
cp_point_name(const CpToken *t)
{
	int			i = 0;
	int			letters = 0;
	int			digits = 0;
	int			value = 0;
	int			rest;

	while (i < t->len && ((t->s[i] >= 'A' && t->s[i] <= 'Z') ||
						  (t->s[i] >= 'a' && t->s[i] <= 'z')))
		i++, letters++;
	while (i < t->len && isdigit((unsigned char) t->s[i]))
	{
		value = value * 10 + (t->s[i] - '0');
		i++, digits++;
	}
	if (letters > CP_MAX_NAME_LETTERS || digits < 1 || digits > CP_MAX_NAME_DIGITS)
		return -1;
	rest = t->len - i;
	if (rest == 0 || (rest == 1 && t->s[i] == '.') ||
		(rest == 3 && memcmp(t->s + i, "号", 3) == 0))
		return value;
	return -1;
}

typedef enum CpNumber
{
	CP_NUMBER_OK,
	CP_NUMBER_BAD,				/* not an unsigned decimal */
	CP_NUMBER_TOO_LONG			/* one, with too many digits */
} CpNumber;

/* Move *i past the ASCII digits of t that start there; how many they were. */
static int
cp_skip_digits(const CpToken *t, int *i)
{
	int			n = 0;

	while (*i < t->len && isdigit((unsigned char) t->s[*i]))
		(*i)++, n++;
	return n;
}

/* An unsigned decimal coordinate, of at most CP_MAX_COORD_*_DIGITS digits. */
static CpNumber
cp_coordinate(const CpToken *t, double *v)
{
	int			i = 0;
	int			digits;
	int			frac = 0;
	char		buf[CP_MAX_COORD_INT_DIGITS + CP_MAX_COORD_FRAC_DIGITS + 3];

	if (i < t->len && t->s[i] == '+')
		i++;
	digits = cp_skip_digits(t, &i);
	if (digits == 0)
		return CP_NUMBER_BAD;
	if (i < t->len && t->s[i] == '.')
	{
		i++;
		frac = cp_skip_digits(t, &i);
		if (frac == 0)
			return CP_NUMBER_BAD;
	}
	if (i != t->len)
		return CP_NUMBER_BAD;
	if (digits > CP_MAX_COORD_INT_DIGITS || frac > CP_MAX_COORD_FRAC_DIGITS)
		return CP_NUMBER_TOO_LONG;
	Assert(t->len < (int) sizeof(buf));
	memcpy(buf, t->s, t->len);
	buf[t->len] = '\0';
	*v = strtod(buf, NULL);
	return CP_NUMBER_OK;
}

static void
cp_coordinate_or_error(const CpLine *ln, const CpToken *t, const char *axis,
					   const char *nm, double *v)
{
	switch (cp_coordinate(t, v))
	{
		case CP_NUMBER_OK:
			return;
		case CP_NUMBER_TOO_LONG:
			cp_error(ln, psprintf(mc_gettext("The %s coordinate of point %s, \"%s\", has more digits than a coordinate in metres: at most %d before and %d after the decimal point."),
								  axis, nm, cp_token_text(ln, t),
								  CP_MAX_COORD_INT_DIGITS, CP_MAX_COORD_FRAC_DIGITS),
					 mc_gettext("Check for digits run together with the next number."));
			break;
		case CP_NUMBER_BAD:
			if (axis[0] == 'X')
				cp_error(ln, psprintf(mc_gettext("The X coordinate of point %s is \"%s\", not a number."),
									  nm, cp_token_text(ln, t)),
						 mc_gettext("X is the northing in metres, e.g. 4254511.83."));
			cp_error(ln, psprintf(mc_gettext("The Y coordinate of point %s is \"%s\", not a number."),
								  nm, cp_token_text(ln, t)),
					 mc_gettext("Y is the easting in metres, usually with the zone prefix, e.g. 38389373.04."));
			break;
	}
}

/* ------------------------------------------------------------- sub-areas */

static CpArea *
cp_new_area(CpParse *ps, const CpLine *ln)
{
	CpArea	   *a;

	if (ps->nareas >= CP_MAX_AREAS)
		cp_error(ln, psprintf(mc_gettext("The text has more than %d sub-areas."), CP_MAX_AREAS),
				 mc_gettext("A licence has a few sub-areas; check that the text is one licence's corner points."));
	if (ps->nareas == ps->cap)
	{
		ps->cap = ps->cap ? ps->cap * 2 : 4;
		ps->areas = ps->areas ? repalloc(ps->areas, sizeof(CpArea) * ps->cap)
			: palloc(sizeof(CpArea) * ps->cap);
	}
	a = &ps->areas[ps->nareas++];
	memset(a, 0, sizeof(*a));
	a->state = CP_OPEN;
	return a;
}

static void
cp_add_point(CpParse *ps, const CpLine *ln, const CpPoint *pt, int name_no)
{
	CpArea	   *a = ps->nareas ? &ps->areas[ps->nareas - 1] : NULL;

	if (a && a->state == CP_OPEN && a->npts > 0)
	{
		CpPoint    *first = &a->pts[0];
		CpPoint    *prev = &a->pts[a->npts - 1];

		if (pt->x == first->x && pt->y == first->y)
		{
			/* the ring is closed explicitly */
			a->state = CP_CLOSED;
			a->last_line = a->last_point_line = pt->line;
			return;
		}
		if (name_no == 1)
			a = NULL;			/* the numbering restarts: a new sub-area */
		else if (pt->x == prev->x && pt->y == prev->y)
		{
			a->last_line = a->last_point_line = pt->line;
			return;				/* a repeated point adds nothing */
		}
	}
	if (a == NULL || a->state != CP_OPEN)
		a = cp_new_area(ps, ln);
	if (a->npts == a->cap)
	{
		a->cap = a->cap ? a->cap * 2 : 8;
		a->pts = a->pts ? repalloc(a->pts, sizeof(CpPoint) * a->cap)
			: palloc(sizeof(CpPoint) * a->cap);
	}
	a->pts[a->npts++] = *pt;
	a->last_line = a->last_point_line = pt->line;
}

/* ------------------------------------------------------------- lines */

static void
cp_zone_hint_missing(CpParse *ps, const CpLine *ln, const char *tok)
{
	cp_error(ln,
			 psprintf(mc_gettext("The easting %s has no zone prefix, and no zone was given."), tok),
			 mc_gettext("Eastings with the zone prefix have 8 digits before the decimal point (38389373.04 is zone 38). "
			 "For eastings without it, give the CGCS2000 3-degree zone: parse_corner_points(text, 38) for the zone of central meridian 114E."));
}

/* Check the easting's zone form against the text's and the caller's. */
static void
cp_check_zone(CpParse *ps, const CpLine *ln, const char *tok, double y)
{
	bool		prefixed;
	int			zone;

	if (y >= 1e8)
		cp_error(ln, psprintf(mc_gettext("The easting %s has more than 8 digits before the decimal point."), tok),
				 mc_gettext("Y is the easting: the zone number followed by 6 digits (38389373.04), or 6 digits alone."));
	if (y >= 1e6 && y < 1e7)
		cp_error(ln, psprintf(mc_gettext("The easting %s has 7 digits before the decimal point: neither a zone-prefixed easting (8 digits) nor a plain one (at most 6)."), tok),
				 mc_gettext("Check for a lost or extra digit."));
	prefixed = (y >= 1e7);
	if (prefixed)
	{
		zone = (int) (y / 1e6);
		if (zone < CP_MIN_ZONE || zone > CP_MAX_ZONE)
			cp_error(ln, psprintf(mc_gettext("The zone prefix %d of the easting %s is not a CGCS2000 3-degree zone of China (%d to %d)."),
								  zone, tok, CP_MIN_ZONE, CP_MAX_ZONE), NULL);
		if (ps->zone_arg && zone != ps->zone_arg)
			cp_error(ln, psprintf(mc_gettext("The easting %s is in zone %d, but zone %d was given."),
								  tok, zone, ps->zone_arg),
					 mc_gettext("Leave out the zone argument for eastings that carry the zone prefix."));
	}
	else
	{
		if (!ps->zone_arg)
			cp_zone_hint_missing(ps, ln, tok);
		zone = ps->zone_arg;
	}

	if (ps->zone == 0)
	{
		ps->zone = zone;
		ps->prefixed = prefixed;
		ps->zone_line = ln->no;
		return;
	}
	if (prefixed != ps->prefixed)
		cp_error(ln, psprintf(prefixed ?
							  mc_gettext("The easting %s is with the zone prefix, but the easting on line %d is without it.") :
							  mc_gettext("The easting %s is without the zone prefix, but the easting on line %d is with it."),
							  tok, ps->zone_line),
				 mc_gettext("One text gives all eastings in one form."));
	if (zone != ps->zone)
		cp_error(ln, psprintf(mc_gettext("The easting %s is in zone %d, but the easting on line %d is in zone %d."),
							  tok, zone, ps->zone_line, ps->zone),
				 mc_gettext("A mining area lies in one zone; give the points of another zone as a separate text."));
}

static void
cp_point_line(CpParse *ps, const CpLine *ln, CpToken *toks, int ntok, int first,
			  int name_no)
{
	CpPoint		pt;
	const CpToken *name = &toks[first];
	char	   *nm = cp_token_text(ln, name);

	pt.line = ln->no;
	pt.name = nm;
	if (ntok - first < 2)
		cp_error(ln, psprintf(mc_gettext("Point %s has no X (northing) and no Y (easting)."), nm),
				 mc_gettext("A corner-point line is the point number, X, then Y."));
	cp_coordinate_or_error(ln, &toks[first + 1], "X", nm, &pt.x);
	if (ntok - first < 3)
		cp_error(ln, psprintf(mc_gettext("Point %s has an X (northing) but no Y (easting)."), nm),
				 mc_gettext("A corner-point line is the point number, X, then Y."));
	cp_coordinate_or_error(ln, &toks[first + 2], "Y", nm, &pt.y);
	if (ntok - first > 3)
		cp_error(ln, psprintf(mc_gettext("Unexpected \"%s\" after the Y coordinate of point %s."),
							  cp_token_text(ln, &toks[first + 3]), nm),
				 mc_gettext("Give one corner point per line: number, X, Y."));
	if (pt.x >= 1e7 && pt.y < 1e7)
		cp_error(ln, psprintf(mc_gettext("X of point %s is %s and Y is %s: X and Y seem to be swapped."),
							  nm, cp_token_text(ln, &toks[first + 1]),
							  cp_token_text(ln, &toks[first + 2])),
				 mc_gettext("X is the northing (7 digits), Y the easting with the zone prefix (8 digits)."));
	if (pt.x >= 1e7 || pt.x <= 0)
		cp_error(ln, psprintf(mc_gettext("The X coordinate %s of point %s is not a northing in China."),
							  cp_token_text(ln, &toks[first + 1]), nm),
				 mc_gettext("X is the northing in metres: at most 7 digits before the decimal point."));
	cp_check_zone(ps, ln, cp_token_text(ln, &toks[first + 2]), pt.y);
	cp_add_point(ps, ln, &pt, name_no);
}

/*
 * The numbers of an elevation line, up to max, as text (sign kept): a sign
 * counts as such only when no digit precedes it ("1280-1150" is a range).
 */
static int
cp_elevation_numbers(const char *s, int len, char **out, int max)
{
	int			n = 0;
	int			i = 0;

	while (i < len)
	{
		int			start = i;
		bool		sign = (s[i] == '+' || s[i] == '-') &&
			!(i > 0 && isdigit((unsigned char) s[i - 1]));

		if (sign)
			i++;
		if (i < len && isdigit((unsigned char) s[i]))
		{
			while (i < len && isdigit((unsigned char) s[i]))
				i++;
			if (i + 1 < len && s[i] == '.' && isdigit((unsigned char) s[i + 1]))
			{
				i++;
				while (i < len && isdigit((unsigned char) s[i]))
					i++;
			}
			if (n < max)
				out[n] = pnstrdup(s + start, i - start);
			n++;
		}
		else
			i = start + 1;
	}
	return n;
}

/* At most CP_MAX_ELEV_*_DIGITS digits, leading zeros not counted. */
static bool
cp_elevation_in_range(const char *s)
{
	int			digits = 0;
	int			frac = 0;

	if (*s == '+' || *s == '-')
		s++;
	while (*s == '0' && isdigit((unsigned char) s[1]))
		s++;
	while (isdigit((unsigned char) *s))
		s++, digits++;
	if (*s == '.')
		for (s++; isdigit((unsigned char) *s); s++)
			frac++;
	return digits <= CP_MAX_ELEV_INT_DIGITS && frac <= CP_MAX_ELEV_FRAC_DIGITS;
}

static double
cp_numeric_value(const char *s)
{
	return strtod(s, NULL);
}

static void
cp_elevation_line(CpParse *ps, const CpLine *ln)
{
	CpArea	   *a = ps->nareas ? &ps->areas[ps->nareas - 1] : NULL;
	const char *cut[] = {"面积", "拐点", "共"};
	int			len = (int) strlen(ln->norm);
	char	   *nums[2];
	int			n;
	int			i;

	for (i = 0; i < (int) lengthof(cut); i++)
	{
		const char *p = strstr(ln->norm, cut[i]);

		if (p && p - ln->norm < len)
			len = (int) (p - ln->norm);
	}
	n = cp_elevation_numbers(ln->norm, len, nums, 2);
	if (n != 2)
		cp_error(ln, psprintf(mc_ngettext("An elevation line gives two elevations (top and bottom), but this one has %d number.",
										  "An elevation line gives two elevations (top and bottom), but this one has %d numbers.",
										  n), n),
				 mc_gettext("Write the range like 开采深度：+124.9米至+12.3米 or 开采标高：由1280米至1150米."));
	if (a == NULL || a->state == CP_DONE)
		cp_error(ln, mc_gettext("The elevation range has no corner points before it."),
				 mc_gettext("An elevation line follows the corner points of its sub-area."));
	for (i = 0; i < 2; i++)
		if (!cp_elevation_in_range(nums[i]))
			cp_error(ln, psprintf(mc_gettext("The elevation \"%s\" is not an elevation in metres: at most %d digits before and %d after the decimal point."),
								  cp_to_server(nums[i], (int) strlen(nums[i])),
								  CP_MAX_ELEV_INT_DIGITS, CP_MAX_ELEV_FRAC_DIGITS),
					 mc_gettext("Write the range like 开采标高：由1280米至1150米."));
	if (cp_numeric_value(nums[0]) >= cp_numeric_value(nums[1]))
		a->top = nums[0], a->bottom = nums[1];
	else
		a->top = nums[1], a->bottom = nums[0];
	a->has_elev = true;
	a->state = CP_DONE;
	a->last_line = ln->no;
}

static void
cp_other_line(const CpLine *ln, CpToken *toks)
{
	static const char *const info[] = {
		"面积", "拐点", "坐标", "范围", "编号", "点号", "序号", "带"
	};
	int			i;

	if (cp_contains(ln->norm, "西安") || cp_contains(ln->norm, "北京") ||
		cp_contains_ci(ln->norm, "xian") || cp_contains_ci(ln->norm, "beijing"))
		cp_error(ln, mc_gettext("The coordinates are not in CGCS2000: only CGCS2000 (2000国家大地坐标系) corner points are read."),
				 mc_gettext("Convert Xi'an 1980 or Beijing 1954 coordinates to CGCS2000 with the province's published parameters first."));
	if (!cp_has_digit(ln->norm, (int) strlen(ln->norm)))
		return;					/* a label: 拐点编号 X坐标 Y坐标 */
	for (i = 0; i < (int) lengthof(info); i++)
		if (cp_contains(ln->norm, info[i]))
			return;
	if (cp_contains_ci(ln->norm, "CGCS"))
		return;

	{
		double		v;

		CpNumber	st = cp_coordinate(&toks[0], &v);

		if (st == CP_NUMBER_TOO_LONG || (st == CP_NUMBER_OK && v >= 1e4))
			cp_error(ln, psprintf(mc_gettext("The line starts with the number \"%s\" instead of a point number."),
								  cp_token_text(ln, &toks[0])),
					 mc_gettext("A corner-point line is the point number (1, J1 …), X, then Y."));
		cp_error(ln, psprintf(mc_gettext("The line starts with \"%s\", which is not a point number, and it is neither an elevation range nor a label."),
							  cp_token_text(ln, &toks[0])),
				 mc_gettext("A corner-point line is the point number (1, J1 …), X, then Y; elevation lines contain 标高 or 深度."));
	}
}

static void
cp_parse_line(CpParse *ps, const CpLine *ln)
{
	CpToken		toks[CP_MAX_TOKENS];
	int			ntok = cp_tokenize(ln, toks, CP_MAX_TOKENS);
	int			first = 0;
	int			name_no;

	if (ntok == 0)
		return;
	if (cp_contains(ln->norm, "标高") || cp_contains(ln->norm, "深度") ||
		cp_contains(ln->norm, "高程"))
	{
		cp_elevation_line(ps, ln);
		return;
	}
	/* an optional marker: "*" alone, or glued to the name ("*1") */
	while (toks[first].len > 0 && toks[first].s[0] == '*')
	{
		toks[first].s++, toks[first].len--, toks[first].off++;
		if (toks[first].len == 0)
		{
			if (++first == ntok)
				return;
		}
	}
	name_no = cp_point_name(&toks[first]);
	if (name_no >= 0)
		cp_point_line(ps, ln, toks, ntok, first, name_no);
	else
		cp_other_line(ln, toks);
}

/* Split the text into lines and fold each. */
static void
cp_split_lines(CpParse *ps)
{
	const char *p = ps->input;
	int			cap = 16;

	ps->lines = palloc(sizeof(CpLine) * cap);
	ps->nlines = 0;
	for (;;)
	{
		const char *e = p;
		CpLine	   *ln;

		while (*e && *e != '\n' && *e != '\r')
			e++;
		if (ps->nlines == cap)
		{
			cap *= 2;
			ps->lines = repalloc(ps->lines, sizeof(CpLine) * cap);
		}
		if (ps->nlines >= CP_MAX_LINES)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid corner-point text: more than %d lines", CP_MAX_LINES),
					 errhint("A licence's corner-point table has tens of lines; pass one licence at a time.")));
		ln = &ps->lines[ps->nlines++];
		ln->no = ps->nlines;
		ln->orig = p;
		ln->origlen = (int) (e - p);
		ln->norm = NULL;		/* folded when it is parsed */
		ln->map = NULL;
		if (*e == '\0')
			break;
		if (*e == '\r' && e[1] == '\n')
			e++;
		p = e + 1;
	}
}

/* ------------------------------------------------------------- GEOS */

typedef struct CpGeosError
{
	char		msg[1024];
} CpGeosError;

static void
cp_geos_error(const char *message, void *userdata)
{
	CpGeosError *err = (CpGeosError *) userdata;

	strlcpy(err->msg, message, sizeof(err->msg));
}

static void
cp_geos_notice(const char *message, void *userdata)
{
}

static GEOSInterruptCallback *cp_prev_interrupt = NULL;

/*
 * Stops GEOS only for a cancel or a termination: InterruptPending alone is
 * also raised by harmless signals (a cache catch-up, a barrier), which
 * CHECK_FOR_INTERRUPTS() then handles without an error, and GEOS would have
 * failed the parse for nothing.  PostGIS tests the same two flags.
 */
static void
cp_geos_interrupt(void)
{
	if (QueryCancelPending || ProcDiePending)
		GEOS_interruptRequest();
	if (cp_prev_interrupt)
		cp_prev_interrupt();
}

/* Distance from (px, py) to the segment a-b. */
static double
cp_segment_distance(double px, double py, double ax, double ay, double bx, double by)
{
	double		dx = bx - ax;
	double		dy = by - ay;
	double		l2 = dx * dx + dy * dy;
	double		t = 0;

	if (l2 > 0)
	{
		t = ((px - ax) * dx + (py - ay) * dy) / l2;
		t = t < 0 ? 0 : (t > 1 ? 1 : t);
	}
	return hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/* What is wrong with a ring, for the error report made after GEOS is done. */
typedef struct CpRingFault
{
	int			area;			/* 0-based sub-area, -1 if none */
	char	   *reason;
	double		lx;				/* location (easting, northing) */
	double		ly;
} CpRingFault;

/* The polygon of sub-area a (x = easting, y = northing), or NULL. */
static GEOSGeometry *
cp_area_polygon(GEOSContextHandle_t h, const CpArea *a)
{
	GEOSCoordSequence *seq = GEOSCoordSeq_create_r(h, a->npts + 1, 2);
	GEOSGeometry *ring;
	int			i;

	if (seq == NULL)
		return NULL;
	for (i = 0; i <= a->npts; i++)
	{
		const CpPoint *pt = &a->pts[i % a->npts];

		if (!GEOSCoordSeq_setXY_r(h, seq, i, pt->y, pt->x))
		{
			GEOSCoordSeq_destroy_r(h, seq);
			return NULL;
		}
	}
	ring = GEOSGeom_createLinearRing_r(h, seq);
	if (ring == NULL)
		return NULL;
	return GEOSGeom_createPolygon_r(h, ring, NULL, 0);
}

/*
 * Build the MultiPolygon of all sub-areas and write it as EWKB into *wkb.
 * Never raises while GEOS objects are alive: a ring fault comes back in
 * *fault, a GEOS failure as false with the message in err.
 */
static bool
cp_geos_build(GEOSContextHandle_t h, CpParse *ps, StringInfo wkb,
			  CpRingFault *fault, CpGeosError *err)
{
	GEOSGeometry **polys = palloc0(sizeof(GEOSGeometry *) * ps->nareas);
	GEOSGeometry *multi = NULL;
	GEOSGeometry *merged = NULL;
	GEOSWKBWriter *writer = NULL;
	bool		ok = false;
	int			i;

	fault->area = -1;
	for (i = 0; i < ps->nareas; i++)
	{
		char	   *reason = NULL;
		GEOSGeometry *loc = NULL;
		char		valid;

		polys[i] = cp_area_polygon(h, &ps->areas[i]);
		if (polys[i] == NULL)
			goto done;
		valid = GEOSisValidDetail_r(h, polys[i], 0, &reason, &loc);
		if (valid == 2)
			goto done;
		if (!valid)
		{
			fault->area = i;
			fault->reason = pstrdup(reason ? reason : mc_gettext("invalid ring"));
			fault->lx = fault->ly = NAN;
			if (loc)
			{
				GEOSGeomGetX_r(h, loc, &fault->lx);
				GEOSGeomGetY_r(h, loc, &fault->ly);
			}
			if (reason)
				GEOSFree_r(h, reason);
			if (loc)
				GEOSGeom_destroy_r(h, loc);
			ok = true;
			goto done;
		}
	}

	multi = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, polys, ps->nareas);
	if (multi == NULL)
		goto done;
	memset(polys, 0, sizeof(GEOSGeometry *) * ps->nareas);	/* now owned by multi */
	switch (GEOSisValid_r(h, multi))
	{
		case 1:
			break;
		case 0:
			/* sub-areas overlap or touch in plan: their union */
			merged = GEOSUnaryUnion_r(h, multi);
			if (merged == NULL)
				goto done;
			if (GEOSGeomTypeId_r(h, merged) == GEOS_POLYGON)
			{
				GEOSGeometry *one[1] = {merged};

				merged = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, one, 1);
				if (merged == NULL)
				{
					GEOSGeom_destroy_r(h, one[0]);
					goto done;
				}
			}
			break;
		default:
			goto done;
	}

	GEOSSetSRID_r(h, merged ? merged : multi, ps->srid);
	writer = GEOSWKBWriter_create_r(h);
	if (writer == NULL)
		goto done;
	GEOSWKBWriter_setIncludeSRID_r(h, writer, 1);
	{
		size_t		size;
		unsigned char *buf = GEOSWKBWriter_write_r(h, writer, merged ? merged : multi, &size);

		if (buf == NULL)
			goto done;
		appendBinaryStringInfo(wkb, (char *) buf, (int) size);
		GEOSFree_r(h, buf);
	}
	ok = true;

done:
	if (writer)
		GEOSWKBWriter_destroy_r(h, writer);
	if (merged)
		GEOSGeom_destroy_r(h, merged);
	if (multi)
		GEOSGeom_destroy_r(h, multi);
	for (i = 0; i < ps->nareas; i++)
		if (polys[i])
			GEOSGeom_destroy_r(h, polys[i]);
	if (!ok && err->msg[0] == '\0')
		strlcpy(err->msg, mc_gettext("unknown GEOS error"), sizeof(err->msg));
	return ok;
}

/* Report a ring that crosses itself, naming the line of the later segment. */
static void
cp_report_ring_fault(CpParse *ps, const CpRingFault *f)
{
	const CpArea *a = &ps->areas[f->area];
	int			near[2] = {-1, -1};
	int			nnear = 0;
	int			i;
	int			j;
	int			line = a->pts[0].line;

	/* the two non-adjacent segments that pass through the location */
	for (i = 0; i < a->npts && nnear < 2 && !isnan(f->lx); i++)
	{
		const CpPoint *p = &a->pts[i];
		const CpPoint *q = &a->pts[(i + 1) % a->npts];

		if (cp_segment_distance(f->lx, f->ly, p->y, p->x, q->y, q->x) > CP_CROSS_TOLERANCE)
			continue;
		if (nnear == 1)
		{
			j = near[0];
			if (i == j + 1 || (j == 0 && i == a->npts - 1))
				continue;		/* adjacent segments meet at their corner */
		}
		near[nnear++] = i;
	}
	if (nnear == 2)
		line = a->pts[near[1]].line;
	else if (nnear == 1)
		line = a->pts[near[0]].line;

	if (nnear == 2)
	{
		const CpPoint *p1 = &a->pts[near[0]];
		const CpPoint *q1 = &a->pts[(near[0] + 1) % a->npts];
		const CpPoint *p2 = &a->pts[near[1]];
		const CpPoint *q2 = &a->pts[(near[1] + 1) % a->npts];

		cp_error(cp_line(ps, line),
				 psprintf(mc_gettext("The ring of sub-area %d crosses itself: the side from point %s to point %s meets the side from point %s to point %s near X %.2f, Y %.2f (%s)."),
						  f->area + 1, p2->name, q2->name, p1->name, q1->name,
						  f->ly, f->lx, f->reason),
				 mc_gettext("Check the order of the corner points against the licence."));
	}
	cp_error(cp_line(ps, line),
			 isnan(f->lx) ?
			 psprintf(mc_gettext("The ring of sub-area %d is not a valid polygon (%s)."),
					  f->area + 1, f->reason) :
			 psprintf(mc_gettext("The ring of sub-area %d is not a valid polygon (%s) near X %.2f, Y %.2f."),
					  f->area + 1, f->reason, f->ly, f->lx),
			 mc_gettext("Check the order of the corner points against the licence."));
}

/* ------------------------------------------------------------- parsing */

static void
cp_parse(CpParse *ps, text *txt, int zone_arg)
{
	char	   *str;
	int			i;

	memset(ps, 0, sizeof(*ps));
	if (VARSIZE_ANY_EXHDR(txt) > CP_MAX_TEXT_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid corner-point text: %zu bytes, more than %d",
						(size_t) VARSIZE_ANY_EXHDR(txt), CP_MAX_TEXT_BYTES),
				 errhint("A licence's corner-point table takes a few kilobytes; pass one licence at a time.")));
	str = text_to_cstring(txt);
	if (zone_arg != 0 && (zone_arg < CP_MIN_ZONE || zone_arg > CP_MAX_ZONE))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("zone %d is not a CGCS2000 3-degree zone of China", zone_arg),
				 errdetail("Zones run from %d (central meridian 75E) to %d (135E).",
						   CP_MIN_ZONE, CP_MAX_ZONE)));
	ps->zone_arg = zone_arg;
	ps->input = pg_server_to_any(str, strlen(str), PG_UTF8);
	cp_split_lines(ps);

	for (i = 0; i < ps->nlines; i++)
	{
		CpLine	   *ln = &ps->lines[i];

		CHECK_FOR_INTERRUPTS();
		cp_fold_line(ln);
		cp_parse_line(ps, ln);
		/* errors after this one quote the line as given, not its folded form */
		pfree(ln->norm);
		pfree(ln->map);
		ln->norm = NULL;
		ln->map = NULL;
	}

	if (ps->nareas == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid corner-point text: no corner points"),
				 errdetail_plural("The text has %d line and no corner point (a point number, X, then Y).",
								  "The text has %d lines and no corner point (a point number, X, then Y).",
								  ps->nlines, ps->nlines)));

	for (i = 0; i < ps->nareas; i++)
	{
		CpArea	   *a = &ps->areas[i];

		if (a->npts < 3)
			cp_error(cp_line(ps, a->last_point_line),
					 psprintf(mc_ngettext("Sub-area %d has %d distinct corner point; a ring needs at least 3.",
										  "Sub-area %d has %d distinct corner points; a ring needs at least 3.",
										  a->npts), i + 1, a->npts),
					 mc_gettext("Sub-areas are separated by elevation lines and by point numbers restarting at 1."));
	}
	ps->srid = ps->prefixed ? CP_SRID_PREFIXED(ps->zone) : CP_SRID_UNPREFIXED(ps->zone);
}

/* Validate the rings with GEOS and return the EWKB of the MultiPolygon. */
static void
cp_build_wkb(CpParse *ps, StringInfo wkb)
{
	GEOSContextHandle_t h;
	CpGeosError err;
	CpRingFault fault;
	volatile bool ok = false;

	err.msg[0] = '\0';
	h = GEOS_init_r();
	if (h == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("could not initialise GEOS")));
	GEOSContext_setErrorMessageHandler_r(h, cp_geos_error, &err);
	GEOSContext_setNoticeMessageHandler_r(h, cp_geos_notice, NULL);
	cp_prev_interrupt = GEOS_interruptRegisterCallback(cp_geos_interrupt);
	PG_TRY();
	{
		ok = cp_geos_build(h, ps, wkb, &fault, &err);
	}
	PG_FINALLY();
	{
		GEOS_interruptRegisterCallback(cp_prev_interrupt);
		cp_prev_interrupt = NULL;
		GEOS_finish_r(h);
	}
	PG_END_TRY();

	CHECK_FOR_INTERRUPTS();
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("GEOS failed on the corner points: %s", err.msg)));
	if (fault.area >= 0)
		cp_report_ring_fault(ps, &fault);
}

/* The geometry from EWKB, through the result type's receive function. */
static Datum
cp_geometry_from_wkb(FunctionCallInfo fcinfo, StringInfo wkb)
{
	Oid			rettype = get_fn_expr_rettype(fcinfo->flinfo);
	Oid			recv;
	Oid			ioparam;

	if (!OidIsValid(rettype))
		elog(ERROR, "could not determine the result type of parse_corner_points_raw");
	getTypeBinaryInputInfo(rettype, &recv, &ioparam);
	return OidReceiveFunctionCall(recv, wkb, ioparam, -1);
}

static int
cp_zone_arg(FunctionCallInfo fcinfo, int n)
{
	if (PG_NARGS() <= n || PG_ARGISNULL(n))
		return 0;
	if (PG_GETARG_INT32(n) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("zone 0 is not a CGCS2000 3-degree zone of China"),
				 errdetail("Zones run from %d (central meridian 75E) to %d (135E).",
						   CP_MIN_ZONE, CP_MAX_ZONE)));
	return PG_GETARG_INT32(n);
}

/*
 * parse_corner_points_raw(text, zone int DEFAULT NULL) -> geometry
 *		The MultiPolygon in the SRID of the zone the text is in.
 */
PG_FUNCTION_INFO_V1(mc_parse_corner_points_raw);
Datum
mc_parse_corner_points_raw(PG_FUNCTION_ARGS)
{
	CpParse		ps;
	StringInfoData wkb;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	cp_parse(&ps, PG_GETARG_TEXT_PP(0), cp_zone_arg(fcinfo, 1));
	initStringInfo(&wkb);
	cp_build_wkb(&ps, &wkb);
	PG_RETURN_DATUM(cp_geometry_from_wkb(fcinfo, &wkb));
}

/*
 * corner_point_elevations(text, zone int DEFAULT NULL)
 *		-> table(sub_area, line_from, line_to, points, elev_top, elev_bottom)
 *		One row per sub-area, after the same checks as the parser.
 */
PG_FUNCTION_INFO_V1(mc_corner_point_elevations);
Datum
mc_corner_point_elevations(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	CpParse		ps;
	StringInfoData wkb;
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	cp_parse(&ps, PG_GETARG_TEXT_PP(0), cp_zone_arg(fcinfo, 1));
	initStringInfo(&wkb);
	cp_build_wkb(&ps, &wkb);

	for (i = 0; i < ps.nareas; i++)
	{
		CpArea	   *a = &ps.areas[i];
		Datum		values[6];
		bool		nulls[6] = {false, false, false, false, false, false};

		values[0] = Int32GetDatum(i + 1);
		values[1] = Int32GetDatum(a->pts[0].line);
		values[2] = Int32GetDatum(a->last_line);
		values[3] = Int32GetDatum(a->npts);
		if (a->has_elev)
		{
			values[4] = DirectFunctionCall3(numeric_in, CStringGetDatum(a->top),
											ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
			values[5] = DirectFunctionCall3(numeric_in, CStringGetDatum(a->bottom),
											ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
		}
		else
		{
			values[4] = values[5] = (Datum) 0;
			nulls[4] = nulls[5] = true;
		}
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
