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
 *      the ore body's largest reach (cell about the median grown box): every
 *      box is entered in the cells it covers (a counting sort into one dense
 *      array), and each candidate pair is looked at only in the first cell
 *      both boxes cover.
 *   3. Pass 1, non-anchor pairs: skip cells and pairs already in one group
 *      (union-find; a crowded cell is sorted into groups and compared only
 *      across them), drop pairs whose boxes are further apart than
 *      max(reach), accept pairs whose boxes or two vertices are within reach,
 *      and measure the rest (cluster_geom.c, stopping once within reach).
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

#include <float.h>
#include <math.h>

#include "common/hashfn.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "portability/instr_time.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "windowapi.h"

#include "cluster.h"
#include "compat.h"
#include "mineconsol.h"

/*
 * The largest partition: the grid of one ore body has up to 4 cells and 8
 * entries per row, counted in int32.
 */
#define MC_MAX_ROWS		(PG_INT32_MAX / 16)

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

/*
 * Grid entry: a row entered in one cell, with what the pair loop needs close
 * at hand (the grown box, rounded outward to float, and the box's first cell).
 */
typedef struct McEntry
{
	float		xmin,
				ymin,
				xmax,
				ymax;
	int32		row;
	int32		cx0,
				cy0;			/* first cell the box covers */
	bool		anchor;
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

	/* counters for the DEBUG1 trace */
	int64		n_entries;
	int64		n_pairs;		/* pairs whose grown boxes overlap */
	int64		n_distances;	/* exact distance computations */
} McWork;

/* The grid of one ore body: ncx * ncy cells of side cell from (ox, oy). */
typedef struct McGrid
{
	double		ox,
				oy;
	double		cell;
	double		grow;			/* boxes grown by this much */
	int32		ncx,
				ncy;
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
		int32		ore = -1;

		CHECK_FOR_INTERRUPTS();
		row->geom = NULL;
		row->ore = -1;

		/* argument expressions and the send function allocate per row */
		old = MemoryContextSwitchTo(w->rowcxt);
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
		if (!isnull)
		{
			text	   *t = DatumGetTextPP(d);

			ore = intern_ore(w, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
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
		}
		MemoryContextSwitchTo(old);
		MemoryContextReset(w->rowcxt);

		if (row->geom == NULL)
			continue;			/* NULL or empty geometry */
		/* the reader refused coordinates that are not finite or beyond MC_MAX_COORD */
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

/*
 * The cell of a coordinate, clamped to the grid: monotone in x, so two boxes
 * whose cell ranges meet still meet after clamping, and never outside
 * 0 .. n - 1 whatever rounding does at the edges.
 */
static inline int32
grid_index(double v, double origin, double cell, int32 n)
{
	double		t = floor((v - origin) / cell);

	if (!(t > 0))
		return 0;				/* also NaN, which finite input never gives */
	if (t >= (double) (n - 1))
		return n - 1;
	return (int32) t;
}

static inline int32
grid_cx(const McGrid *g, double x)
{
	return grid_index(x, g->ox, g->cell, g->ncx);
}

static inline int32
grid_cy(const McGrid *g, double y)
{
	return grid_index(y, g->oy, g->cell, g->ncy);
}

static int
cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

/* At most this many cells along an axis. */
#define MC_GRID_MAX_AXIS	(1 << 20)

/*
 * Choose the grid of one ore body: the cell is about the median grown box,
 * doubled while large boxes would make too many entries or the extent too
 * many cells.  Returns the number of entries.
 *
 * Every coordinate is within MC_MAX_COORD (the reader refuses others) and
 * the growth is capped to a few times that (a larger one makes every pair a
 * candidate all the same), so the extent, the cell and the cell counts are
 * finite; the cell is at least extent / MC_GRID_MAX_AXIS, so each axis starts
 * with at most that many cells, and each round halves them: the loop ends
 * after a few dozen rounds at most, with one cell if need be.
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
	int64		max_cells = (int64) 4 * m + 65536;
	int64		max_entries = (int64) 8 * m + 1024;
	int64		entries = 0;

	grow = Min(grow, 4 * MC_MAX_COORD);
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

	/* never a zero or subnormal cell, at most MC_GRID_MAX_AXIS cells along an axis */
	extent = Max(xmax - xmin, ymax - ymin) + 2 * grow;
	g->cell = Max(g->cell, extent / MC_GRID_MAX_AXIS);
	if (!(g->cell >= DBL_MIN) || !isfinite(g->cell))
		g->cell = Max(extent, 1.0);

	for (;;)
	{
		double		ncx = floor((xmax + grow - g->ox) / g->cell) + 1,
					ncy = floor((ymax + grow - g->oy) / g->cell) + 1;

		CHECK_FOR_INTERRUPTS();
		if (ncx <= MC_GRID_MAX_AXIS && ncy <= MC_GRID_MAX_AXIS &&
			ncx * ncy <= (double) max_cells)
		{
			g->ncx = Max((int32) ncx, 1);
			g->ncy = Max((int32) ncy, 1);
			entries = 0;
			for (int32 k = 0; k < m && entries <= max_entries; k++)
			{
				const McBox *b = &w->rows[members[k]].box;

				if ((k & 0x3FFF) == 0x3FFF)
					CHECK_FOR_INTERRUPTS();
				entries += (int64) (grid_cx(g, b->xmax + grow) - grid_cx(g, b->xmin - grow) + 1) *
					(grid_cy(g, b->ymax + grow) - grid_cy(g, b->ymin - grow) + 1);
			}
			if (entries <= max_entries || (g->ncx == 1 && g->ncy == 1))
				break;
		}
		if (!isfinite(g->cell * 2))
		{
			/* can't happen with finite, bounded input; one cell is always right */
			g->cell = get_float8_infinity();
			g->ncx = g->ncy = 1;
			entries = m;
			break;
		}
		g->cell *= 2;
	}
	return entries;
}

/* float bounds that contain the double ones */
static inline float
float_down(double v)
{
	float		f = (float) v;

	return ((double) f > v) ? nextafterf(f, -INFINITY) : f;
}

static inline float
float_up(double v)
{
	float		f = (float) v;

	return ((double) f < v) ? nextafterf(f, INFINITY) : f;
}

/* Are the two rows close enough, by their boxes, to be worth a distance? */
static inline bool
boxes_near(const McRow *a, const McRow *b, double r)
{
	double		dx = Max(0, Max(a->box.xmin, b->box.xmin) - Min(a->box.xmax, b->box.xmax));
	double		dy = Max(0, Max(a->box.ymin, b->box.ymin) - Min(a->box.ymax, b->box.ymax));

	return dx <= r && dy <= r && dx * dx + dy * dy <= r * r * (1 + 1e-12);
}

/* Is every point of one box within r of every point of the other? */
static inline bool
boxes_within(const McRow *a, const McRow *b, double r)
{
	double		dx = Max(a->box.xmax - b->box.xmin, b->box.xmax - a->box.xmin);
	double		dy = Max(a->box.ymax - b->box.ymin, b->box.ymax - a->box.ymin);

	return dx * dx + dy * dy <= r * r * (1 - 1e-12);
}

/*
 * Pass 1: non-anchors i and j are in different groups; join them if they
 * are within reach.  Returns whether they were joined.
 */
static bool
join_pair(McWork *w, int32 i, int32 j)
{
	const McRow *a = &w->rows[i],
			   *b = &w->rows[j];
	double		r = Max(a->reach, b->reach);

	w->n_pairs++;
	if (!boxes_near(a, b, r))
		return false;
	if (!boxes_within(a, b, r))
	{
		w->n_distances++;
		if (mc_distance(&w->dist, a->geom, &a->box, b->geom, &b->box, r,
						MC_DIST_WITHIN) > r)
			return false;
	}
	uf_union(w, i, j);
	return true;
}

/*
 * Pass 2: anchor an is a candidate for the group of non-anchor m; keep it if
 * it is within reach and nearer than the group's best so far (ties: the
 * anchor first in window order).
 */
static void
offer_anchor(McWork *w, int32 m, int32 an)
{
	const McRow *rm = &w->rows[m],
			   *ra = &w->rows[an];
	double		bound = Max(rm->reach, ra->reach),
				d;
	int32		g;

	w->n_pairs++;
	g = uf_find(w->parent, m);
	if (w->best_a[g] >= 0)
	{
		/* only a nearer anchor, or as near and earlier, can take over */
		if (w->best_d[g] < bound)
			bound = w->best_d[g];
		if (bound == 0 && an > w->best_a[g])
			return;
	}
	if (!boxes_near(rm, ra, bound))
		return;
	w->n_distances++;
	/* always the member first, so that one pair always measures the same */
	d = mc_distance(&w->dist, rm->geom, &rm->box, ra->geom, &ra->box, bound,
					MC_DIST_NEAREST);
	if (d > bound)
		return;
	if (w->best_a[g] < 0 || d < w->best_d[g] ||
		(d == w->best_d[g] && an < w->best_a[g]))
	{
		w->best_d[g] = d;
		w->best_a[g] = an;
	}
}

/*
 * Do the grown boxes of two entries of cell (cx, cy) overlap, and is this
 * the cell that owns the pair (the first cell both boxes cover)?
 */
static inline bool
entries_meet(const McEntry *a, const McEntry *b, int32 cx, int32 cy)
{
	return !(b->xmin > a->xmax || b->xmax < a->xmin ||
			 b->ymin > a->ymax || b->ymax < a->ymin) &&
		Max(a->cx0, b->cx0) == cx && Max(a->cy0, b->cy0) == cy;
}

/* A cell with more entries than this is joined block by block. */
#define MC_CROWDED 48

typedef struct McRootPos
{
	int32		root;
	int32		pos;
} McRootPos;

static int
cmp_rootpos(const void *a, const void *b)
{
	const McRootPos *x = a,
			   *y = b;

	if (x->root != y->root)
		return (x->root > y->root) - (x->root < y->root);
	return (x->pos > y->pos) - (x->pos < y->pos);
}

/*
 * Pass 1 in a crowded cell (a quarry district can put thousands of rows in
 * one cell).  The non-anchor entries are sorted by group into blocks, and
 * only pairs across two blocks that are still apart are looked at; a block
 * pair stops at its first join.  When most rows already form one group this
 * costs about k times the number of other groups instead of k squared.
 */
static void
join_crowded_cell(McWork *w, const McEntry *e, int32 k, int32 cx, int32 cy,
				  int32 *scratch)
{
	McRootPos  *rp = (McRootPos *) palloc(sizeof(McRootPos) * k);
	int32	   *bstart = scratch;	/* block starts, k + 1 fit */
	int32		n = 0,
				nb = 0;

	for (int32 i = 0; i < k; i++)
		if (!e[i].anchor)
		{
			rp[n].root = uf_find(w->parent, e[i].row);
			rp[n].pos = i;
			n++;
		}
	qsort(rp, n, sizeof(McRootPos), cmp_rootpos);
	for (int32 i = 0; i < n; i++)
		if (i == 0 || rp[i].root != rp[i - 1].root)
			bstart[nb++] = i;
	bstart[nb] = n;

	for (int32 bi = 0; bi < nb; bi++)
	{
		for (int32 bj = bi + 1; bj < nb; bj++)
		{
			bool		joined = false;

			CHECK_FOR_INTERRUPTS();
			if (uf_find(w->parent, rp[bstart[bi]].root) ==
				uf_find(w->parent, rp[bstart[bj]].root))
				continue;
			for (int32 x = bstart[bi]; x < bstart[bi + 1] && !joined; x++)
			{
				const McEntry *a = &e[rp[x].pos];

				for (int32 y = bstart[bj]; y < bstart[bj + 1]; y++)
				{
					const McEntry *b = &e[rp[y].pos];

					if ((y & 0xFFF) == 0xFFF)
						CHECK_FOR_INTERRUPTS();
					if (entries_meet(a, b, cx, cy) && join_pair(w, a->row, b->row))
					{
						joined = true;
						break;
					}
				}
			}
		}
	}
	pfree(rp);
}

/*
 * Counting sort of an ore body's rows into the grid's cells (a row enters
 * every cell its grown box touches); rows stay in window order within a
 * cell.  Returns the entries; (*startp)[c] is the end of cell c, that is
 * the start of cell c + 1 (cell 0 starts at 0).
 */
static McEntry *
grid_entries(McWork *w, const int32 *members, int32 m, const McGrid *gp,
			 int64 n, int32 **startp)
{
	const McGrid g = *gp;
	int32		ncells = g.ncx * g.ncy;
	int32	   *start;
	McEntry    *e;

	start = MemoryContextAllocHuge(w->cxt, sizeof(int32) * ((Size) ncells + 1));
	memset(start, 0, sizeof(int32) * ((Size) ncells + 1));
	for (int32 q = 0; q < m; q++)
	{
		const McBox *b = &w->rows[members[q]].box;
		int32		cx0,
					cx1,
					cy0,
					cy1;

		if ((q & 0x3FFF) == 0x3FFF)
			CHECK_FOR_INTERRUPTS();
		cx0 = grid_cx(&g, b->xmin - g.grow);
		cx1 = grid_cx(&g, b->xmax + g.grow);
		cy0 = grid_cy(&g, b->ymin - g.grow);
		cy1 = grid_cy(&g, b->ymax + g.grow);

		for (int32 cy = cy0; cy <= cy1; cy++)
			for (int32 cx = cx0; cx <= cx1; cx++)
				start[cy * g.ncx + cx + 1]++;
	}
	for (int32 c = 0; c < ncells; c++)
		start[c + 1] += start[c];
	e = MemoryContextAllocHuge(w->cxt, sizeof(McEntry) * n);
	for (int32 q = 0; q < m; q++)
	{
		const McRow *row = &w->rows[members[q]];
		McEntry		proto;
		int32		cx1,
					cy1;

		if ((q & 0x3FFF) == 0x3FFF)
			CHECK_FOR_INTERRUPTS();
		proto.xmin = float_down(row->box.xmin - g.grow);
		proto.ymin = float_down(row->box.ymin - g.grow);
		proto.xmax = float_up(row->box.xmax + g.grow);
		proto.ymax = float_up(row->box.ymax + g.grow);
		proto.row = members[q];
		proto.anchor = row->anchor;
		proto.cx0 = grid_cx(&g, row->box.xmin - g.grow);
		proto.cy0 = grid_cy(&g, row->box.ymin - g.grow);
		cx1 = grid_cx(&g, row->box.xmax + g.grow);
		cy1 = grid_cy(&g, row->box.ymax + g.grow);
		for (int32 cy = proto.cy0; cy <= cy1; cy++)
			for (int32 cx = proto.cx0; cx <= cx1; cx++)
				e[start[cy * g.ncx + cx]++] = proto;
	}
	/* start[c] now holds the end of cell c, i.e. the start of cell c + 1 */
	*startp = start;
	return e;
}

/* Pass 1 over the cells: join the groups of non-anchors that meet. */
static void
join_cells(McWork *w, const McEntry *e, const int32 *start, const McGrid *gp)
{
	const McGrid g = *gp;
	int32		ncells = g.ncx * g.ncy;
	int32	   *croot;
	int32		ccap;

	croot = palloc(sizeof(int32) * 64);
	ccap = 64;
	for (int32 c = 0; c < ncells; c++)
	{
		int32		s = c == 0 ? 0 : start[c - 1],
					t = start[c];
		int32		cx = c % g.ncx,
					cy = c / g.ncx;
		bool		one_group = true;

		if (t - s < 2)
			continue;
		CHECK_FOR_INTERRUPTS();

		/*
		 * The group of every entry, at hand; a cell whose rows all belong
		 * to one group already has nothing left to join.
		 */
		if (t - s + 1 > ccap)
		{
			ccap = Max(t - s + 1, ccap * 2);
			croot = repalloc(croot, sizeof(int32) * ccap);
		}
		for (int32 p = s; p < t; p++)
		{
			croot[p - s] = e[p].anchor ? -1 : uf_find(w->parent, e[p].row);
			if (croot[p - s] != croot[0])
				one_group = false;
		}
		if (one_group)
			continue;

		if (t - s > MC_CROWDED)
		{
			join_crowded_cell(w, e + s, t - s, cx, cy, croot);
			continue;
		}

		/*
		 * croot[] may go stale as groups join; a stale root still finds the
		 * current one in a step or two, so it is refreshed only when it
		 * differs from the row's own.
		 */
		for (int32 p = s; p < t; p++)
		{
			const McEntry *a = &e[p];
			int32		rp;

			if (a->anchor)
				continue;
			rp = croot[p - s] = uf_find(w->parent, croot[p - s]);
			for (int32 q = p + 1; q < t; q++)
			{
				const McEntry *b = &e[q];

				if (croot[q - s] == rp || b->anchor)
					continue;
				if (!entries_meet(a, b, cx, cy))
					continue;
				if ((croot[q - s] = uf_find(w->parent, croot[q - s])) == rp)
					continue;
				if (join_pair(w, a->row, b->row))
					rp = croot[p - s] = uf_find(w->parent, rp);
			}
		}
	}
	pfree(croot);
}

/* Pass 2 over the cells: every anchor/non-anchor pair that meets offers the anchor to the group. */
static void
offer_cell_anchors(McWork *w, const McEntry *e, const int32 *start, const McGrid *gp)
{
	const McGrid g = *gp;
	int32		ncells = g.ncx * g.ncy;

	for (int32 c = 0; c < ncells; c++)
	{
		int32		s = c == 0 ? 0 : start[c - 1],
					t = start[c];
		int32		cx = c % g.ncx,
					cy = c / g.ncx;

		if (t - s < 2)
			continue;
		CHECK_FOR_INTERRUPTS();
		for (int32 p = s; p < t; p++)
		{
			const McEntry *a = &e[p];

			CHECK_FOR_INTERRUPTS();
			for (int32 q = p + 1; q < t; q++)
			{
				const McEntry *b = &e[q];

				if (((q - p) & 0xFFF) == 0xFFF)
					CHECK_FOR_INTERRUPTS();
				if (a->anchor == b->anchor || !entries_meet(a, b, cx, cy))
					continue;
				offer_anchor(w, a->anchor ? b->row : a->row,
							 a->anchor ? a->row : b->row);
			}
		}
	}
}

/* Steps 2 and 3 for one ore body. */
static void
cluster_ore(McWork *w, const int32 *members, int32 m, const McOre *ore)
{
	McGrid		g;
	int64		n;
	int32	   *start;
	McEntry    *e;

	if (m < 2)
		return;
	n = grid_plan(w, members, m, ore->maxreach / 2, &g);
	w->n_entries += n;
	e = grid_entries(w, members, m, &g, n, &start);
	join_cells(w, e, start, &g);
	if (ore->has_anchor)
		offer_cell_anchors(w, e, start, &g);
	pfree(e);
	pfree(start);
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

PG_FUNCTION_INFO_V1(mc_merge_cluster);

Datum
mc_merge_cluster(PG_FUNCTION_ARGS)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	int64		nrows = WinGetPartitionRowCount(winobj);
	int64		pos = WinGetCurrentPosition(winobj);
	McPartition *part;

	if (nrows > MC_MAX_ROWS)
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
		MemoryContext old;
		instr_time	t0,
					t1,
					t2;

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

		INSTR_TIME_SET_CURRENT(t0);
		old = MemoryContextSwitchTo(w.cxt);
		read_partition(winobj, cache, &w);
		INSTR_TIME_SET_CURRENT(t1);
		cluster_partition(&w, part->cluster);
		MemoryContextSwitchTo(old);
		INSTR_TIME_SET_CURRENT(t2);
		INSTR_TIME_SUBTRACT(t2, t1);
		INSTR_TIME_SUBTRACT(t1, t0);
		elog(DEBUG1, "merge_cluster: %d rows, %d ore bodies; read %.3f s (%zu kB of work memory), "
			 "clustered %.3f s (%lld grid entries, %lld box pairs, %lld distances)",
			 w.nrows, w.nores, INSTR_TIME_GET_DOUBLE(t1),
			 MemoryContextMemAllocated(w.cxt, true) / 1024,
			 INSTR_TIME_GET_DOUBLE(t2), (long long) w.n_entries,
			 (long long) w.n_pairs, (long long) w.n_distances);

		/* nothing but the answers outlives the computation */
		MemoryContextDelete(w.cxt);
		part->done = true;
	}

	if (part->cluster[pos] == 0)
		PG_RETURN_NULL();
	PG_RETURN_INT32(part->cluster[pos]);
}
