-- Which zones each mine lies in or overlaps: derived from the geometries of
-- mines and zones, kept up to date by statement triggers on both tables, and
-- read by mine_facts.  The spatial tests (ST_Covers, ST_Relate, the overlap
-- area) run once per change of a mine or zone instead of at every
-- classification, where they were a fifth of its time.  They do not depend
-- on as_of or on any parameter.

-- Availability: 0.1.0
CREATE TABLE mine_zone_relations (
	mine_id     bigint NOT NULL,
	zone_id     bigint NOT NULL,
	overlap_km2 float8,
	PRIMARY KEY (mine_id, zone_id)
);
CREATE INDEX mine_zone_relations_zone_idx ON mine_zone_relations (zone_id);
COMMENT ON TABLE mine_zone_relations IS
  'Derived, kept by triggers on mines and zones: one row per mine and zone that relate. A planned or concentrated mining zone relates to a mine it covers (ST_Covers: the whole mining area lies in it); any other zone relates to a mine whose area overlaps it with positive area (interiors meet; touching is not enough). Read through row-level security: a row shows only with its mine and its zone. rebuild_zone_relations() recomputes it.';
COMMENT ON COLUMN mine_zone_relations.mine_id IS 'The mine, mineconsol.mines';
COMMENT ON COLUMN mine_zone_relations.zone_id IS 'The zone, mineconsol.zones';
COMMENT ON COLUMN mine_zone_relations.overlap_km2 IS 'For a red line or protected area (C4): the area of the overlap in km²; NULL for the other kinds';

-- SQL-standard bodies: parsed when the extension is created (the PostGIS
-- functions are bound then, whatever the caller's search_path) and inlined
-- into the queries that call them.
-- Availability: 0.1.0
CREATE FUNCTION zone_relates(zone_kind text, zone geometry, mine geometry) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN zone_kind IN ('planned_mining', 'concentrated_mining')
			THEN ST_Covers(zone, mine)
			-- a covered mine overlaps with positive area; the others need the matrix
			ELSE ST_Intersects(zone, mine) AND (ST_Covers(zone, mine) OR ST_Relate(mine, zone, 'T********')) END;
COMMENT ON FUNCTION zone_relates(text, geometry, geometry) IS
  'Whether a zone of the kind relates to a mine: planned and concentrated mining zones when they cover the mining area, the other kinds when they overlap it with positive area.';

-- Availability: 0.1.0
CREATE FUNCTION zone_overlap_km2(zone_kind text, zone geometry, mine geometry) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN zone_kind IN ('eco_redline', 'nature_reserve', 'scenic_area', 'water_source')
			THEN ST_Area(ST_Intersection(mine, zone)) / 1e6 END;
COMMENT ON FUNCTION zone_overlap_km2(text, geometry, geometry) IS
  'For a red line or protected area (C4): the area in km² that the mining area shares with it; NULL for the other kinds of zone.';

-- Concurrent edits of mines and zones.  A mine's trigger (READ COMMITTED)
-- does not see a zone another transaction is inserting, and the other way
-- round, so an edit of zones must not run beside an edit of the mines it can
-- relate to.  One row per scope in zone_relation_locks serialises exactly
-- that: a county's zones relate only to that county's mines, so a county's
-- zone edit locks its county's row (FOR UPDATE) and a city-wide zone edit the
-- row '*'; a mine edit locks (FOR KEY SHARE) the rows of its counties, old
-- and new, and '*'.  Mine edits never wait for each other, a county's open
-- zone edit holds up only its own county's mine edits, and only the city's
-- zone edits (or rebuild_zone_relations()) hold up every county.  A
-- statement that changes no geometry, kind or county takes no lock at all.
-- No role but the owner may read or lock these rows.
-- Availability: 0.2.0
CREATE TABLE zone_relation_locks (
	scope text PRIMARY KEY
);
ALTER TABLE zone_relation_locks ENABLE ROW LEVEL SECURITY;
COMMENT ON TABLE zone_relation_locks IS
  'One row per county (its code) and one for the city-wide zones (''*''): row locks that order concurrent edits of mines and zones so that mine_zone_relations misses no relation. Written and locked only by the zone-relation triggers and rebuild_zone_relations().';
COMMENT ON COLUMN zone_relation_locks.scope IS 'A county code (that county''s mines and zones), or ''*'' (the city-wide zones)';
INSERT INTO zone_relation_locks (scope) SELECT '*' UNION ALL SELECT code FROM counties;

-- Locks the scopes' rows in a fixed order (creating a missing county's row).
-- Availability: 0.2.0
CREATE FUNCTION zone_relation_lock(scopes text[], exclusive boolean) RETURNS void
LANGUAGE plpgsql VOLATILE STRICT
AS $fn$
DECLARE
	n bigint;
BEGIN
	FOR pass IN 1..2 LOOP
		IF exclusive THEN
			PERFORM FROM mineconsol.zone_relation_locks l
			  WHERE l.scope OPERATOR(pg_catalog.=) ANY (scopes) ORDER BY l.scope FOR UPDATE;
		ELSE
			PERFORM FROM mineconsol.zone_relation_locks l
			  WHERE l.scope OPERATOR(pg_catalog.=) ANY (scopes) ORDER BY l.scope FOR KEY SHARE;
		END IF;
		GET DIAGNOSTICS n = ROW_COUNT;
		-- Every scope has its row (a county added since installation gets
		-- one on first use).
		EXIT WHEN pass OPERATOR(pg_catalog.=) 2
			OR n OPERATOR(pg_catalog.>=) (SELECT pg_catalog.count(DISTINCT s) FROM pg_catalog.unnest(scopes) s);
		INSERT INTO mineconsol.zone_relation_locks (scope)
		SELECT DISTINCT s FROM pg_catalog.unnest(scopes) s WHERE s IS NOT NULL
		ON CONFLICT DO NOTHING;
	END LOOP;
END
$fn$;
COMMENT ON FUNCTION zone_relation_lock(text[], boolean) IS
  'Internal to the zone-relation triggers: locks the rows of zone_relation_locks for the scopes (county codes, ''*'' for city-wide zones) in key order, FOR UPDATE for an edit of zones, FOR KEY SHARE for an edit of mines. Not executable by PUBLIC.';

-- Functions that run as the owner (SECURITY DEFINER) search pg_catalog,
-- mineconsol and PostGIS's schema.  pg_catalog comes first, but an operator
-- or function that matches the argument types better than pg_catalog's wins
-- from any schema on the path: a role that may CREATE in mineconsol's or
-- PostGIS's schema (PostgreSQL before 15 let PUBLIC create in public, a
-- cluster upgraded from one keeps that, and a database's owner owns public)
-- could make the owner run its code.  So each of them first checks that no
-- role but a superuser or the extension's owner may create objects there,
-- nor owns a function or operator there (one left behind while it could),
-- and refuses to run otherwise.
-- Availability: 0.2.0
CREATE FUNCTION owner_search_path_check() RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
	bad record;
BEGIN
	-- Who may create in each schema: its owner (for public from
	-- PostgreSQL 15 the role pg_database_owner, i.e. the database's owner)
	-- and every grantee of CREATE (0: PUBLIC).
	SELECT n.nspname, w.who, w.how INTO bad
	  FROM pg_catalog.pg_namespace n
	 CROSS JOIN LATERAL (
		SELECT CASE WHEN n.nspowner OPERATOR(pg_catalog.=) 'pg_database_owner'::pg_catalog.regrole
					THEN (SELECT d.datdba FROM pg_catalog.pg_database d
						   WHERE d.datname OPERATOR(pg_catalog.=) pg_catalog.current_database())
					ELSE n.nspowner END,
			   CASE WHEN n.nspowner OPERATOR(pg_catalog.=) 'pg_database_owner'::pg_catalog.regrole
					THEN 'owns the database' ELSE 'owns it' END
		UNION ALL
		SELECT a.grantee, 'grant'
		  FROM pg_catalog.aclexplode(n.nspacl) a
		 WHERE a.privilege_type OPERATOR(pg_catalog.=) 'CREATE'
		   AND a.grantee OPERATOR(pg_catalog.<>) n.nspowner) w(who, how)
	 WHERE n.oid IN (SELECT e.extnamespace FROM pg_catalog.pg_extension e
					  WHERE e.extname OPERATOR(pg_catalog.=) ANY ('{mineconsol,postgis}'::text[]))
	   AND (w.who OPERATOR(pg_catalog.=) 0
			OR NOT EXISTS (SELECT FROM pg_catalog.pg_roles r
							WHERE r.oid OPERATOR(pg_catalog.=) w.who
							  AND (r.rolsuper
								   OR r.oid OPERATOR(pg_catalog.=) (SELECT e.extowner FROM pg_catalog.pg_extension e
																	  WHERE e.extname OPERATOR(pg_catalog.=) 'mineconsol'))))
	 ORDER BY n.nspname, w.how, w.who
	 LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION USING MESSAGE = pg_catalog.format(mineconsol.tr('schema "%1$s" is writable by %2$s'::pg_catalog.text), bad.nspname,
				CASE WHEN bad.who OPERATOR(pg_catalog.=) 0 THEN mineconsol.tr('every role (PUBLIC)'::pg_catalog.text)
					 WHEN bad.how OPERATOR(pg_catalog.=) 'grant'
					 THEN pg_catalog.format(mineconsol.tr('role "%s"'::pg_catalog.text), bad.who::pg_catalog.regrole)
					 WHEN bad.how OPERATOR(pg_catalog.=) 'owns the database'
					 THEN pg_catalog.format(mineconsol.tr('role "%s", which owns the database'::pg_catalog.text), bad.who::pg_catalog.regrole)
					 ELSE pg_catalog.format(mineconsol.tr('role "%s", which owns it'::pg_catalog.text), bad.who::pg_catalog.regrole) END),
				  ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = pg_catalog.format(mineconsol.tr('mineconsol''s functions that run as their owner (zone relations, stored results) search schema "%s"; an operator, cast or function created there could run with the owner''s rights.'::pg_catalog.text), bad.nspname),
				  HINT = CASE WHEN bad.how OPERATOR(pg_catalog.=) 'grant'
							  THEN pg_catalog.format(mineconsol.tr('Let only superusers create objects in it: REVOKE CREATE ON SCHEMA %1$s FROM %2$s;'::pg_catalog.text),
													 pg_catalog.quote_ident(bad.nspname),
													 CASE WHEN bad.who OPERATOR(pg_catalog.=) 0 THEN 'PUBLIC'
														  ELSE pg_catalog.quote_ident(bad.who::pg_catalog.regrole::pg_catalog.text) END)
							  ELSE pg_catalog.format(mineconsol.tr('Let a superuser own it: ALTER SCHEMA %1$s OWNER TO %2$s;'::pg_catalog.text), pg_catalog.quote_ident(bad.nspname),
													 (SELECT e.extowner::pg_catalog.regrole::pg_catalog.text FROM pg_catalog.pg_extension e
													   WHERE e.extname OPERATOR(pg_catalog.=) 'mineconsol')) END;
	END IF;
	-- What such a role created while it could is still there.
	SELECT x.nspname, o.who,
		   CASE WHEN o.kind OPERATOR(pg_catalog.=) 'f'
				THEN pg_catalog.format(mineconsol.tr('function %s'::pg_catalog.text), o.oid::pg_catalog.regprocedure)
				ELSE pg_catalog.format(mineconsol.tr('operator %s'::pg_catalog.text), o.oid::pg_catalog.regoperator) END AS what INTO bad
	  FROM (SELECT 'f' AS kind, p.oid, p.pronamespace AS nsp, p.proowner AS who FROM pg_catalog.pg_proc p
			UNION ALL
			SELECT 'o', op.oid, op.oprnamespace, op.oprowner FROM pg_catalog.pg_operator op) o
	  JOIN pg_catalog.pg_namespace x ON x.oid OPERATOR(pg_catalog.=) o.nsp
	 WHERE o.nsp IN (SELECT e.extnamespace FROM pg_catalog.pg_extension e
					  WHERE e.extname OPERATOR(pg_catalog.=) ANY ('{mineconsol,postgis}'::text[]))
	   AND o.who NOT IN (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolsuper
						 UNION ALL
						 SELECT e.extowner FROM pg_catalog.pg_extension e
						  WHERE e.extname OPERATOR(pg_catalog.=) 'mineconsol')
	 ORDER BY x.nspname, o.kind, o.oid
	 LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION USING MESSAGE = pg_catalog.format(mineconsol.tr('%1$s in schema "%2$s" belongs to role "%3$s", which is not a superuser'::pg_catalog.text),
					bad.what, bad.nspname, bad.who::pg_catalog.regrole),
				  ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = pg_catalog.format(mineconsol.tr('mineconsol''s functions that run as their owner (zone relations, stored results) search schema "%s": a function or operator there that matches better than pg_catalog''s would run with the owner''s rights.'::pg_catalog.text), bad.nspname),
				  HINT = mineconsol.tr('Check what it does, then drop it or move it to a schema of its owner''s (ALTER FUNCTION/OPERATOR ... SET SCHEMA).'::pg_catalog.text);
	END IF;
END
$fn$;
COMMENT ON FUNCTION owner_search_path_check() IS
  'Called first by the functions that run as their owner: refuses (55000) to go on when a role other than a superuser or the extension''s owner may create objects in mineconsol''s or PostGIS''s schema, which those functions search, or owns a function or operator there. Not executable by PUBLIC.';
REVOKE ALL ON FUNCTION owner_search_path_check() FROM PUBLIC;

-- The trigger functions run as the owner (SECURITY DEFINER): the relations
-- are facts about every zone and every mine, not only those the role that
-- edits may see, and no county role may write them.  Each refuses to fire
-- anywhere but on its own table, as the AFTER statement trigger it was made
-- for; EXECUTE is not granted to anyone (CREATE TRIGGER checks it).  The
-- search_path is pinned below to pg_catalog, mineconsol, PostGIS, pg_temp.
-- Availability: 0.1.0
CREATE FUNCTION mines_zone_relations() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
AS $fn$
DECLARE
	scopes text[];
BEGIN
	PERFORM mineconsol.owner_search_path_check();
	IF TG_RELID OPERATOR(pg_catalog.<>) 'mineconsol.mines'::pg_catalog.regclass
	   OR TG_WHEN OPERATOR(pg_catalog.<>) 'AFTER' OR TG_LEVEL OPERATOR(pg_catalog.<>) 'STATEMENT' THEN
		RAISE EXCEPTION USING MESSAGE = mineconsol.tr('mines_zone_relations() fires only as an AFTER statement trigger on mineconsol.mines'::pg_catalog.text),
				  ERRCODE = 'trigger_protocol_violated',
				  DETAIL = pg_catalog.format(mineconsol.tr('It was fired %1$s %2$s on %3$s.'::pg_catalog.text), TG_WHEN, TG_LEVEL, TG_RELID::pg_catalog.regclass);
	END IF;
	IF TG_OP OPERATOR(pg_catalog.=) 'TRUNCATE' THEN
		-- TRUNCATE holds mines exclusively: no edit of zones reads them now.
		DELETE FROM mineconsol.mine_zone_relations;
		RETURN NULL;
	END IF;
	-- The counties of the rows whose geometry or county changed.  For an
	-- update, EXECUTE plans for this statement's row counts: a cached plan
	-- made for a one-row update would be quadratic for a bulk one.
	IF TG_OP OPERATOR(pg_catalog.=) 'INSERT' THEN
		SELECT pg_catalog.array_agg(DISTINCT n.county_code) INTO scopes FROM new_mines n;
	ELSIF TG_OP OPERATOR(pg_catalog.=) 'DELETE' THEN
		SELECT pg_catalog.array_agg(DISTINCT o.county_code) INTO scopes FROM old_mines o;
	ELSE
		EXECUTE $q$
		SELECT pg_catalog.array_agg(DISTINCT c) FROM (
			SELECT o.county_code FROM old_mines o
			 WHERE NOT EXISTS (SELECT FROM new_mines n WHERE n.id = o.id AND n.geom IS NOT DISTINCT FROM o.geom
								 AND n.county_code IS NOT DISTINCT FROM o.county_code)
			UNION ALL
			SELECT n.county_code FROM new_mines n
			 WHERE NOT EXISTS (SELECT FROM old_mines o WHERE o.id = n.id AND o.geom IS NOT DISTINCT FROM n.geom
								 AND o.county_code IS NOT DISTINCT FROM n.county_code)) x(c)$q$
		INTO scopes;
	END IF;
	IF scopes IS NULL THEN
		RETURN NULL;			-- nothing that relations depend on changed: no lock
	END IF;
	PERFORM mineconsol.zone_relation_lock(scopes || '*'::text, false);

	IF TG_OP OPERATOR(pg_catalog.=) 'DELETE' THEN
		DELETE FROM mineconsol.mine_zone_relations r USING old_mines o WHERE r.mine_id = o.id;
	ELSIF TG_OP OPERATOR(pg_catalog.=) 'INSERT' THEN
		INSERT INTO mineconsol.mine_zone_relations (mine_id, zone_id, overlap_km2)
		SELECT m.id, z.id, mineconsol.zone_overlap_km2(z.kind, z.geom, m.geom)
		  FROM new_mines m
		  JOIN mineconsol.zones z ON z.geom && m.geom
		 WHERE (z.county_code IS NULL OR z.county_code = m.county_code)
		   AND mineconsol.zone_relates(z.kind, z.geom, m.geom);
	ELSE
		-- Only the rows whose geometry, county (or id) changed: an update of
		-- other columns, even of the whole registry, leaves them alone.
		EXECUTE $q$
		DELETE FROM mineconsol.mine_zone_relations r
		 USING old_mines o
		 WHERE r.mine_id = o.id
		   AND NOT EXISTS (SELECT FROM new_mines n WHERE n.id = o.id AND n.geom IS NOT DISTINCT FROM o.geom
							 AND n.county_code IS NOT DISTINCT FROM o.county_code)$q$;
		EXECUTE $q$
		INSERT INTO mineconsol.mine_zone_relations (mine_id, zone_id, overlap_km2)
		SELECT m.id, z.id, mineconsol.zone_overlap_km2(z.kind, z.geom, m.geom)
		  FROM new_mines m
		  JOIN mineconsol.zones z ON z.geom && m.geom
		 WHERE (z.county_code IS NULL OR z.county_code = m.county_code)
		   AND mineconsol.zone_relates(z.kind, z.geom, m.geom)
		   AND NOT EXISTS (SELECT FROM old_mines o WHERE o.id = m.id AND o.geom IS NOT DISTINCT FROM m.geom
							 AND o.county_code IS NOT DISTINCT FROM m.county_code)$q$;
	END IF;
	RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION mines_zone_relations() IS
  'Statement trigger on mines only (refuses any other table, timing or level: 39P01): computes mine_zone_relations for the mines inserted or whose geometry or county an update changed, drops those of the mines deleted. Runs as the owner (every zone counts); not executable by PUBLIC.';

-- Alike to mines_zone_relations() in shape, not shared: its scopes ('*' for a
-- city-wide zone) and the columns it compares differ, and each guard's message
-- (translated on its own) names its own table.
-- Availability: 0.1.0
CREATE FUNCTION zones_zone_relations() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
AS $fn$
DECLARE
	scopes text[];
BEGIN
	PERFORM mineconsol.owner_search_path_check();
	IF TG_RELID OPERATOR(pg_catalog.<>) 'mineconsol.zones'::pg_catalog.regclass
	   OR TG_WHEN OPERATOR(pg_catalog.<>) 'AFTER' OR TG_LEVEL OPERATOR(pg_catalog.<>) 'STATEMENT' THEN
		RAISE EXCEPTION USING MESSAGE = mineconsol.tr('zones_zone_relations() fires only as an AFTER statement trigger on mineconsol.zones'::pg_catalog.text),
				  ERRCODE = 'trigger_protocol_violated',
				  DETAIL = pg_catalog.format(mineconsol.tr('It was fired %1$s %2$s on %3$s.'::pg_catalog.text), TG_WHEN, TG_LEVEL, TG_RELID::pg_catalog.regclass);
	END IF;
	IF TG_OP OPERATOR(pg_catalog.=) 'TRUNCATE' THEN
		DELETE FROM mineconsol.mine_zone_relations;
		RETURN NULL;
	END IF;
	-- The scopes of the zones whose geometry, kind or county changed: the
	-- county of a county's zone, '*' for a city-wide one.
	IF TG_OP OPERATOR(pg_catalog.=) 'INSERT' THEN
		SELECT pg_catalog.array_agg(DISTINCT COALESCE(n.county_code, '*')) INTO scopes FROM new_zones n;
	ELSIF TG_OP OPERATOR(pg_catalog.=) 'DELETE' THEN
		SELECT pg_catalog.array_agg(DISTINCT COALESCE(o.county_code, '*')) INTO scopes FROM old_zones o;
	ELSE
		EXECUTE $q$
		SELECT pg_catalog.array_agg(DISTINCT COALESCE(c, '*')) FROM (
			SELECT o.county_code FROM old_zones o
			 WHERE NOT EXISTS (SELECT FROM new_zones n WHERE n.id = o.id AND n.kind = o.kind
								 AND n.geom IS NOT DISTINCT FROM o.geom
								 AND n.county_code IS NOT DISTINCT FROM o.county_code)
			UNION ALL
			SELECT n.county_code FROM new_zones n
			 WHERE NOT EXISTS (SELECT FROM old_zones o WHERE o.id = n.id AND o.kind = n.kind
								 AND o.geom IS NOT DISTINCT FROM n.geom
								 AND o.county_code IS NOT DISTINCT FROM n.county_code)) x(c)$q$
		INTO scopes;
	END IF;
	IF scopes IS NULL THEN
		RETURN NULL;			-- e.g. UPDATE zones SET note = note WHERE false: no lock
	END IF;
	PERFORM mineconsol.zone_relation_lock(scopes, true);

	IF TG_OP OPERATOR(pg_catalog.=) 'DELETE' THEN
		DELETE FROM mineconsol.mine_zone_relations r USING old_zones o WHERE r.zone_id = o.id;
	ELSIF TG_OP OPERATOR(pg_catalog.=) 'INSERT' THEN
		INSERT INTO mineconsol.mine_zone_relations (mine_id, zone_id, overlap_km2)
		SELECT m.id, z.id, mineconsol.zone_overlap_km2(z.kind, z.geom, m.geom)
		  FROM new_zones z
		  JOIN mineconsol.mines m ON m.geom && z.geom
		 WHERE (z.county_code IS NULL OR m.county_code = z.county_code)
		   AND mineconsol.zone_relates(z.kind, z.geom, m.geom);
	ELSE
		EXECUTE $q$
		DELETE FROM mineconsol.mine_zone_relations r
		 USING old_zones o
		 WHERE r.zone_id = o.id
		   AND NOT EXISTS (SELECT FROM new_zones n WHERE n.id = o.id AND n.kind = o.kind
								AND n.geom IS NOT DISTINCT FROM o.geom
								AND n.county_code IS NOT DISTINCT FROM o.county_code)$q$;
		EXECUTE $q$
		INSERT INTO mineconsol.mine_zone_relations (mine_id, zone_id, overlap_km2)
		SELECT m.id, z.id, mineconsol.zone_overlap_km2(z.kind, z.geom, m.geom)
		  FROM new_zones z
		  JOIN mineconsol.mines m ON m.geom && z.geom
		 WHERE (z.county_code IS NULL OR m.county_code = z.county_code)
		   AND mineconsol.zone_relates(z.kind, z.geom, m.geom)
		   AND NOT EXISTS (SELECT FROM old_zones o WHERE o.id = z.id AND o.kind = z.kind
								AND o.geom IS NOT DISTINCT FROM z.geom
								AND o.county_code IS NOT DISTINCT FROM z.county_code)$q$;
	END IF;
	RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION zones_zone_relations() IS
  'Statement trigger on zones only (else 39P01): recomputes mine_zone_relations for the zones inserted, changed or deleted. A county''s zone relates to that county''s mines, a city-wide zone to every mine. Runs as the owner.';

-- One trigger per event (transition tables allow one): statement_triggers.sql.
-- @template sql/templates/statement_triggers.sql TABLE=mines NAME=zone_relations FUNCTION=mines_zone_relations OLD=old_mines NEW=new_mines
-- @template sql/templates/statement_triggers.sql TABLE=zones NAME=zone_relations FUNCTION=zones_zone_relations OLD=old_zones NEW=new_zones

-- Availability: 0.1.0
CREATE FUNCTION rebuild_zone_relations() RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
AS $fn$
DECLARE
	n bigint;
BEGIN
	PERFORM mineconsol.owner_search_path_check();
	-- Every scope, as an edit of zones would: waits for the open edits of
	-- mines and zones, and holds new ones off until it commits.
	PERFORM mineconsol.zone_relation_lock(
		pg_catalog.array_append(ARRAY(SELECT c.code FROM mineconsol.counties c), '*'), true);
	DELETE FROM mineconsol.mine_zone_relations;
	INSERT INTO mineconsol.mine_zone_relations (mine_id, zone_id, overlap_km2)
	SELECT m.id, z.id, mineconsol.zone_overlap_km2(z.kind, z.geom, m.geom)
	  FROM mineconsol.zones z
	  JOIN mineconsol.mines m ON m.geom && z.geom
	 WHERE (z.county_code IS NULL OR m.county_code = z.county_code)
	   AND mineconsol.zone_relates(z.kind, z.geom, m.geom);
	GET DIAGNOSTICS n = ROW_COUNT;
	-- Verdicts stored from the relations it replaced may differ now: every
	-- county's are stale (result_changes, sql/80_results.sql).
	INSERT INTO mineconsol.result_changes (county_code, ore_body, cause)
	SELECT c.code, NULL, 'rebuild_zone_relations()' FROM mineconsol.counties c;
	RETURN n;
END
$fn$;
COMMENT ON FUNCTION rebuild_zone_relations() IS
  'Recomputes mine_zone_relations from scratch (after a restore with --disable-triggers, or to check the triggers) and returns its row count; marks every county''s stored results stale. Waits for open edits of mines and zones. Runs as the owner; for the city.';

-- Functions that run as the owner, and their helper, find only pg_catalog,
-- mineconsol and PostGIS (wherever it is installed; pg_temp last); none is
-- executable by PUBLIC.  rebuild_zone_relations() is granted to the city in
-- 70_security.sql.
-- @template sql/templates/pin_search_path.sql FUNCTIONS="mineconsol.mines_zone_relations();mineconsol.zones_zone_relations();mineconsol.rebuild_zone_relations();mineconsol.zone_relation_lock(text[], boolean)"
REVOKE ALL ON FUNCTION mines_zone_relations(), zones_zone_relations(), rebuild_zone_relations(),
	zone_relation_lock(text[], boolean) FROM PUBLIC;
