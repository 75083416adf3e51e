-- Configuration tables: counties, parameters, scale_thresholds, milestones.
-- They ship seeded with the plan's values (seeded = true).  A DBA may edit
-- them; an edited or added row has seeded = false and is what pg_dump keeps
-- (pg_extension_config_dump … 'WHERE NOT seeded'), so edits survive a
-- dump/restore: on restore, the dumped row replaces the fresh seed row of the
-- same key (trigger config_row_replaces_seed).

-- Availability: 0.1.0
CREATE FUNCTION config_row_replaces_seed() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
	key_cond text;
BEGIN
	IF TG_WHEN <> 'BEFORE' OR TG_LEVEL <> 'ROW' OR TG_OP NOT IN ('INSERT', 'UPDATE')
	   OR TG_TABLE_SCHEMA <> 'mineconsol' THEN
		RAISE EXCEPTION USING MESSAGE = mineconsol.tr('config_row_replaces_seed() must be fired BEFORE INSERT OR UPDATE FOR EACH ROW on a table of mineconsol'),
			ERRCODE = 'trigger_protocol_violated';
	END IF;
	IF TG_OP = 'UPDATE' THEN
		-- Any edit makes the row the DBA's: pg_dump keeps it from now on.
		NEW.seeded := false;
		RETURN NEW;
	END IF;
	IF NEW.seeded THEN
		RETURN NEW;
	END IF;
	-- A DBA's row (or a restored one) takes the place of an untouched seed
	-- row with the same key; a clash with another DBA row still fails.
	SELECT string_agg(format('%I OPERATOR(pg_catalog.=) ($1).%I', k, k), ' AND ')
	  INTO key_cond
	  FROM unnest(TG_ARGV) AS k;
	EXECUTE format('DELETE FROM %I.%I WHERE seeded AND %s',
				   TG_TABLE_SCHEMA, TG_TABLE_NAME, key_cond)
	USING NEW;
	RETURN NEW;
END
$fn$;
COMMENT ON FUNCTION config_row_replaces_seed() IS
  'Trigger on the seeded configuration tables: an edited row stops being a seed row (so pg_dump keeps it), and an inserted row replaces an untouched seed row with the same key (so pg_restore brings back the DBA''s edits). Arguments: the key columns.';
REVOKE ALL ON FUNCTION config_row_replaces_seed() FROM PUBLIC;

-- Availability: 0.1.0
CREATE TABLE counties (
	code        text PRIMARY KEY
	            CONSTRAINT counties_code_format CHECK (code ~ '^[0-9]{6}$'),
	name        text NOT NULL,
	name_en     text,
	kind        text NOT NULL
	            CONSTRAINT counties_kind_check CHECK (kind IN ('city', 'county', 'special_zone')),
	parent_code text REFERENCES counties (code),
	note        text,
	seeded      boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE counties IS
  'The city and the county-level units that license mines (GB/T 2260 codes), plus the special zones the plan addresses. Config table: edits survive pg_dump.';
COMMENT ON COLUMN counties.code IS 'GB/T 2260 administrative code (6 digits); special zones carry their statistics code';
COMMENT ON COLUMN counties.name IS 'Official Chinese name';
COMMENT ON COLUMN counties.name_en IS 'Name in pinyin/English';
COMMENT ON COLUMN counties.kind IS '''city'' (the prefecture-level city), ''county'' (county-level unit: county, district, county-level city) or ''special_zone'' (development zone, scenic area: not a county-level division)';
COMMENT ON COLUMN counties.parent_code IS 'The city a county belongs to';
COMMENT ON COLUMN counties.note IS 'Source or certainty of the row';

-- @template sql/templates/seeded_config.sql TABLE=counties KEYS="'code'"

INSERT INTO counties (code, name, name_en, kind, parent_code, note, seeded) VALUES
	('140900', '忻州市', 'Xinzhou', 'city', NULL, 'GB/T 2260, verified', true),
	('140902', '忻府区', 'Xinfu', 'county', '140900', 'GB/T 2260, verified', true),
	('140921', '定襄县', 'Dingxiang', 'county', '140900', 'GB/T 2260, verified', true),
	('140922', '五台县', 'Wutai', 'county', '140900', 'GB/T 2260, verified', true),
	('140923', '代县', 'Daixian', 'county', '140900', 'GB/T 2260, verified', true),
	('140924', '繁峙县', 'Fanshi', 'county', '140900', 'GB/T 2260, verified', true),
	('140925', '宁武县', 'Ningwu', 'county', '140900', 'GB/T 2260, verified', true),
	('140926', '静乐县', 'Jingle', 'county', '140900', 'GB/T 2260, verified', true),
	('140927', '神池县', 'Shenchi', 'county', '140900', 'GB/T 2260, verified', true),
	('140928', '五寨县', 'Wuzhai', 'county', '140900', 'GB/T 2260, verified', true),
	('140929', '岢岚县', 'Kelan', 'county', '140900', 'GB/T 2260, verified', true),
	('140930', '河曲县', 'Hequ', 'county', '140900', 'GB/T 2260, verified', true),
	('140931', '保德县', 'Baode', 'county', '140900', 'GB/T 2260, verified', true),
	('140932', '偏关县', 'Pianguan', 'county', '140900', 'GB/T 2260, verified', true),
	('140981', '原平市', 'Yuanping', 'county', '140900', 'GB/T 2260, verified', true),
	('140971', '五台山风景名胜区', 'Wutaishan Scenic Area', 'special_zone', '140900',
	 'statistics code, verified; not a county-level division', true),
	('140972', '忻州经济开发区', 'Xinzhou Economic Development Zone', 'special_zone', '140900',
	 'code uncertain: statistics code not confirmed, edit this row if your registers use another', true);

-- Availability: 0.1.0
CREATE TABLE parameters (
	name        text PRIMARY KEY,
	value       numeric NOT NULL
	            CONSTRAINT parameters_value_nonnegative CHECK (value >= 0),
	unit        text NOT NULL
	            CONSTRAINT parameters_unit_check CHECK (unit IN ('m', 'km2', 't', 'count', 'years', 'ratio', 'srid')),
	clause      text,
	description text NOT NULL,
	seeded      boolean NOT NULL DEFAULT false,
	CONSTRAINT parameters_ratio_at_most_one CHECK (unit <> 'ratio' OR value <= 1),
	CONSTRAINT parameters_whole_number CHECK (unit NOT IN ('count', 'years', 'srid') OR value = trunc(value))
);
COMMENT ON TABLE parameters IS
  'Every number the plan sets, with its unit and clause: another city changes this table, not the code. Config table: edits survive pg_dump.';
COMMENT ON COLUMN parameters.name IS 'Parameter name, read with mineconsol.param(name)';
COMMENT ON COLUMN parameters.value IS 'Value in unit (never negative)';
COMMENT ON COLUMN parameters.unit IS '''m'', ''km2'', ''t'', ''count'', ''years'', ''ratio'' (0..1) or ''srid''';
COMMENT ON COLUMN parameters.clause IS 'Clause of the plan (or other source) that sets the value';
COMMENT ON COLUMN parameters.description IS 'What the parameter means';

-- @template sql/templates/seeded_config.sql TABLE=parameters KEYS="'name'"

INSERT INTO parameters (name, value, unit, clause, description, seeded) VALUES
	('merge_distance_m', 500, 'm', '三(一)5',
	 'M1: mines whose boundaries are within this distance, on one ore body, merge when small', true),
	('small_area_km2', 0.1, 'km2', '三(一)5',
	 'M1: a mine is small when its area is below this (and its reserves below small_reserves_t)', true),
	('small_reserves_t', 300000, 't', '三(一)5',
	 'M1: a mine is small when its retained reserves are below this (and its area below small_area_km2)', true),
	('penalty_count', 2, 'count', '三(二)1(1)',
	 'C1: illegal-mining penalties within penalty_window_years before a new illegal act that make it a ban', true),
	('penalty_window_years', 2, 'years', '三(二)1(1)',
	 'C1: window before an illegal act in which penalties are counted', true),
	('safety_distance_m', 300, 'm', '三(二)3(2); 国家安全监管总局令第39号 第十二条',
	 'L2: minimum distance between adjacent quarries'' mining ranges; small mines in a concentrated zone closer than this merge', true),
	('reduction_target', 0.5, 'ratio', '二(一)',
	 'T1: share by which the number of sand/gravel/clay mines should fall', true),
	('restoration_years', 1, 'years', '四(八)',
	 'Years after licensing within which the retained mine restores the merged mines'' former areas', true),
	('very_small_fraction', 0.1, 'ratio', '国土资发〔2004〕208号 (partial: docs/formats.md)',
	 'A mine producing under this fraction of the small-mine upper bound counts as very small', true),
	('working_srid', 4547, 'srid', 'docs/formats.md, "The working SRID" (CGCS2000 3-degree GK, CM 114E)',
	 'Projected SRID (metres) in which every geometry is stored and every area and distance computed; fixed at installation', true),
	-- Availability: 0.2.0
	('max_vertices', 10000, 'count', 'mineconsol (not in the plan)',
	 'Most vertices a mining area or zone may have (refused on write above it): a licence gives tens of corner points, and every spatial rule of the city pays for each vertex', true);

-- Availability: 0.1.0; 0.2.0 honours simulate()'s overrides.
CREATE FUNCTION param(name text) RETURNS numeric
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
	v numeric;
	overrides text := pg_catalog.current_setting('mineconsol.simulate_parameters', true);
BEGIN
	-- simulate() sets the overrides for its own duration only (its SET
	-- clause restores them); refresh_requested_results() pins them empty.
	IF overrides IS NOT NULL AND overrides OPERATOR(pg_catalog.<>) '' THEN
		v := (overrides::jsonb OPERATOR(pg_catalog.->>) param.name)::numeric;
		IF v IS NOT NULL THEN
			RETURN v;
		END IF;
	END IF;
	SELECT p.value INTO v FROM mineconsol.parameters p WHERE p.name OPERATOR(pg_catalog.=) param.name;
	IF NOT FOUND THEN
		RAISE EXCEPTION USING MESSAGE = pg_catalog.format(mineconsol.tr('unknown mineconsol parameter "%s"'), name),
				  ERRCODE = 'undefined_object',
				  HINT = mineconsol.tr('SELECT name FROM mineconsol.parameters lists them.');
	END IF;
	RETURN v;
END
$fn$;
COMMENT ON FUNCTION param(text) IS
  'The value of a mineconsol parameter (table mineconsol.parameters), or simulate()''s override of it while simulate() runs; an unknown name raises 42704.';

-- Availability: 0.1.0
CREATE FUNCTION parameters_check_working_srid() RETURNS trigger
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $fn$
DECLARE
	current_srid numeric;
BEGIN
	IF TG_RELID <> 'mineconsol.parameters'::regclass OR TG_WHEN <> 'BEFORE' OR TG_LEVEL <> 'ROW'
	   OR TG_OP NOT IN ('INSERT', 'UPDATE') THEN
		RAISE EXCEPTION USING MESSAGE = mineconsol.tr('parameters_check_working_srid() must be fired BEFORE INSERT OR UPDATE FOR EACH ROW on mineconsol.parameters'),
			ERRCODE = 'trigger_protocol_violated';
	END IF;
	IF NEW.name OPERATOR(pg_catalog.<>) 'working_srid' THEN
		RETURN NEW;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM spatial_ref_sys s
				    WHERE s.srid OPERATOR(pg_catalog.=) NEW.value::int
					  AND s.proj4text LIKE '%+units=m %') THEN
		RAISE EXCEPTION USING MESSAGE = pg_catalog.format(mineconsol.tr('working_srid %s is not a projected coordinate system in metres'), NEW.value),
				  ERRCODE = 'invalid_parameter_value',
				  DETAIL = mineconsol.tr('Areas and distances are computed in the working SRID, so it must be a projected system whose unit is the metre.'),
				  HINT = mineconsol.tr('For Xinzhou use 4546 (CGCS2000 GK CM 111E) or 4547 (CM 114E).');
	END IF;
	-- The stored geometries and the typed geometry columns of the result
	-- views carry the SRID set at installation; changing it is not supported.
	-- (Triggers fire by name: this one runs before parameters_replaces_seed,
	-- so an INSERT still sees the row it would replace.)
	SELECT p.value INTO current_srid FROM mineconsol.parameters p
	 WHERE p.name OPERATOR(pg_catalog.=) 'working_srid';
	IF NEW.value OPERATOR(pg_catalog.<>) current_srid THEN
		RAISE EXCEPTION USING MESSAGE = pg_catalog.format(mineconsol.tr('cannot change working_srid from %1$s to %2$s'), current_srid, NEW.value),
				  ERRCODE = 'feature_not_supported',
				  DETAIL = pg_catalog.format(mineconsol.tr('Stored geometries and the geometry columns of the result views are in SRID %s, fixed when the extension is created.'), current_srid),
				  HINT = mineconsol.tr('Load geometries in any SRID: they are transformed to the working SRID on write.');
	END IF;
	RETURN NEW;
END
$fn$;
COMMENT ON FUNCTION parameters_check_working_srid() IS
  'Trigger on parameters: working_srid must be a projected SRID in metres, and it cannot change after installation (stored geometries and the typed result views carry it).';
REVOKE ALL ON FUNCTION parameters_check_working_srid() FROM PUBLIC;

CREATE TRIGGER parameters_check_working_srid BEFORE INSERT OR UPDATE ON parameters
	FOR EACH ROW EXECUTE FUNCTION parameters_check_working_srid();

-- Availability: 0.1.0
CREATE TABLE scale_thresholds (
	mineral     text NOT NULL,
	unit        text NOT NULL
	            CONSTRAINT scale_thresholds_unit_check CHECK (unit IN ('t/yr', 'm3/yr')),
	large_min   numeric NOT NULL,
	medium_min  numeric NOT NULL,
	mineral_en  text,
	source      text,
	certainty   text NOT NULL DEFAULT 'partial'
	            CONSTRAINT scale_thresholds_certainty_check CHECK (certainty IN ('verified', 'partial', 'uncertain')),
	seeded      boolean NOT NULL DEFAULT false,
	PRIMARY KEY (mineral, unit),
	CONSTRAINT scale_thresholds_order CHECK (large_min > medium_min AND medium_min > 0)
);
COMMENT ON TABLE scale_thresholds IS
  'Production-scale classes per mineral (国土资发〔2004〕208号): large from large_min, medium from medium_min, small below it, very small below very_small_fraction of it. Ships only the rows confirmed so far (partial, see docs/formats.md): add rows for other minerals; a mine with no row has scale class ''unknown''. Config table: edits survive pg_dump.';
COMMENT ON COLUMN scale_thresholds.mineral IS 'Mineral name as in mines.mineral; a mine matches the longest mineral that its own mineral name starts with';
COMMENT ON COLUMN scale_thresholds.unit IS 'Unit of production: ''t/yr'' or ''m3/yr'' (matched against mines.capacity_unit)';
COMMENT ON COLUMN scale_thresholds.large_min IS 'Production per year from which a mine is large';
COMMENT ON COLUMN scale_thresholds.medium_min IS 'Production per year from which a mine is medium; below it, small';
COMMENT ON COLUMN scale_thresholds.mineral_en IS 'English name';
COMMENT ON COLUMN scale_thresholds.source IS 'Where the row comes from';
COMMENT ON COLUMN scale_thresholds.certainty IS '''verified'', ''partial'' or ''uncertain''';

-- @template sql/templates/seeded_config.sql TABLE=scale_thresholds KEYS="'mineral', 'unit'"

INSERT INTO scale_thresholds (mineral, unit, large_min, medium_min, mineral_en, source, certainty, seeded) VALUES
	('建筑石料', 'm3/yr', 100000, 50000, 'building stone', '国土资发〔2004〕208号 (docs/formats.md)', 'partial', true),
	('石灰岩', 't/yr', 1000000, 500000, 'limestone (use unclear)', '国土资发〔2004〕208号 (docs/formats.md)', 'partial', true),
	('水泥用砂岩', 't/yr', 600000, 200000, 'cement sandstone', '国土资发〔2004〕208号 (docs/formats.md)', 'partial', true),
	('玻璃用砂', 't/yr', 300000, 100000, 'glass sand', '国土资发〔2004〕208号 (docs/formats.md)', 'partial', true);

-- The rule itself, in one place (an inlinable SQL expression: the classification
-- views apply it to a million rows).
-- Availability: 0.1.0
CREATE FUNCTION scale_class_of(production numeric, large_min numeric, medium_min numeric,
							   very_small_fraction numeric) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $fn$
	SELECT CASE
			 WHEN production IS NULL OR medium_min IS NULL THEN NULL
			 WHEN production OPERATOR(pg_catalog.>=) large_min THEN 'large'
			 WHEN production OPERATOR(pg_catalog.>=) medium_min THEN 'medium'
			 WHEN production OPERATOR(pg_catalog.<) (medium_min OPERATOR(pg_catalog.*) very_small_fraction) THEN 'very_small'
			 ELSE 'small'
		   END
$fn$;
COMMENT ON FUNCTION scale_class_of(numeric, numeric, numeric, numeric) IS
  'Production-scale class of a production per year against one scale_thresholds row: ''large'' from large_min, ''medium'' from medium_min, ''very_small'' below very_small_fraction of medium_min, else ''small''; NULL when the production or the row is missing.';

-- Availability: 0.1.0
CREATE FUNCTION scale_class(mineral text, capacity numeric, capacity_unit text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
	SELECT COALESCE((
		SELECT mineconsol.scale_class_of(capacity, t.large_min, t.medium_min,
										 mineconsol.param('very_small_fraction'))
		  FROM mineconsol.scale_thresholds t
		 WHERE capacity IS NOT NULL
		   AND t.unit OPERATOR(pg_catalog.=) capacity_unit
		   AND starts_with(scale_class.mineral, t.mineral)
		 ORDER BY length(t.mineral) DESC
		 LIMIT 1), 'unknown')
$fn$;
COMMENT ON FUNCTION scale_class(text, numeric, text) IS
  'Production-scale class (''large'', ''medium'', ''small'', ''very_small'') of a mine from scale_thresholds, or ''unknown'' when no row fits the mineral and unit or the capacity is missing: never a guess.';

-- Availability: 0.1.0
CREATE TABLE milestones (
	track       text NOT NULL
	            CONSTRAINT milestones_track_check CHECK (track IN ('scheme', 'unit', 'closure')),
	stage       text NOT NULL,
	due         date NOT NULL,
	clause      text,
	description text NOT NULL,
	seeded      boolean NOT NULL DEFAULT false,
	PRIMARY KEY (track, stage)
);
COMMENT ON TABLE milestones IS
  'The plan''s deadlines: the day by which a track''s row must reach a stage (四(五), 四(六)). A later transition is allowed and recorded as late. Config table: edits survive pg_dump.';
COMMENT ON COLUMN milestones.track IS '''scheme'' (a county''s scheme), ''unit'' (a consolidation unit / retained mine) or ''closure'' (a closed mine)';
COMMENT ON COLUMN milestones.stage IS 'Stage of the track that is due';
COMMENT ON COLUMN milestones.due IS 'Last day on which reaching the stage is on time';
COMMENT ON COLUMN milestones.clause IS 'Clause of the plan that sets the deadline';
COMMENT ON COLUMN milestones.description IS 'What must be done by then';

-- @template sql/templates/seeded_config.sql TABLE=milestones KEYS="'track', 'stage'"

INSERT INTO milestones (track, stage, due, clause, description, seeded) VALUES
	('scheme', 'drafted', '2022-10-30', '四(五)',
	 'Counties finish the survey of their mines and draft the consolidation scheme', true),
	('scheme', 'submitted', '2022-10-30', '四(五)',
	 'Counties submit the scheme (after hearing and public notice) to the city', true),
	('scheme', 'approved', '2022-11-30', '四(五)',
	 'The city approves the counties'' schemes', true),
	('unit', 'reserves_verified', '2023-02-28', '四(五)',
	 'Reserves of each retained mine verified within the approved area and filed with the city bureau', true),
	('unit', 'valued', '2023-03-30', '四(五)',
	 'Transfer income of each retained mine''s mining right valued', true),
	('unit', 'transferred', '2023-06-30', '四(五)',
	 'Mining rights of the retained mines transferred by public sale', true),
	('unit', 'plans_approved', '2023-09-30', '四(六)2',
	 'Development plan, "three-in-one" plan and EIA of each retained mine approved', true),
	('unit', 'licensed', '2023-12-31', '四(六)3',
	 'Retained mines registered and licensed', true);
