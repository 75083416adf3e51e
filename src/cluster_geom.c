/*
 * cluster_geom.c
 *		EWKB reader and minimum-distance kernel for merge_cluster().
 *
 * The reader turns the EWKB that the geometry type's send function produces
 * into an McGeom: x/y doubles in one block, with paths (rings, lines, points)
 * and parts (polygons, lines, points) pointing into it.  Z and M are skipped;
 * curves are refused.  It reads every linear type of (E)WKB, nested
 * collections included, in either byte order.
 *
 * mc_distance() is the minimum distance between two such geometries (0 when
 * they touch, overlap or one contains the other), over every part, answered
 * against a bound:
 *   0. two vertices within the bound: in WITHIN mode that is the answer, in
 *      NEAREST mode a tighter bound;
 *   1. cut every path into chunks of up to MC_CHUNK segments with a box, keep
 *      the chunks of each side within the bound of the other side's box, and
 *      narrow both sets against each other's box twice more;
 *   2. sweep the chunks in x order, comparing the segments of chunk pairs
 *      whose boxes are within the current best distance, and stop as soon as
 *      the answer is known (a crossing gives 0; in WITHIN mode anything <=
 *      bound);
 *   3. if no boundary crossing was found, test whether a part of one lies
 *      inside a polygon of the other (one point-in-polygon per part, only
 *      where the boxes nest).
 * Segment distances are computed as PostGIS's lw_dist2d does (projection of
 * an end point, orientation tests for crossings), so results agree with
 * ST_Distance / ST_DWithin except for rounding in the last bits.
 */
#include "postgres.h"

#include <math.h>

#include "miscadmin.h"
#include "port/pg_bswap.h"
#include "utils/float.h"
#include "utils/memutils.h"

#include "cluster.h"

#define MC_ARENA_BLOCK	(4 * 1024 * 1024)

/* EWKB flags and type codes (OGC simple features + PostGIS extensions). */
#define WKB_ZFLAG		0x80000000
#define WKB_MFLAG		0x40000000
#define WKB_SRIDFLAG	0x20000000
#define WKB_POINT		1
#define WKB_LINESTRING	2
#define WKB_POLYGON		3
#define WKB_MULTIPOINT	4
#define WKB_MULTILINE	5
#define WKB_MULTIPOLY	6
#define WKB_COLLECTION	7
#define WKB_CIRCSTRING	8
#define WKB_SURFACE		14
#define WKB_POLYHEDRAL	15
#define WKB_TIN			16
#define WKB_TRIANGLE	17
#define WKB_MAX_DEPTH	32

/* ---------------------------------------------------------------- arena */

void *
mc_arena_alloc(McArena *arena, Size size)
{
	void	   *p;

	size = MAXALIGN(size);
	if (size > arena->left)
	{
		if (size > MC_ARENA_BLOCK / 4)
			return MemoryContextAllocHuge(arena->cxt, size);
		arena->cur = MemoryContextAlloc(arena->cxt, MC_ARENA_BLOCK);
		arena->left = MC_ARENA_BLOCK;
	}
	p = arena->cur;
	arena->cur += size;
	arena->left -= size;
	return p;
}

/* ---------------------------------------------------------------- reader */

/*
 * The reader walks the EWKB twice: pass 1 counts (g == NULL) and checks every
 * count against the bytes that remain, pass 2 fills the arrays sized by pass
 * 1.  Pass 2 writes a part only once it has a path, and checks every index
 * against those sizes as well, so no count in the input can make it write
 * past what was allocated.
 */
typedef struct WkbReader
{
	const uint8 *p;
	const uint8 *end;
	int64		rowno;
	McGeom	   *g;				/* NULL while counting */
	int32		nparts;
	int32		npaths;
	int32		npoints;
	int32		srid;
	/* the part being read: written out by wkb_part_end if it has paths */
	int32		part_kind;
	McBox		part_box;
} WkbReader;

static pg_noinline void
wkb_error(WkbReader *r, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("merge_cluster cannot read the geometry of row %lld",
					(long long) r->rowno),
			 errdetail("%s", detail)));
}

static inline void
wkb_need(WkbReader *r, Size n)
{
	if ((Size) (r->end - r->p) < n)
		wkb_error(r, mc_gettext("The EWKB from the geometry send function ends early."));
}

static inline uint32
wkb_u32(WkbReader *r, bool swap)
{
	uint32		v;

	wkb_need(r, 4);
	memcpy(&v, r->p, 4);
	r->p += 4;
	return swap ? pg_bswap32(v) : v;
}

static inline double
wkb_f64(const uint8 *p, bool swap)
{
	uint64		u;
	double		d;

	memcpy(&u, p, 8);
	if (swap)
		u = pg_bswap64(u);
	memcpy(&d, &u, 8);
	return d;
}

static pg_noinline void
wkb_coord_error(WkbReader *r, double x, double y)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("merge_cluster geometry of row %lld has a coordinate that is not finite or out of range",
					(long long) r->rowno),
			 errdetail("Each coordinate of the vertex (%g %g) must be a finite number with absolute value at most %g.",
					   x, y, MC_MAX_COORD),
			 errhint("merge_cluster measures in a projected coordinate system; transform the geometries first (ST_Transform).")));
}

/* can't happen: pass 2 found more than pass 1 counted in the same bytes */
static pg_noinline void
wkb_pass_mismatch(WkbReader *r)
{
	elog(ERROR, "merge_cluster: the EWKB of row %lld read differently in two passes",
		 (long long) r->rowno);
}

/* Start a part (kept only if it gets paths: see wkb_part_end). */
static inline void
wkb_part_begin(WkbReader *r, int kind)
{
	r->part_kind = kind;
	r->part_box.xmin = r->part_box.ymin = get_float8_infinity();
	r->part_box.xmax = r->part_box.ymax = -get_float8_infinity();
}

static inline void
wkb_part_end(WkbReader *r, int32 first_path)
{
	if (r->npaths == first_path)
		return;					/* empty part: dropped */
	if (r->g)
	{
		McPart	   *part;

		if (r->nparts >= r->g->nparts)
			wkb_pass_mismatch(r);
		part = &r->g->parts[r->nparts];
		part->kind = r->part_kind;
		part->first_path = first_path;
		part->npaths = r->npaths - first_path;
		part->box = r->part_box;
	}
	r->nparts++;
}

/* Read n points of ndims ordinates into a new path of the current part. */
static void
wkb_path(WkbReader *r, bool swap, int ndims, uint32 n)
{
	Size		stride = (Size) ndims * 8;

	if (n == 0)
		return;
	if ((Size) (r->end - r->p) / stride < n)
		wkb_error(r, mc_gettext("The EWKB from the geometry send function ends early."));
	if (r->g)
	{
		McPath	   *path;
		double	   *xy;
		McBox		box = r->part_box;

		if (r->npaths >= r->g->npaths || n > (uint32) (r->g->npoints - r->npoints))
			wkb_pass_mismatch(r);
		path = &r->g->paths[r->npaths];
		xy = r->g->xy + 2 * (Size) r->npoints;
		path->first = r->npoints;
		path->npoints = (int32) n;
		for (uint32 i = 0; i < n; i++)
		{
			double		x = wkb_f64(r->p, swap);
			double		y = wkb_f64(r->p + 8, swap);

			/* NaN fails both tests */
			if (!(fabs(x) <= MC_MAX_COORD) || !(fabs(y) <= MC_MAX_COORD))
				wkb_coord_error(r, x, y);
			xy[2 * i] = x;
			xy[2 * i + 1] = y;
			if (x < box.xmin)
				box.xmin = x;
			if (x > box.xmax)
				box.xmax = x;
			if (y < box.ymin)
				box.ymin = y;
			if (y > box.ymax)
				box.ymax = y;
			r->p += stride;
		}
		r->part_box = box;
	}
	else
		r->p += stride * n;
	r->npaths++;
	r->npoints += (int32) n;
}

/*
 * Walk one WKB/EWKB geometry (recursing into collections), checking its
 * header and counts and handing each ring or line to wkb_points().
 *
 * Over 100 lines on purpose: it is one switch over the WKB geometry types,
 * each case a few lines of bounds checks against the bytes left, and the
 * checks read best next to the format they guard; split up, each piece
 * would need the whole reader state and the same error paths.
 */
static void
wkb_walk(WkbReader *r, int depth)
{
	uint8		order;
	uint32		type;
	bool		swap,
				hasz,
				hasm;
	int			ndims;
	uint32		n;
	int32		first_path;

	if (depth > WKB_MAX_DEPTH)
		wkb_error(r, mc_gettext("The geometry nests collections too deeply."));
	check_stack_depth();
	wkb_need(r, 1);
	order = *r->p++;
	if (order > 1)
		wkb_error(r, mc_gettext("A byte-order mark is neither 0 nor 1."));
#ifdef WORDS_BIGENDIAN
	swap = (order == 1);
#else
	swap = (order == 0);
#endif
	type = wkb_u32(r, swap);
	hasz = (type & WKB_ZFLAG) != 0;
	hasm = (type & WKB_MFLAG) != 0;
	if (type & WKB_SRIDFLAG)
	{
		int32		srid = (int32) wkb_u32(r, swap);

		if (depth == 0)
			r->srid = srid;
	}
	type &= 0x0FFFFFFF;
	if (type >= 1000 && type < 4000)
	{
		/* ISO WKB: 1000s are Z, 2000s M, 3000s ZM */
		hasz = hasz || (type / 1000) != 2;
		hasm = hasm || (type / 1000) >= 2;
		type %= 1000;
	}
	ndims = 2 + (hasz ? 1 : 0) + (hasm ? 1 : 0);

	switch (type)
	{
		case WKB_POINT:
			{
				double		x,
							y;

				wkb_need(r, (Size) ndims * 8);
				x = wkb_f64(r->p, swap);
				y = wkb_f64(r->p + 8, swap);
				if (isnan(x) && isnan(y))
				{
					r->p += (Size) ndims * 8;	/* POINT EMPTY */
					break;
				}
				first_path = r->npaths;
				wkb_part_begin(r, MC_PART_POINT);
				wkb_path(r, swap, ndims, 1);
				wkb_part_end(r, first_path);
			}
			break;
		case WKB_LINESTRING:
			n = wkb_u32(r, swap);
			first_path = r->npaths;
			wkb_part_begin(r, MC_PART_LINE);
			wkb_path(r, swap, ndims, n);
			wkb_part_end(r, first_path);
			break;
		case WKB_POLYGON:
		case WKB_TRIANGLE:
			n = wkb_u32(r, swap);
			/* every ring takes at least its 4-byte point count */
			if ((Size) (r->end - r->p) / 4 < n)
				wkb_error(r, mc_gettext("The EWKB from the geometry send function ends early."));
			first_path = r->npaths;
			wkb_part_begin(r, MC_PART_POLYGON);
			for (uint32 i = 0; i < n; i++)
			{
				uint32		npts = wkb_u32(r, swap);

				if (npts == 0 && i == 0)
				{
					/* an empty shell: the polygon is empty; skip its rings */
					for (i = 1; i < n; i++)
					{
						npts = wkb_u32(r, swap);
						if ((Size) (r->end - r->p) / ((Size) ndims * 8) < npts)
							wkb_error(r, mc_gettext("The EWKB from the geometry send function ends early."));
						r->p += (Size) ndims * 8 * npts;
					}
					break;
				}
				wkb_path(r, swap, ndims, npts);
			}
			wkb_part_end(r, first_path);
			break;
		case WKB_MULTIPOINT:
		case WKB_MULTILINE:
		case WKB_MULTIPOLY:
		case WKB_COLLECTION:
		case WKB_POLYHEDRAL:
		case WKB_TIN:
			n = wkb_u32(r, swap);
			/* every member takes at least 9 bytes */
			if ((Size) (r->end - r->p) / 9 < n)
				wkb_error(r, mc_gettext("The EWKB from the geometry send function ends early."));
			for (uint32 i = 0; i < n; i++)
				wkb_walk(r, depth + 1);
			break;
		default:
			if (type >= WKB_CIRCSTRING && type <= WKB_SURFACE)
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("merge_cluster does not support curved geometries (row %lld)",
								(long long) r->rowno),
						 errhint("Linearize them first with ST_CurveToLine.")));
			wkb_error(r, psprintf(mc_gettext("Geometry type code %u is not a known (E)WKB type."), type));
	}
}

/*
 * Read one geometry.  Returns NULL for an empty geometry (every part empty);
 * *srid is set either way (0 when the EWKB carries none).
 */
McGeom *
mc_read_ewkb(McArena *arena, const char *wkb, Size len, int64 rowno,
			 McBox *box, int32 *srid)
{
	WkbReader	r;
	McGeom	   *g;
	char	   *mem;
	Size		sz_parts,
				sz_paths;

	/* pass 1: count */
	memset(&r, 0, sizeof(r));
	r.p = (const uint8 *) wkb;
	r.end = r.p + len;
	r.rowno = rowno;
	wkb_walk(&r, 0);
	*srid = r.srid;
	if (r.npoints == 0)
		return NULL;

	sz_parts = MAXALIGN(sizeof(McPart) * r.nparts);
	sz_paths = MAXALIGN(sizeof(McPath) * r.npaths);
	mem = mc_arena_alloc(arena, MAXALIGN(sizeof(McGeom)) + sz_parts + sz_paths +
						 sizeof(double) * 2 * (Size) r.npoints);
	g = (McGeom *) mem;
	mem += MAXALIGN(sizeof(McGeom));
	g->parts = (McPart *) mem;
	mem += sz_parts;
	g->paths = (McPath *) mem;
	mem += sz_paths;
	g->xy = (double *) mem;
	g->nparts = r.nparts;
	g->npaths = r.npaths;
	g->npoints = r.npoints;
	g->srid = r.srid;

	/* pass 2: fill */
	r.p = (const uint8 *) wkb;
	r.g = g;
	r.nparts = r.npaths = r.npoints = 0;
	wkb_walk(&r, 0);
	if (r.nparts != g->nparts || r.npaths != g->npaths || r.npoints != g->npoints)
		wkb_pass_mismatch(&r);

	box->xmin = box->ymin = get_float8_infinity();
	box->xmax = box->ymax = -get_float8_infinity();
	for (int32 i = 0; i < g->nparts; i++)
	{
		const McBox *pb = &g->parts[i].box;

		box->xmin = Min(box->xmin, pb->xmin);
		box->ymin = Min(box->ymin, pb->ymin);
		box->xmax = Max(box->xmax, pb->xmax);
		box->ymax = Max(box->ymax, pb->ymax);
	}
	return g;
}

/* ---------------------------------------------------------------- distance */

static inline bool
box_within(const McBox *a, double xmin, double ymin, double xmax, double ymax)
{
	return !(a->xmin > xmax || a->xmax < xmin || a->ymin > ymax || a->ymax < ymin);
}

static inline double
pt_seg_d2(double px, double py, double ax, double ay, double bx, double by)
{
	double		dx = bx - ax,
				dy = by - ay,
				len2 = dx * dx + dy * dy,
				t,
				cx,
				cy;

	if (len2 == 0)
		return (px - ax) * (px - ax) + (py - ay) * (py - ay);
	t = ((px - ax) * dx + (py - ay) * dy) / len2;
	if (t <= 0)
		return (px - ax) * (px - ax) + (py - ay) * (py - ay);
	if (t >= 1)
		return (px - bx) * (px - bx) + (py - by) * (py - by);
	cx = ax + t * dx;
	cy = ay + t * dy;
	return (px - cx) * (px - cx) + (py - cy) * (py - cy);
}

static inline double
orient(double ax, double ay, double bx, double by, double cx, double cy)
{
	return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

/*
 * Squared distance between segments a1-a2 and b1-b2 (0 when they meet; a
 * segment may be a single point).
 */
static inline double
seg_seg_d2(double ax1, double ay1, double ax2, double ay2,
		   double bx1, double by1, double bx2, double by2)
{
	double		o1 = orient(ax1, ay1, ax2, ay2, bx1, by1);
	double		o2 = orient(ax1, ay1, ax2, ay2, bx2, by2);
	double		o3 = orient(bx1, by1, bx2, by2, ax1, ay1);
	double		o4 = orient(bx1, by1, bx2, by2, ax2, ay2);
	double		d,
				m;

	if (((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) &&
		((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0)))
		return 0;				/* proper crossing */
#define IN_SPAN(v, p, q) ((v) >= Min(p, q) && (v) <= Max(p, q))
	if ((o1 == 0 && IN_SPAN(bx1, ax1, ax2) && IN_SPAN(by1, ay1, ay2)) ||
		(o2 == 0 && IN_SPAN(bx2, ax1, ax2) && IN_SPAN(by2, ay1, ay2)) ||
		(o3 == 0 && IN_SPAN(ax1, bx1, bx2) && IN_SPAN(ay1, by1, by2)) ||
		(o4 == 0 && IN_SPAN(ax2, bx1, bx2) && IN_SPAN(ay2, by1, by2)))
		return 0;				/* an end point lies on the other segment */
#undef IN_SPAN
	m = pt_seg_d2(bx1, by1, ax1, ay1, ax2, ay2);
	d = pt_seg_d2(bx2, by2, ax1, ay1, ax2, ay2);
	m = Min(m, d);
	d = pt_seg_d2(ax1, ay1, bx1, by1, bx2, by2);
	m = Min(m, d);
	d = pt_seg_d2(ax2, ay2, bx1, by1, bx2, by2);
	return Min(m, d);
}

/*
 * Make room for need chunks on side a or b of the scratch space (what the
 * side held is kept; its active list is scratch, rebuilt by each sweep).
 */
static void
scratch_grow(McDistScratch *s, bool side_a, int32 need)
{
	McChunk   **chunks = side_a ? &s->a : &s->b;
	int32	  **act = side_a ? &s->act_a : &s->act_b;
	int32	   *cap = side_a ? &s->cap_a : &s->cap_b;
	Size		newcap;
	McChunk    *newchunks;
	int32	   *newact;

	if (need <= *cap)
		return;
	newcap = Max((Size) need, (Size) *cap * 2);
	newcap = Max(newcap, 64);
	newchunks = MemoryContextAllocHuge(s->cxt, newcap * sizeof(McChunk));
	newact = MemoryContextAllocHuge(s->cxt, newcap * sizeof(int32));
	if (*chunks)
	{
		memcpy(newchunks, *chunks, sizeof(McChunk) * *cap);
		pfree(*chunks);
		pfree(*act);
	}
	*chunks = newchunks;
	*act = newact;
	*cap = (int32) newcap;
}

static inline bool
chunk_near(const McChunk *c, double xmin, double ymin, double xmax, double ymax)
{
	return !(c->xmax < xmin || c->xmin > xmax || c->ymax < ymin || c->ymin > ymax);
}

/*
 * Cut the paths of g into chunks and keep those within bound of box, into
 * side a or b of the scratch space.
 */
static int32
collect_chunks(McDistScratch *s, bool side_a, const McGeom *g,
			   const McBox *box, double bound)
{
	double		xmin = box->xmin - bound,
				ymin = box->ymin - bound,
				xmax = box->xmax + bound,
				ymax = box->ymax + bound;
	int32		n = 0;

	for (int32 p = 0; p < g->nparts; p++)
	{
		const McPart *part = &g->parts[p];

		if (!box_within(&part->box, xmin, ymin, xmax, ymax))
			continue;
		CHECK_FOR_INTERRUPTS();
		for (int32 k = part->first_path; k < part->first_path + part->npaths; k++)
		{
			const McPath *path = &g->paths[k];
			const double *xy = g->xy + 2 * (Size) path->first;
			int32		nseg = path->npoints - 1;
			McChunk    *out;

			scratch_grow(s, side_a, n + nseg / MC_CHUNK + 1);
			out = side_a ? s->a : s->b;
			for (int32 first = 0; first < Max(nseg, 1); first += MC_CHUNK)
			{
				int32		npts = Min(MC_CHUNK, nseg - first) + 1;
				const double *q = xy + 2 * first;
				McChunk    *c = &out[n];

				npts = Max(npts, 1);
				c->pts = q;
				c->npts = npts;
				c->xmin = c->xmax = q[0];
				c->ymin = c->ymax = q[1];
				for (int32 i = 1; i < npts; i++)
				{
					double		x = q[2 * i],
								y = q[2 * i + 1];

					if (x < c->xmin)
						c->xmin = x;
					else if (x > c->xmax)
						c->xmax = x;
					if (y < c->ymin)
						c->ymin = y;
					else if (y > c->ymax)
						c->ymax = y;
				}
				if (chunk_near(c, xmin, ymin, xmax, ymax))
					n++;
			}
		}
	}
	return n;
}

/* Keep only the chunks within bound of box; returns the new count. */
static int32
filter_chunks(McChunk *chunks, int32 n, const McBox *box, double bound)
{
	int32		m = 0;

	for (int32 i = 0; i < n; i++)
	{
		if (!chunk_near(&chunks[i], box->xmin - bound, box->ymin - bound,
						box->xmax + bound, box->ymax + bound))
			continue;
		if (m != i)
			chunks[m] = chunks[i];
		m++;
	}
	return m;
}

static McBox
chunks_box(const McChunk *chunks, int32 n)
{
	McBox		b;

	b.xmin = b.ymin = get_float8_infinity();
	b.xmax = b.ymax = -get_float8_infinity();
	for (int32 i = 0; i < n; i++)
	{
		b.xmin = Min(b.xmin, chunks[i].xmin);
		b.ymin = Min(b.ymin, chunks[i].ymin);
		b.xmax = Max(b.xmax, chunks[i].xmax);
		b.ymax = Max(b.ymax, chunks[i].ymax);
	}
	return b;
}

static int
chunk_cmp_xmin(const void *a, const void *b)
{
	double		x = ((const McChunk *) a)->xmin;
	double		y = ((const McChunk *) b)->xmin;

	return (x > y) - (x < y);
}

/* Running answer of one mc_distance() call. */
typedef struct McBest
{
	double		lim;			/* only distances <= lim matter */
	double		lim2;			/* lim squared, with a hair of slack */
	double		found;			/* smallest distance <= bound seen, or +Inf */
	McDistMode	mode;
} McBest;

/* Segment i of chunk c (a chunk of one point: that point, as a segment). */
static inline void
chunk_segment(const McChunk *c, int32 i, double *x1, double *y1,
			  double *x2, double *y2)
{
	const double *p = c->pts + 2 * i;

	*x1 = p[0];
	*y1 = p[1];
	*x2 = c->npts > 1 ? p[2] : p[0];
	*y2 = c->npts > 1 ? p[3] : p[1];
}

/* Compare the segments of two chunks; true when the answer is final. */
static bool
chunk_pair(const McChunk *ca, const McChunk *cb, McBest *best)
{
	int32		nsa = Max(ca->npts - 1, 1),
				nsb = Max(cb->npts - 1, 1);

	for (int32 i = 0; i < nsa; i++)
	{
		double		ax1,
					ay1,
					ax2,
					ay2;

		chunk_segment(ca, i, &ax1, &ay1, &ax2, &ay2);

		/* this segment against the other chunk's box */
		if (Min(ax1, ax2) - cb->xmax > best->lim || cb->xmin - Max(ax1, ax2) > best->lim ||
			Min(ay1, ay2) - cb->ymax > best->lim || cb->ymin - Max(ay1, ay2) > best->lim)
			continue;
		for (int32 j = 0; j < nsb; j++)
		{
			double		bx1,
						by1,
						bx2,
						by2;
			double		d2;

			chunk_segment(cb, j, &bx1, &by1, &bx2, &by2);
			if (Min(bx1, bx2) - Max(ax1, ax2) > best->lim ||
				Min(ax1, ax2) - Max(bx1, bx2) > best->lim ||
				Min(by1, by2) - Max(ay1, ay2) > best->lim ||
				Min(ay1, ay2) - Max(by1, by2) > best->lim)
				continue;
			d2 = seg_seg_d2(ax1, ay1, ax2, ay2, bx1, by1, bx2, by2);
			if (d2 <= best->lim2)
			{
				double		d = sqrt(d2);

				if (d <= best->lim)
				{
					best->found = d;
					if (d == 0 || best->mode == MC_DIST_WITHIN)
						return true;
					best->lim = d;
					best->lim2 = d2 * (1 + 1e-12);
				}
			}
		}
	}
	return false;
}

/*
 * Sweep the two chunk sets in x order, comparing the segments of chunk pairs
 * whose boxes are within the current best distance.
 */
static void
sweep(McDistScratch *s, int32 na, int32 nb, McBest *best)
{
	int32		ia = 0,
				ib = 0,
				nact_a = 0,
				nact_b = 0;
	uint32		work = 0;

	if (na > 1)
		qsort(s->a, na, sizeof(McChunk), chunk_cmp_xmin);
	if (nb > 1)
		qsort(s->b, nb, sizeof(McChunk), chunk_cmp_xmin);

	while (ia < na || ib < nb)
	{
		bool		from_a = (ib == nb) || (ia < na && s->a[ia].xmin <= s->b[ib].xmin);
		const McChunk *cur = from_a ? &s->a[ia] : &s->b[ib];
		const McChunk *other = from_a ? s->b : s->a;
		int32	   *act = from_a ? s->act_b : s->act_a;
		int32	   *nact = from_a ? &nact_b : &nact_a;

		for (int32 k = 0; k < *nact; k++)
		{
			const McChunk *o = &other[act[k]];

			if (o->xmax < cur->xmin - best->lim)
			{
				act[k--] = act[--(*nact)];	/* passed for good */
				continue;
			}
			if (o->ymin - cur->ymax > best->lim || cur->ymin - o->ymax > best->lim)
				continue;
			if ((++work & 0x3FF) == 0)
				CHECK_FOR_INTERRUPTS();
			if (from_a ? chunk_pair(cur, o, best) : chunk_pair(o, cur, best))
				return;
		}
		if (from_a)
			s->act_a[nact_a++] = ia++;
		else
			s->act_b[nact_b++] = ib++;
	}
}

static bool
point_in_ring(double x, double y, const double *xy, int32 n)
{
	bool		inside = false;

	for (int32 i = 0, j = n - 1; i < n; j = i++)
	{
		double		xi = xy[2 * i],
					yi = xy[2 * i + 1],
					xj = xy[2 * j],
					yj = xy[2 * j + 1];

		if ((yi > y) != (yj > y) &&
			x < xi + (y - yi) * (xj - xi) / (yj - yi))
			inside = !inside;
	}
	return inside;
}

/* Is (x, y) in the interior of polygon part q of g (inside the shell, outside every hole)? */
static bool
point_in_polygon(double x, double y, const McGeom *g, const McPart *q)
{
	const McPath *shell = &g->paths[q->first_path];

	if (!point_in_ring(x, y, g->xy + 2 * (Size) shell->first, shell->npoints))
		return false;
	for (int32 k = q->first_path + 1; k < q->first_path + q->npaths; k++)
	{
		const McPath *hole = &g->paths[k];

		if (point_in_ring(x, y, g->xy + 2 * (Size) hole->first, hole->npoints))
			return false;
	}
	return true;
}

/*
 * Does some part of a lie inside a polygon of b?  Only meaningful once we
 * know that no boundaries cross: then a part is inside a polygon exactly when
 * its first point is.
 */
static bool
some_part_inside(const McGeom *a, const McGeom *b)
{
	for (int32 p = 0; p < a->nparts; p++)
	{
		const McPart *pa = &a->parts[p];
		const double *v = a->xy + 2 * (Size) a->paths[pa->first_path].first;

		CHECK_FOR_INTERRUPTS();
		for (int32 q = 0; q < b->nparts; q++)
		{
			const McPart *qb = &b->parts[q];

			if ((q & 0xFFF) == 0xFFF)
				CHECK_FOR_INTERRUPTS();
			if (qb->kind != MC_PART_POLYGON ||
				pa->box.xmin < qb->box.xmin || pa->box.xmax > qb->box.xmax ||
				pa->box.ymin < qb->box.ymin || pa->box.ymax > qb->box.ymax)
				continue;
			if (point_in_polygon(v[0], v[1], b, qb))
				return true;
		}
	}
	return false;
}

/* The vertex of g nearest to (x, y), as an index into g->xy. */
static inline int32
nearest_vertex(const McGeom *g, double x, double y)
{
	int32		best = 0;
	double		bd = get_float8_infinity();

	for (int32 i = 0; i < g->npoints; i++)
	{
		double		dx = g->xy[2 * i] - x,
					dy = g->xy[2 * i + 1] - y,
					d = dx * dx + dy * dy;

		if (d < bd)
		{
			bd = d;
			best = i;
		}
	}
	return best;
}

/*
 * An upper bound of the distance between a and b: from a's vertex nearest to
 * the centre of b's box to b's vertex nearest to that one.
 */
static double
vertex_upper_bound(const McGeom *a, const McGeom *b, const McBox *bbox)
{
	int32		ia = nearest_vertex(a, (bbox->xmin + bbox->xmax) / 2, (bbox->ymin + bbox->ymax) / 2);
	double		ax = a->xy[2 * ia],
				ay = a->xy[2 * ia + 1];
	int32		ib = nearest_vertex(b, ax, ay);
	double		dx = b->xy[2 * ib] - ax,
				dy = b->xy[2 * ib + 1] - ay;

	return sqrt(dx * dx + dy * dy);
}

/*
 * Minimum distance between a and b if it is <= bound, else +Infinity.  In
 * WITHIN mode any distance <= bound may come back (not necessarily the
 * smallest); in NEAREST mode it is the minimum.
 */
double
mc_distance(McDistScratch *s, const McGeom *a, const McBox *abox,
			const McGeom *b, const McBox *bbox, double bound, McDistMode mode)
{
	int32		na,
				nb;
	McBest		best;

	CHECK_FOR_INTERRUPTS();
	best.lim = bound;
	best.lim2 = bound * bound * (1 + 1e-12);
	best.found = get_float8_infinity();
	best.mode = mode;

	/*
	 * Two vertices within the bound: in WITHIN mode that settles it (most
	 * pairs asked about in dense districts are well within reach); in
	 * NEAREST mode it is a tighter bound to prune with.
	 */
	{
		double		d = vertex_upper_bound(a, b, bbox);

		if (d <= bound)
		{
			if (mode == MC_DIST_WITHIN || d == 0)
				return d;
			/* NEAREST: the minimum is at most this; prune with it */
			best.found = best.lim = d;
			best.lim2 = d * d * (1 + 1e-12);
		}
	}

	na = collect_chunks(s, true, a, bbox, best.lim);
	nb = na > 0 ? collect_chunks(s, false, b, abox, best.lim) : 0;
	for (int round = 0; round < 2 && na > 0 && nb > 0; round++)
	{
		McBox		box = chunks_box(s->a, na);

		nb = filter_chunks(s->b, nb, &box, best.lim);
		if (nb == 0)
			break;
		box = chunks_box(s->b, nb);
		na = filter_chunks(s->a, na, &box, best.lim);
	}
	if (na > 0 && nb > 0)
	{
		sweep(s, na, nb, &best);
		if (best.found == 0 || (mode == MC_DIST_WITHIN && best.found <= bound))
			return best.found;
	}
	/* no crossing: 0 only if one lies inside the other */
	if (some_part_inside(a, b) || some_part_inside(b, a))
		return 0;
	return best.found;
}
