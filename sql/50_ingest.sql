-- Ingestion: what counties actually have.  The corner-point tables of their
-- licences (src/corner_points.c) and their registers, loaded into mines
-- from a staging table filled by COPY or ogr2ogr (import_mines).

-- Availability: 0.1.0
CREATE FUNCTION parse_corner_points_raw(corner_points text, zone integer DEFAULT NULL)
RETURNS geometry
AS 'MODULE_PATHNAME', 'mc_parse_corner_points_raw'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION parse_corner_points_raw(text, integer) IS
  'The corner-point table of a licence (拐点坐标, CGCS2000 3-degree Gauss-Krüger) as a MultiPolygon in its zone''s SRID. Grammar and limits: docs/formats.md, "Corner-point texts". Malformed text is 22P02 naming the line and token; NULL gives NULL.';

-- Availability: 0.1.0
CREATE FUNCTION parse_corner_points(corner_points text, zone integer DEFAULT NULL)
RETURNS geometry
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $fn$
	SELECT mineconsol.working_geometry(mineconsol.parse_corner_points_raw($1, $2), mineconsol.tr('corner points'))
$fn$;
COMMENT ON FUNCTION parse_corner_points(text, integer) IS
  'The corner-point table of a licence as mineconsol stores mining areas: parse_corner_points_raw(), then working_geometry(). zone is needed only for eastings without the zone prefix. STABLE: reads working_srid.';

-- Availability: 0.1.0
CREATE FUNCTION corner_point_elevations(corner_points text, zone integer DEFAULT NULL)
RETURNS TABLE (sub_area integer, line_from integer, line_to integer, points integer,
               elev_top numeric, elev_bottom numeric)
AS 'MODULE_PATHNAME', 'mc_corner_point_elevations'
LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 2;
COMMENT ON FUNCTION corner_point_elevations(text, integer) IS
  'The sub-areas of a corner-point text, one row each in text order: the lines they span, their number of distinct points and their elevation range in metres (NULL when none is given). Grammar and errors as parse_corner_points_raw().';

-- Availability: 0.1.0
CREATE FUNCTION import_mines(staging regclass)
RETURNS TABLE (row_no bigint, ok boolean, mine_id bigint, error text)
LANGUAGE plpgsql VOLATILE STRICT
AS $fn$
#variable_conflict use_column
DECLARE
	-- Staging columns import_mines reads, named like the columns of mines.
	known constant text[] := ARRAY[
		'license_no', 'name', 'holder', 'holder_uscc', 'county_code', 'licensed_by',
		'mineral', 'mineral_group', 'ore_body', 'corner_points', 'zone', 'geom',
		'elev_top', 'elev_bottom', 'reserves_t', 'capacity', 'capacity_unit',
		'valid_from', 'valid_to', 'expiry_cause', 'transfer_mode',
		'documents_incomplete', 'area_delineated', 'eco_ok', 'safety_ok', 'product_ok',
		'backward_process', 'restoration_ok', 'group_enterprise', 'downstream_processing',
		'green_listed', 'fake_consolidation_suspected', 'rectify_by', 'note'];
	flags constant text[] := ARRAY[
		'documents_incomplete', 'area_delineated', 'eco_ok', 'safety_ok', 'product_ok',
		'backward_process', 'restoration_ok', 'group_enterprise', 'downstream_processing',
		'green_listed', 'fake_consolidation_suspected'];
	required constant text[] := ARRAY['license_no', 'name', 'county_code'];
	-- dd.mm.yyyy is not read: only year first, with - . / or 年月日.
	date_re constant text := '^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?$';
	v_relkind "char";
	v_owner oid;
	col record;
	canon text;
	cols jsonb := '{}';			-- canonical name -> staging column
	unknown text[] := '{}';
	geom_col text;
	geom_is_geometry boolean := false;
	rn_expr text;
	q text;
	defaults jsonb;				-- NOT NULL columns of mines -> their defaults
	bad record;
	r record;
	f text;
	field text;
	v_lic license_no;
	v_name text;
	v_uscc uscc;
	v_county text;
	v_top numeric;
	v_bottom numeric;
	v_cp_top numeric;
	v_cp_bottom numeric;
	v_reserves numeric;
	v_capacity numeric;
	v_from date;
	v_to date;
	v_rectify date;
	v_geom geometry;
	v_flags jsonb;
	v_row jsonb;
	v_zone int;
	v_id bigint;
	n_found int;
	has_geom boolean;
	has_elev boolean;
	e_state text;
	e_msg text;
	e_detail text;
	e_hint text;
	e_con text;
	e_cols text;
	e_def text;
	n_ok bigint := 0;
	n_bad bigint := 0;
BEGIN
	-- Nothing another role owns may run with the importer's rights: the
	-- staging table must be a plain table of the importer's own (so its
	-- policies, rules, indexes and children are the importer's), and every
	-- column of a type whose output is the server's or PostGIS's own.  Values
	-- are then read as that output text (format('%s'), never a cast that a
	-- type's owner could have defined).
	SELECT c.relkind, c.relowner INTO v_relkind, v_owner FROM pg_class c WHERE c.oid = staging;
	IF v_relkind <> 'r' THEN
		RAISE EXCEPTION USING MESSAGE = format(mineconsol.tr('staging relation %s is not a table'), staging),
				  ERRCODE = 'wrong_object_type',
				  DETAIL = format(mineconsol.tr('It is a %s; import_mines reads only plain tables (what COPY and ogr2ogr fill), which run no code when read.'),
								  CASE v_relkind WHEN 'v' THEN mineconsol.tr('view') WHEN 'm' THEN mineconsol.tr('materialized view')
												 WHEN 'f' THEN mineconsol.tr('foreign table') WHEN 'p' THEN mineconsol.tr('partitioned table')
												 ELSE format(mineconsol.tr('relation of kind %s'), v_relkind) END),
				  HINT = mineconsol.tr('Copy the rows into a table first: CREATE TABLE my_staging AS SELECT ...');
	END IF;
	IF v_owner <> (SELECT r.oid FROM pg_roles r WHERE r.rolname = current_user) THEN
		RAISE EXCEPTION USING MESSAGE = format(mineconsol.tr('staging table %1$s belongs to role %2$s, not to %3$s'), staging, v_owner::regrole, current_user),
				  ERRCODE = 'insufficient_privilege',
				  DETAIL = mineconsol.tr('import_mines reads only tables of the importing role: what another role owns (types, casts, policies, rules, defaults) could run with the importer''s rights.'),
				  HINT = mineconsol.tr('Let the table''s owner run import_mines, or load the file again into a table of your own.');
	END IF;
	SELECT a.attname, a.atttypid::regtype AS typ INTO bad
	  FROM pg_attribute a
	 WHERE a.attrelid = staging AND a.attnum > 0 AND NOT a.attisdropped
	   AND a.atttypid <> ALL (ARRAY['text', 'varchar', 'bpchar', 'name', 'bool', 'int2', 'int4', 'int8',
									'numeric', 'float4', 'float8', 'date', 'timestamp', 'timestamptz',
									'json', 'jsonb', 'bytea', 'geometry', 'mineconsol.license_no',
									'mineconsol.uscc']::regtype[]::oid[])
	 ORDER BY a.attnum LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION USING MESSAGE = format(mineconsol.tr('staging column "%1$s" has type %2$s, which import_mines does not read'), bad.attname, bad.typ),
				  ERRCODE = 'datatype_mismatch',
				  DETAIL = mineconsol.tr('Staging columns must be of built-in types (text, varchar, numeric, integer, boolean, date, timestamp, json …), PostGIS geometry or mineconsol''s license_no and uscc; other types, domains and composites could run their owner''s code.'),
				  HINT = mineconsol.tr('Load the column as text.');
	END IF;

	-- Map the staging columns to the names import_mines knows.  ogr2ogr
	-- names the geometry wkb_geometry; a Shapefile's DBF cuts names to 10
	-- characters (holder_usc), which still name one column unambiguously.
	FOR col IN
		SELECT a.attname::text AS name, a.atttypid
		  FROM pg_attribute a
		 WHERE a.attrelid = staging AND a.attnum > 0 AND NOT a.attisdropped
		 ORDER BY a.attnum
	LOOP
		canon := CASE
			WHEN col.name IN ('row_no', 'ogc_fid') THEN col.name
			WHEN col.name IN ('geom', 'wkb_geometry', 'the_geom', 'geometry') THEN 'geom'
			WHEN col.name = ANY (known) THEN col.name
			WHEN length(col.name) = 10 THEN
				(SELECT k FROM unnest(known) k WHERE length(k) > 10 AND left(k, 10) = col.name)
			END;
		IF canon IS NULL THEN
			unknown := unknown || col.name;
			CONTINUE;
		END IF;
		IF cols ? canon THEN
			RAISE EXCEPTION USING MESSAGE = format(mineconsol.tr('staging columns "%1$s" and "%2$s" both give %3$s'), cols ->> canon, col.name, canon),
					  ERRCODE = 'ambiguous_column',
					  HINT = mineconsol.tr('Drop or rename one of them.');
		END IF;
		cols := cols || jsonb_build_object(canon, col.name);
		IF canon = 'geom' THEN
			geom_col := col.name;
			geom_is_geometry := col.atttypid = 'geometry'::regtype;
		END IF;
	END LOOP;

	FOREACH f IN ARRAY required LOOP
		IF NOT cols ? f THEN
			RAISE EXCEPTION USING MESSAGE = format(mineconsol.tr('staging table %1$s has no column "%2$s"'), staging, f),
					  ERRCODE = 'undefined_column',
					  DETAIL = mineconsol.tr('import_mines needs the columns license_no (may be empty for pending applications), name and county_code.'),
					  HINT = format(mineconsol.tr('Columns it reads: %s; geometry in geom or wkb_geometry, or corner_points as text.'),
									array_to_string(known, ', '));
		END IF;
	END LOOP;
	IF unknown <> '{}' THEN
		RAISE NOTICE USING MESSAGE = format(mineconsol.tr('import_mines ignores the staging columns %s'), array_to_string(unknown, ', '));
	END IF;

	-- row_no: the staging table's row_no, else ogc_fid (ogr2ogr's feature
	-- number), else the physical order of the rows (the order COPY wrote).
	IF cols ? 'row_no' THEN
		rn_expr := format('pg_catalog.format(%L, s.%I)::numeric::bigint', '%s', cols ->> 'row_no');
	ELSIF cols ? 'ogc_fid' THEN
		rn_expr := format('pg_catalog.format(%L, s.%I)::numeric::bigint', '%s', cols ->> 'ogc_fid');
	ELSE
		rn_expr := 'pg_catalog.row_number() OVER (ORDER BY s.ctid)';
		RAISE NOTICE USING MESSAGE = format(mineconsol.tr('staging table %s has no row_no column: rows are numbered in their physical order'), staging),
			HINT = mineconsol.tr('That is the order of the file right after COPY; add a row_no column to be sure.');
	END IF;

	-- One scan of the staging table, every value as trimmed text under its
	-- canonical name; the geometry column stays a geometry.
	q := format($q$
		SELECT t.*,
		       CASE WHEN t.dup_key IS NOT NULL
		            THEN min(t.rn) OVER (PARTITION BY t.dup_key) END AS first_rn
		  FROM (SELECT u.*,
		               CASE WHEN u.j ->> 'license_no' IS NOT NULL THEN 'licence ' || (u.j ->> 'license_no')
		                    WHEN u.j ->> 'county_code' IS NOT NULL AND u.j ->> 'name' IS NOT NULL
		                    THEN 'name ' || (u.j ->> 'county_code') || ' ' || (u.j ->> 'name')
		               END AS dup_key
		          FROM (SELECT %s AS rn, jsonb_build_object(%s) AS j, %s AS g, %s AS gt
		                  FROM ONLY %s s) u) t
		 ORDER BY t.rn$q$,
		rn_expr,
		(SELECT string_agg(format('%L, NULLIF(pg_catalog.btrim(pg_catalog.format(%L, s.%I)), %L)', e.key, '%s', e.value, ''), ', ')
		   FROM jsonb_each_text(cols) e
		  WHERE e.key NOT IN ('geom', 'row_no', 'ogc_fid')),
		CASE WHEN geom_is_geometry THEN format('s.%I', geom_col) ELSE 'NULL::geometry' END,
		CASE WHEN geom_col IS NOT NULL AND NOT geom_is_geometry
			 THEN format('NULLIF(pg_catalog.btrim(pg_catalog.format(%L, s.%I)), %L)', '%s', geom_col, '') ELSE 'NULL::text' END,
		staging);

	-- Row numbers identify rows in the report: they must be unique.
	EXECUTE format('SELECT rn, count(*) AS n FROM (%s) x GROUP BY rn HAVING count(*) > 1 OR rn IS NULL LIMIT 1', q)
	   INTO bad;
	IF bad IS NOT NULL THEN
		RAISE EXCEPTION USING MESSAGE = format(mineconsol.tr('row number %1$s occurs %2$s times in staging table %3$s'), COALESCE(bad.rn::text, 'NULL'), bad.n, staging),
				  ERRCODE = 'unique_violation',
				  DETAIL = mineconsol.tr('The report names rows by row_no (or ogc_fid), so each must be unique and not null.');
	END IF;

	-- Defaults of the NOT NULL columns (licensed_by, mineral_group, the
	-- flags): an empty value in a new row takes the default.
	EXECUTE (SELECT 'SELECT jsonb_build_object(' ||
	                string_agg(format('%L, %s', a.attname, pg_get_expr(d.adbin, d.adrelid)), ', ') || ')'
	           FROM pg_attribute a
	           JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
	          WHERE a.attrelid = 'mineconsol.mines'::regclass AND a.attnotnull
	            AND a.attgenerated = '' AND a.attidentity = '')
	   INTO defaults;

	has_geom := cols ? 'geom' OR cols ? 'corner_points';
	has_elev := cols ? 'elev_top' OR cols ? 'elev_bottom' OR cols ? 'corner_points';

	FOR r IN EXECUTE q LOOP
		field := NULL;
		v_row := NULL;
		-- One subtransaction per row: the row lands whole or not at all,
		-- and the first fault found is its reason.
		BEGIN
			field := 'license_no';
			v_lic := (r.j ->> 'license_no')::license_no;
			field := 'name';
			v_name := r.j ->> 'name';
			IF v_name IS NULL THEN
				RAISE EXCEPTION USING MESSAGE = mineconsol.tr('missing'), DETAIL = mineconsol.tr('Every mine needs a name.');
			END IF;
			field := 'holder_uscc';
			v_uscc := (r.j ->> 'holder_uscc')::uscc;
			field := 'county_code';
			IF r.j ->> 'county_code' IS NULL THEN
				RAISE EXCEPTION USING MESSAGE = mineconsol.tr('missing'),
					  DETAIL = mineconsol.tr('Every mine belongs to a county: its GB/T 2260 code, e.g. 140902.');
			END IF;
			SELECT c.code INTO v_county FROM mineconsol.counties c
			 WHERE c.code = r.j ->> 'county_code' OR c.name = r.j ->> 'county_code'
			 ORDER BY c.code = r.j ->> 'county_code' DESC LIMIT 1;
			IF NOT FOUND THEN
				RAISE EXCEPTION USING MESSAGE = format(mineconsol.tr('unknown county "%s"'), r.j ->> 'county_code'),
						  ERRCODE = 'foreign_key_violation',
						  DETAIL = mineconsol.tr('A county is given by its GB/T 2260 code or its name as in mineconsol.counties.');
			END IF;
			IF r.first_rn IS DISTINCT FROM r.rn THEN
				IF v_lic IS NOT NULL THEN
					field := 'license_no';
					RAISE EXCEPTION USING MESSAGE = format(mineconsol.tr('licence number %1$s is also on row %2$s of this register'), v_lic, r.first_rn),
						  ERRCODE = 'unique_violation';
				END IF;
				field := 'name';
				RAISE EXCEPTION USING MESSAGE = format(mineconsol.tr('a mine named %1$s without licence number in county %2$s is also on row %3$s of this register'),
					v_name, v_county, r.first_rn), ERRCODE = 'unique_violation';
			END IF;
			field := 'elev_top';
			v_top := (r.j ->> 'elev_top')::numeric;
			field := 'elev_bottom';
			v_bottom := (r.j ->> 'elev_bottom')::numeric;
			field := 'reserves_t';
			v_reserves := (r.j ->> 'reserves_t')::numeric;
			field := 'capacity';
			v_capacity := (r.j ->> 'capacity')::numeric;
			FOREACH f IN ARRAY ARRAY['elev_top', 'elev_bottom', 'reserves_t', 'capacity'] LOOP
				IF (r.j ->> f)::numeric IN ('NaN', 'Infinity', '-Infinity') THEN
					field := f;
					RAISE EXCEPTION USING MESSAGE = format(mineconsol.tr('"%s" is not a finite number'), r.j ->> f);
				END IF;
			END LOOP;
			field := 'valid_from';
			v_from := regexp_replace(r.j ->> 'valid_from', date_re, '\1-\2-\3')::date;
			field := 'valid_to';
			v_to := regexp_replace(r.j ->> 'valid_to', date_re, '\1-\2-\3')::date;
			field := 'rectify_by';
			v_rectify := regexp_replace(r.j ->> 'rectify_by', date_re, '\1-\2-\3')::date;
			v_flags := '{}';
			FOREACH f IN ARRAY flags LOOP
				field := f;
				v_flags := v_flags || jsonb_build_object(f,
					(CASE r.j ->> f WHEN '是' THEN 'true' WHEN '否' THEN 'false' ELSE r.j ->> f END)::boolean);
			END LOOP;

			v_geom := NULL;
			v_cp_top := NULL;
			v_cp_bottom := NULL;
			IF r.g IS NOT NULL OR r.gt IS NOT NULL THEN
				field := 'geom';
				IF r.j ->> 'corner_points' IS NOT NULL THEN
					RAISE EXCEPTION USING MESSAGE = mineconsol.tr('both geom and corner_points are given'),
						  DETAIL = mineconsol.tr('A mining area comes from one source: leave one of them empty.');
				END IF;
				v_geom := mineconsol.working_geometry(COALESCE(r.g, r.gt::geometry), 'geom');
			ELSIF r.j ->> 'corner_points' IS NOT NULL THEN
				field := 'zone';
				v_zone := (r.j ->> 'zone')::int;
				field := 'corner_points';
				v_geom := mineconsol.parse_corner_points(r.j ->> 'corner_points', v_zone);
				SELECT max(e.elev_top), min(e.elev_bottom) INTO v_cp_top, v_cp_bottom
				  FROM mineconsol.corner_point_elevations(r.j ->> 'corner_points', v_zone) e;
			END IF;
			v_top := COALESCE(v_top, v_cp_top);
			v_bottom := COALESCE(v_bottom, v_cp_bottom);

			-- The values the table's own constraints look at, for their message.
			v_row := jsonb_build_object('licensed_by', r.j -> 'licensed_by', 'mineral_group', r.j -> 'mineral_group',
				'elev_top', v_top, 'elev_bottom', v_bottom, 'reserves_t', v_reserves, 'capacity', v_capacity,
				'capacity_unit', r.j -> 'capacity_unit', 'valid_from', v_from, 'valid_to', v_to,
				'expiry_cause', r.j -> 'expiry_cause', 'transfer_mode', r.j -> 'transfer_mode');

			-- Re-importing updates: by licence number, or for a pending
			-- application (no number) by county and name.
			field := NULL;
			IF v_lic IS NOT NULL THEN
				SELECT m.id INTO v_id FROM mineconsol.mines m WHERE m.license_no = v_lic;
			ELSE
				SELECT m.id, count(*) OVER () INTO v_id, n_found FROM mineconsol.mines m
				 WHERE m.license_no IS NULL AND m.county_code = v_county AND m.name = v_name;
				IF n_found > 1 THEN
					field := 'name';
					RAISE EXCEPTION USING MESSAGE = format(mineconsol.tr('%1$s mines named %2$s without licence number are already registered in county %3$s'),
						n_found, v_name, v_county), ERRCODE = 'cardinality_violation',
						HINT = mineconsol.tr('Give the licence number, or remove the duplicates from mineconsol.mines.');
				END IF;
			END IF;

			IF v_id IS NOT NULL THEN
				UPDATE mineconsol.mines AS m SET
					-- a column the staging table has replaces the stored value
					-- (an empty NOT NULL column keeps it); the others stay.
					name = v_name,
					county_code = v_county,
					holder = CASE WHEN cols ? 'holder' THEN r.j ->> 'holder' ELSE m.holder END,
					holder_uscc = CASE WHEN cols ? 'holder_uscc' THEN v_uscc ELSE m.holder_uscc END,
					licensed_by = COALESCE(r.j ->> 'licensed_by', m.licensed_by),
					mineral = CASE WHEN cols ? 'mineral' THEN r.j ->> 'mineral' ELSE m.mineral END,
					mineral_group = COALESCE(r.j ->> 'mineral_group', m.mineral_group),
					ore_body = CASE WHEN cols ? 'ore_body' THEN r.j ->> 'ore_body' ELSE m.ore_body END,
					geom = CASE WHEN has_geom THEN v_geom ELSE m.geom END,
					elev_top = CASE WHEN has_elev THEN v_top ELSE m.elev_top END,
					elev_bottom = CASE WHEN has_elev THEN v_bottom ELSE m.elev_bottom END,
					reserves_t = CASE WHEN cols ? 'reserves_t' THEN v_reserves ELSE m.reserves_t END,
					capacity = CASE WHEN cols ? 'capacity' THEN v_capacity ELSE m.capacity END,
					capacity_unit = CASE WHEN cols ? 'capacity_unit' THEN r.j ->> 'capacity_unit' ELSE m.capacity_unit END,
					valid_from = CASE WHEN cols ? 'valid_from' THEN v_from ELSE m.valid_from END,
					valid_to = CASE WHEN cols ? 'valid_to' THEN v_to ELSE m.valid_to END,
					expiry_cause = CASE WHEN cols ? 'expiry_cause' THEN r.j ->> 'expiry_cause' ELSE m.expiry_cause END,
					transfer_mode = CASE WHEN cols ? 'transfer_mode' THEN r.j ->> 'transfer_mode' ELSE m.transfer_mode END,
					documents_incomplete = COALESCE((v_flags ->> 'documents_incomplete')::boolean, m.documents_incomplete),
					area_delineated = COALESCE((v_flags ->> 'area_delineated')::boolean, m.area_delineated),
					eco_ok = COALESCE((v_flags ->> 'eco_ok')::boolean, m.eco_ok),
					safety_ok = COALESCE((v_flags ->> 'safety_ok')::boolean, m.safety_ok),
					product_ok = COALESCE((v_flags ->> 'product_ok')::boolean, m.product_ok),
					backward_process = COALESCE((v_flags ->> 'backward_process')::boolean, m.backward_process),
					restoration_ok = COALESCE((v_flags ->> 'restoration_ok')::boolean, m.restoration_ok),
					group_enterprise = COALESCE((v_flags ->> 'group_enterprise')::boolean, m.group_enterprise),
					downstream_processing = COALESCE((v_flags ->> 'downstream_processing')::boolean, m.downstream_processing),
					green_listed = COALESCE((v_flags ->> 'green_listed')::boolean, m.green_listed),
					fake_consolidation_suspected = COALESCE((v_flags ->> 'fake_consolidation_suspected')::boolean,
															m.fake_consolidation_suspected),
					rectify_by = CASE WHEN cols ? 'rectify_by' THEN v_rectify ELSE m.rectify_by END,
					note = CASE WHEN cols ? 'note' THEN r.j ->> 'note' ELSE m.note END
				 WHERE m.id = v_id;
			ELSE
				INSERT INTO mineconsol.mines AS m (
					license_no, name, holder, holder_uscc, county_code, licensed_by, mineral,
					mineral_group, ore_body, geom, elev_top, elev_bottom, reserves_t, capacity,
					capacity_unit, valid_from, valid_to, expiry_cause, transfer_mode,
					documents_incomplete, area_delineated, eco_ok, safety_ok, product_ok,
					backward_process, restoration_ok, group_enterprise, downstream_processing,
					green_listed, fake_consolidation_suspected, rectify_by, note)
				VALUES (
					v_lic, v_name, r.j ->> 'holder', v_uscc, v_county,
					COALESCE(r.j ->> 'licensed_by', defaults ->> 'licensed_by'), r.j ->> 'mineral',
					COALESCE(r.j ->> 'mineral_group', defaults ->> 'mineral_group'), r.j ->> 'ore_body',
					v_geom, v_top, v_bottom, v_reserves, v_capacity,
					r.j ->> 'capacity_unit', v_from, v_to, r.j ->> 'expiry_cause', r.j ->> 'transfer_mode',
					COALESCE((v_flags ->> 'documents_incomplete')::boolean, (defaults ->> 'documents_incomplete')::boolean),
					COALESCE((v_flags ->> 'area_delineated')::boolean, (defaults ->> 'area_delineated')::boolean),
					COALESCE((v_flags ->> 'eco_ok')::boolean, (defaults ->> 'eco_ok')::boolean),
					COALESCE((v_flags ->> 'safety_ok')::boolean, (defaults ->> 'safety_ok')::boolean),
					COALESCE((v_flags ->> 'product_ok')::boolean, (defaults ->> 'product_ok')::boolean),
					COALESCE((v_flags ->> 'backward_process')::boolean, (defaults ->> 'backward_process')::boolean),
					COALESCE((v_flags ->> 'restoration_ok')::boolean, (defaults ->> 'restoration_ok')::boolean),
					COALESCE((v_flags ->> 'group_enterprise')::boolean, (defaults ->> 'group_enterprise')::boolean),
					COALESCE((v_flags ->> 'downstream_processing')::boolean, (defaults ->> 'downstream_processing')::boolean),
					COALESCE((v_flags ->> 'green_listed')::boolean, (defaults ->> 'green_listed')::boolean),
					COALESCE((v_flags ->> 'fake_consolidation_suspected')::boolean,
							 (defaults ->> 'fake_consolidation_suspected')::boolean),
					v_rectify, r.j ->> 'note')
				RETURNING m.id INTO v_id;
			END IF;

			row_no := r.rn;
			ok := true;
			mine_id := v_id;
			error := NULL;
			n_ok := n_ok + 1;
		EXCEPTION WHEN OTHERS THEN
			GET STACKED DIAGNOSTICS e_state = RETURNED_SQLSTATE, e_msg = MESSAGE_TEXT,
				e_detail = PG_EXCEPTION_DETAIL, e_hint = PG_EXCEPTION_HINT, e_con = CONSTRAINT_NAME;
			e_cols := NULL;
			IF e_state = '23514' AND e_con <> '' THEN
				-- A constraint of mines: name its columns, their values and the rule.
				SELECT string_agg(format('%s = %s', a.attname, COALESCE(v_row ->> a.attname::text, 'NULL')), ', '
				                  ORDER BY k.ord),
				       pg_get_constraintdef(c.oid)
				  INTO e_cols, e_def
				  FROM pg_constraint c
				  CROSS JOIN unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
				  JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
				 WHERE c.conrelid = 'mineconsol.mines'::regclass AND c.conname = e_con
				 GROUP BY c.oid;
			END IF;
			row_no := r.rn;
			ok := false;
			mine_id := NULL;
			error := CASE
				WHEN e_cols IS NOT NULL THEN format(mineconsol.tr('%1$s: violates check constraint "%2$s": %3$s'), e_cols, e_con, e_def)
				ELSE CASE WHEN field IS NULL THEN e_msg ELSE format(mineconsol.tr('%s: %s'), field, e_msg) END
					 || COALESCE(' — ' || NULLIF(e_detail, ''), '')
					 || COALESCE(' ' || NULLIF(e_hint, ''), '')
				END;
			n_bad := n_bad + 1;
		END;
		RETURN NEXT;
	END LOOP;
	RAISE NOTICE USING MESSAGE = format(mineconsol.tr('import_mines: %1$s row(s) landed, %2$s refused'), n_ok, n_bad);
END
$fn$;
COMMENT ON FUNCTION import_mines(regclass) IS
  'Loads a county''s register from a staging table (COPY or ogr2ogr) into mines, one subtransaction per row, and returns per row whether it landed or why not. The staging table must be the importer''s own plain table. Details: README.';

-- import_mines() finds only pg_catalog, mineconsol and PostGIS (pg_temp
-- last): no operator or function a staging table's owner could plant.
-- @template sql/templates/pin_search_path.sql FUNCTIONS="mineconsol.import_mines(regclass)"
