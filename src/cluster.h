/*
 * cluster.h
 *		Geometry store and distance kernel behind merge_cluster().
 *
 * merge_cluster() reads each geometry once, as EWKB from the geometry type's
 * binary send function, into the compact form below (x/y only, doubles, so
 * distances are exact and PostGIS-compatible), and answers "how far apart are
 * these two mining areas" from it.  See cluster.c for the algorithm.
 */
#ifndef MINECONSOL_CLUSTER_H
#define MINECONSOL_CLUSTER_H

#include "postgres.h"

/*
 * The largest coordinate (absolute value) merge_cluster accepts.  No
 * projected system in metres comes near it, and below it every difference
 * and square the kernel and the grid compute stays finite.
 */
#define MC_MAX_COORD	1e15

/* Kinds of part a geometry is made of. */
#define MC_PART_POINT	0
#define MC_PART_LINE	1
#define MC_PART_POLYGON 2

typedef struct McBox
{
	double		xmin,
				ymin,
				xmax,
				ymax;
} McBox;

/* One path: a ring of a polygon, a linestring, or a single point. */
typedef struct McPath
{
	int32		first;			/* index of its first point in McGeom.xy */
	int32		npoints;
} McPath;

/* One part: a point, a linestring, or a polygon (shell first, then holes). */
typedef struct McPart
{
	McBox		box;
	int32		first_path;
	int32		npaths;
	int32		kind;			/* MC_PART_* */
} McPart;

/* A geometry: its non-empty parts, their paths and their points. */
typedef struct McGeom
{
	int32		nparts;
	int32		npaths;
	int32		npoints;
	int32		srid;
	McPart	   *parts;
	McPath	   *paths;
	double	   *xy;				/* x0, y0, x1, y1, ... */
} McGeom;

/*
 * A run of up to MC_CHUNK consecutive segments of one path (or a lone point)
 * with its bounding box: the unit the distance kernel prunes with.
 */
#define MC_CHUNK 16

typedef struct McChunk
{
	double		xmin,
				xmax,
				ymin,
				ymax;
	const double *pts;			/* first point, x/y interleaved */
	int32		npts;			/* 1 (a point) or 2 .. MC_CHUNK + 1 */
} McChunk;

/* Scratch space of the distance kernel, reused across pairs. */
typedef struct McDistScratch
{
	MemoryContext cxt;
	McChunk    *a,
			   *b;
	int32		cap_a,
				cap_b;
	int32	   *act_a,
			   *act_b;
} McDistScratch;

typedef enum McDistMode
{
	MC_DIST_WITHIN,				/* stop as soon as some distance <= bound */
	MC_DIST_NEAREST				/* the exact minimum, if it is <= bound */
} McDistMode;

/* Bump allocator for the geometries of one partition. */
typedef struct McArena
{
	MemoryContext cxt;
	char	   *cur;
	Size		left;
} McArena;

extern void *mc_arena_alloc(McArena *arena, Size size);

extern McGeom *mc_read_ewkb(McArena *arena, const char *wkb, Size len,
							int64 rowno, McBox *box, int32 *srid);

extern double mc_distance(McDistScratch *s, const McGeom *a, const McBox *abox,
						  const McGeom *b, const McBox *bbox,
						  double bound, McDistMode mode);

#endif							/* MINECONSOL_CLUSTER_H */
