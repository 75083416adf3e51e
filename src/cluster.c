/*
 * cluster.c
 *		merge_cluster(geom, ore_body, reach, anchor): the plan's merge rule
 *		(M1/L2) as a window function.
 *
 * The whole partition is computed when the first row is asked for, the
 * cluster number of every row kept in WinGetPartitionLocalMemory, and the
 * later rows answered by lookup (the pattern of PostGIS's lwgeom_window.c).
 *
 * Computing a partition:
 *   1. Read every row once.  The geometry goes through the geometry type's
 *      binary send function (found in the catalog, cached in fn_extra) and
 *      our own EWKB reader into a compact x/y store (cluster_geom.c); ore
 *      bodies are interned to small integers.  Rows with a NULL or empty
 *      geometry or a NULL ore body take no part.
 *   2. Per ore body, a uniform grid over the bounding boxes grown by half
 *      the ore body's largest reach: every box is entered in the cells it
 *      covers, the entries are radix-sorted by cell, and each candidate pair
 *      is looked at in exactly one cell (the one holding the lower-left
 *      corner of the two grown boxes' overlap).
 *   3. Pass 1, non-anchor pairs: skip pairs already in one group (union-find),
 *      drop pairs whose boxes are further apart than max(reach), and join
 *      the rest when the exact distance is within reach (early exit).
 *      Pass 2, anchor/non-anchor pairs: the exact distance, bounded by the
 *      group's best anchor so far, keeps the nearest anchor per group (ties:
 *      the anchor first in window order).
 *   4. Each group is joined to its anchor; clusters of two or more rows are
 *      numbered 1..k in the order of their first row in the window.
 *
 * Memory is the geometry store (16 bytes per vertex plus small headers),
 * about 80 bytes per row, and the grid of the largest ore body; all of it
 * lives in one memory context that is deleted before the first row is
 * returned.  Only the int32 result per row stays, in partition memory.
 */
#include "postgres.h"

#include <math.h>

#include "common/hashfn.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "windowapi.h"

#include "cluster.h"
#include "mineconsol.h"

/* What fn_extra keeps for the duration of the query. */
typedef struct McCallCache
{
	FmgrInfo	send;			/* the geometry type's typsend */
	bool		reach_stable;	/* reach is the same for every row */
	bool		anchor_stable;	/* anchor is the same for every row */
} McCallCache;

/* What WinGetPartitionLocalMemory keeps: the answer for every row. */
typedef struct McPartition
{
	bool		done;
	int32		cluster[FLEXIBLE_ARRAY_MEMBER];	/* 0 means NULL */
} McPartition;

typedef struct McRow
{
	McBox		box;
	McGeom	   *geom;			/* NULL: the row takes no part */
	double		reach;
	int32		ore;			/* interned ore body, -1 when NULL */
	bool		anchor;
} McRow;

typedef struct McOre
{
	char	   *name;
	int32		len;
	uint32		hash;
	double		maxreach;
	int32		nrows;			/* rows taking part */
	bool		has_anchor;
} McOre;

/* Grid entry: a cell key and a row. */
typedef struct McEntry
{
	uint64		key;
	int32		row;
} McEntry;

typedef struct McWork
{
	MemoryContext cxt;
	MemoryContext rowcxt;
	int32		nrows;
	McRow	   *rows;
	McArena		arena;
	McDistScratch dist;

	/* ore bodies */
	McOre	   *ores;
	int32		nores;
	int32		cap_ores;
	int32	   *ore_slots;		/* open addressing: index into ores, -1 free */
	int32		ore_mask;
	int32		last_ore;

	/* partition-wide SRID */
	bool		have_srid;
	int32		srid;
	int64		srid_row;

	/* groups */
	int32	   *parent;
	int32	   *size;
	double	   *best_d;			/* per group root: distance to best anchor */
	int32	   *best_a;			/* per group root: best anchor, -1 none */
} McWork;

/* The grid of one ore body. */
typedef struct McGrid
{
	double		ox,
				oy;				/* origin */
	double		cell;			/* cell size */
	double		grow;			/* boxes grown by this much */
	int			ybits;			/* key = cx << ybits | cy */
	int			keybits;		/* bits of the largest key */
} McGrid;

/* ---------------------------------------------------------------- input */

static pg_noinline void
reach_error(double reach, int64 rowno)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("merge_cluster reach must be a finite non-negative number, got %g",
					reach),
			 errdetail("Row %lld of the window partition has reach %g.",
					   (long long) rowno, reach)));
}

static inline double
check_reach(Datum d, bool isnull, int64 rowno)
{
	double		reach;

	if (isnull)
		return 0.0;				/* NULL reach counts as 0 */
	reach = DatumGetFloat8(d);
	if (!(reach >= 0) || isinf(reach))
		reach_error(reach, rowno);
	return reach;
}

static int32
intern_ore(McWork *w, const char *s, int32 len)
{
	uint32		h;
	int32		slot;

	/* consecutive rows usually share their ore body */
	if (w->last_ore >= 0)
	{
		McOre	   *o = &w->ores[w->last_ore];

		if (o->len == len && memcmp(o->name, s, len) == 0)
			return w->last_ore;
	}
	h = hash_bytes((const unsigned char *) s, len);
	for (slot = h & w->ore_mask;; slot = (slot + 1) & w->ore_mask)
	{
		int32		k = w->ore_slots[slot];

		if (k < 0)
			break;
		if (w->ores[k].hash == h && w->ores[k].len == len &&
			memcmp(w->ores[k].name, s, len) == 0)
			return w->last_ore = k;
	}

	/* new ore body */
	if (w->nores == w->cap_ores)
	{
		w->cap_ores *= 2;
		w->ores = repalloc(w->ores, sizeof(McOre) * w->cap_ores);
	}
	w->ores[w->nores].name = MemoryContextAlloc(w->cxt, Max(len, 1));
	memcpy(w->ores[w->nores].name, s, len);
	w->ores[w->nores].len = len;
	w->ores[w->nores].hash = h;
	w->ores[w->nores].maxreach = 0;
	w->ores[w->nores].nrows = 0;
	w->ores[w->nores].has_anchor = false;
	w->ore_slots[slot] = w->nores;
	w->last_ore = w->nores++;

	/* keep the table at most half full */
	if (w->nores * 2 > w->ore_mask + 1)
	{
		int32		newsize = (w->ore_mask + 1) * 2;

		pfree(w->ore_slots);
		w->ore_slots = MemoryContextAlloc(w->cxt, sizeof(int32) * newsize);
		memset(w->ore_slots, -1, sizeof(int32) * newsize);
		w->ore_mask = newsize - 1;
		for (int32 k = 0; k < w->nores; k++)
		{
			for (slot = w->ores[k].hash & w->ore_mask; w->ore_slots[slot] >= 0;
				 slot = (slot + 1) & w->ore_mask)
				;
			w->ore_slots[slot] = k;
		}
	}
	return w->last_ore;
}

static void
check_srid(McWork *w, int32 srid, int64 rowno)
{
	if (!w->have_srid)
	{
		w->have_srid = true;
		w->srid = srid;
		w->srid_row = rowno;
		return;
	}
	if (srid != w->srid)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("merge_cluster cannot mix SRID %d and SRID %d in one partition",
						w->srid, srid),
				 errdetail("Row %lld has SRID %d, row %lld has SRID %d.",
						   (long long) w->srid_row, w->srid,
						   (long long) rowno, srid),
				 errhint("Transform the geometries to one SRID (ST_Transform) before clustering.")));
}

/* Read every row of the partition (step 1). */
static void
read_partition(WindowObject winobj, McCallCache *cache, McWork *w)
{
	bool		isnull,
				isout;
	Datum		d;
	double		reach_all = 0;
	bool		anchor_all = false;

	if (cache->reach_stable)
	{
		d = WinGetFuncArgCurrent(winobj, 2, &isnull);
		reach_all = check_reach(d, isnull, 1);
	}
	if (cache->anchor_stable)
	{
		d = WinGetFuncArgCurrent(winobj, 3, &isnull);
		anchor_all = !isnull && DatumGetBool(d);
	}

	for (int32 i = 0; i < w->nrows; i++)
	{
		McRow	   *row = &w->rows[i];
		MemoryContext old;
		int32		ore;

		CHECK_FOR_INTERRUPTS();
		row->geom = NULL;
		row->ore = -1;
		if (cache->reach_stable)
			row->reach = reach_all;
		else
		{
			d = WinGetFuncArgInPartition(winobj, 2, i, WINDOW_SEEK_HEAD, false,
										 &isnull, &isout);
			row->reach = check_reach(d, isnull, (int64) i + 1);
		}
		if (cache->anchor_stable)
			row->anchor = anchor_all;
		else
		{
			d = WinGetFuncArgInPartition(winobj, 3, i, WINDOW_SEEK_HEAD, false,
										 &isnull, &isout);
			row->anchor = !isnull && DatumGetBool(d);	/* NULL: not an anchor */
		}

		/*
		 * Each fetch replaces the previous row image, so the ore body is
		 * interned before the geometry is fetched.
		 */
		d = WinGetFuncArgInPartition(winobj, 1, i, WINDOW_SEEK_HEAD, false,
									 &isnull, &isout);
		if (isnull)
			continue;
		old = MemoryContextSwitchTo(w->rowcxt);
		{
			text	   *t = DatumGetTextPP(d);

			ore = intern_ore(w, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
		}
		d = WinGetFuncArgInPartition(winobj, 0, i, WINDOW_SEEK_HEAD, false,
									 &isnull, &isout);
		if (!isnull)
		{
			bytea	   *wkb = SendFunctionCall(&cache->send, d);
			int32		srid;

			row->geom = mc_read_ewkb(&w->arena, VARDATA_ANY(wkb),
									 VARSIZE_ANY_EXHDR(wkb), (int64) i + 1,
									 &row->box, &srid);
			check_srid(w, srid, (int64) i + 1);
		}
		MemoryContextSwitchTo(old);
		MemoryContextReset(w->rowcxt);

		if (row->geom == NULL)
			continue;			/* NULL or empty geometry */
		if (!isfinite(row->box.xmin) || !isfinite(row->box.ymin) ||
			!isfinite(row->box.xmax) || !isfinite(row->box.ymax))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("merge_cluster geometry of row %d has non-finite coordinates",
							i + 1)));
		row->ore = ore;
		w->ores[ore].nrows++;
		w->ores[ore].maxreach = Max(w->ores[ore].maxreach, row->reach);
		if (row->anchor)
			w->ores[ore].has_anchor = true;
	}
}

/* ---------------------------------------------------------------- groups */

static inline int32
uf_find(int32 *parent, int32 x)
{
	while (parent[x] != x)
	{
		parent[x] = parent[parent[x]];	/* path halving */
		x = parent[x];
	}
	return x;
}

static inline void
uf_union(McWork *w, int32 a, int32 b)
{
	a = uf_find(w->parent, a);
	b = uf_find(w->parent, b);
	if (a == b)
		return;
	if (w->size[a] < w->size[b])
	{
		int32		t = a;

		a = b;
		b = t;
	}
	w->parent[b] = a;
	w->size[a] += w->size[b];
}

/* ---------------------------------------------------------------- grid */

static inline int32
grid_cx(const McGrid *g, double x)
{
	return (int32) floor((x - g->ox) / g->cell);
}

static inline int32
grid_cy(const McGrid *g, double y)
{
	return (int32) floor((y - g->oy) / g->cell);
}

static int
cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

static int
bits_for(int64 v)
{
	int			b = 1;

	while (b < 62 && (INT64CONST(1) << b) <= v)
		b++;
	return b;
}

/*
 * Choose the grid of one ore body: the cell is about the median grown box,
 * doubled while large boxes would make too many entries.  Returns the number
 * of entries.
 */
static int64
grid_plan(McWork *w, const int32 *members, int32 m, double grow, McGrid *g)
{
	double		xmin = get_float8_infinity(),
				ymin = get_float8_infinity(),
				xmax = -get_float8_infinity(),
				ymax = -get_float8_infinity();
	int32		nsample = Min(m, 1024);
	double	   *sample = palloc(sizeof(double) * nsample);
	double		extent;
	int64		entries;

	for (int32 k = 0; k < m; k++)
	{
		const McBox *b = &w->rows[members[k]].box;

		xmin = Min(xmin, b->xmin);
		ymin = Min(ymin, b->ymin);
		xmax = Max(xmax, b->xmax);
		ymax = Max(ymax, b->ymax);
	}
	for (int32 k = 0; k < nsample; k++)
	{
		const McBox *b = &w->rows[members[(int64) k * m / nsample]].box;

		sample[k] = Max(b->xmax - b->xmin, b->ymax - b->ymin) + 2 * grow;
	}
	qsort(sample, nsample, sizeof(double), cmp_double);
	g->grow = grow;
	g->ox = xmin - grow;
	g->oy = ymin - grow;
	g->cell = sample[nsample / 2];
	pfree(sample);

	/* at most 2^20 cells along an axis, never a zero cell */
	extent = Max(xmax - xmin, ymax - ymin) + 2 * grow;
	g->cell = Max(g->cell, extent / (1 << 20));
	if (!(g->cell > 0) || !isfinite(g->cell))
		g->cell = 1.0;

	for (;;)
	{
		entries = 0;
		for (int32 k = 0; k < m; k++)
		{
			const McBox *b = &w->rows[members[k]].box;

			entries += (int64) (grid_cx(g, b->xmax + grow) - grid_cx(g, b->xmin - grow) + 1) *
				(grid_cy(g, b->ymax + grow) - grid_cy(g, b->ymin - grow) + 1);
		}
		if (entries <= (int64) 8 * m + 1024)
			break;
		g->cell *= 2;
	}
	g->ybits = bits_for(grid_cy(g, ymax + grow) + 1);
	g->keybits = g->ybits + bits_for(grid_cx(g, xmax + grow) + 1);
	return entries;
}

/* Stable LSD radix sort by key (11-bit digits). */
static void
sort_entries(McEntry *e, McEntry *tmp, Size n, int keybits)
{
	Size		count[2048];

	for (int shift = 0; shift < keybits; shift += 11)
	{
		Size		sum = 0;

		memset(count, 0, sizeof(count));
		for (Size i = 0; i < n; i++)
			count[(e[i].key >> shift) & 2047]++;
		for (int d = 0; d < 2048; d++)
		{
			Size		c = count[d];

			count[d] = sum;
			sum += c;
		}
		for (Size i = 0; i < n; i++)
			tmp[count[(e[i].key >> shift) & 2047]++] = e[i];
		memcpy(e, tmp, sizeof(McEntry) * n);
		CHECK_FOR_INTERRUPTS();
	}
}

/* Are the two rows close enough, by their boxes, to be worth a distance? */
static inline bool
boxes_near(const McRow *a, const McRow *b, double r)
{
	double		dx = Max(0, Max(a->box.xmin, b->box.xmin) - Min(a->box.xmax, b->box.xmax));
	double		dy = Max(0, Max(a->box.ymin, b->box.ymin) - Min(a->box.ymax, b->box.ymax));

	return dx <= r && dy <= r && dx * dx + dy * dy <= r * r * (1 + 1e-12);
}

/*
 * One pair, seen in the cell that owns it.  anchors == false: pass 1,
 * non-anchor pairs join groups; anchors == true: pass 2, anchor/non-anchor
 * pairs offer the anchor to the member's group.
 */
static inline void
visit_pair(McWork *w, int32 i, int32 j, bool anchors)
{
	const McRow *a = &w->rows[i],
			   *b = &w->rows[j];
	double		r = Max(a->reach, b->reach);

	if (!anchors)
	{
		if (uf_find(w->parent, i) == uf_find(w->parent, j) || !boxes_near(a, b, r))
			return;
		if (mc_distance(&w->dist, a->geom, &a->box, b->geom, &b->box, r,
						MC_DIST_WITHIN) <= r)
			uf_union(w, i, j);
	}
	else
	{
		int32		m = a->anchor ? j : i;
		int32		an = a->anchor ? i : j;
		int32		g;
		double		bound = r,
					d;

		if (!boxes_near(a, b, r))
			return;
		g = uf_find(w->parent, m);
		if (w->best_a[g] >= 0 && w->best_d[g] < bound)
			bound = w->best_d[g];
		/* the member first, so that one pair always measures the same way */
		d = mc_distance(&w->dist, w->rows[m].geom, &w->rows[m].box,
						w->rows[an].geom, &w->rows[an].box, bound, MC_DIST_NEAREST);
		if (d > bound)
			return;
		if (w->best_a[g] < 0 || d < w->best_d[g] ||
			(d == w->best_d[g] && an < w->best_a[g]))
		{
			w->best_d[g] = d;
			w->best_a[g] = an;
		}
	}
}

/* Steps 2 and 3 for one ore body. */
static void
cluster_ore(McWork *w, const int32 *members, int32 m, const McOre *ore)
{
	McGrid		g;
	int64		n;
	McEntry    *e,
			   *tmp;
	Size		k = 0;

	if (m < 2)
		return;
	n = grid_plan(w, members, m, ore->maxreach / 2, &g);
	e = MemoryContextAllocHuge(w->cxt, sizeof(McEntry) * n);
	for (int32 q = 0; q < m; q++)
	{
		int32		i = members[q];
		const McBox *b = &w->rows[i].box;
		int32		cx0 = grid_cx(&g, b->xmin - g.grow),
					cx1 = grid_cx(&g, b->xmax + g.grow),
					cy0 = grid_cy(&g, b->ymin - g.grow),
					cy1 = grid_cy(&g, b->ymax + g.grow);

		for (int32 cx = cx0; cx <= cx1; cx++)
			for (int32 cy = cy0; cy <= cy1; cy++)
			{
				e[k].key = ((uint64) cx << g.ybits) | (uint64) cy;
				e[k].row = i;
				k++;
			}
	}
	Assert((int64) k == n);
	tmp = MemoryContextAllocHuge(w->cxt, sizeof(McEntry) * n);
	sort_entries(e, tmp, n, g.keybits);
	pfree(tmp);

	for (int pass = 0; pass < 2; pass++)
	{
		bool		anchors = (pass == 1);

		if (anchors && !ore->has_anchor)
			break;
		for (Size s = 0; s < (Size) n;)
		{
			Size		t = s + 1;
			int32		cx,
						cy;

			while (t < (Size) n && e[t].key == e[s].key)
				t++;
			if (t - s < 2)
			{
				s = t;
				continue;
			}
			CHECK_FOR_INTERRUPTS();
			cx = (int32) (e[s].key >> g.ybits);
			cy = (int32) (e[s].key & ((UINT64CONST(1) << g.ybits) - 1));
			for (Size p = s; p < t; p++)
			{
				const McRow *a = &w->rows[e[p].row];
				double		axmin = a->box.xmin - g.grow,
							aymin = a->box.ymin - g.grow,
							axmax = a->box.xmax + g.grow,
							aymax = a->box.ymax + g.grow;

				if (!anchors && a->anchor)
					continue;
				for (Size q = p + 1; q < t; q++)
				{
					const McRow *b = &w->rows[e[q].row];
					double		bxmin = b->box.xmin - g.grow,
								bymin = b->box.ymin - g.grow;

					if (anchors ? (a->anchor == b->anchor) : b->anchor)
						continue;
					if (bxmin > axmax || b->box.xmax + g.grow < axmin ||
						bymin > aymax || b->box.ymax + g.grow < aymin)
						continue;
					/* the cell owning the pair holds the overlap's lower-left corner */
					if (grid_cx(&g, Max(axmin, bxmin)) != cx ||
						grid_cy(&g, Max(aymin, bymin)) != cy)
						continue;
					visit_pair(w, e[p].row, e[q].row, anchors);
				}
			}
			s = t;
		}
	}
	pfree(e);
}

/* Steps 2-4 for the whole partition. */
static void
cluster_partition(McWork *w, int32 *result)
{
	int32	   *start,
			   *members;
	bool		any_anchor = false;
	int32	   *number;
	int32		next = 0;

	w->parent = MemoryContextAllocHuge(w->cxt, sizeof(int32) * w->nrows);
	w->size = MemoryContextAllocHuge(w->cxt, sizeof(int32) * w->nrows);
	for (int32 i = 0; i < w->nrows; i++)
	{
		w->parent[i] = i;
		w->size[i] = 1;
	}
	for (int32 o = 0; o < w->nores; o++)
		any_anchor |= w->ores[o].has_anchor;
	if (any_anchor)
	{
		w->best_d = MemoryContextAllocHuge(w->cxt, sizeof(double) * w->nrows);
		w->best_a = MemoryContextAllocHuge(w->cxt, sizeof(int32) * w->nrows);
		for (int32 i = 0; i < w->nrows; i++)
			w->best_a[i] = -1;
	}

	/* rows by ore body, in window order within each (counting sort) */
	start = palloc0(sizeof(int32) * (w->nores + 1));
	for (int32 o = 0; o < w->nores; o++)
		start[o + 1] = start[o] + w->ores[o].nrows;
	members = MemoryContextAllocHuge(w->cxt, sizeof(int32) * Max(start[w->nores], 1));
	{
		int32	   *fill = palloc(sizeof(int32) * Max(w->nores, 1));

		memcpy(fill, start, sizeof(int32) * w->nores);
		for (int32 i = 0; i < w->nrows; i++)
			if (w->rows[i].ore >= 0)
				members[fill[w->rows[i].ore]++] = i;
		pfree(fill);
	}
	for (int32 o = 0; o < w->nores; o++)
		cluster_ore(w, members + start[o], w->ores[o].nrows, &w->ores[o]);

	/* step 4: every group joins its anchor */
	if (any_anchor)
	{
		int32		nattach = 0;
		int32	   *attach = members;	/* reused: pairs (group, anchor) fit */

		for (int32 i = 0; i < w->nrows; i++)
			if (w->rows[i].ore >= 0 && !w->rows[i].anchor &&
				w->parent[i] == i && w->best_a[i] >= 0)
				attach[nattach++] = i;
		for (int32 k = 0; k < nattach; k++)
			uf_union(w, attach[k], w->best_a[attach[k]]);
	}

	/* number the clusters of two or more rows by their first row */
	number = MemoryContextAllocHuge(w->cxt, sizeof(int32) * w->nrows);
	memset(number, 0, sizeof(int32) * w->nrows);
	for (int32 i = 0; i < w->nrows; i++)
	{
		int32		root;

		result[i] = 0;
		if (w->rows[i].ore < 0)
			continue;
		root = uf_find(w->parent, i);
		if (w->size[root] < 2)
			continue;
		if (number[root] == 0)
			number[root] = ++next;
		result[i] = number[root];
	}
}

/* ---------------------------------------------------------------- entry */

static McCallCache *
get_call_cache(FunctionCallInfo fcinfo)
{
	McCallCache *cache = (McCallCache *) fcinfo->flinfo->fn_extra;

	if (cache == NULL)
	{
		Oid			geomtype = get_fn_expr_argtype(fcinfo->flinfo, 0);
		Oid			typsend;
		bool		isvarlena;

		if (!OidIsValid(geomtype))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("merge_cluster cannot determine the type of its geometry argument")));
		getTypeBinaryOutputInfo(geomtype, &typsend, &isvarlena);
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(McCallCache));
		fmgr_info_cxt(typsend, &cache->send, fcinfo->flinfo->fn_mcxt);
		cache->reach_stable = get_fn_expr_arg_stable(fcinfo->flinfo, 2);
		cache->anchor_stable = get_fn_expr_arg_stable(fcinfo->flinfo, 3);
		fcinfo->flinfo->fn_extra = cache;
	}
	return cache;
}

PG_FUNCTION_INFO_V1(mineconsol_merge_cluster);

Datum
mineconsol_merge_cluster(PG_FUNCTION_ARGS)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	int64		nrows = WinGetPartitionRowCount(winobj);
	int64		pos = WinGetCurrentPosition(winobj);
	McPartition *part;

	if (nrows > PG_INT32_MAX / 2)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("merge_cluster cannot cluster a partition of %lld rows",
						(long long) nrows),
				 errhint("Partition the window (PARTITION BY) into smaller parts.")));
	part = WinGetPartitionLocalMemory(winobj,
									  offsetof(McPartition, cluster) +
									  sizeof(int32) * Max(nrows, 1));
	if (!part->done)
	{
		McCallCache *cache = get_call_cache(fcinfo);
		McWork		w;

		memset(&w, 0, sizeof(w));
		w.cxt = AllocSetContextCreate(CurrentMemoryContext, "merge_cluster",
									  ALLOCSET_DEFAULT_SIZES);
		w.rowcxt = AllocSetContextCreate(w.cxt, "merge_cluster row",
										 ALLOCSET_DEFAULT_SIZES);
		w.arena.cxt = w.cxt;
		w.dist.cxt = w.cxt;
		w.nrows = (int32) nrows;
		w.rows = MemoryContextAllocHuge(w.cxt, sizeof(McRow) * Max(nrows, 1));
		w.cap_ores = 16;
		w.ores = MemoryContextAlloc(w.cxt, sizeof(McOre) * w.cap_ores);
		w.ore_mask = 63;
		w.ore_slots = MemoryContextAlloc(w.cxt, sizeof(int32) * (w.ore_mask + 1));
		memset(w.ore_slots, -1, sizeof(int32) * (w.ore_mask + 1));
		w.last_ore = -1;

		read_partition(winobj, cache, &w);
		cluster_partition(&w, part->cluster);

		/* nothing but the answers outlives the computation */
		MemoryContextDelete(w.cxt);
		part->done = true;
	}

	if (part->cluster[pos] == 0)
		PG_RETURN_NULL();
	PG_RETURN_INT32(part->cluster[pos]);
}
