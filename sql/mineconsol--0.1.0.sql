-- mineconsol 0.1.0 as released (generated from the sql/ pieces of 0.1.0).  Frozen: never edit;
-- every change since goes into an upgrade script (see README, "Contributing").
\echo Use "CREATE EXTENSION mineconsol" to load this file. \quit

-- ==== sql/00_schema.sql ====
-- mineconsol: schema-level objects.  The schema itself is created by
-- CREATE EXTENSION from the control file (schema = mineconsol).
--
-- Conventions of the SQL pieces:
--  * objects are created unqualified in the extension schema (the script runs
--    with search_path = mineconsol, <postgis schema>);
--  * a function that calls PostGIS pins that path with SET search_path FROM
--    CURRENT, so it finds PostGIS wherever it is installed and a caller's
--    search_path cannot redirect it; others pin pg_catalog, pg_temp;
--  * each object carries "-- Availability: VERSION" (the release it appeared in).

COMMENT ON SCHEMA mineconsol IS
  'mineconsol: consolidation of city- and county-licensed mines (registry, classification, merge clusters, stage workflow, audit trail)';

-- ==== sql/01_license_no.sql ====
-- license_no: mining and exploration licence numbers (src/license_no.c,
-- domain/FACTS.md "Mining licence number").

-- Availability: 0.1.0
CREATE TYPE license_no;

-- Availability: 0.1.0
CREATE FUNCTION license_no_in(cstring) RETURNS license_no
  AS 'MODULE_PATHNAME', 'license_no_in'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION license_no_in(cstring) IS
  'text input of license_no: trims surrounding ASCII white space, raises 22P02 with a detail for an invalid number';

-- Availability: 0.1.0
CREATE FUNCTION license_no_out(license_no) RETURNS cstring
  AS 'MODULE_PATHNAME', 'license_no_out'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION license_no_out(license_no) IS
  'text output of license_no: the canonical number';

-- Availability: 0.1.0
CREATE FUNCTION license_no_recv(internal) RETURNS license_no
  AS 'MODULE_PATHNAME', 'license_no_recv'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION license_no_recv(internal) IS
  'binary input of license_no: the number as text, validated like text input';

-- Availability: 0.1.0
CREATE FUNCTION license_no_send(license_no) RETURNS bytea
  AS 'MODULE_PATHNAME', 'license_no_send'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION license_no_send(license_no) IS
  'binary output of license_no: the canonical number as text';

-- Stored as 23 bytes: the canonical text, zero-padded for the 18-character
-- legacy form (see src/license_no.c).
-- Availability: 0.1.0
CREATE TYPE license_no (
  INPUT = license_no_in,
  OUTPUT = license_no_out,
  RECEIVE = license_no_recv,
  SEND = license_no_send,
  INTERNALLENGTH = 23,
  ALIGNMENT = char,
  STORAGE = plain
);
COMMENT ON TYPE license_no IS
  'mining or exploration licence number: C + 22 digits (mining), T + 22 digits (exploration) or T + 17 digits (legacy exploration), with the month of issue checked';

-- Comparison: the canonical text in byte order.

-- Availability: 0.1.0
CREATE FUNCTION license_no_eq(license_no, license_no) RETURNS boolean
  AS 'MODULE_PATHNAME', 'license_no_eq'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION license_no_eq(license_no, license_no) IS 'implementation of = for license_no';

-- Availability: 0.1.0
CREATE FUNCTION license_no_ne(license_no, license_no) RETURNS boolean
  AS 'MODULE_PATHNAME', 'license_no_ne'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION license_no_ne(license_no, license_no) IS 'implementation of <> for license_no';

-- Availability: 0.1.0
CREATE FUNCTION license_no_lt(license_no, license_no) RETURNS boolean
  AS 'MODULE_PATHNAME', 'license_no_lt'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION license_no_lt(license_no, license_no) IS 'implementation of < for license_no';

-- Availability: 0.1.0
CREATE FUNCTION license_no_le(license_no, license_no) RETURNS boolean
  AS 'MODULE_PATHNAME', 'license_no_le'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION license_no_le(license_no, license_no) IS 'implementation of <= for license_no';

-- Availability: 0.1.0
CREATE FUNCTION license_no_gt(license_no, license_no) RETURNS boolean
  AS 'MODULE_PATHNAME', 'license_no_gt'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION license_no_gt(license_no, license_no) IS 'implementation of > for license_no';

-- Availability: 0.1.0
CREATE FUNCTION license_no_ge(license_no, license_no) RETURNS boolean
  AS 'MODULE_PATHNAME', 'license_no_ge'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION license_no_ge(license_no, license_no) IS 'implementation of >= for license_no';

-- Availability: 0.1.0
CREATE FUNCTION license_no_cmp(license_no, license_no) RETURNS integer
  AS 'MODULE_PATHNAME', 'license_no_cmp'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION license_no_cmp(license_no, license_no) IS
  'btree support: -1, 0 or 1 as the first licence number sorts before, with or after the second';

-- Availability: 0.1.0
CREATE FUNCTION license_no_hash(license_no) RETURNS integer
  AS 'MODULE_PATHNAME', 'license_no_hash'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION license_no_hash(license_no) IS 'hash support: 32-bit hash of a licence number';

-- Availability: 0.1.0
CREATE FUNCTION license_no_hash_extended(license_no, bigint) RETURNS bigint
  AS 'MODULE_PATHNAME', 'license_no_hash_extended'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION license_no_hash_extended(license_no, bigint) IS
  'hash support: 64-bit seeded hash of a licence number (hash partitioning)';

-- Availability: 0.1.0
CREATE OPERATOR = (
  LEFTARG = license_no, RIGHTARG = license_no, FUNCTION = license_no_eq,
  COMMUTATOR = =, NEGATOR = <>,
  RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES
);
COMMENT ON OPERATOR = (license_no, license_no) IS 'equal';

-- Availability: 0.1.0
CREATE OPERATOR <> (
  LEFTARG = license_no, RIGHTARG = license_no, FUNCTION = license_no_ne,
  COMMUTATOR = <>, NEGATOR = =,
  RESTRICT = neqsel, JOIN = neqjoinsel
);
COMMENT ON OPERATOR <> (license_no, license_no) IS 'not equal';

-- Availability: 0.1.0
CREATE OPERATOR < (
  LEFTARG = license_no, RIGHTARG = license_no, FUNCTION = license_no_lt,
  COMMUTATOR = >, NEGATOR = >=,
  RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
COMMENT ON OPERATOR < (license_no, license_no) IS 'sorts before (text order of the number)';

-- Availability: 0.1.0
CREATE OPERATOR <= (
  LEFTARG = license_no, RIGHTARG = license_no, FUNCTION = license_no_le,
  COMMUTATOR = >=, NEGATOR = >,
  RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
COMMENT ON OPERATOR <= (license_no, license_no) IS 'sorts before or equal (text order of the number)';

-- Availability: 0.1.0
CREATE OPERATOR > (
  LEFTARG = license_no, RIGHTARG = license_no, FUNCTION = license_no_gt,
  COMMUTATOR = <, NEGATOR = <=,
  RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
COMMENT ON OPERATOR > (license_no, license_no) IS 'sorts after (text order of the number)';

-- Availability: 0.1.0
CREATE OPERATOR >= (
  LEFTARG = license_no, RIGHTARG = license_no, FUNCTION = license_no_ge,
  COMMUTATOR = <=, NEGATOR = <,
  RESTRICT = scalargesel, JOIN = scalargejoinsel
);
COMMENT ON OPERATOR >= (license_no, license_no) IS 'sorts after or equal (text order of the number)';

-- btequalimage: equal values are bytewise equal, so btree deduplication is safe.
-- Availability: 0.1.0
CREATE OPERATOR CLASS license_no_ops
  DEFAULT FOR TYPE license_no USING btree AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 license_no_cmp(license_no, license_no),
    FUNCTION 4 (license_no) pg_catalog.btequalimage(oid);
COMMENT ON OPERATOR CLASS license_no_ops USING btree IS
  'default btree operator class for license_no (text order of the number)';
COMMENT ON OPERATOR FAMILY license_no_ops USING btree IS
  'btree operators for license_no';

-- Availability: 0.1.0
CREATE OPERATOR CLASS license_no_ops
  DEFAULT FOR TYPE license_no USING hash AS
    OPERATOR 1 =,
    FUNCTION 1 license_no_hash(license_no),
    FUNCTION 2 license_no_hash_extended(license_no, bigint);
COMMENT ON OPERATOR CLASS license_no_ops USING hash IS
  'default hash operator class for license_no';
COMMENT ON OPERATOR FAMILY license_no_ops USING hash IS
  'hash operators for license_no';

-- Casts through text input and output: text and varchar values can be
-- assigned to license_no columns (and are validated); license_no values can
-- be assigned to text and varchar columns.
-- Availability: 0.1.0
CREATE CAST (text AS license_no) WITH INOUT AS ASSIGNMENT;
COMMENT ON CAST (text AS license_no) IS 'parse a licence number; invalid text raises 22P02 (see try_license_no)';
-- Availability: 0.1.0
CREATE CAST (license_no AS text) WITH INOUT AS ASSIGNMENT;
COMMENT ON CAST (license_no AS text) IS 'the canonical licence number';
-- Availability: 0.1.0
CREATE CAST (varchar AS license_no) WITH INOUT AS ASSIGNMENT;
COMMENT ON CAST (varchar AS license_no) IS 'parse a licence number; invalid text raises 22P02 (see try_license_no)';
-- Availability: 0.1.0
CREATE CAST (license_no AS varchar) WITH INOUT AS ASSIGNMENT;
COMMENT ON CAST (license_no AS varchar) IS 'the canonical licence number';

-- Availability: 0.1.0
CREATE FUNCTION try_license_no(text) RETURNS license_no
  AS 'MODULE_PATHNAME', 'try_license_no'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION try_license_no(text) IS
  'the licence number in the text, or NULL if it is not a valid one (for loading dirty registers and listing the rejects)';

-- Availability: 0.1.0
CREATE FUNCTION license_authority(license_no) RETURNS text
  AS 'MODULE_PATHNAME', 'license_authority'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION license_authority(license_no) IS
  'issuing authority: the 6-digit GB/T 2260 code at positions 2-7, or for a legacy T number the 2-digit code at positions 2-3 (01 = ministry)';

-- Availability: 0.1.0
CREATE FUNCTION license_issued(license_no) RETURNS date
  AS 'MODULE_PATHNAME', 'license_issued'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION license_issued(license_no) IS
  'first day of the month of issue encoded in the number (positions 8-13, legacy T: 5-10)';

-- Availability: 0.1.0
CREATE FUNCTION license_kind(license_no) RETURNS text
  AS 'MODULE_PATHNAME', 'license_kind'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION license_kind(license_no) IS
  '''mining'' for a C number, ''exploration'' for a T number';

-- ==== sql/02_uscc.sql ====
-- uscc: unified social credit codes, GB 32100-2015 (src/uscc.c,
-- domain/FACTS.md "Unified Social Credit Code").

-- Availability: 0.1.0
CREATE TYPE uscc;

-- Availability: 0.1.0
CREATE FUNCTION uscc_in(cstring) RETURNS uscc
  AS 'MODULE_PATHNAME', 'uscc_in'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION uscc_in(cstring) IS
  'text input of uscc: trims surrounding ASCII white space, raises 22P02 with a detail for an invalid code (and a hint naming the right check character)';

-- Availability: 0.1.0
CREATE FUNCTION uscc_out(uscc) RETURNS cstring
  AS 'MODULE_PATHNAME', 'uscc_out'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION uscc_out(uscc) IS
  'text output of uscc: the 18 characters';

-- Availability: 0.1.0
CREATE FUNCTION uscc_recv(internal) RETURNS uscc
  AS 'MODULE_PATHNAME', 'uscc_recv'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION uscc_recv(internal) IS
  'binary input of uscc: the code as text, validated like text input';

-- Availability: 0.1.0
CREATE FUNCTION uscc_send(uscc) RETURNS bytea
  AS 'MODULE_PATHNAME', 'uscc_send'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION uscc_send(uscc) IS
  'binary output of uscc: the code as text';

-- Stored as its 18 characters (see src/uscc.c).
-- Availability: 0.1.0
CREATE TYPE uscc (
  INPUT = uscc_in,
  OUTPUT = uscc_out,
  RECEIVE = uscc_recv,
  SEND = uscc_send,
  INTERNALLENGTH = 18,
  ALIGNMENT = char,
  STORAGE = plain
);
COMMENT ON TYPE uscc IS
  'unified social credit code (GB 32100-2015): 18 characters of 0-9 and A-Y without I, O, S, V, Z, with the check character verified';

-- Comparison: the text of the code in byte order.

-- Availability: 0.1.0
CREATE FUNCTION uscc_eq(uscc, uscc) RETURNS boolean
  AS 'MODULE_PATHNAME', 'uscc_eq'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION uscc_eq(uscc, uscc) IS 'implementation of = for uscc';

-- Availability: 0.1.0
CREATE FUNCTION uscc_ne(uscc, uscc) RETURNS boolean
  AS 'MODULE_PATHNAME', 'uscc_ne'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION uscc_ne(uscc, uscc) IS 'implementation of <> for uscc';

-- Availability: 0.1.0
CREATE FUNCTION uscc_lt(uscc, uscc) RETURNS boolean
  AS 'MODULE_PATHNAME', 'uscc_lt'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION uscc_lt(uscc, uscc) IS 'implementation of < for uscc';

-- Availability: 0.1.0
CREATE FUNCTION uscc_le(uscc, uscc) RETURNS boolean
  AS 'MODULE_PATHNAME', 'uscc_le'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION uscc_le(uscc, uscc) IS 'implementation of <= for uscc';

-- Availability: 0.1.0
CREATE FUNCTION uscc_gt(uscc, uscc) RETURNS boolean
  AS 'MODULE_PATHNAME', 'uscc_gt'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION uscc_gt(uscc, uscc) IS 'implementation of > for uscc';

-- Availability: 0.1.0
CREATE FUNCTION uscc_ge(uscc, uscc) RETURNS boolean
  AS 'MODULE_PATHNAME', 'uscc_ge'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION uscc_ge(uscc, uscc) IS 'implementation of >= for uscc';

-- Availability: 0.1.0
CREATE FUNCTION uscc_cmp(uscc, uscc) RETURNS integer
  AS 'MODULE_PATHNAME', 'uscc_cmp'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION uscc_cmp(uscc, uscc) IS
  'btree support: -1, 0 or 1 as the first unified social credit code sorts before, with or after the second';

-- Availability: 0.1.0
CREATE FUNCTION uscc_hash(uscc) RETURNS integer
  AS 'MODULE_PATHNAME', 'uscc_hash'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION uscc_hash(uscc) IS 'hash support: 32-bit hash of a unified social credit code';

-- Availability: 0.1.0
CREATE FUNCTION uscc_hash_extended(uscc, bigint) RETURNS bigint
  AS 'MODULE_PATHNAME', 'uscc_hash_extended'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION uscc_hash_extended(uscc, bigint) IS
  'hash support: 64-bit seeded hash of a unified social credit code (hash partitioning)';

-- Availability: 0.1.0
CREATE OPERATOR = (
  LEFTARG = uscc, RIGHTARG = uscc, FUNCTION = uscc_eq,
  COMMUTATOR = =, NEGATOR = <>,
  RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES
);
COMMENT ON OPERATOR = (uscc, uscc) IS 'equal';

-- Availability: 0.1.0
CREATE OPERATOR <> (
  LEFTARG = uscc, RIGHTARG = uscc, FUNCTION = uscc_ne,
  COMMUTATOR = <>, NEGATOR = =,
  RESTRICT = neqsel, JOIN = neqjoinsel
);
COMMENT ON OPERATOR <> (uscc, uscc) IS 'not equal';

-- Availability: 0.1.0
CREATE OPERATOR < (
  LEFTARG = uscc, RIGHTARG = uscc, FUNCTION = uscc_lt,
  COMMUTATOR = >, NEGATOR = >=,
  RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
COMMENT ON OPERATOR < (uscc, uscc) IS 'sorts before (text order of the code)';

-- Availability: 0.1.0
CREATE OPERATOR <= (
  LEFTARG = uscc, RIGHTARG = uscc, FUNCTION = uscc_le,
  COMMUTATOR = >=, NEGATOR = >,
  RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
COMMENT ON OPERATOR <= (uscc, uscc) IS 'sorts before or equal (text order of the code)';

-- Availability: 0.1.0
CREATE OPERATOR > (
  LEFTARG = uscc, RIGHTARG = uscc, FUNCTION = uscc_gt,
  COMMUTATOR = <, NEGATOR = <=,
  RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
COMMENT ON OPERATOR > (uscc, uscc) IS 'sorts after (text order of the code)';

-- Availability: 0.1.0
CREATE OPERATOR >= (
  LEFTARG = uscc, RIGHTARG = uscc, FUNCTION = uscc_ge,
  COMMUTATOR = <=, NEGATOR = <,
  RESTRICT = scalargesel, JOIN = scalargejoinsel
);
COMMENT ON OPERATOR >= (uscc, uscc) IS 'sorts after or equal (text order of the code)';

-- btequalimage: equal values are bytewise equal, so btree deduplication is safe.
-- Availability: 0.1.0
CREATE OPERATOR CLASS uscc_ops
  DEFAULT FOR TYPE uscc USING btree AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 uscc_cmp(uscc, uscc),
    FUNCTION 4 (uscc) pg_catalog.btequalimage(oid);
COMMENT ON OPERATOR CLASS uscc_ops USING btree IS
  'default btree operator class for uscc (text order of the code)';
COMMENT ON OPERATOR FAMILY uscc_ops USING btree IS
  'btree operators for uscc';

-- Availability: 0.1.0
CREATE OPERATOR CLASS uscc_ops
  DEFAULT FOR TYPE uscc USING hash AS
    OPERATOR 1 =,
    FUNCTION 1 uscc_hash(uscc),
    FUNCTION 2 uscc_hash_extended(uscc, bigint);
COMMENT ON OPERATOR CLASS uscc_ops USING hash IS
  'default hash operator class for uscc';
COMMENT ON OPERATOR FAMILY uscc_ops USING hash IS
  'hash operators for uscc';

-- Casts through text input and output: text and varchar values can be
-- assigned to uscc columns (and are validated); uscc values can be
-- assigned to text and varchar columns.
-- Availability: 0.1.0
CREATE CAST (text AS uscc) WITH INOUT AS ASSIGNMENT;
COMMENT ON CAST (text AS uscc) IS 'parse a unified social credit code; invalid text raises 22P02 (see try_uscc)';
-- Availability: 0.1.0
CREATE CAST (uscc AS text) WITH INOUT AS ASSIGNMENT;
COMMENT ON CAST (uscc AS text) IS 'the unified social credit code';
-- Availability: 0.1.0
CREATE CAST (varchar AS uscc) WITH INOUT AS ASSIGNMENT;
COMMENT ON CAST (varchar AS uscc) IS 'parse a unified social credit code; invalid text raises 22P02 (see try_uscc)';
-- Availability: 0.1.0
CREATE CAST (uscc AS varchar) WITH INOUT AS ASSIGNMENT;
COMMENT ON CAST (uscc AS varchar) IS 'the unified social credit code';

-- Availability: 0.1.0
CREATE FUNCTION try_uscc(text) RETURNS uscc
  AS 'MODULE_PATHNAME', 'try_uscc'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION try_uscc(text) IS
  'the unified social credit code in the text, or NULL if it is not a valid one (for loading dirty registers and listing the rejects)';

-- Availability: 0.1.0
CREATE FUNCTION uscc_region(uscc) RETURNS text
  AS 'MODULE_PATHNAME', 'uscc_region'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION uscc_region(uscc) IS
  'GB/T 2260 code of the registering authority: positions 3-8';

-- ==== sql/05_roles.sql ====
-- The four roles of DESIGN.md "Security".  Roles belong to the cluster, not
-- to a database or to the extension: they are created here only when
-- missing (a second database, or CREATE EXTENSION after DROP EXTENSION, finds
-- them in place) and DROP EXTENSION leaves them.  They cannot log in; grant
-- them to login roles.  Grants and row-level security come with the
-- security release; for now only revert_stage() looks at mineconsol_admin.

-- Availability: 0.1.0
DO $roles$
DECLARE
	r record;
BEGIN
	FOR r IN SELECT * FROM (VALUES
		('mineconsol_admin', 'mineconsol: the city (leadership group office); may revert stages'),
		('mineconsol_editor', 'mineconsol: county staff; write their counties'' rows'),
		('mineconsol_reader', 'mineconsol: reporting tools; read their counties'' rows'),
		('mineconsol_inspector', 'mineconsol: discipline inspection; reads the audit trail'))
		AS v(name, note)
	LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) r.name) THEN
			EXECUTE format('CREATE ROLE %I NOLOGIN', r.name);
			EXECUTE format('COMMENT ON ROLE %I IS %L', r.name, r.note);
		END IF;
	END LOOP;
END
$roles$;

-- ==== sql/10_config.sql ====
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
COMMENT ON COLUMN counties.seeded IS 'true for a row as shipped by mineconsol and never edited; pg_dump keeps only the others';

CREATE TRIGGER counties_replaces_seed BEFORE INSERT OR UPDATE ON counties
	FOR EACH ROW EXECUTE FUNCTION config_row_replaces_seed('code');

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
COMMENT ON COLUMN parameters.seeded IS 'true for a row as shipped by mineconsol and never edited; pg_dump keeps only the others';

CREATE TRIGGER parameters_replaces_seed BEFORE INSERT OR UPDATE ON parameters
	FOR EACH ROW EXECUTE FUNCTION config_row_replaces_seed('name');

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
	('very_small_fraction', 0.1, 'ratio', '国土资发〔2004〕208号 (FACTS.md, partial)',
	 'A mine producing under this fraction of the small-mine upper bound counts as very small', true),
	('working_srid', 4547, 'srid', 'FACTS.md (CGCS2000 3-degree GK, CM 114E)',
	 'Projected SRID (metres) in which every geometry is stored and every area and distance computed; fixed at installation', true);

-- Availability: 0.1.0
CREATE FUNCTION param(name text) RETURNS numeric
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
	v numeric;
BEGIN
	SELECT p.value INTO v FROM mineconsol.parameters p WHERE p.name OPERATOR(pg_catalog.=) param.name;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'unknown mineconsol parameter "%"', name
			USING ERRCODE = 'undefined_object',
				  HINT = 'SELECT name FROM mineconsol.parameters lists them.';
	END IF;
	RETURN v;
END
$fn$;
COMMENT ON FUNCTION param(text) IS
  'The value of a mineconsol parameter (table mineconsol.parameters); an unknown name raises 42704.';

-- Availability: 0.1.0
CREATE FUNCTION parameters_check_working_srid() RETURNS trigger
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $fn$
DECLARE
	current_srid numeric;
BEGIN
	IF NEW.name OPERATOR(pg_catalog.<>) 'working_srid' THEN
		RETURN NEW;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM spatial_ref_sys s
				    WHERE s.srid OPERATOR(pg_catalog.=) NEW.value::int
					  AND s.proj4text LIKE '%+units=m %') THEN
		RAISE EXCEPTION 'working_srid % is not a projected coordinate system in metres', NEW.value
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'Areas and distances are computed in the working SRID, so it must be a projected system whose unit is the metre.',
				  HINT = 'For Xinzhou use 4546 (CGCS2000 GK CM 111E) or 4547 (CM 114E).';
	END IF;
	-- The stored geometries and the typed geometry columns of the result
	-- views carry the SRID set at installation; changing it is not supported.
	-- (Triggers fire by name: this one runs before parameters_replaces_seed,
	-- so an INSERT still sees the row it would replace.)
	SELECT p.value INTO current_srid FROM mineconsol.parameters p
	 WHERE p.name OPERATOR(pg_catalog.=) 'working_srid';
	IF NEW.value OPERATOR(pg_catalog.<>) current_srid THEN
		RAISE EXCEPTION 'cannot change working_srid from % to %', current_srid, NEW.value
			USING ERRCODE = 'feature_not_supported',
				  DETAIL = 'Stored geometries and the geometry columns of the result views are in SRID ' || current_srid || ', fixed when the extension is created.',
				  HINT = 'Load geometries in any SRID: they are transformed to the working SRID on write.';
	END IF;
	RETURN NEW;
END
$fn$;
COMMENT ON FUNCTION parameters_check_working_srid() IS
  'Trigger on parameters: working_srid must be a projected SRID in metres, and it cannot change after installation (stored geometries and the typed result views carry it).';

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
  'Production-scale classes per mineral (国土资发〔2004〕208号): large from large_min, medium from medium_min, small below it, very small below very_small_fraction of it. Ships only the rows FACTS.md confirms (partial): add rows for other minerals; a mine with no row has scale class ''unknown''. Config table: edits survive pg_dump.';
COMMENT ON COLUMN scale_thresholds.mineral IS 'Mineral name as in mines.mineral; a mine matches the longest mineral that its own mineral name starts with';
COMMENT ON COLUMN scale_thresholds.unit IS 'Unit of production: ''t/yr'' or ''m3/yr'' (matched against mines.capacity_unit)';
COMMENT ON COLUMN scale_thresholds.large_min IS 'Production per year from which a mine is large';
COMMENT ON COLUMN scale_thresholds.medium_min IS 'Production per year from which a mine is medium; below it, small';
COMMENT ON COLUMN scale_thresholds.mineral_en IS 'English name';
COMMENT ON COLUMN scale_thresholds.source IS 'Where the row comes from';
COMMENT ON COLUMN scale_thresholds.certainty IS '''verified'', ''partial'' or ''uncertain''';
COMMENT ON COLUMN scale_thresholds.seeded IS 'true for a row as shipped by mineconsol and never edited; pg_dump keeps only the others';

CREATE TRIGGER scale_thresholds_replaces_seed BEFORE INSERT OR UPDATE ON scale_thresholds
	FOR EACH ROW EXECUTE FUNCTION config_row_replaces_seed('mineral', 'unit');

INSERT INTO scale_thresholds (mineral, unit, large_min, medium_min, mineral_en, source, certainty, seeded) VALUES
	('建筑石料', 'm3/yr', 100000, 50000, 'building stone', '国土资发〔2004〕208号 (FACTS.md)', 'partial', true),
	('石灰岩', 't/yr', 1000000, 500000, 'limestone (use unclear)', '国土资发〔2004〕208号 (FACTS.md)', 'partial', true),
	('水泥用砂岩', 't/yr', 600000, 200000, 'cement sandstone', '国土资发〔2004〕208号 (FACTS.md)', 'partial', true),
	('玻璃用砂', 't/yr', 300000, 100000, 'glass sand', '国土资发〔2004〕208号 (FACTS.md)', 'partial', true);

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
COMMENT ON COLUMN milestones.seeded IS 'true for a row as shipped by mineconsol and never edited; pg_dump keeps only the others';

CREATE TRIGGER milestones_replaces_seed BEFORE INSERT OR UPDATE ON milestones
	FOR EACH ROW EXECUTE FUNCTION config_row_replaces_seed('track', 'stage');

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

-- ==== sql/20_registry.sql ====
-- Registry: mines, their violations, and the zones the rules look at.
-- Geometries are stored as MultiPolygons in the working SRID (parameter
-- working_srid); working_geometry() is the one gate every geometry passes.

-- Availability: 0.1.0
CREATE FUNCTION working_geometry(geom geometry, what text DEFAULT 'geometry')
RETURNS geometry
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $fn$
DECLARE
	srid int := mineconsol.param('working_srid')::int;
	gtype text;
	reason text;
BEGIN
	IF geom IS NULL THEN
		RETURN NULL;
	END IF;
	IF ST_SRID(geom) = 0 THEN
		RAISE EXCEPTION '% has no SRID', what
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('Geometries must say their coordinate system; mineconsol stores them in SRID %s (parameter working_srid).', srid),
				  HINT = 'Use ST_SetSRID(geom, srid) with the system the coordinates are in, e.g. 4526 for CGCS2000 zone 38 eastings with the zone prefix.';
	END IF;
	gtype := substr(ST_GeometryType(geom), 4);
	IF gtype NOT IN ('Polygon', 'MultiPolygon') THEN
		RAISE EXCEPTION '% must be a Polygon or MultiPolygon, got %', what, gtype
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'A mining area or zone is an area: its boundary rings, not points or lines.';
	END IF;
	IF ST_IsEmpty(geom) THEN
		RAISE EXCEPTION '% is empty', what
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'An empty geometry has no area; store NULL for a mine whose area is not delineated yet.';
	END IF;
	geom := ST_Force2D(geom);
	-- ST_IsValidReason rather than ST_IsValid: the latter also prints a NOTICE.
	reason := ST_IsValidReason(geom);
	IF reason <> 'Valid Geometry' THEN
		RAISE EXCEPTION '% is not a valid polygon: %', what, reason
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('ST_IsValidReason says "%s" (coordinates in SRID %s).', reason, ST_SRID(geom)),
				  HINT = 'Check the order of the corner points; ST_MakeValid shows a repaired shape to compare with the licence.';
	END IF;
	IF ST_SRID(geom) <> srid THEN
		geom := ST_Transform(geom, srid);
	END IF;
	RETURN ST_Multi(geom);
END
$fn$;
COMMENT ON FUNCTION working_geometry(geometry, text) IS
  'The geometry as mineconsol stores it: a 2D MultiPolygon in the working SRID (transformed if needed). Refuses with 22023 and the reason a geometry without SRID, one that is not a (multi)polygon, an empty one, or an invalid one (with ST_IsValidReason and where). what names the geometry in messages.';

-- Availability: 0.1.0
CREATE TABLE mines (
	id            bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	license_no    license_no UNIQUE,
	name          text NOT NULL,
	holder        text,
	holder_uscc   uscc,
	county_code   text NOT NULL REFERENCES counties (code),
	licensed_by   text NOT NULL DEFAULT 'county'
	              CONSTRAINT mines_licensed_by_check CHECK (licensed_by IN ('city', 'county', 'province', 'ministry')),
	mineral       text,
	mineral_group text NOT NULL DEFAULT 'sand_gravel_clay'
	              CONSTRAINT mines_mineral_group_check CHECK (mineral_group IN ('sand_gravel_clay', 'other')),
	ore_body      text,
	geom          geometry(MultiPolygon),
	elev_top      numeric,
	elev_bottom   numeric,
	area_km2      double precision GENERATED ALWAYS AS (ST_Area(geom) / 1e6) STORED,
	reserves_t    numeric
	              CONSTRAINT mines_reserves_nonnegative CHECK (reserves_t >= 0),
	capacity      numeric
	              CONSTRAINT mines_capacity_nonnegative CHECK (capacity >= 0),
	capacity_unit text
	              CONSTRAINT mines_capacity_unit_check CHECK (capacity_unit IN ('t/yr', 'm3/yr')),
	valid_from    date,
	valid_to      date,
	expiry_cause  text
	              CONSTRAINT mines_expiry_cause_check CHECK (expiry_cause IN ('own', 'other')),
	transfer_mode text
	              CONSTRAINT mines_transfer_mode_check CHECK (transfer_mode IN ('term', 'reserves')),
	documents_incomplete boolean NOT NULL DEFAULT false,
	area_delineated      boolean NOT NULL DEFAULT false,
	eco_ok               boolean NOT NULL DEFAULT true,
	safety_ok            boolean NOT NULL DEFAULT true,
	product_ok           boolean NOT NULL DEFAULT true,
	backward_process     boolean NOT NULL DEFAULT false,
	restoration_ok       boolean NOT NULL DEFAULT true,
	group_enterprise     boolean NOT NULL DEFAULT false,
	downstream_processing boolean NOT NULL DEFAULT false,
	green_listed         boolean NOT NULL DEFAULT false,
	fake_consolidation_suspected boolean NOT NULL DEFAULT false,
	rectify_by    date,
	note          text,
	CONSTRAINT mines_validity_order CHECK (valid_to >= valid_from),
	CONSTRAINT mines_elevation_order CHECK (elev_top >= elev_bottom),
	CONSTRAINT mines_capacity_needs_unit CHECK (capacity IS NULL OR capacity_unit IS NOT NULL)
);
CREATE INDEX mines_geom_idx ON mines USING gist (geom);
CREATE INDEX mines_county_idx ON mines (county_code, id);
CREATE INDEX mines_ore_body_idx ON mines (ore_body);
COMMENT ON TABLE mines IS
  'One row per mining right (or pending application) licensed in the city: the registry every rule reads.';
COMMENT ON COLUMN mines.id IS 'Key';
COMMENT ON COLUMN mines.license_no IS 'Mining licence number (采矿许可证号); NULL for a pending application';
COMMENT ON COLUMN mines.name IS 'Name of the mine';
COMMENT ON COLUMN mines.holder IS 'Holder of the mining right (采矿权人)';
COMMENT ON COLUMN mines.holder_uscc IS 'Holder''s unified social credit code';
COMMENT ON COLUMN mines.county_code IS 'County (or city) responsible for the mine, mineconsol.counties';
COMMENT ON COLUMN mines.licensed_by IS 'Issuing level: ''city'', ''county'' (in scope), ''province'', ''ministry'' (out of scope)';
COMMENT ON COLUMN mines.mineral IS 'Mineral as named in the licence (e.g. 建筑石料用灰岩)';
COMMENT ON COLUMN mines.mineral_group IS '''sand_gravel_clay'' (砂石土, the target T1 counts these) or ''other''';
COMMENT ON COLUMN mines.ore_body IS 'Identifier of the ore body the mine works; mines on one ore body may merge';
COMMENT ON COLUMN mines.geom IS 'Mining area (矿区范围): MultiPolygon in the working SRID; another SRID is transformed on write, a geometry without SRID, empty or invalid is refused. A Polygon must be promoted first (ST_Multi, working_geometry() or import_mines do it): the column''s type modifier refuses it before any trigger runs.';
COMMENT ON COLUMN mines.elev_top IS 'Top of the licensed mining elevation range, m';
COMMENT ON COLUMN mines.elev_bottom IS 'Bottom of the licensed mining elevation range, m';
COMMENT ON COLUMN mines.area_km2 IS 'Area of the mining area in km², derived from geom (never typed in)';
COMMENT ON COLUMN mines.reserves_t IS 'Retained reserves (保有资源储量), tonnes';
COMMENT ON COLUMN mines.capacity IS 'Licensed production capacity per year, in capacity_unit';
COMMENT ON COLUMN mines.capacity_unit IS '''t/yr'' or ''m3/yr''';
COMMENT ON COLUMN mines.valid_from IS 'First day of the licence''s validity';
COMMENT ON COLUMN mines.valid_to IS 'Last day of the licence''s validity';
COMMENT ON COLUMN mines.expiry_cause IS 'Why an expired licence lapsed: ''own'' (the holder''s fault, C2) or ''other''';
COMMENT ON COLUMN mines.transfer_mode IS 'How the right was sold: ''term'' (按年限) or ''reserves'' (按资源储量), C5';
COMMENT ON COLUMN mines.documents_incomplete IS 'S2: refused or not accepted only because documents were incomplete';
COMMENT ON COLUMN mines.area_delineated IS 'S3: a mining area has been delineated (or the county names the mine)';
COMMENT ON COLUMN mines.eco_ok IS 'C3: meets ecological protection requirements';
COMMENT ON COLUMN mines.safety_ok IS 'C3: meets safety production conditions';
COMMENT ON COLUMN mines.product_ok IS 'C3: meets building-material product standards';
COMMENT ON COLUMN mines.backward_process IS 'E1: production process is backward';
COMMENT ON COLUMN mines.restoration_ok IS 'E1: ecological restoration meets the standard';
COMMENT ON COLUMN mines.group_enterprise IS 'L4: holder is a large mining group';
COMMENT ON COLUMN mines.downstream_processing IS 'L4: holder has downstream deep processing';
COMMENT ON COLUMN mines.green_listed IS 'L4: on the city''s green-mine list';
COMMENT ON COLUMN mines.fake_consolidation_suspected IS 'L1: suspected fake consolidation (假整合)';
COMMENT ON COLUMN mines.rectify_by IS 'C3: deadline of the ordered rectification (停产限期整顿)';
COMMENT ON COLUMN mines.note IS 'Free text';

-- Availability: 0.1.0
CREATE TABLE violations (
	id           bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	mine_id      bigint NOT NULL REFERENCES mines (id) ON DELETE CASCADE,
	kind         text NOT NULL
	             CONSTRAINT violations_kind_check CHECK (kind IN ('illegal_mining', 'other')),
	occurred_on  date NOT NULL,
	penalized_on date,
	doc_no       text,
	note         text,
	CONSTRAINT violations_penalty_after_act CHECK (penalized_on >= occurred_on)
);
CREATE INDEX violations_mine_idx ON violations (mine_id);
COMMENT ON TABLE violations IS
  'Violations of a mine and the penalties imposed for them (C1 counts illegal-mining penalties).';
COMMENT ON COLUMN violations.id IS 'Key';
COMMENT ON COLUMN violations.mine_id IS 'The mine, mineconsol.mines';
COMMENT ON COLUMN violations.kind IS '''illegal_mining'' (非法采矿) or ''other''';
COMMENT ON COLUMN violations.occurred_on IS 'Day of the act';
COMMENT ON COLUMN violations.penalized_on IS 'Day the administrative penalty was imposed; NULL when none was';
COMMENT ON COLUMN violations.doc_no IS 'Number of the penalty decision';
COMMENT ON COLUMN violations.note IS 'Free text';

-- Availability: 0.1.0
CREATE TABLE zones (
	id          bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	kind        text NOT NULL
	            CONSTRAINT zones_kind_check CHECK (kind IN ('planned_mining', 'concentrated_mining', 'eco_redline',
	                                                       'nature_reserve', 'scenic_area', 'water_source', 'eco_fragile')),
	name        text NOT NULL,
	county_code text REFERENCES counties (code),
	geom        geometry(MultiPolygon) NOT NULL,
	note        text
);
CREATE INDEX zones_geom_idx ON zones USING gist (geom);
COMMENT ON TABLE zones IS
  'Areas the rules look at: planned and concentrated mining zones (S4, L2, A1), ecological red lines and protected areas (C4), ecologically fragile areas (A1).';
COMMENT ON COLUMN zones.id IS 'Key';
COMMENT ON COLUMN zones.kind IS '''planned_mining'', ''concentrated_mining'', ''eco_redline'', ''nature_reserve'', ''scenic_area'', ''water_source'' or ''eco_fragile''';
COMMENT ON COLUMN zones.name IS 'Name of the zone, quoted in reasons';
COMMENT ON COLUMN zones.county_code IS 'County the zone belongs to; NULL for a city-wide zone';
COMMENT ON COLUMN zones.geom IS 'Area: MultiPolygon in the working SRID; another SRID is transformed on write, a geometry without SRID, empty or invalid is refused';
COMMENT ON COLUMN zones.note IS 'Free text';

-- Availability: 0.1.0
CREATE FUNCTION normalize_geom() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
	NEW.geom := mineconsol.working_geometry(
		NEW.geom,
		format('%s of %s %s', CASE TG_TABLE_NAME WHEN 'mines' THEN 'mining area' ELSE 'area' END,
			   rtrim(TG_TABLE_NAME, 's'), COALESCE(quote_literal(NEW.name), '(unnamed)')));
	RETURN NEW;
END
$fn$;
COMMENT ON FUNCTION normalize_geom() IS
  'Trigger on mines and zones: stores geom through working_geometry() (MultiPolygon, working SRID), naming the row in any error.';

CREATE TRIGGER mines_normalize_geom BEFORE INSERT OR UPDATE OF geom ON mines
	FOR EACH ROW EXECUTE FUNCTION normalize_geom();
CREATE TRIGGER zones_normalize_geom BEFORE INSERT OR UPDATE OF geom ON zones
	FOR EACH ROW EXECUTE FUNCTION normalize_geom();

-- ==== sql/25_zone_relations.sql ====
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

-- The trigger functions run as the owner: the relations are facts about
-- every zone, not only the zones the role that edits a mine may see.
-- Availability: 0.1.0
CREATE FUNCTION mines_zone_relations() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path FROM CURRENT
AS $fn$
BEGIN
	-- Edits of mines run side by side (ROW EXCLUSIVE), but wait for an edit
	-- of zones to commit, and the queries below then see it (READ COMMITTED).
	LOCK TABLE mineconsol.mine_zone_relations IN ROW EXCLUSIVE MODE;
	IF TG_OP = 'TRUNCATE' THEN
		DELETE FROM mineconsol.mine_zone_relations;
		RETURN NULL;
	END IF;
	IF TG_OP = 'DELETE' THEN
		DELETE FROM mineconsol.mine_zone_relations r USING old_mines o WHERE r.mine_id = o.id;
	ELSIF TG_OP = 'INSERT' THEN
		INSERT INTO mineconsol.mine_zone_relations (mine_id, zone_id, overlap_km2)
		SELECT m.id, z.id, mineconsol.zone_overlap_km2(z.kind, z.geom, m.geom)
		  FROM new_mines m
		  JOIN mineconsol.zones z ON z.geom && m.geom
		 WHERE mineconsol.zone_relates(z.kind, z.geom, m.geom);
	ELSE
		-- Only the rows whose geometry (or id) changed: an update of other
		-- columns, even of the whole registry, leaves the relations alone.
		-- EXECUTE plans for this statement's row counts: a cached plan made
		-- for a one-row update would be quadratic for a bulk one.
		EXECUTE $q$
		DELETE FROM mineconsol.mine_zone_relations r
		 USING old_mines o
		 WHERE r.mine_id = o.id
		   AND NOT EXISTS (SELECT FROM new_mines n WHERE n.id = o.id AND n.geom IS NOT DISTINCT FROM o.geom)$q$;
		EXECUTE $q$
		INSERT INTO mineconsol.mine_zone_relations (mine_id, zone_id, overlap_km2)
		SELECT m.id, z.id, mineconsol.zone_overlap_km2(z.kind, z.geom, m.geom)
		  FROM new_mines m
		  JOIN mineconsol.zones z ON z.geom && m.geom
		 WHERE mineconsol.zone_relates(z.kind, z.geom, m.geom)
		   AND NOT EXISTS (SELECT FROM old_mines o WHERE o.id = m.id AND o.geom IS NOT DISTINCT FROM m.geom)$q$;
	END IF;
	RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION mines_zone_relations() IS
  'Statement trigger on mines: computes mine_zone_relations for the mines inserted or whose geometry an update changed, drops those of the mines deleted (runs as the owner: every zone counts).';

-- Availability: 0.1.0
CREATE FUNCTION zones_zone_relations() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path FROM CURRENT
AS $fn$
BEGIN
	-- An edit of zones waits for every other edit of mines or zones to
	-- commit (and holds them off until it commits), so that the queries
	-- below see them (READ COMMITTED).
	LOCK TABLE mineconsol.mine_zone_relations IN SHARE ROW EXCLUSIVE MODE;
	IF TG_OP = 'TRUNCATE' THEN
		DELETE FROM mineconsol.mine_zone_relations;
		RETURN NULL;
	END IF;
	IF TG_OP = 'DELETE' THEN
		DELETE FROM mineconsol.mine_zone_relations r USING old_zones o WHERE r.zone_id = o.id;
	ELSIF TG_OP = 'INSERT' THEN
		INSERT INTO mineconsol.mine_zone_relations (mine_id, zone_id, overlap_km2)
		SELECT m.id, z.id, mineconsol.zone_overlap_km2(z.kind, z.geom, m.geom)
		  FROM new_zones z
		  JOIN mineconsol.mines m ON m.geom && z.geom
		 WHERE mineconsol.zone_relates(z.kind, z.geom, m.geom);
	ELSE
		-- Only the zones whose geometry, kind (or id) changed (EXECUTE: see
		-- mines_zone_relations()).
		EXECUTE $q$
		DELETE FROM mineconsol.mine_zone_relations r
		 USING old_zones o
		 WHERE r.zone_id = o.id
		   AND NOT EXISTS (SELECT FROM new_zones n WHERE n.id = o.id AND n.kind = o.kind
								AND n.geom IS NOT DISTINCT FROM o.geom)$q$;
		EXECUTE $q$
		INSERT INTO mineconsol.mine_zone_relations (mine_id, zone_id, overlap_km2)
		SELECT m.id, z.id, mineconsol.zone_overlap_km2(z.kind, z.geom, m.geom)
		  FROM new_zones z
		  JOIN mineconsol.mines m ON m.geom && z.geom
		 WHERE mineconsol.zone_relates(z.kind, z.geom, m.geom)
		   AND NOT EXISTS (SELECT FROM old_zones o WHERE o.id = z.id AND o.kind = z.kind
								AND o.geom IS NOT DISTINCT FROM z.geom)$q$;
	END IF;
	RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION zones_zone_relations() IS
  'Statement trigger on zones: computes mine_zone_relations for the zones inserted or whose geometry or kind an update changed, drops those of the zones deleted (runs as the owner: every mine counts).';

-- Transition tables allow one event per trigger.
CREATE TRIGGER mines_zone_relations_insert AFTER INSERT ON mines
	REFERENCING NEW TABLE AS new_mines FOR EACH STATEMENT EXECUTE FUNCTION mines_zone_relations();
CREATE TRIGGER mines_zone_relations_update AFTER UPDATE ON mines
	REFERENCING OLD TABLE AS old_mines NEW TABLE AS new_mines FOR EACH STATEMENT EXECUTE FUNCTION mines_zone_relations();
CREATE TRIGGER mines_zone_relations_delete AFTER DELETE ON mines
	REFERENCING OLD TABLE AS old_mines FOR EACH STATEMENT EXECUTE FUNCTION mines_zone_relations();
CREATE TRIGGER mines_zone_relations_truncate AFTER TRUNCATE ON mines
	FOR EACH STATEMENT EXECUTE FUNCTION mines_zone_relations();
CREATE TRIGGER zones_zone_relations_insert AFTER INSERT ON zones
	REFERENCING NEW TABLE AS new_zones FOR EACH STATEMENT EXECUTE FUNCTION zones_zone_relations();
CREATE TRIGGER zones_zone_relations_update AFTER UPDATE ON zones
	REFERENCING OLD TABLE AS old_zones NEW TABLE AS new_zones FOR EACH STATEMENT EXECUTE FUNCTION zones_zone_relations();
CREATE TRIGGER zones_zone_relations_delete AFTER DELETE ON zones
	REFERENCING OLD TABLE AS old_zones FOR EACH STATEMENT EXECUTE FUNCTION zones_zone_relations();
CREATE TRIGGER zones_zone_relations_truncate AFTER TRUNCATE ON zones
	FOR EACH STATEMENT EXECUTE FUNCTION zones_zone_relations();

-- Availability: 0.1.0
CREATE FUNCTION rebuild_zone_relations() RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path FROM CURRENT
AS $fn$
DECLARE
	n bigint;
BEGIN
	LOCK TABLE mineconsol.mine_zone_relations IN SHARE ROW EXCLUSIVE MODE;	-- as the zones trigger
	DELETE FROM mineconsol.mine_zone_relations;
	INSERT INTO mineconsol.mine_zone_relations (mine_id, zone_id, overlap_km2)
	SELECT m.id, z.id, mineconsol.zone_overlap_km2(z.kind, z.geom, m.geom)
	  FROM mineconsol.zones z
	  JOIN mineconsol.mines m ON m.geom && z.geom
	 WHERE mineconsol.zone_relates(z.kind, z.geom, m.geom);
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END
$fn$;
COMMENT ON FUNCTION rebuild_zone_relations() IS
  'Recomputes mine_zone_relations from scratch and returns its number of rows: after a restore with --disable-triggers, or to check the triggers'' work. For members of mineconsol_admin (the city).';

-- ==== sql/30_cluster.sql ====
-- mineconsol: merge clusters (rules M1 and L2) as a window function.
-- C in src/cluster.c and src/cluster_geom.c.  `geometry` is PostGIS's type,
-- found through the search_path CREATE EXTENSION sets up (requires = 'postgis').

-- Availability: 0.1.0
CREATE FUNCTION merge_cluster(geom geometry, ore_body text, reach float8, anchor boolean)
RETURNS integer
AS 'MODULE_PATHNAME', 'mineconsol_merge_cluster'
LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION merge_cluster(geometry, text, float8, boolean) IS
$$Merge cluster of each row, as a window function: merge_cluster(geom, ore_body, reach, anchor) OVER (PARTITION BY ... ORDER BY ...).
Two rows are joined by an edge when they have the same non-NULL ore_body, the minimum distance between their geometries (0 when they touch or overlap, over every part) is <= the larger of their two reaches, and not both are anchors.
Non-anchor rows joined by edges form groups; each group attaches to the nearest anchor any member has an edge to (ties: the anchor first in window order), so a lone non-anchor within reach of two anchors goes to the nearer one. Anchors are never joined to each other; an anchor may take several groups.
Returns the same number 1, 2, ... for every row of a cluster (groups plus their anchor), numbered by each cluster's first row in window order; NULL for a row in no cluster (alone, NULL or empty geometry, NULL ore_body).
NULL reach counts as 0, NULL anchor as false. A negative or non-finite reach, or two SRIDs among the rows that take part in one partition, raise 22023. Any linear geometry type (points, lines, polygons, collections) is accepted; curves raise 0A000.$$;

-- ==== sql/40_stage.sql ====
-- Stage workflow (RULES.md 四) and its audit trail.
--
-- Three tracks, each a stage column guarded by the C trigger stage_guard():
--   scheme   schemes.stage    one row per county
--   unit     units.stage      one row per consolidation unit (retained mine)
--   closure  closures.stage   one row per mine to be closed
-- The stages, their order and the evidence each step needs are data
-- (stage_transitions), read and cached by the C code; the cache is dropped
-- whenever stage_transitions changes.
--
-- A row changes stage either through advance() / revert_stage(), or through a
-- direct UPDATE that sets stage and stage_evidence together; both are checked
-- by the same trigger.  Every change appends one event to stage_events,
-- hash-chained with SHA-256 (src/audit.c).

-- Availability: 0.1.0
CREATE TABLE stage_transitions (
	track            text NOT NULL
	                 CONSTRAINT stage_transitions_track_check CHECK (track IN ('scheme', 'unit', 'closure')),
	from_stage       text NOT NULL,
	to_stage         text NOT NULL,
	evidence_keys    text[] NOT NULL DEFAULT '{date,doc_no}',
	due_after_stage  text,
	due_within_param text,
	clause           text,
	description      text NOT NULL,
	seeded           boolean NOT NULL DEFAULT false,
	PRIMARY KEY (track, from_stage, to_stage),
	CONSTRAINT stage_transitions_forward CHECK (from_stage <> to_stage),
	CONSTRAINT stage_transitions_date_and_doc_no CHECK (evidence_keys @> '{date,doc_no}'),
	CONSTRAINT stage_transitions_relative_due CHECK ((due_after_stage IS NULL) = (due_within_param IS NULL))
);
COMMENT ON TABLE stage_transitions IS
  'The stage graph of each track: one row per allowed step forward, with the evidence keys it requires. The first stage of a track is the one that is never a to_stage. Read and cached by the stage trigger; any change here takes effect at the next statement. Config table: edits survive pg_dump.';
COMMENT ON COLUMN stage_transitions.track IS '''scheme'', ''unit'' or ''closure''';
COMMENT ON COLUMN stage_transitions.from_stage IS 'Stage the row is at';
COMMENT ON COLUMN stage_transitions.to_stage IS 'Stage the row may move to in one step';
COMMENT ON COLUMN stage_transitions.evidence_keys IS 'Keys the evidence object must hold for this step (always date and doc_no; date is an ISO date, shares an object holder → fraction summing to 1, license_no a valid licence number, any other key a non-empty value)';
COMMENT ON COLUMN stage_transitions.due_after_stage IS 'For a deadline relative to an earlier step: the stage whose evidence date starts the period (NULL: the deadline, if any, is milestones.due)';
COMMENT ON COLUMN stage_transitions.due_within_param IS 'With due_after_stage: the parameter (in years) that gives the length of the period';
COMMENT ON COLUMN stage_transitions.clause IS 'Clause of the plan that names the step';
COMMENT ON COLUMN stage_transitions.description IS 'What the step means';
COMMENT ON COLUMN stage_transitions.seeded IS 'true for a row as shipped by mineconsol and never edited; pg_dump keeps only the others';

CREATE TRIGGER stage_transitions_replaces_seed BEFORE INSERT OR UPDATE ON stage_transitions
	FOR EACH ROW EXECUTE FUNCTION config_row_replaces_seed('track', 'from_stage', 'to_stage');

INSERT INTO stage_transitions (track, from_stage, to_stage, evidence_keys, due_after_stage, due_within_param, clause, description, seeded) VALUES
	('scheme', 'survey', 'drafted', '{date,doc_no}', NULL, NULL, '四(一)',
	 'The county has surveyed its mines and drafted the consolidation scheme', true),
	('scheme', 'drafted', 'hearing_held', '{date,doc_no}', NULL, NULL, '四(二)',
	 'A hearing on the draft scheme was held', true),
	('scheme', 'hearing_held', 'noticed', '{date,doc_no,media}', NULL, NULL, '四(二)',
	 'The scheme was publicly noticed in local media (media: where)', true),
	('scheme', 'noticed', 'submitted', '{date,doc_no}', NULL, NULL, '四(二)',
	 'The county submitted the scheme to the city', true),
	('scheme', 'submitted', 'approved', '{date,doc_no}', NULL, NULL, '四(二)',
	 'The city approved the scheme', true),
	('unit', 'planned', 'reserves_verified', '{date,doc_no}', NULL, NULL, '四(三)',
	 'Reserves of the retained mine verified and filed', true),
	('unit', 'reserves_verified', 'valued', '{date,doc_no}', NULL, NULL, '四(四)',
	 'Transfer income of the mining right valued', true),
	('unit', 'valued', 'transferred', '{date,doc_no}', NULL, NULL, '四(四)',
	 'Mining right transferred by public sale (only once the county''s scheme is approved)', true),
	('unit', 'transferred', 'rights_settled', '{date,doc_no,shares}', NULL, NULL, '四(六)1',
	 'Property rights settled: consolidation subject, members and their shares (shares: holder → fraction, summing to 1)', true),
	('unit', 'rights_settled', 'plans_approved', '{date,doc_no}', NULL, NULL, '四(六)2',
	 'Development plan, "three-in-one" plan and EIA approved', true),
	('unit', 'plans_approved', 'licensed', '{date,doc_no,license_no}', NULL, NULL, '四(六)3',
	 'Licence registered (license_no: the new licence); only once every merged mine''s licence is cancelled', true),
	('unit', 'licensed', 'restored', '{date,doc_no,accepted_by}', 'licensed', 'restoration_years', '四(八)',
	 'Former areas of the merged mines restored and accepted by the county (accepted_by: the accepting body)', true),
	('closure', 'to_close', 'closure_decided', '{date,doc_no}', NULL, NULL, '四(七)',
	 'The county government decided the closure', true),
	('closure', 'closure_decided', 'license_cancelled', '{date,doc_no}', NULL, NULL, '四(七)',
	 'The issuing authority cancelled the licence', true),
	('closure', 'license_cancelled', 'announced', '{date,doc_no,media}', NULL, NULL, '四(七)',
	 'The cancellation was publicly announced (media: where)', true),
	('closure', 'announced', 'explosives_disposed', '{date,doc_no}', NULL, NULL, '四(七)',
	 'The police disposed of the remaining explosives', true),
	('closure', 'explosives_disposed', 'restored', '{date,doc_no}', NULL, NULL, '四(七)',
	 'The site was restored', true);

-- Availability: 0.1.0
CREATE FUNCTION stage_cache_invalidate() RETURNS trigger
AS 'MODULE_PATHNAME', 'stage_cache_invalidate'
LANGUAGE C;
COMMENT ON FUNCTION stage_cache_invalidate() IS
  'Statement trigger on stage_transitions and milestones: drops every backend''s cached stage graph and deadlines (a relcache invalidation of the table), so the next check reads them again: in this session at the next statement, in others once the change commits.';

CREATE TRIGGER stage_transitions_invalidate AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON stage_transitions
	FOR EACH STATEMENT EXECUTE FUNCTION stage_cache_invalidate();
CREATE TRIGGER milestones_stage_cache_invalidate AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON milestones
	FOR EACH STATEMENT EXECUTE FUNCTION stage_cache_invalidate();

-- Availability: 0.1.0
CREATE TABLE schemes (
	id             bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	county_code    text NOT NULL UNIQUE REFERENCES counties (code),
	stage          text NOT NULL DEFAULT 'survey',
	stage_evidence jsonb,
	note           text,
	last_event_id   bigint,
	last_event_hash bytea
);
COMMENT ON TABLE schemes IS
  'One consolidation scheme (整合方案) per county, moving survey → drafted → hearing_held → noticed → submitted → approved (track ''scheme'').';
COMMENT ON COLUMN schemes.id IS 'Key';
COMMENT ON COLUMN schemes.county_code IS 'The county, mineconsol.counties (one scheme each)';
COMMENT ON COLUMN schemes.stage IS 'Current stage; changes only one step forward with evidence (advance() or UPDATE … SET stage, stage_evidence), backward only through revert_stage()';
COMMENT ON COLUMN schemes.stage_evidence IS 'Evidence (JSON object) of the step that reached the current stage; a direct UPDATE of stage sets it in the same statement';
COMMENT ON COLUMN schemes.note IS 'Free text';
COMMENT ON COLUMN schemes.last_event_id IS 'The event of stage_events that brought the row to its current stage (NULL before the first); maintained by the stage trigger, read-only for everyone else';
COMMENT ON COLUMN schemes.last_event_hash IS 'hash of that event: the head of the row''s hash chain, which verify_audit() compares with stage_events (a removed or added last event shows); maintained by the stage trigger';

-- Availability: 0.1.0
CREATE TABLE units (
	id               bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	county_code      text NOT NULL REFERENCES counties (code),
	retained_mine_id bigint REFERENCES mines (id),
	cluster_id       integer,
	stage            text NOT NULL DEFAULT 'planned',
	stage_evidence   jsonb,
	note             text,
	last_event_id    bigint,
	last_event_hash  bytea
);
CREATE INDEX units_county_idx ON units (county_code);
COMMENT ON TABLE units IS
  'Consolidation units (整合单元): one retained mine and the mines merged into it, moving planned → reserves_verified → valued → transferred → rights_settled → plans_approved → licensed → restored (track ''unit''). A county''s units are created only once its scheme is drafted.';
COMMENT ON COLUMN units.id IS 'Key';
COMMENT ON COLUMN units.county_code IS 'The county, mineconsol.counties';
COMMENT ON COLUMN units.retained_mine_id IS 'The retained mine (整合主体), mineconsol.mines; NULL while none qualifies';
COMMENT ON COLUMN units.cluster_id IS 'The merge_plan cluster the unit was adopted from';
COMMENT ON COLUMN units.stage IS 'Current stage; changes only one step forward with evidence (advance() or UPDATE … SET stage, stage_evidence), backward only through revert_stage()';
COMMENT ON COLUMN units.stage_evidence IS 'Evidence (JSON object) of the step that reached the current stage; a direct UPDATE of stage sets it in the same statement';
COMMENT ON COLUMN units.note IS 'Free text';
COMMENT ON COLUMN units.last_event_id IS 'The event of stage_events that brought the row to its current stage (NULL before the first); maintained by the stage trigger, read-only for everyone else';
COMMENT ON COLUMN units.last_event_hash IS 'hash of that event: the head of the row''s hash chain, which verify_audit() compares with stage_events (a removed or added last event shows); maintained by the stage trigger';

-- Availability: 0.1.0
CREATE TABLE unit_members (
	unit_id bigint NOT NULL REFERENCES units (id) ON DELETE CASCADE,
	mine_id bigint NOT NULL UNIQUE REFERENCES mines (id),
	PRIMARY KEY (unit_id, mine_id)
);
COMMENT ON TABLE unit_members IS
  'The mines of a consolidation unit, the retained mine included; a mine belongs to at most one unit. A unit is licensed only once the closure of every member other than the retained mine has reached license_cancelled.';
COMMENT ON COLUMN unit_members.unit_id IS 'The unit, mineconsol.units';
COMMENT ON COLUMN unit_members.mine_id IS 'A member mine, mineconsol.mines';

-- Availability: 0.1.0
CREATE TABLE closures (
	mine_id        bigint PRIMARY KEY REFERENCES mines (id),
	unit_id        bigint REFERENCES units (id),
	stage          text NOT NULL DEFAULT 'to_close',
	stage_evidence jsonb,
	note           text,
	last_event_id   bigint,
	last_event_hash bytea
);
CREATE INDEX closures_unit_idx ON closures (unit_id);
COMMENT ON TABLE closures IS
  'Mines being closed, moving to_close → closure_decided → license_cancelled → announced → explosives_disposed → restored (track ''closure'').';
COMMENT ON COLUMN closures.mine_id IS 'The mine, mineconsol.mines (key: a mine is closed once)';
COMMENT ON COLUMN closures.unit_id IS 'The unit the mine is merged into, when it closes because of a merge (C6); NULL otherwise';
COMMENT ON COLUMN closures.stage IS 'Current stage; changes only one step forward with evidence (advance() or UPDATE … SET stage, stage_evidence), backward only through revert_stage()';
COMMENT ON COLUMN closures.stage_evidence IS 'Evidence (JSON object) of the step that reached the current stage; a direct UPDATE of stage sets it in the same statement';
COMMENT ON COLUMN closures.note IS 'Free text';
COMMENT ON COLUMN closures.last_event_id IS 'The event of stage_events that brought the row to its current stage (NULL before the first); maintained by the stage trigger, read-only for everyone else';
COMMENT ON COLUMN closures.last_event_hash IS 'hash of that event: the head of the row''s hash chain, which verify_audit() compares with stage_events (a removed or added last event shows); maintained by the stage trigger';

-- Availability: 0.1.0
CREATE TABLE stage_events (
	id         bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	track      text NOT NULL,
	row_id     bigint NOT NULL,
	from_stage text NOT NULL,
	to_stage   text NOT NULL,
	actor      text NOT NULL,
	at         timestamptz NOT NULL,
	evidence   jsonb NOT NULL,
	due        date,
	days_late  integer,
	prev_hash  bytea NOT NULL,
	hash       bytea NOT NULL,
	reason     text
);
-- No CHECK constraints: the insert trigger checks every row it did not
-- write itself (32-byte hashes, days_late not negative, the link), and a
-- CHECK would cost every append its expression set-up.
CREATE INDEX stage_events_row_idx ON stage_events (track, row_id, id);
COMMENT ON TABLE stage_events IS
  'Append-only audit trail: one event per change of stage.  The events of one row (track, row_id) form a hash chain in id order: hash = SHA-256(prev_hash ‖ canonical serialisation of the event), prev_hash of the row''s first event is 32 zero bytes, and the row''s last_event_id / last_event_hash name its last event.  UPDATE, DELETE and TRUNCATE are refused (55000); an INSERT must extend its row''s chain.  verify_audit() checks every chain.';
COMMENT ON COLUMN stage_events.id IS 'Event number, increasing in the order events are recorded (an aborted change leaves a gap)';
COMMENT ON COLUMN stage_events.track IS '''scheme'', ''unit'' or ''closure''';
COMMENT ON COLUMN stage_events.row_id IS 'The row: schemes.id, units.id or closures.mine_id';
COMMENT ON COLUMN stage_events.from_stage IS 'Stage before the change';
COMMENT ON COLUMN stage_events.to_stage IS 'Stage after the change';
COMMENT ON COLUMN stage_events.actor IS 'The role that made the change (current_user)';
COMMENT ON COLUMN stage_events.at IS 'When the change was recorded';
COMMENT ON COLUMN stage_events.evidence IS 'The evidence of the step as given (unknown keys kept); {} for a revert';
COMMENT ON COLUMN stage_events.due IS 'Deadline of the step (milestones, or relative to an earlier step); NULL when it has none';
COMMENT ON COLUMN stage_events.days_late IS 'Days from due to the evidence date when later, else 0; NULL without a deadline';
COMMENT ON COLUMN stage_events.prev_hash IS 'hash of the previous event of the same row (32 zero bytes for the row''s first event)';
COMMENT ON COLUMN stage_events.hash IS 'SHA-256(prev_hash ‖ canonical serialisation of this event), see audit_canonical() and verify_audit()';
COMMENT ON COLUMN stage_events.reason IS 'Why a stage was reverted (revert_stage()); NULL for a step forward';

-- Availability: 0.1.0
CREATE FUNCTION stage_guard() RETURNS trigger
AS 'MODULE_PATHNAME', 'stage_guard'
LANGUAGE C;
COMMENT ON FUNCTION stage_guard() IS
  'Row trigger on schemes, units and closures (argument: the track). INSERT: a new row starts at the first stage with no event, and a unit only once its county''s scheme is drafted (a superuser may insert at any stage: restore, migration). UPDATE of stage: one step forward with the evidence in stage_evidence, cross-track prerequisites; appends the event to stage_events and records it in last_event_id / last_event_hash, which nobody else may change (428C9). DELETE: a row with a stage history is kept (23001). Refusals are 23514.';

CREATE TRIGGER schemes_stage_guard BEFORE INSERT OR UPDATE OF stage, stage_evidence, last_event_id, last_event_hash OR DELETE ON schemes
	FOR EACH ROW EXECUTE FUNCTION stage_guard('scheme');
CREATE TRIGGER units_stage_guard BEFORE INSERT OR UPDATE OF stage, stage_evidence, last_event_id, last_event_hash OR DELETE ON units
	FOR EACH ROW EXECUTE FUNCTION stage_guard('unit');
CREATE TRIGGER closures_stage_guard BEFORE INSERT OR UPDATE OF stage, stage_evidence, last_event_id, last_event_hash OR DELETE ON closures
	FOR EACH ROW EXECUTE FUNCTION stage_guard('closure');

-- Availability: 0.1.0
CREATE FUNCTION stage_events_append() RETURNS trigger
AS 'MODULE_PATHNAME', 'stage_events_append'
LANGUAGE C;
COMMENT ON FUNCTION stage_events_append() IS
  'Row trigger before INSERT on stage_events: accepts only an event that extends its row''s chain (id above the row''s last event, prev_hash = that event''s hash or 32 zero bytes, hash = SHA-256(prev_hash ‖ canonical event)); anything else is refused with 23514. This is how pg_restore reloads the trail; the stage trigger''s own appends are checked as they are made.';

CREATE TRIGGER stage_events_append BEFORE INSERT ON stage_events
	FOR EACH ROW EXECUTE FUNCTION stage_events_append();

-- Availability: 0.1.0
CREATE FUNCTION stage_events_append_only() RETURNS trigger
AS 'MODULE_PATHNAME', 'stage_events_append_only'
LANGUAGE C;
COMMENT ON FUNCTION stage_events_append_only() IS
  'Statement trigger on stage_events: refuses UPDATE, DELETE and TRUNCATE for everyone (55000).';

CREATE TRIGGER stage_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON stage_events
	FOR EACH STATEMENT EXECUTE FUNCTION stage_events_append_only();

-- Availability: 0.1.0
CREATE FUNCTION advance(track text, id bigint, to_stage text, evidence jsonb) RETURNS stage_events
AS 'MODULE_PATHNAME', 'stage_advance'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION advance(text, bigint, text, jsonb) IS
  'Moves a row of a track (''scheme'': schemes.id, ''unit'': units.id, ''closure'': closures.mine_id) one step forward to to_stage with the evidence (a JSON object with at least date and doc_no), and returns the event recorded. Refusals are 23514 naming the row, the step, the allowed next stages and the missing evidence.';

-- Availability: 0.1.0
CREATE FUNCTION revert_stage(track text, id bigint, to_stage text, reason text) RETURNS stage_events
AS 'MODULE_PATHNAME', 'stage_revert'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION revert_stage(text, bigint, text, text) IS
  'Moves a row back to an earlier stage, for members of mineconsol_admin (the city) or a superuser only (42501 for anyone else); the reason is required and recorded in the event, which is returned.';

-- Availability: 0.1.0
CREATE FUNCTION verify_audit(OUT ok boolean, OUT checked bigint, OUT first_bad_event bigint)
AS 'MODULE_PATHNAME', 'verify_audit'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION verify_audit() IS
  'Walks the chain of every row (stage_events in track, row_id, id order) and recomputes it: ok when every event links to the previous event of its row, its hash matches SHA-256(prev_hash ‖ canonical event), and the last event of every row of schemes, units and closures is the one its last_event_id / last_event_hash name. Otherwise first_bad_event names the lowest-numbered event that fails: an edited event, the event after a removed one, an event added past a row''s head, or the missing last event of a row (NULL when the only break is a head that names no event). checked counts the events whose own hash and link are intact.';

-- Availability: 0.1.0
CREATE FUNCTION audit_canonical(e stage_events) RETURNS bytea
AS 'MODULE_PATHNAME', 'audit_canonical'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION audit_canonical(stage_events) IS
  'The canonical serialisation of an event that its hash covers (see README, "Audit trail"): for checking the chain outside the database, sha256(prev_hash || audit_canonical(e)) = hash.';

-- ==== sql/50_ingest.sql ====
-- Ingestion: what counties actually have.  The corner-point tables of their
-- licences (src/corner_points.c) and their registers, loaded into mines
-- from a staging table filled by COPY or ogr2ogr (import_mines).

-- Availability: 0.1.0
CREATE FUNCTION parse_corner_points_raw(corner_points text, zone integer DEFAULT NULL)
RETURNS geometry
AS 'MODULE_PATHNAME', 'mc_parse_corner_points_raw'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION parse_corner_points_raw(text, integer) IS
$$The corner-point table of a licence (拐点坐标, CGCS2000 3-degree Gauss-Krüger, X = northing, Y = easting) as a MultiPolygon in the SRID of its zone: 4513 + zone - 25 for eastings with the zone prefix (38389373.04 = zone 38), 4534 + (3 * zone - 75) / 3 for eastings without it (then zone must be given). Grammar, line by line: blank lines and labels are skipped (lines without digits, or with 面积, 拐点, 坐标, 范围, 编号, 点号, 序号, 带, CGCS); a point line is [*] NAME X Y (NAME = 0-3 letters and 1-4 digits, e.g. 1, J1; separators: spaces, tabs, , ; : | and their full-width forms; full-width digits are read as digits); an elevation line (标高, 深度, 高程) holds two numbers and ends the sub-area before it. A new sub-area also starts when the numbering restarts at 1 or after a point repeating the first one. Rings are closed automatically, need 3 distinct points and must not cross themselves; overlapping sub-areas are merged. One zone and one easting form per text; Xi'an 1980/Beijing 1954 texts are refused. Malformed text raises 22P02 naming the line and the token. NULL text gives NULL. Pure: IMMUTABLE.$$;

-- Availability: 0.1.0
CREATE FUNCTION parse_corner_points(corner_points text, zone integer DEFAULT NULL)
RETURNS geometry
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $fn$
	SELECT mineconsol.working_geometry(mineconsol.parse_corner_points_raw($1, $2), 'corner points')
$fn$;
COMMENT ON FUNCTION parse_corner_points(text, integer) IS
  'The corner-point table of a licence as mineconsol stores mining areas: parse_corner_points_raw() (grammar and errors there: 22P02 naming the line and the token), then working_geometry() (MultiPolygon in the working SRID). zone is needed only for eastings without the zone prefix. STABLE: reads the parameter working_srid.';

-- Availability: 0.1.0
CREATE FUNCTION corner_point_elevations(corner_points text, zone integer DEFAULT NULL)
RETURNS TABLE (sub_area integer, line_from integer, line_to integer, points integer,
               elev_top numeric, elev_bottom numeric)
AS 'MODULE_PATHNAME', 'mc_corner_point_elevations'
LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 2;
COMMENT ON FUNCTION corner_point_elevations(text, integer) IS
  'The sub-areas of a corner-point text, one row each in text order: the lines they span (from the first point to the elevation line that ends them), their number of distinct points, and their mining elevation range in metres (NULL when the text gives none; the larger number is the top). Same grammar and errors as parse_corner_points_raw(). NULL text gives no rows.';

-- Availability: 0.1.0
CREATE FUNCTION import_mines(staging regclass)
RETURNS TABLE (row_no bigint, ok boolean, mine_id bigint, error text)
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
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
	SELECT c.relkind INTO v_relkind FROM pg_class c WHERE c.oid = staging;

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
			RAISE EXCEPTION 'staging columns "%" and "%" both give %', cols ->> canon, col.name, canon
				USING ERRCODE = 'ambiguous_column',
					  HINT = 'Drop or rename one of them.';
		END IF;
		cols := cols || jsonb_build_object(canon, col.name);
		IF canon = 'geom' THEN
			geom_col := col.name;
			geom_is_geometry := col.atttypid = 'geometry'::regtype;
		END IF;
	END LOOP;

	FOREACH f IN ARRAY required LOOP
		IF NOT cols ? f THEN
			RAISE EXCEPTION 'staging table % has no column "%"', staging, f
				USING ERRCODE = 'undefined_column',
					  DETAIL = 'import_mines needs the columns license_no (may be empty for pending applications), name and county_code.',
					  HINT = format('Columns it reads: %s; geometry in geom or wkb_geometry, or corner_points as text.',
									array_to_string(known, ', '));
		END IF;
	END LOOP;
	IF unknown <> '{}' THEN
		RAISE NOTICE 'import_mines ignores the staging columns %', array_to_string(unknown, ', ');
	END IF;

	-- row_no: the staging table's row_no, else ogc_fid (ogr2ogr's feature
	-- number), else the physical order of the rows (the order COPY wrote).
	IF cols ? 'row_no' THEN
		rn_expr := format('s.%I::bigint', cols ->> 'row_no');
	ELSIF cols ? 'ogc_fid' THEN
		rn_expr := format('s.%I::bigint', cols ->> 'ogc_fid');
	ELSIF v_relkind IN ('r', 'p', 'm') THEN
		rn_expr := 'row_number() OVER (ORDER BY s.ctid)';
		RAISE NOTICE 'staging table % has no row_no column: rows are numbered in their physical order', staging
			USING HINT = 'That is the order of the file right after COPY; add a row_no column to be sure.';
	ELSE
		RAISE EXCEPTION 'staging relation % needs a row_no column', staging
			USING ERRCODE = 'undefined_column',
				  DETAIL = 'Only a table has a physical order to number its rows by.';
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
		                  FROM %s s) u) t
		 ORDER BY t.rn$q$,
		rn_expr,
		(SELECT string_agg(format('%L, NULLIF(btrim(s.%I::text), %L)', e.key, e.value, ''), ', ')
		   FROM jsonb_each_text(cols) e
		  WHERE e.key NOT IN ('geom', 'row_no', 'ogc_fid')),
		CASE WHEN geom_is_geometry THEN format('s.%I', geom_col) ELSE 'NULL::geometry' END,
		CASE WHEN geom_col IS NOT NULL AND NOT geom_is_geometry
			 THEN format('NULLIF(btrim(s.%I::text), %L)', geom_col, '') ELSE 'NULL::text' END,
		staging);

	-- Row numbers identify rows in the report: they must be unique.
	EXECUTE format('SELECT rn, count(*) AS n FROM (%s) x GROUP BY rn HAVING count(*) > 1 OR rn IS NULL LIMIT 1', q)
	   INTO bad;
	IF bad IS NOT NULL THEN
		RAISE EXCEPTION 'row number % occurs % times in staging table %', COALESCE(bad.rn::text, 'NULL'), bad.n, staging
			USING ERRCODE = 'unique_violation',
				  DETAIL = 'The report names rows by row_no (or ogc_fid), so each must be unique and not null.';
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
				RAISE EXCEPTION 'missing' USING DETAIL = 'Every mine needs a name.';
			END IF;
			field := 'holder_uscc';
			v_uscc := (r.j ->> 'holder_uscc')::uscc;
			field := 'county_code';
			IF r.j ->> 'county_code' IS NULL THEN
				RAISE EXCEPTION 'missing' USING DETAIL = 'Every mine belongs to a county: its GB/T 2260 code, e.g. 140902.';
			END IF;
			SELECT c.code INTO v_county FROM mineconsol.counties c
			 WHERE c.code = r.j ->> 'county_code' OR c.name = r.j ->> 'county_code'
			 ORDER BY c.code = r.j ->> 'county_code' DESC LIMIT 1;
			IF NOT FOUND THEN
				RAISE EXCEPTION 'unknown county "%"', r.j ->> 'county_code'
					USING ERRCODE = 'foreign_key_violation',
						  DETAIL = 'A county is given by its GB/T 2260 code or its name as in mineconsol.counties.';
			END IF;
			IF r.first_rn IS DISTINCT FROM r.rn THEN
				IF v_lic IS NOT NULL THEN
					field := 'license_no';
					RAISE EXCEPTION 'licence number % is also on row % of this register', v_lic, r.first_rn
						USING ERRCODE = 'unique_violation';
				END IF;
				field := 'name';
				RAISE EXCEPTION 'a mine named % without licence number in county % is also on row % of this register',
					v_name, v_county, r.first_rn USING ERRCODE = 'unique_violation';
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
					RAISE EXCEPTION '"%" is not a finite number', r.j ->> f;
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
					RAISE EXCEPTION 'both geom and corner_points are given'
						USING DETAIL = 'A mining area comes from one source: leave one of them empty.';
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
					RAISE EXCEPTION '% mines named % without licence number are already registered in county %',
						n_found, v_name, v_county USING ERRCODE = 'cardinality_violation',
						HINT = 'Give the licence number, or remove the duplicates from mineconsol.mines.';
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
				WHEN e_cols IS NOT NULL THEN format('%s: violates check constraint "%s": %s', e_cols, e_con, e_def)
				ELSE COALESCE(field || ': ', '') || e_msg || COALESCE(' — ' || NULLIF(e_detail, ''), '')
					 || COALESCE(' ' || NULLIF(e_hint, ''), '')
				END;
			n_bad := n_bad + 1;
		END;
		RETURN NEXT;
	END LOOP;
	RAISE NOTICE 'import_mines: % row(s) landed, % refused', n_ok, n_bad;
END
$fn$;
COMMENT ON FUNCTION import_mines(regclass) IS
$$Loads a county's register from a staging table (COPY from CSV, or ogr2ogr from Shapefile/GeoJSON/GeoPackage) into mines and returns one row per staging row: row_no, ok, the mine's id, or the reason it was refused ("column: message — detail"). Staging columns are matched by name (those of mines, plus corner_points text, zone, geom/wkb_geometry, row_no/ogc_fid; Shapefile names cut to 10 characters work; any type, values are trimmed text; unknown columns are ignored with a NOTICE); license_no, name and county_code are required (42703). Each row is validated and written in its own subtransaction: it lands whole or not at all, and the first fault is reported. A licence number already in mines updates that mine (a pending application without number: county and name); columns the staging table lacks keep their stored values. Rows are numbered by row_no, else ogc_fid, else their physical order.$$;

-- ==== sql/60_classify.sql ====
-- Classification (三(二)): the facts every rule needs, the C function that
-- turns them into a verdict, and the views analysts query: dispositions,
-- merge_plan, overlaps.  The rules are those of domain/RULES.md, "How each
-- rule reads the facts"; the numbers come from mineconsol.parameters.

-- Availability: 0.1.0
CREATE TYPE disposition AS ENUM (
	'ban', 'close', 'refer', 'rectify', 'merge_retain', 'merge_close',
	'exit_at_term', 'mine_out_then_exit', 'retain', 'out_of_scope');
COMMENT ON TYPE disposition IS
  'What the plan does with a mine: ban (C1), close (C2, C3 after its deadline, E1), refer (C4), rectify (C3), merge_retain / merge_close (C6), exit_at_term / mine_out_then_exit (C5), retain (R), out_of_scope.';

-- Availability: 0.1.0
CREATE TYPE verdict AS (
	disposition disposition,
	rules       text[],
	reasons     text[]
);
COMMENT ON TYPE verdict IS
  'The result of classify(): the decisive disposition, every rule code that matched (decisive first; a code ending in ? marks a rule that could not be decided for a missing fact) and one reason per code, in the same order.';

-- Availability: 0.1.0
CREATE FUNCTION as_of() RETURNS date
AS 'MODULE_PATHNAME', 'mineconsol_as_of'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION as_of() IS
  'The day every rule judges at: the setting mineconsol.as_of, or today when it is empty. SET mineconsol.as_of = ''2023-06-30'' replays the programme as it stood then.';

-- Availability: 0.1.0
CREATE FUNCTION classify_row(facts record) RETURNS verdict
AS 'MODULE_PATHNAME', 'mineconsol_classify'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION classify_row(record) IS
  'classify() for any row that has the fields of mine_facts (found by name): mine_facts itself uses it to judge each member''s own verdict before the retained mine is chosen.';

-- The facts, one row per mine.  Built set-wise: penalties, zones and
-- same-holder licences are joined once for all mines (GiST indexes on the
-- geometries), the clusters come from one pass of merge_cluster() per county.
-- Availability: 0.1.0
CREATE VIEW mine_facts AS
WITH p AS MATERIALIZED (
	SELECT as_of() AS as_of,
		   param('merge_distance_m') AS merge_distance_m,
		   param('safety_distance_m') AS safety_distance_m,
		   param('small_area_km2') AS small_area_km2,
		   param('small_reserves_t') AS small_reserves_t,
		   param('penalty_count') AS penalty_count,
		   param('penalty_window_years') AS penalty_window_years,
		   param('very_small_fraction') AS very_small_fraction
),
-- C1: the first illegal act (up to as_of) preceded, within the window, by at
-- least penalty_count illegal-mining penalties imposed up to as_of.
c1 AS (
	SELECT DISTINCT ON (a.mine_id)
		   a.mine_id, a.occurred_on AS c1_act_on, pen.n AS c1_penalties,
		   pen.first_on AS c1_first_penalty, pen.last_on AS c1_last_penalty
	  FROM violations a
	 CROSS JOIN p
	 CROSS JOIN LATERAL (
		SELECT count(*)::int AS n, min(b.penalized_on) AS first_on, max(b.penalized_on) AS last_on
		  FROM violations b
		 WHERE b.mine_id = a.mine_id
		   AND b.kind = 'illegal_mining'
		   AND b.penalized_on <= p.as_of
		   AND b.penalized_on < a.occurred_on
		   AND b.penalized_on >= (a.occurred_on - make_interval(years => p.penalty_window_years::int))::date
	 ) pen
	 WHERE a.kind = 'illegal_mining'
	   AND a.occurred_on <= p.as_of
	   AND pen.n >= p.penalty_count
	 ORDER BY a.mine_id, a.occurred_on
),
-- C4 and the zones: what mine_zone_relations (kept by triggers on mines and
-- zones) says, for the zones the caller may see.  C4: positive-area overlap
-- (interiors meet) with red lines and protected areas.
c4 AS (
	SELECT r.mine_id AS id,
		   array_agg(format('%s (%s)', z.name, z.kind) ORDER BY z.name, z.id) AS c4_zones,
		   sum(r.overlap_km2) AS c4_overlap_km2
	  FROM mine_zone_relations r
	  JOIN zones z ON z.id = r.zone_id
	 WHERE z.kind IN ('eco_redline', 'nature_reserve', 'scenic_area', 'water_source')
	 GROUP BY r.mine_id
),
-- The planned or concentrated mining zone that covers a mine, and the
-- eco-fragile zones it overlaps with positive area.
zoned AS (
	SELECT r.mine_id AS id,
		   min(z.name) FILTER (WHERE z.kind = 'planned_mining') AS planned_zone,
		   min(z.name) FILTER (WHERE z.kind = 'concentrated_mining') AS concentrated_zone,
		   array_agg(z.name ORDER BY z.name) FILTER (WHERE z.kind = 'eco_fragile') AS eco_fragile_zones
	  FROM mine_zone_relations r
	  JOIN zones z ON z.id = r.zone_id
	 WHERE z.kind IN ('planned_mining', 'concentrated_mining', 'eco_fragile')
	 GROUP BY r.mine_id
),
-- L1: other licences of the same holder on the same ore body within the merge distance.
l1 AS (
	SELECT a.id, array_agg(b.id ORDER BY b.id) AS l1_same_holder_ids
	  FROM mines a
	 CROSS JOIN p
	  JOIN mines b ON b.holder_uscc = a.holder_uscc AND b.ore_body = a.ore_body AND b.id <> a.id
	 WHERE a.holder_uscc IS NOT NULL AND a.ore_body IS NOT NULL
	   AND ST_DWithin(a.geom, b.geom, p.merge_distance_m::float8)
	 GROUP BY a.id
),
-- Everything but the geometry, one row per mine, with scope, smallness and
-- merge reach worked out.  What clustering reads comes first: reading a
-- materialised row stops at the last column asked for.
reached AS MATERIALIZED (
	SELECT m.id, m.county_code, m.ore_body, k.in_scope, r.merge_reach, r.anchor,
		   m.license_no, m.name, m.holder, m.holder_uscc, m.licensed_by,
		   m.mineral, m.mineral_group, m.elev_top, m.elev_bottom, m.area_km2, m.valid_from, m.note,
		   m.reserves_t, m.capacity, m.capacity_unit, m.valid_to, m.expiry_cause,
		   m.transfer_mode, m.documents_incomplete, m.area_delineated, m.eco_ok, m.safety_ok,
		   m.product_ok, m.backward_process, m.restoration_ok, m.group_enterprise,
		   m.downstream_processing, m.green_listed, m.fake_consolidation_suspected, m.rectify_by,
		   p.as_of, v.licence_valid,
		   c1.c1_act_on, c1.c1_penalties, c1.c1_first_penalty, c1.c1_last_penalty,
		   c4.c4_zones, c4.c4_overlap_km2,
		   zoned.planned_zone, zoned.concentrated_zone, zoned.eco_fragile_zones,
		   v.scale_class, k.m1_small, k.l2_small,
		   l1.l1_same_holder_ids,
		   p.merge_distance_m, p.safety_distance_m, p.small_area_km2, p.small_reserves_t,
		   p.penalty_count, p.penalty_window_years
	  FROM mines m
	 CROSS JOIN p
	  LEFT JOIN c1 ON c1.mine_id = m.id
	  LEFT JOIN c4 ON c4.id = m.id
	  LEFT JOIN zoned ON zoned.id = m.id
	  LEFT JOIN l1 ON l1.id = m.id
	  LEFT JOIN LATERAL (
		SELECT scale_class_of(m.capacity, t.large_min, t.medium_min, p.very_small_fraction) AS scale_class
		  FROM scale_thresholds t
		 WHERE m.capacity IS NOT NULL
		   AND t.unit = m.capacity_unit
		   AND starts_with(m.mineral, t.mineral)
		 ORDER BY length(t.mineral) DESC
		 LIMIT 1
	  ) sc ON true
	 CROSS JOIN LATERAL (
		SELECT CASE WHEN m.valid_to IS NULL THEN NULL
					ELSE m.valid_to >= p.as_of AND COALESCE(m.valid_from <= p.as_of, true) END AS licence_valid,
			   COALESCE(sc.scale_class, 'unknown') AS scale_class
	  ) v
	 CROSS JOIN LATERAL (
		SELECT m.licensed_by IN ('city', 'county')
			   AND (COALESCE(v.licence_valid AND m.reserves_t > 0, false)
					OR m.documents_incomplete OR m.area_delineated
					OR COALESCE(m.valid_to < p.as_of, false)) AS in_scope,
			   CASE WHEN m.area_km2 IS NULL OR m.reserves_t IS NULL THEN NULL
					ELSE m.area_km2 < p.small_area_km2 AND m.reserves_t < p.small_reserves_t END AS m1_small,
			   CASE WHEN zoned.concentrated_zone IS NULL THEN false
					WHEN v.scale_class = 'unknown' THEN NULL
					ELSE v.scale_class IN ('small', 'very_small') END AS l2_small
	  ) k
	 CROSS JOIN LATERAL (
		SELECT CASE WHEN k.m1_small THEN p.merge_distance_m
					WHEN k.l2_small THEN p.safety_distance_m
					ELSE 0 END::float8 AS merge_reach,
			   NOT (COALESCE(k.m1_small, false) OR COALESCE(k.l2_small, false)) AS anchor
	  ) r
),
-- Only in-scope mines take part in clustering, per county.  The narrow rows
-- are sorted into window order first and each geometry is then fetched by
-- key (OFFSET 0 keeps that a nested loop), so no sort ever carries the
-- geometries; only (id, county, cluster) comes out.
clustered AS MATERIALIZED (
	SELECT r.id, r.county_code,
		   merge_cluster(m.geom, m.ore_body, r.merge_reach, r.anchor)
			 OVER (PARTITION BY r.county_code ORDER BY r.id) AS cluster_id
	  FROM (SELECT r.id, r.county_code, r.merge_reach, r.anchor
			  FROM reached r WHERE r.in_scope
			 ORDER BY r.county_code, r.id) r
	 CROSS JOIN LATERAL (SELECT m.geom, m.ore_body FROM mines m WHERE m.id = r.id OFFSET 0) m
),
cluster_sizes AS (
	SELECT c.county_code, c.cluster_id, count(*)::int AS cluster_size
	  FROM clustered c
	 WHERE c.cluster_id IS NOT NULL
	 GROUP BY c.county_code, c.cluster_id
),
-- The members of the clusters, as classify_row() judges them before the
-- retained mine is chosen.
f1 AS MATERIALIZED (
	SELECT r.*, c.cluster_id, cs.cluster_size,
		   NULL::bigint AS retained_mine_id,
		   NULL::text AS cluster_scale_class
	  FROM clustered c
	  JOIN cluster_sizes cs ON cs.county_code = c.county_code AND cs.cluster_id = c.cluster_id
	  JOIN reached r ON r.id = c.id
),
-- L4: the retained mine of each cluster, among the members whose own verdict
-- (classified with the cluster known and no retained mine yet) is not ban,
-- close or refer.
retained AS (
	SELECT DISTINCT ON (f.county_code, f.cluster_id)
		   f.county_code, f.cluster_id, f.id AS retained_mine_id, f.mineral, f.capacity_unit
	  FROM f1 f
	 WHERE f.cluster_id IS NOT NULL
	   AND (classify_row(f)).disposition NOT IN ('ban', 'close', 'refer')
	 ORDER BY f.county_code, f.cluster_id,
			  f.anchor DESC,
			  (f.group_enterprise::int + f.downstream_processing::int + f.green_listed::int) DESC,
			  f.reserves_t DESC NULLS LAST,
			  f.area_km2 DESC NULLS LAST,
			  f.id
),
-- L3: the merged mine's production scale, from the members' capacities in
-- the retained mine's unit, against the retained mine's mineral.
cluster_capacity AS (
	SELECT f.county_code, f.cluster_id, f.capacity_unit, sum(f.capacity) AS total
	  FROM f1 f
	 WHERE f.cluster_id IS NOT NULL
	 GROUP BY f.county_code, f.cluster_id, f.capacity_unit
),
cluster_scale AS (
	SELECT r.county_code, r.cluster_id,
		   COALESCE((
			 SELECT scale_class_of(cap.total, t.large_min, t.medium_min, p.very_small_fraction)
			   FROM scale_thresholds t
			  WHERE cap.total IS NOT NULL
				AND t.unit = r.capacity_unit
				AND starts_with(r.mineral, t.mineral)
			  ORDER BY length(t.mineral) DESC
			  LIMIT 1), 'unknown') AS cluster_scale_class
	  FROM retained r
	 CROSS JOIN p
	  LEFT JOIN cluster_capacity cap
		ON cap.county_code = r.county_code AND cap.cluster_id = r.cluster_id
	   AND cap.capacity_unit = r.capacity_unit
),
-- What the mines in a cluster learn about it; the others have no row here.
cluster_info AS (
	SELECT c.id, c.cluster_id, csz.cluster_size, r.retained_mine_id,
		   COALESCE(cs.cluster_scale_class, 'unknown') AS cluster_scale_class
	  FROM clustered c
	  JOIN cluster_sizes csz ON csz.county_code = c.county_code AND csz.cluster_id = c.cluster_id
	  LEFT JOIN retained r ON r.county_code = c.county_code AND r.cluster_id = c.cluster_id
	  LEFT JOIN cluster_scale cs ON cs.county_code = c.county_code AND cs.cluster_id = c.cluster_id
)
SELECT f.id, f.license_no, f.name, f.holder, f.holder_uscc, f.county_code, f.licensed_by,
	   f.mineral, f.mineral_group, f.ore_body, f.elev_top, f.elev_bottom, f.area_km2,
	   f.reserves_t, f.capacity, f.capacity_unit, f.valid_from, f.valid_to, f.expiry_cause,
	   f.transfer_mode, f.documents_incomplete, f.area_delineated, f.eco_ok, f.safety_ok,
	   f.product_ok, f.backward_process, f.restoration_ok, f.group_enterprise,
	   f.downstream_processing, f.green_listed, f.fake_consolidation_suspected, f.rectify_by,
	   f.note,
	   f.as_of, f.in_scope, f.licence_valid,
	   f.c1_act_on, f.c1_penalties, f.c1_first_penalty, f.c1_last_penalty,
	   f.c4_zones, f.c4_overlap_km2,
	   f.planned_zone, f.concentrated_zone, f.eco_fragile_zones,
	   f.scale_class, f.m1_small, f.l2_small, f.merge_reach, f.anchor,
	   ci.cluster_id, ci.cluster_size, ci.retained_mine_id, ci.cluster_scale_class,
	   f.l1_same_holder_ids,
	   f.merge_distance_m, f.safety_distance_m, f.small_area_km2, f.small_reserves_t,
	   f.penalty_count, f.penalty_window_years
  FROM reached f
  LEFT JOIN cluster_info ci ON ci.id = f.id;

COMMENT ON VIEW mine_facts IS
  'One row per mine with every fact a rule needs, judged at as_of(): the mine''s own columns but its geometry (join mines for it: classify() does not need it, and leaving it out keeps rows small), then scope, C1 penalties, C4 protected-area overlaps, planned/concentrated/eco-fragile zones, scale class, M1/L2 smallness, merge reach and anchor flag, merge cluster (merge_cluster per county over in-scope mines), the cluster''s retained mine and scale, L1 same-holder licences, and the parameters in force. classify() reads it.';
COMMENT ON COLUMN mine_facts.as_of IS 'The day the facts are judged at (mineconsol.as_of, default today)';
COMMENT ON COLUMN mine_facts.in_scope IS 'Scope (三(一)): licensed by the city or a county, and S1 (licence valid at as_of with reserves > 0), S2, S3, or an expired licence (so that C2 can close it)';
COMMENT ON COLUMN mine_facts.licence_valid IS 'valid_from <= as_of <= valid_to; NULL when valid_to is not recorded';
COMMENT ON COLUMN mine_facts.c1_act_on IS 'C1: the first illegal-mining act (up to as_of) with at least penalty_count illegal-mining penalties in the penalty_window_years before it; NULL when none';
COMMENT ON COLUMN mine_facts.c1_penalties IS 'C1: number of those penalties';
COMMENT ON COLUMN mine_facts.c1_first_penalty IS 'C1: first of those penalties';
COMMENT ON COLUMN mine_facts.c1_last_penalty IS 'C1: last of those penalties';
COMMENT ON COLUMN mine_facts.c4_zones IS 'C4: red-line and protected zones the mining area overlaps with positive area, as "name (kind)"';
COMMENT ON COLUMN mine_facts.c4_overlap_km2 IS 'C4: area of those overlaps, km²';
COMMENT ON COLUMN mine_facts.planned_zone IS 'S4: a planned mining zone that covers the mining area; NULL when none';
COMMENT ON COLUMN mine_facts.concentrated_zone IS 'L2: a concentrated mining zone that covers the mining area; NULL when none';
COMMENT ON COLUMN mine_facts.eco_fragile_zones IS 'A1: ecologically fragile zones the mining area overlaps with positive area';
COMMENT ON COLUMN mine_facts.scale_class IS 'Production scale class from scale_thresholds (''unknown'' when no row fits)';
COMMENT ON COLUMN mine_facts.m1_small IS 'M1: area below small_area_km2 and reserves below small_reserves_t; NULL when either is not recorded';
COMMENT ON COLUMN mine_facts.l2_small IS 'L2: small or very small scale inside a concentrated mining zone; NULL when inside one with an unknown scale class';
COMMENT ON COLUMN mine_facts.merge_reach IS 'Reach for merge_cluster: merge_distance_m when M1-small, else safety_distance_m when L2-small, else 0';
COMMENT ON COLUMN mine_facts.anchor IS 'Neither M1- nor L2-small: a larger mine small neighbours merge into';
COMMENT ON COLUMN mine_facts.cluster_id IS 'Merge cluster within the county (merge_cluster over in-scope mines, ordered by id); NULL when in none';
COMMENT ON COLUMN mine_facts.cluster_size IS 'Number of mines in the cluster';
COMMENT ON COLUMN mine_facts.retained_mine_id IS 'L4: the cluster''s retained mine (anchor first, then most of group_enterprise/downstream_processing/green_listed, largest reserves, largest area, lowest id; never one whose own verdict is ban, close or refer); NULL when none qualifies';
COMMENT ON COLUMN mine_facts.cluster_scale_class IS 'L3: scale class of the merged mine: the members'' capacities in the retained mine''s unit against its mineral''s thresholds';
COMMENT ON COLUMN mine_facts.l1_same_holder_ids IS 'L1: other mines of the same holder (holder_uscc) on the same ore body within merge_distance_m';
COMMENT ON COLUMN mine_facts.merge_distance_m IS 'Parameter in force';
COMMENT ON COLUMN mine_facts.safety_distance_m IS 'Parameter in force';
COMMENT ON COLUMN mine_facts.small_area_km2 IS 'Parameter in force';
COMMENT ON COLUMN mine_facts.small_reserves_t IS 'Parameter in force';
COMMENT ON COLUMN mine_facts.penalty_count IS 'Parameter in force';
COMMENT ON COLUMN mine_facts.penalty_window_years IS 'Parameter in force';

-- Availability: 0.1.0
CREATE FUNCTION classify(facts mine_facts) RETURNS verdict
AS 'MODULE_PATHNAME', 'mineconsol_classify'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION classify(mine_facts) IS
  'The plan''s verdict on one mine (三(二), domain/RULES.md): the decisive disposition by precedence (out of scope > C1 ban > C2 close > C4 refer > C3 rectify/close > C6 merge > E1 close > C5 exit > R retain), every matched rule code (decisive first; L1, L3, L4, S4, A1 notes; S1-S3 scope basis; "X?" where a missing fact leaves rule X undecided) and one reason per code with the facts behind it. Pure: reads only the row''s fields, by name.';

-- Availability: 0.1.0
CREATE VIEW dispositions AS
SELECT f.id, f.license_no, f.name, f.holder, f.holder_uscc, f.county_code, f.licensed_by,
	   f.mineral, f.mineral_group, f.ore_body, m.geom, f.elev_top, f.elev_bottom, f.area_km2,
	   f.reserves_t, f.capacity, f.capacity_unit, f.valid_from, f.valid_to, f.expiry_cause,
	   f.transfer_mode, f.documents_incomplete, f.area_delineated, f.eco_ok, f.safety_ok,
	   f.product_ok, f.backward_process, f.restoration_ok, f.group_enterprise,
	   f.downstream_processing, f.green_listed, f.fake_consolidation_suspected, f.rectify_by,
	   f.note,
	   (f.v).disposition, (f.v).rules, (f.v).reasons
  -- classify() once per row (OFFSET 0 keeps the subquery, so that the three
  -- fields do not call it three times), as a scalar: no function scan.
  FROM (SELECT f.*, classify(f) AS v FROM mine_facts f OFFSET 0) f
  -- LEFT: a query that does not read geom skips the join altogether.
  LEFT JOIN mines m ON m.id = f.id;
COMMENT ON VIEW dispositions IS
  'Every mine (all columns of mines) with its verdict at as_of(): disposition, rules (decisive first) and reasons.';
COMMENT ON COLUMN dispositions.disposition IS 'Decisive disposition';
COMMENT ON COLUMN dispositions.rules IS 'Every matched rule code, decisive first';
COMMENT ON COLUMN dispositions.reasons IS 'One sentence per rule code, with the facts behind it';

-- Availability: 0.1.0
CREATE FUNCTION gap_resources(merged geometry, merge_distance float8) RETURNS geometry
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $fn$
	-- Slivers under 1 m² that the buffers' arc approximation leaves are dropped.
	SELECT ST_Multi(COALESCE(ST_Union(g.geom), ST_GeomFromText('POLYGON EMPTY', ST_SRID(merged))))
	  FROM ST_Dump(ST_CollectionExtract(
			 ST_Difference(ST_Buffer(ST_Buffer(merged, merge_distance / 2), -merge_distance / 2), merged), 3)) g
	 WHERE ST_Area(g.geom) >= 1
$fn$;
COMMENT ON FUNCTION gap_resources(geometry, float8) IS
  'Gap resources (夹缝资源) of a merged area: its morphological closing by half the merge distance (buffer out, then in) minus the area itself, as a MultiPolygon (empty when there is no gap; parts under 1 m² dropped).';

-- Availability: 0.1.0
CREATE VIEW merge_plan AS
WITH members AS (
	SELECT f.county_code, f.cluster_id, f.id, f.ore_body, m.geom, f.reserves_t, f.area_km2,
		   f.retained_mine_id, f.cluster_scale_class, f.merge_distance_m
	  FROM mine_facts f
	  JOIN mines m ON m.id = f.id
	 WHERE f.cluster_id IS NOT NULL
),
clusters AS (
	SELECT m.county_code, m.cluster_id,
		   min(m.ore_body) AS ore_body,
		   min(m.retained_mine_id) AS retained_mine_id,
		   array_agg(m.id ORDER BY m.id) AS member_ids,
		   ST_Union(m.geom) AS merged,
		   sum(m.reserves_t) AS total_reserves_t,
		   min(m.cluster_scale_class) AS scale_class,
		   min(m.merge_distance_m)::float8 AS merge_distance
	  FROM members m
	 GROUP BY m.county_code, m.cluster_id
)
SELECT c.county_code, c.cluster_id, c.ore_body, c.retained_mine_id,
	   CASE WHEN c.retained_mine_id IS NULL
			THEN 'every member is banned, closed or referred: no mine can be retained' END AS note,
	   c.member_ids,
	   ST_Multi(c.merged)::geometry(MultiPolygon) AS geom,
	   gap_resources(c.merged, c.merge_distance)::geometry(MultiPolygon) AS gap_geom,
	   c.total_reserves_t,
	   ST_Area(c.merged) / 1e6 AS total_area_km2,
	   c.scale_class,
	   CASE WHEN c.scale_class = 'unknown' THEN NULL
			ELSE c.scale_class IN ('large', 'medium') END AS reaches_medium
  FROM clusters c;
COMMENT ON VIEW merge_plan IS
  'One row per merge cluster at as_of(): county, ore body, the retained mine (L4; NULL with a note when every member is disqualified), members, merged area, gap resources (夹缝资源) between the members, total reserves and area, the merged mine''s scale class and whether it reaches medium (L3).';
COMMENT ON COLUMN merge_plan.county_code IS 'County (clusters are computed per county)';
COMMENT ON COLUMN merge_plan.cluster_id IS 'Cluster number within the county (mine_facts.cluster_id)';
COMMENT ON COLUMN merge_plan.ore_body IS 'Ore body the members work';
COMMENT ON COLUMN merge_plan.retained_mine_id IS 'L4: the retained mine (整合保留矿山); NULL when every member is banned, closed or referred';
COMMENT ON COLUMN merge_plan.note IS 'Why there is no retained mine, when there is none';
COMMENT ON COLUMN merge_plan.member_ids IS 'All members, the retained mine included, by id';
COMMENT ON COLUMN merge_plan.geom IS 'Merged area: union of the members'' mining areas';
COMMENT ON COLUMN merge_plan.gap_geom IS 'Gap resources (夹缝资源): morphological closing of the union by half the merge distance, minus the union (parts under 1 m² dropped); empty when the members touch';
COMMENT ON COLUMN merge_plan.total_reserves_t IS 'Sum of the members'' retained reserves, t';
COMMENT ON COLUMN merge_plan.total_area_km2 IS 'Area of the merged area, km² (overlaps counted once)';
COMMENT ON COLUMN merge_plan.scale_class IS 'Production scale class of the merged mine (members'' capacities against the retained mine''s mineral); ''unknown'' when scale_thresholds has no row';
COMMENT ON COLUMN merge_plan.reaches_medium IS 'L3: the merged mine is large or medium; NULL when its scale class is unknown';

-- Availability: 0.1.0
CREATE VIEW "overlaps" AS
SELECT a.id AS mine_id_a, b.id AS mine_id_b,
	   a.county_code AS county_code_a, b.county_code AS county_code_b,
	   ST_Area(ST_Intersection(a.geom, b.geom)) / 1e6 AS overlap_km2,
	   greatest(a.elev_bottom, b.elev_bottom) AS elev_bottom,
	   least(a.elev_top, b.elev_top) AS elev_top,
	   ST_Multi(ST_CollectionExtract(ST_Intersection(a.geom, b.geom), 3))::geometry(MultiPolygon) AS geom
  FROM mines a
  JOIN mines b ON a.id < b.id AND ST_Intersects(a.geom, b.geom)
 WHERE ST_Relate(a.geom, b.geom, 'T********')
   AND (a.elev_bottom IS NULL OR b.elev_top IS NULL OR a.elev_bottom <= b.elev_top)
   AND (b.elev_bottom IS NULL OR a.elev_top IS NULL OR b.elev_bottom <= a.elev_top);
COMMENT ON VIEW "overlaps" IS
  'Overlapping mining rights (矿权重叠), a registry error the counties must fix: pairs of mines whose areas overlap with positive area and whose elevation ranges intersect (an unrecorded range counts as intersecting).';
COMMENT ON COLUMN "overlaps".mine_id_a IS 'The mine with the lower id';
COMMENT ON COLUMN "overlaps".mine_id_b IS 'The mine with the higher id';
COMMENT ON COLUMN "overlaps".county_code_a IS 'County of mine a';
COMMENT ON COLUMN "overlaps".county_code_b IS 'County of mine b';
COMMENT ON COLUMN "overlaps".overlap_km2 IS 'Area of the overlap, km²';
COMMENT ON COLUMN "overlaps".elev_bottom IS 'Bottom of the shared elevation range, m (NULL when unknown)';
COMMENT ON COLUMN "overlaps".elev_top IS 'Top of the shared elevation range, m (NULL when unknown)';
COMMENT ON COLUMN "overlaps".geom IS 'The overlap';

-- ==== sql/66_adopt.sql ====
-- Adoption (四(三)): a county turns its current merge plan into consolidation
-- units (one per merge cluster with a retained mine, all members listed) and
-- closures (every member that merges into another mine, and every mine whose
-- own verdict is ban or close), all at their first stage.

-- Availability: 0.1.0
CREATE FUNCTION adopt_merge_plan(county_code text) RETURNS integer
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $fn$
#variable_conflict use_variable
DECLARE
	v_county constant text := adopt_merge_plan.county_code;
	v_stage text;
	moved record;
	n_units integer;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM mineconsol.counties c WHERE c.code = v_county) THEN
		RAISE EXCEPTION 'unknown county "%"', v_county
			USING ERRCODE = 'foreign_key_violation',
				  HINT = 'SELECT code, name FROM mineconsol.counties lists them.';
	END IF;

	-- The scheme row lock serialises two adoptions of one county.
	SELECT s.stage INTO v_stage FROM mineconsol.schemes s WHERE s.county_code = v_county FOR UPDATE;
	IF v_stage IS NULL OR v_stage = 'survey' THEN
		RAISE EXCEPTION 'cannot adopt the merge plan of county %: its scheme is at "%"',
			v_county, COALESCE(v_stage, 'none')
			USING ERRCODE = 'check_violation',
				  DETAIL = 'A county''s units are adopted once its scheme is at least "drafted".',
				  HINT = format('advance(''scheme'', <id>, ''drafted'', <evidence>) first.');
	END IF;

	-- A row that has moved, even if reverted since, has a stage history, which
	-- the audit trail keeps (the stage trigger refuses to delete it).
	SELECT 'unit' AS track, u.id::text AS row_id, u.stage INTO moved
	  FROM mineconsol.units u
	 WHERE u.county_code = v_county AND (u.stage <> 'planned' OR u.last_event_id IS NOT NULL)
	 ORDER BY u.id LIMIT 1;
	IF NOT FOUND THEN
		SELECT 'closure' AS track, c.mine_id::text AS row_id, c.stage INTO moved
		  FROM mineconsol.closures c JOIN mineconsol.mines m ON m.id = c.mine_id
		 WHERE m.county_code = v_county AND (c.stage <> 'to_close' OR c.last_event_id IS NOT NULL)
		 ORDER BY c.mine_id LIMIT 1;
	END IF;
	IF FOUND THEN
		RAISE EXCEPTION 'cannot adopt the merge plan of county % again: % % is at "%" and has a stage history',
			v_county, moved.track, moved.row_id, moved.stage
			USING ERRCODE = 'check_violation',
				  DETAIL = 'The merge plan is adopted again only while no unit or closure of the county has ever moved; stage_events keeps the history of those that have.',
				  HINT = 'Keep the adopted units, and add or change units and members by hand where the plan has changed.';
	END IF;

	-- Adopting again replaces the previous, untouched adoption.
	DELETE FROM mineconsol.closures c USING mineconsol.mines m
	 WHERE m.id = c.mine_id AND m.county_code = v_county;
	DELETE FROM mineconsol.units u WHERE u.county_code = v_county;

	-- Three statements, not one: row-level security checks a member against
	-- its unit, which must be visible (committed to this command) first.
	CREATE TEMPORARY TABLE adopt_plan ON COMMIT DROP AS
	SELECT p.cluster_id, p.retained_mine_id, p.member_ids, NULL::bigint AS unit_id
	  FROM mineconsol.merge_plan p
	 WHERE p.county_code = v_county AND p.retained_mine_id IS NOT NULL;

	WITH made AS (
		INSERT INTO mineconsol.units (county_code, retained_mine_id, cluster_id)
		SELECT v_county, p.retained_mine_id, p.cluster_id
		  FROM adopt_plan p
		 ORDER BY p.cluster_id
		RETURNING id, cluster_id
	)
	UPDATE adopt_plan p SET unit_id = made.id FROM made WHERE made.cluster_id = p.cluster_id;

	INSERT INTO mineconsol.unit_members (unit_id, mine_id)
	SELECT p.unit_id, unnest(p.member_ids) FROM adopt_plan p;

	INSERT INTO mineconsol.closures (mine_id, unit_id)
	SELECT m.mine_id, p.unit_id
	  FROM adopt_plan p CROSS JOIN LATERAL unnest(p.member_ids) AS m(mine_id)
	 WHERE m.mine_id <> p.retained_mine_id;
	DROP TABLE adopt_plan;

	-- Mines closed on their own verdict (ban, close), merged or not.
	INSERT INTO mineconsol.closures (mine_id)
	SELECT d.id
	  FROM mineconsol.dispositions d
	 WHERE d.county_code = v_county
	   AND d.disposition IN ('ban', 'close')
	ON CONFLICT (mine_id) DO NOTHING;

	SELECT count(*) INTO n_units FROM mineconsol.units u WHERE u.county_code = v_county;
	RETURN n_units;
END
$fn$;
COMMENT ON FUNCTION adopt_merge_plan(text) IS
  'Turns the county''s current merge_plan into consolidation units (stage planned: one per cluster with a retained mine, every member in unit_members) and closures (stage to_close: every member merging into another mine, and every mine of the county whose verdict is ban or close). Needs the county''s scheme at least drafted; adopting again replaces the previous adoption while every unit is still planned and every closure to_close, and is refused (23514) once one has moved, even if reverted since (its stage history stays). Returns the number of units.';

-- ==== sql/70_security.sql ====
-- Security (五(二), 五(五)): the city and its counties share one database.
-- County staff (mineconsol_editor) read and write only their counties' rows,
-- reporting tools (mineconsol_reader) read only their counties' rows, the
-- city (mineconsol_admin) and the discipline inspectors
-- (mineconsol_inspector) see everything; only they read the audit trail.
-- role_counties maps login roles (directly or through membership) to
-- counties.  The roles themselves come from 05_roles.sql.

-- Availability: 0.1.0
CREATE TABLE role_counties (
	role_name   name NOT NULL,
	county_code text NOT NULL REFERENCES counties (code),
	PRIMARY KEY (role_name, county_code)
);
COMMENT ON TABLE role_counties IS
  'Which counties a role works for: a role sees (reader) or edits (editor) the rows of the counties mapped to it or to any role it is a member of. Maintained by mineconsol_admin.';
COMMENT ON COLUMN role_counties.role_name IS 'A login role or a group role; members inherit its counties';
COMMENT ON COLUMN role_counties.county_code IS 'A county (mineconsol.counties)';

-- Availability: 0.1.0
CREATE FUNCTION sees_all_counties() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
	SELECT pg_catalog.pg_has_role(current_user, 'mineconsol_admin', 'MEMBER')
		OR pg_catalog.pg_has_role(current_user, 'mineconsol_inspector', 'MEMBER')
		OR (SELECT r.rolbypassrls OR r.rolsuper FROM pg_catalog.pg_roles r
			 WHERE r.rolname OPERATOR(pg_catalog.=) current_user)
$fn$;
COMMENT ON FUNCTION sees_all_counties() IS
  'true when the current role sees every county: a member of mineconsol_admin or mineconsol_inspector, or a role that bypasses row-level security.';

-- Availability: 0.1.0
CREATE FUNCTION my_counties() RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
	SELECT COALESCE(pg_catalog.array_agg(DISTINCT rc.county_code), '{}')
	  FROM mineconsol.role_counties rc
	  JOIN pg_catalog.pg_roles r ON r.rolname OPERATOR(pg_catalog.=) rc.role_name
	 WHERE pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER')
$fn$;
COMMENT ON FUNCTION my_counties() IS
  'The counties the current role works for: role_counties rows of the role itself or of any role it is a member of.';

-- Row-level security.  The policies compare county_code with the result of
-- (SELECT my_counties()), an InitPlan computed once per query.
ALTER TABLE mines ENABLE ROW LEVEL SECURITY;
ALTER TABLE violations ENABLE ROW LEVEL SECURITY;
ALTER TABLE zones ENABLE ROW LEVEL SECURITY;
ALTER TABLE role_counties ENABLE ROW LEVEL SECURITY;

CREATE POLICY mines_read ON mines FOR SELECT
	USING ((SELECT sees_all_counties()) OR county_code = ANY ((SELECT my_counties())::text[]));
CREATE POLICY mines_write ON mines FOR ALL TO mineconsol_editor, mineconsol_admin
	USING ((SELECT sees_all_counties()) OR county_code = ANY ((SELECT my_counties())::text[]))
	WITH CHECK ((SELECT sees_all_counties()) OR county_code = ANY ((SELECT my_counties())::text[]));

-- A violation belongs to the county of its mine (the subquery sees only the
-- mines the role may see).
CREATE POLICY violations_read ON violations FOR SELECT
	USING (EXISTS (SELECT 1 FROM mines m WHERE m.id = violations.mine_id));
CREATE POLICY violations_write ON violations FOR ALL TO mineconsol_editor, mineconsol_admin
	USING (EXISTS (SELECT 1 FROM mines m WHERE m.id = violations.mine_id))
	WITH CHECK (EXISTS (SELECT 1 FROM mines m WHERE m.id = violations.mine_id));

-- City-wide zones (county_code NULL) are everyone's to read, the city's to edit.
CREATE POLICY zones_read ON zones FOR SELECT
	USING (county_code IS NULL OR (SELECT sees_all_counties()) OR county_code = ANY ((SELECT my_counties())::text[]));
CREATE POLICY zones_write ON zones FOR ALL TO mineconsol_editor, mineconsol_admin
	USING ((SELECT sees_all_counties()) OR county_code = ANY ((SELECT my_counties())::text[]))
	WITH CHECK ((SELECT sees_all_counties()) OR county_code = ANY ((SELECT my_counties())::text[]));

-- Everyone reads the mappings that concern them (my_counties() runs as the
-- caller); the city maintains them.
CREATE POLICY role_counties_read ON role_counties FOR SELECT
	USING ((SELECT sees_all_counties())
		   OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles r
					   WHERE r.rolname = role_counties.role_name
						 AND pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER')));
CREATE POLICY role_counties_admin ON role_counties FOR ALL TO mineconsol_admin
	USING (true) WITH CHECK (true);

-- The workflow tables follow their county: schemes and units directly,
-- members through their unit, closures through their mine.
ALTER TABLE schemes ENABLE ROW LEVEL SECURITY;
ALTER TABLE units ENABLE ROW LEVEL SECURITY;
ALTER TABLE unit_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE closures ENABLE ROW LEVEL SECURITY;
ALTER TABLE stage_events ENABLE ROW LEVEL SECURITY;

CREATE POLICY schemes_read ON schemes FOR SELECT
	USING ((SELECT sees_all_counties()) OR county_code = ANY ((SELECT my_counties())::text[]));
CREATE POLICY schemes_write ON schemes FOR ALL TO mineconsol_editor, mineconsol_admin
	USING ((SELECT sees_all_counties()) OR county_code = ANY ((SELECT my_counties())::text[]))
	WITH CHECK ((SELECT sees_all_counties()) OR county_code = ANY ((SELECT my_counties())::text[]));
CREATE POLICY units_read ON units FOR SELECT
	USING ((SELECT sees_all_counties()) OR county_code = ANY ((SELECT my_counties())::text[]));
CREATE POLICY units_write ON units FOR ALL TO mineconsol_editor, mineconsol_admin
	USING ((SELECT sees_all_counties()) OR county_code = ANY ((SELECT my_counties())::text[]))
	WITH CHECK ((SELECT sees_all_counties()) OR county_code = ANY ((SELECT my_counties())::text[]));
CREATE POLICY unit_members_read ON unit_members FOR SELECT
	USING (EXISTS (SELECT 1 FROM units u WHERE u.id = unit_members.unit_id));
CREATE POLICY unit_members_write ON unit_members FOR ALL TO mineconsol_editor, mineconsol_admin
	USING (EXISTS (SELECT 1 FROM units u WHERE u.id = unit_members.unit_id))
	WITH CHECK (EXISTS (SELECT 1 FROM units u WHERE u.id = unit_members.unit_id)
				AND EXISTS (SELECT 1 FROM mines m WHERE m.id = unit_members.mine_id));
CREATE POLICY closures_read ON closures FOR SELECT
	USING (EXISTS (SELECT 1 FROM mines m WHERE m.id = closures.mine_id));
CREATE POLICY closures_write ON closures FOR ALL TO mineconsol_editor, mineconsol_admin
	USING (EXISTS (SELECT 1 FROM mines m WHERE m.id = closures.mine_id))
	WITH CHECK (EXISTS (SELECT 1 FROM mines m WHERE m.id = closures.mine_id));
-- Mine-zone relations show with their mine and their zone: one index probe
-- each, which the city skips (the InitPlan is evaluated once).
ALTER TABLE mine_zone_relations ENABLE ROW LEVEL SECURITY;
CREATE POLICY mine_zone_relations_read ON mine_zone_relations FOR SELECT
	USING ((SELECT sees_all_counties())
		   OR (EXISTS (SELECT 1 FROM mines m WHERE m.id = mine_zone_relations.mine_id)
			   AND EXISTS (SELECT 1 FROM zones z WHERE z.id = mine_zone_relations.zone_id)));
-- The audit trail: read by the city and the inspectors only; written by the
-- stage trigger as the table's owner (src/audit.c), never by county staff.
CREATE POLICY stage_events_read ON stage_events FOR SELECT TO mineconsol_admin, mineconsol_inspector
	USING (true);

-- Privileges: the least each role needs.  Row-level security narrows them
-- to counties.
GRANT USAGE ON SCHEMA mineconsol
	TO mineconsol_admin, mineconsol_editor, mineconsol_reader, mineconsol_inspector;
GRANT SELECT ON counties, parameters, scale_thresholds, milestones, stage_transitions,
				mines, violations, zones, schemes, units, unit_members, closures, role_counties
	TO mineconsol_admin, mineconsol_editor, mineconsol_reader, mineconsol_inspector;
GRANT SELECT ON mine_facts, dispositions, merge_plan, "overlaps"
	TO mineconsol_admin, mineconsol_editor, mineconsol_reader, mineconsol_inspector;
GRANT INSERT, UPDATE, DELETE ON mines, violations, zones, schemes, units, unit_members, closures
	TO mineconsol_editor, mineconsol_admin;
GRANT USAGE ON SEQUENCE mines_id_seq, violations_id_seq, zones_id_seq, schemes_id_seq, units_id_seq
	TO mineconsol_editor, mineconsol_admin;
GRANT INSERT, UPDATE, DELETE ON counties, parameters, scale_thresholds, milestones,
				stage_transitions, role_counties
	TO mineconsol_admin;
GRANT SELECT ON stage_events TO mineconsol_admin, mineconsol_inspector;
GRANT SELECT ON mine_zone_relations
	TO mineconsol_admin, mineconsol_editor, mineconsol_reader, mineconsol_inspector;
REVOKE ALL ON FUNCTION rebuild_zone_relations() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rebuild_zone_relations() TO mineconsol_admin;

-- Views run with the caller's rights, so row-level security applies through them.
ALTER VIEW mine_facts SET (security_invoker = true);
ALTER VIEW dispositions SET (security_invoker = true);
ALTER VIEW merge_plan SET (security_invoker = true);
ALTER VIEW "overlaps" SET (security_invoker = true);

-- ==== sql/80_results.sql ====
-- Results for reporting tools (五(二), 五(五)): the verdicts and the merge plan
-- as of the last refresh_results(), and the v_* views that QGIS, GDAL and BI
-- tools read.  Classifying a city is a computation (mine_facts runs
-- merge_cluster over every county); the views read its stored result, so they
-- answer in milliseconds and every tool sees the same run.  Geometry columns
-- carry their type and the working SRID (4547), and every view has an id
-- column that GIS clients can use as a key.

-- Availability: 0.1.0
CREATE TABLE disposition_results (
	mine_id          bigint PRIMARY KEY REFERENCES mines (id) ON DELETE CASCADE,
	county_code      text NOT NULL,
	in_scope         boolean NOT NULL,
	mineral_group    text NOT NULL,
	disposition      disposition NOT NULL,
	rules            text[] NOT NULL,
	reasons          text[] NOT NULL,
	cluster_id       integer,
	retained_mine_id bigint,
	scale_class      text NOT NULL,
	as_of            date NOT NULL,
	refreshed_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX disposition_results_county_idx ON disposition_results (county_code);
COMMENT ON TABLE disposition_results IS
  'Every mine''s verdict as of the last refresh_results() (one row per mine the refreshing role could see). Read by the v_* views.';
COMMENT ON COLUMN disposition_results.mine_id IS 'The mine, mineconsol.mines';
COMMENT ON COLUMN disposition_results.county_code IS 'Its county';
COMMENT ON COLUMN disposition_results.in_scope IS 'In the programme''s scope (mine_facts.in_scope)';
COMMENT ON COLUMN disposition_results.mineral_group IS '''sand_gravel_clay'' (counted by target T1) or ''other''';
COMMENT ON COLUMN disposition_results.disposition IS 'Decisive disposition';
COMMENT ON COLUMN disposition_results.rules IS 'Every matched rule code, decisive first';
COMMENT ON COLUMN disposition_results.reasons IS 'One reason per rule code';
COMMENT ON COLUMN disposition_results.cluster_id IS 'Merge cluster within the county; NULL when in none';
COMMENT ON COLUMN disposition_results.retained_mine_id IS 'The cluster''s retained mine';
COMMENT ON COLUMN disposition_results.scale_class IS 'Scale class after consolidation: the merged mine''s for a retained mine, the mine''s own otherwise';
COMMENT ON COLUMN disposition_results.as_of IS 'The day the verdict judged at';
COMMENT ON COLUMN disposition_results.refreshed_at IS 'When refresh_results() computed it';

-- Availability: 0.1.0
CREATE TABLE merge_plan_results (
	county_code      text NOT NULL,
	cluster_id       integer NOT NULL,
	ore_body         text,
	retained_mine_id bigint,
	note             text,
	member_ids       bigint[] NOT NULL,
	geom             geometry(MultiPolygon) NOT NULL,
	gap_geom         geometry(MultiPolygon) NOT NULL,
	total_reserves_t numeric,
	total_area_km2   double precision,
	scale_class      text NOT NULL,
	reaches_medium   boolean,
	as_of            date NOT NULL,
	refreshed_at     timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (county_code, cluster_id)
);
COMMENT ON TABLE merge_plan_results IS
  'The merge plan (one row per cluster, columns of the merge_plan view) as of the last refresh_results(). Read by the v_* views.';
COMMENT ON COLUMN merge_plan_results.county_code IS 'County';
COMMENT ON COLUMN merge_plan_results.cluster_id IS 'Cluster number within the county';
COMMENT ON COLUMN merge_plan_results.ore_body IS 'Ore body';
COMMENT ON COLUMN merge_plan_results.retained_mine_id IS 'The retained mine; NULL when every member is disqualified';
COMMENT ON COLUMN merge_plan_results.note IS 'Why there is no retained mine';
COMMENT ON COLUMN merge_plan_results.member_ids IS 'All members';
COMMENT ON COLUMN merge_plan_results.geom IS 'Merged area';
COMMENT ON COLUMN merge_plan_results.gap_geom IS 'Gap resources (夹缝资源)';
COMMENT ON COLUMN merge_plan_results.total_reserves_t IS 'Sum of the members'' reserves, t';
COMMENT ON COLUMN merge_plan_results.total_area_km2 IS 'Area of the merged area, km²';
COMMENT ON COLUMN merge_plan_results.scale_class IS 'Scale class of the merged mine';
COMMENT ON COLUMN merge_plan_results.reaches_medium IS 'L3: large or medium';
COMMENT ON COLUMN merge_plan_results.as_of IS 'The day the plan judged at';
COMMENT ON COLUMN merge_plan_results.refreshed_at IS 'When refresh_results() computed it';

ALTER TABLE disposition_results ENABLE ROW LEVEL SECURITY;
ALTER TABLE merge_plan_results ENABLE ROW LEVEL SECURITY;
CREATE POLICY disposition_results_county ON disposition_results FOR ALL
	USING ((SELECT sees_all_counties()) OR county_code = ANY ((SELECT my_counties())::text[]))
	WITH CHECK ((SELECT sees_all_counties()) OR county_code = ANY ((SELECT my_counties())::text[]));
CREATE POLICY merge_plan_results_county ON merge_plan_results FOR ALL
	USING ((SELECT sees_all_counties()) OR county_code = ANY ((SELECT my_counties())::text[]))
	WITH CHECK ((SELECT sees_all_counties()) OR county_code = ANY ((SELECT my_counties())::text[]));

-- Availability: 0.1.0
CREATE FUNCTION refresh_results() RETURNS TABLE (mines bigint, clusters bigint)
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $fn$
BEGIN
	-- One classification for both tables: the facts are computed once.
	CREATE TEMPORARY TABLE refresh_facts ON COMMIT DROP AS
	SELECT f.id, f.county_code, f.in_scope, f.mineral_group, f.cluster_id, f.retained_mine_id,
		   f.ore_body, f.reserves_t, f.area_km2, f.merge_distance_m, f.as_of,
		   CASE WHEN f.retained_mine_id = f.id THEN f.cluster_scale_class ELSE f.scale_class END AS scale_class,
		   f.cluster_scale_class, v.disposition, v.rules, v.reasons
	  FROM mineconsol.mine_facts f
	 CROSS JOIN LATERAL mineconsol.classify(f) v;

	-- Row-level security limits both the facts and these deletes to the
	-- counties the caller may see: a county refreshes its own results.
	DELETE FROM mineconsol.disposition_results;
	DELETE FROM mineconsol.merge_plan_results;

	INSERT INTO mineconsol.disposition_results
		(mine_id, county_code, in_scope, mineral_group, disposition, rules, reasons,
		 cluster_id, retained_mine_id, scale_class, as_of)
	SELECT r.id, r.county_code, r.in_scope, r.mineral_group, r.disposition, r.rules, r.reasons,
		   r.cluster_id, r.retained_mine_id, r.scale_class, r.as_of
	  FROM refresh_facts r;
	mines := (SELECT count(*) FROM refresh_facts);

	INSERT INTO mineconsol.merge_plan_results
		(county_code, cluster_id, ore_body, retained_mine_id, note, member_ids, geom, gap_geom,
		 total_reserves_t, total_area_km2, scale_class, reaches_medium, as_of)
	SELECT c.county_code, c.cluster_id, c.ore_body, c.retained_mine_id,
		   CASE WHEN c.retained_mine_id IS NULL
				THEN 'every member is banned, closed or referred: no mine can be retained' END,
		   c.member_ids, ST_Multi(c.merged), mineconsol.gap_resources(c.merged, c.merge_distance),
		   c.total_reserves_t, ST_Area(c.merged) / 1e6, c.scale_class,
		   CASE WHEN c.scale_class = 'unknown' THEN NULL ELSE c.scale_class IN ('large', 'medium') END,
		   c.as_of
	  FROM (SELECT r.county_code, r.cluster_id, min(r.ore_body) AS ore_body,
				   min(r.retained_mine_id) AS retained_mine_id,
				   array_agg(r.id ORDER BY r.id) AS member_ids,
				   ST_Union(m.geom) AS merged,
				   sum(r.reserves_t) AS total_reserves_t,
				   min(r.cluster_scale_class) AS scale_class,
				   min(r.merge_distance_m)::float8 AS merge_distance,
				   min(r.as_of) AS as_of
			  FROM refresh_facts r JOIN mineconsol.mines m ON m.id = r.id
			 WHERE r.cluster_id IS NOT NULL
			 GROUP BY r.county_code, r.cluster_id) c;
	GET DIAGNOSTICS clusters = ROW_COUNT;

	DROP TABLE refresh_facts;
	RETURN NEXT;
END
$fn$;
COMMENT ON FUNCTION refresh_results() IS
  'Classifies every mine the caller may see at as_of() and stores the verdicts (disposition_results) and the merge plan (merge_plan_results) that the v_* views read, replacing the caller''s counties'' previous results. Returns how many mines and clusters were stored. Run it after loading registers or changing parameters.';

-- Stage order of each track, from stage_transitions (first stage: 1).
-- Availability: 0.1.0
CREATE VIEW stage_order WITH (security_invoker = true) AS
WITH RECURSIVE walk AS (
	SELECT t.track, t.from_stage AS stage, 1 AS pos
	  FROM stage_transitions t
	 WHERE NOT EXISTS (SELECT 1 FROM stage_transitions u
						WHERE u.track = t.track AND u.to_stage = t.from_stage)
	UNION
	SELECT t.track, t.to_stage, w.pos + 1
	  FROM walk w JOIN stage_transitions t ON t.track = w.track AND t.from_stage = w.stage
	 WHERE w.pos < 50
)
SELECT track, stage, max(pos) AS pos FROM walk GROUP BY track, stage;
COMMENT ON VIEW stage_order IS 'Position of each stage in its track (1 = the first stage), from stage_transitions.';
COMMENT ON COLUMN stage_order.track IS 'Track';
COMMENT ON COLUMN stage_order.stage IS 'Stage';
COMMENT ON COLUMN stage_order.pos IS 'Position, 1 for the first stage';

-- Availability: 0.1.0
CREATE TABLE duties (
	track      text NOT NULL,
	stage      text NOT NULL,
	department text NOT NULL,
	clause     text,
	seeded     boolean NOT NULL DEFAULT false,
	PRIMARY KEY (track, stage)
);
COMMENT ON TABLE duties IS
  'Which department (五(二)) must bring a row of a track to a stage: used by v_overdue and v_department_tasks. Config table: edits survive pg_dump.';
COMMENT ON COLUMN duties.track IS '''scheme'', ''unit'' or ''closure''';
COMMENT ON COLUMN duties.stage IS 'The stage to reach';
COMMENT ON COLUMN duties.department IS 'The responsible department';
COMMENT ON COLUMN duties.clause IS 'Clause of the plan';
COMMENT ON COLUMN duties.seeded IS 'true for a row as shipped by mineconsol and never edited; pg_dump keeps only the others';
CREATE TRIGGER duties_replaces_seed BEFORE INSERT OR UPDATE ON duties
	FOR EACH ROW EXECUTE FUNCTION config_row_replaces_seed('track', 'stage');
INSERT INTO duties (track, stage, department, clause, seeded) VALUES
	('scheme', 'drafted', 'county government (survey: natural resources)', '四(一), 五(二)', true),
	('scheme', 'hearing_held', 'county government', '四(三)', true),
	('scheme', 'noticed', 'county government', '四(三)', true),
	('scheme', 'submitted', 'county government', '四(三), 四(五)', true),
	('scheme', 'approved', 'city government (leadership group office, planning and natural resources bureau)', '四(五), 五(一)', true),
	('unit', 'reserves_verified', 'natural resources', '四(四)', true),
	('unit', 'valued', 'natural resources', '四(五), 五(二)', true),
	('unit', 'transferred', 'natural resources', '四(五), 五(二)', true),
	('unit', 'rights_settled', 'county government', '四(六)1', true),
	('unit', 'plans_approved', 'natural resources; ecology and environment (EIA); administrative approval', '四(六)2, 五(二)', true),
	('unit', 'licensed', 'natural resources', '四(六)3, 五(二)', true),
	('unit', 'restored', 'retained mine, accepted by the county (natural resources)', '四(八)', true),
	('closure', 'closure_decided', 'county government', '三(二)1(6)', true),
	('closure', 'license_cancelled', 'natural resources (issuing authority)', '三(二)1(6), 五(二)', true),
	('closure', 'announced', 'natural resources (issuing authority)', '三(二)1(6)', true),
	('closure', 'explosives_disposed', 'public security', '五(二)', true),
	('closure', 'restored', 'county government (natural resources)', '四(八)', true);

-- Availability: 0.1.0
CREATE VIEW v_dispositions WITH (security_invoker = true) AS
SELECT m.id, m.license_no::text AS license_no, m.name, m.holder, m.holder_uscc::text AS holder_uscc,
	   m.county_code, c.name AS county_name, m.licensed_by, m.mineral, m.ore_body,
	   r.disposition::text AS disposition, r.rules[1] AS decisive_rule,
	   array_to_string(r.rules, ',') AS rules, array_to_string(r.reasons, '; ') AS reasons,
	   r.cluster_id, r.retained_mine_id, r.scale_class, m.area_km2, m.reserves_t, r.as_of,
	   m.geom::geometry(MultiPolygon, 4547) AS geom
  FROM disposition_results r
  JOIN mines m ON m.id = r.mine_id
  JOIN counties c ON c.code = m.county_code;
COMMENT ON VIEW v_dispositions IS
  'Every mine with its verdict as of the last refresh_results(): for maps and tables (rules and reasons as text).';
COMMENT ON COLUMN v_dispositions.id IS 'Mine id (key)';
COMMENT ON COLUMN v_dispositions.license_no IS 'Licence number';
COMMENT ON COLUMN v_dispositions.name IS 'Mine';
COMMENT ON COLUMN v_dispositions.holder IS 'Holder';
COMMENT ON COLUMN v_dispositions.holder_uscc IS 'Holder''s credit code';
COMMENT ON COLUMN v_dispositions.county_code IS 'County code';
COMMENT ON COLUMN v_dispositions.county_name IS 'County';
COMMENT ON COLUMN v_dispositions.licensed_by IS 'Issuing level';
COMMENT ON COLUMN v_dispositions.mineral IS 'Mineral';
COMMENT ON COLUMN v_dispositions.ore_body IS 'Ore body';
COMMENT ON COLUMN v_dispositions.disposition IS 'Disposition';
COMMENT ON COLUMN v_dispositions.decisive_rule IS 'The rule that decided it';
COMMENT ON COLUMN v_dispositions.rules IS 'Every matched rule, comma-separated, decisive first';
COMMENT ON COLUMN v_dispositions.reasons IS 'The reasons, separated by "; "';
COMMENT ON COLUMN v_dispositions.cluster_id IS 'Merge cluster within the county';
COMMENT ON COLUMN v_dispositions.retained_mine_id IS 'The cluster''s retained mine';
COMMENT ON COLUMN v_dispositions.scale_class IS 'Scale class after consolidation';
COMMENT ON COLUMN v_dispositions.area_km2 IS 'Area, km²';
COMMENT ON COLUMN v_dispositions.reserves_t IS 'Retained reserves, t';
COMMENT ON COLUMN v_dispositions.as_of IS 'Day of the verdict';
COMMENT ON COLUMN v_dispositions.geom IS 'Mining area';

-- Availability: 0.1.0
CREATE VIEW v_merge_plan WITH (security_invoker = true) AS
SELECT p.county_code::bigint * 100000 + p.cluster_id AS id,
	   p.county_code, c.name AS county_name, p.cluster_id, p.ore_body,
	   p.retained_mine_id, rm.name AS retained_mine_name, rm.holder AS retained_holder,
	   cardinality(p.member_ids) AS member_count, array_to_string(p.member_ids, ',') AS member_ids,
	   p.total_reserves_t, p.total_area_km2, p.scale_class, p.reaches_medium, p.note, p.as_of,
	   p.geom::geometry(MultiPolygon, 4547) AS geom
  FROM merge_plan_results p
  JOIN counties c ON c.code = p.county_code
  LEFT JOIN mines rm ON rm.id = p.retained_mine_id;
COMMENT ON VIEW v_merge_plan IS
  'The merge plan as of the last refresh_results(): one row per cluster with its merged area.';
COMMENT ON COLUMN v_merge_plan.id IS 'Key: county code × 100000 + cluster number';
COMMENT ON COLUMN v_merge_plan.county_code IS 'County code';
COMMENT ON COLUMN v_merge_plan.county_name IS 'County';
COMMENT ON COLUMN v_merge_plan.cluster_id IS 'Cluster number within the county';
COMMENT ON COLUMN v_merge_plan.ore_body IS 'Ore body';
COMMENT ON COLUMN v_merge_plan.retained_mine_id IS 'Retained mine';
COMMENT ON COLUMN v_merge_plan.retained_mine_name IS 'Retained mine''s name';
COMMENT ON COLUMN v_merge_plan.retained_holder IS 'Retained mine''s holder (the consolidation subject)';
COMMENT ON COLUMN v_merge_plan.member_count IS 'Number of members';
COMMENT ON COLUMN v_merge_plan.member_ids IS 'Member mine ids, comma-separated';
COMMENT ON COLUMN v_merge_plan.total_reserves_t IS 'Total reserves, t';
COMMENT ON COLUMN v_merge_plan.total_area_km2 IS 'Merged area, km²';
COMMENT ON COLUMN v_merge_plan.scale_class IS 'Scale class of the merged mine';
COMMENT ON COLUMN v_merge_plan.reaches_medium IS 'L3: large or medium';
COMMENT ON COLUMN v_merge_plan.note IS 'Why there is no retained mine';
COMMENT ON COLUMN v_merge_plan.as_of IS 'Day of the plan';
COMMENT ON COLUMN v_merge_plan.geom IS 'Merged area';

-- Availability: 0.1.0
CREATE VIEW v_gap_resources WITH (security_invoker = true) AS
SELECT p.county_code::bigint * 100000 + p.cluster_id AS id,
	   p.county_code, c.name AS county_name, p.cluster_id, p.ore_body,
	   ST_Area(p.gap_geom) / 1e6 AS gap_area_km2, p.as_of,
	   p.gap_geom::geometry(MultiPolygon, 4547) AS geom
  FROM merge_plan_results p
  JOIN counties c ON c.code = p.county_code
 WHERE NOT ST_IsEmpty(p.gap_geom);
COMMENT ON VIEW v_gap_resources IS
  'Gap resources (夹缝资源) between the members of each merge cluster, to be sold by competition (二(二)): closing of the members'' union by half the merge distance, minus the union.';
COMMENT ON COLUMN v_gap_resources.id IS 'Key: county code × 100000 + cluster number';
COMMENT ON COLUMN v_gap_resources.county_code IS 'County code';
COMMENT ON COLUMN v_gap_resources.county_name IS 'County';
COMMENT ON COLUMN v_gap_resources.cluster_id IS 'Cluster number within the county';
COMMENT ON COLUMN v_gap_resources.ore_body IS 'Ore body';
COMMENT ON COLUMN v_gap_resources.gap_area_km2 IS 'Area of the gap, km²';
COMMENT ON COLUMN v_gap_resources.as_of IS 'Day of the plan';
COMMENT ON COLUMN v_gap_resources.geom IS 'The gap';

-- Availability: 0.1.0
CREATE VIEW v_overlaps WITH (security_invoker = true) AS
SELECT o.mine_id_a * 10000000000 + o.mine_id_b AS id,
	   o.mine_id_a, a.name AS mine_name_a, o.mine_id_b, b.name AS mine_name_b,
	   o.county_code_a, o.county_code_b, o.overlap_km2, o.elev_bottom, o.elev_top,
	   o.geom::geometry(MultiPolygon, 4547) AS geom
  FROM "overlaps" o
  JOIN mines a ON a.id = o.mine_id_a
  JOIN mines b ON b.id = o.mine_id_b;
COMMENT ON VIEW v_overlaps IS
  'Overlapping mining rights (矿权重叠) with intersecting elevation ranges: registry errors the counties must fix (live, from mines).';
COMMENT ON COLUMN v_overlaps.id IS 'Key: mine_id_a × 10¹⁰ + mine_id_b';
COMMENT ON COLUMN v_overlaps.mine_id_a IS 'Mine with the lower id';
COMMENT ON COLUMN v_overlaps.mine_name_a IS 'Its name';
COMMENT ON COLUMN v_overlaps.mine_id_b IS 'Mine with the higher id';
COMMENT ON COLUMN v_overlaps.mine_name_b IS 'Its name';
COMMENT ON COLUMN v_overlaps.county_code_a IS 'County of mine a';
COMMENT ON COLUMN v_overlaps.county_code_b IS 'County of mine b';
COMMENT ON COLUMN v_overlaps.overlap_km2 IS 'Overlap, km²';
COMMENT ON COLUMN v_overlaps.elev_bottom IS 'Bottom of the shared elevation range, m';
COMMENT ON COLUMN v_overlaps.elev_top IS 'Top of the shared elevation range, m';
COMMENT ON COLUMN v_overlaps.geom IS 'The overlap';

-- Rows of the three tracks with their current stage and county.
-- Availability: 0.1.0
CREATE VIEW track_rows WITH (security_invoker = true) AS
SELECT 'scheme'::text AS track, s.id AS row_id, s.county_code, s.stage, s.stage_evidence, NULL::bigint AS mine_id
  FROM schemes s
UNION ALL
SELECT 'unit', u.id, u.county_code, u.stage, u.stage_evidence, u.retained_mine_id
  FROM units u
UNION ALL
SELECT 'closure', c.mine_id, m.county_code, c.stage, c.stage_evidence, c.mine_id
  FROM closures c JOIN mines m ON m.id = c.mine_id;
COMMENT ON VIEW track_rows IS 'Every scheme, unit and closure with its track, county and current stage.';
COMMENT ON COLUMN track_rows.track IS 'Track';
COMMENT ON COLUMN track_rows.row_id IS 'schemes.id, units.id or closures.mine_id';
COMMENT ON COLUMN track_rows.county_code IS 'County';
COMMENT ON COLUMN track_rows.stage IS 'Current stage';
COMMENT ON COLUMN track_rows.stage_evidence IS 'Evidence of the step that reached it';
COMMENT ON COLUMN track_rows.mine_id IS 'The retained mine (unit) or the closed mine (closure)';

-- The deadlines each row has not met yet: milestones of later stages, and a
-- unit's restoration (restoration_years after its licence).
-- Availability: 0.1.0
CREATE VIEW open_deadlines WITH (security_invoker = true) AS
SELECT r.track, r.row_id, r.county_code, r.stage, r.mine_id, ms.stage AS due_stage, ms.due
  FROM track_rows r
  JOIN stage_order cur ON cur.track = r.track AND cur.stage = r.stage
  JOIN milestones ms ON ms.track = r.track
  JOIN stage_order tgt ON tgt.track = ms.track AND tgt.stage = ms.stage
 WHERE tgt.pos > cur.pos
UNION ALL
SELECT r.track, r.row_id, r.county_code, r.stage, r.mine_id, 'restored',
	   ((r.stage_evidence->>'date')::date + make_interval(years => param('restoration_years')::int))::date
  FROM track_rows r
 WHERE r.track = 'unit' AND r.stage = 'licensed';
COMMENT ON VIEW open_deadlines IS 'For each scheme, unit and closure: every deadline of a stage it has not reached yet.';
COMMENT ON COLUMN open_deadlines.track IS 'Track';
COMMENT ON COLUMN open_deadlines.row_id IS 'Row of the track';
COMMENT ON COLUMN open_deadlines.county_code IS 'County';
COMMENT ON COLUMN open_deadlines.stage IS 'Current stage';
COMMENT ON COLUMN open_deadlines.mine_id IS 'Retained or closed mine';
COMMENT ON COLUMN open_deadlines.due_stage IS 'Stage that is due';
COMMENT ON COLUMN open_deadlines.due IS 'By when';

-- Availability: 0.1.0
CREATE VIEW v_overdue WITH (security_invoker = true) AS
SELECT row_number() OVER (ORDER BY d.due, d.track, d.row_id, d.due_stage) AS id,
	   d.track, d.row_id, d.county_code, c.name AS county_name, d.stage AS current_stage,
	   d.due_stage, d.due, as_of() - d.due AS days_overdue,
	   COALESCE(du.department, 'county government') AS department, mi.name AS mine_name
  FROM open_deadlines d
  JOIN counties c ON c.code = d.county_code
  LEFT JOIN duties du ON du.track = d.track AND du.stage = d.due_stage
  LEFT JOIN mines mi ON mi.id = d.mine_id
 WHERE d.due < as_of();
COMMENT ON VIEW v_overdue IS
  'Every scheme, unit and closure past a deadline at as_of(), with the stage that is due, the days overdue and the responsible department (五(二)).';
COMMENT ON COLUMN v_overdue.id IS 'Row number (by due date)';
COMMENT ON COLUMN v_overdue.track IS 'Track';
COMMENT ON COLUMN v_overdue.row_id IS 'Row of the track';
COMMENT ON COLUMN v_overdue.county_code IS 'County code';
COMMENT ON COLUMN v_overdue.county_name IS 'County';
COMMENT ON COLUMN v_overdue.current_stage IS 'Where the row is';
COMMENT ON COLUMN v_overdue.due_stage IS 'The stage that is overdue';
COMMENT ON COLUMN v_overdue.due IS 'Its deadline';
COMMENT ON COLUMN v_overdue.days_overdue IS 'Days past the deadline at as_of()';
COMMENT ON COLUMN v_overdue.department IS 'Responsible department';
COMMENT ON COLUMN v_overdue.mine_name IS 'Retained or closed mine';

-- Availability: 0.1.0
CREATE VIEW v_county_progress WITH (security_invoker = true) AS
WITH counts AS (
	SELECT r.county_code,
		   count(*) FILTER (WHERE r.in_scope) AS mines_before,
		   count(*) FILTER (WHERE r.disposition IN ('merge_retain', 'retain', 'rectify')) AS mines_after,
		   count(*) FILTER (WHERE r.disposition IN ('exit_at_term', 'mine_out_then_exit')) AS mines_exiting,
		   count(*) FILTER (WHERE r.disposition IN ('merge_retain', 'retain', 'rectify')
							  AND r.scale_class IN ('large', 'medium')) AS large_medium_after,
		   count(*) FILTER (WHERE r.disposition IN ('merge_retain', 'retain', 'rectify')
							  AND r.scale_class = 'unknown') AS scale_unknown_after
	  FROM disposition_results r
	 WHERE r.mineral_group = 'sand_gravel_clay'
	 GROUP BY r.county_code
), next_due AS (
	SELECT DISTINCT ON (d.county_code) d.county_code, d.due, d.track, d.due_stage
	  FROM open_deadlines d
	 ORDER BY d.county_code, d.due, d.track
)
SELECT c.code::bigint AS id, c.code AS county_code, c.name AS county_name,
	   COALESCE(n.mines_before, 0) AS mines_before,
	   COALESCE(n.mines_after, 0) AS mines_after,
	   COALESCE(n.mines_exiting, 0) AS mines_exiting,
	   COALESCE(n.mines_before - n.mines_after, 0) AS reduction,
	   round(1 - n.mines_after::numeric / NULLIF(n.mines_before, 0), 3) AS reduction_ratio,
	   param('reduction_target') AS reduction_target,
	   1 - n.mines_after::numeric / NULLIF(n.mines_before, 0) >= param('reduction_target') AS meets_target,
	   round(n.large_medium_after::numeric / NULLIF(n.mines_after, 0), 3) AS large_medium_share,
	   COALESCE(n.scale_unknown_after, 0) AS scale_unknown_after,
	   s.stage AS scheme_stage,
	   nd.track || ' ' || nd.due_stage AS next_due,
	   nd.due AS next_deadline,
	   greatest(as_of() - nd.due, 0) AS days_overdue
  FROM counties c
  LEFT JOIN counts n ON n.county_code = c.code
  LEFT JOIN schemes s ON s.county_code = c.code
  LEFT JOIN next_due nd ON nd.county_code = c.code
 WHERE c.kind = 'county'
   AND (n.county_code IS NOT NULL OR s.county_code IS NOT NULL);
COMMENT ON VIEW v_county_progress IS
  'Per county (sand, gravel, stone and clay mines, as of the last refresh_results()): mines in scope before, mines kept after (merge_retain, retain, rectify; mines_exiting close later under C5), the reduction against reduction_target (T1), the large/medium share after (T2), the scheme''s stage, the next deadline not yet met and how many days it is overdue at as_of().';
COMMENT ON COLUMN v_county_progress.id IS 'Key: the county code as a number';
COMMENT ON COLUMN v_county_progress.county_code IS 'County code';
COMMENT ON COLUMN v_county_progress.county_name IS 'County';
COMMENT ON COLUMN v_county_progress.mines_before IS 'Sand/gravel/clay mines in scope';
COMMENT ON COLUMN v_county_progress.mines_after IS 'Mines kept after consolidation: retained from a merge, retained alone, or rectifying';
COMMENT ON COLUMN v_county_progress.mines_exiting IS 'Mines that exit later under C5 (at term, or once mined out)';
COMMENT ON COLUMN v_county_progress.reduction IS 'mines_before - mines_after';
COMMENT ON COLUMN v_county_progress.reduction_ratio IS '1 - mines_after / mines_before';
COMMENT ON COLUMN v_county_progress.reduction_target IS 'Parameter reduction_target (T1)';
COMMENT ON COLUMN v_county_progress.meets_target IS 'reduction_ratio >= reduction_target';
COMMENT ON COLUMN v_county_progress.large_medium_share IS 'Share of the kept mines that are large or medium (T2)';
COMMENT ON COLUMN v_county_progress.scale_unknown_after IS 'Kept mines whose scale class is unknown (no scale_thresholds row)';
COMMENT ON COLUMN v_county_progress.scheme_stage IS 'Stage of the county''s scheme';
COMMENT ON COLUMN v_county_progress.next_due IS 'The next deadline not yet met: track and stage';
COMMENT ON COLUMN v_county_progress.next_deadline IS 'Its date';
COMMENT ON COLUMN v_county_progress.days_overdue IS 'Days past it at as_of() (0 when not yet due)';

-- Availability: 0.1.0
CREATE VIEW v_department_tasks WITH (security_invoker = true) AS
WITH tasks AS (
	-- Each workflow row's next stage, by the department that must reach it.
	SELECT du.department, r.track || ': ' || nx.to_stage AS task, r.county_code,
		   r.track, r.row_id, r.mine_id, d.due,
		   format('%s %s is at %s; next: %s', r.track, r.row_id, r.stage, nx.to_stage) AS detail
	  FROM track_rows r
	  JOIN stage_transitions nx ON nx.track = r.track AND nx.from_stage = r.stage
	  LEFT JOIN duties du ON du.track = r.track AND du.stage = nx.to_stage
	  LEFT JOIN open_deadlines d ON d.track = r.track AND d.row_id = r.row_id AND d.due_stage = nx.to_stage
	 WHERE du.department IS NOT NULL
	UNION ALL
	-- Verdicts that call a department in (五(二)).
	SELECT dep, task, x.county_code, 'mine', x.mine_id, x.mine_id, NULL::date, detail
	  FROM (SELECT r.county_code, r.mine_id, m.safety_ok, m.eco_ok, m.mineral, r.rules, r.disposition,
				   r.reasons
			  FROM disposition_results r JOIN mines m ON m.id = r.mine_id) x
	 CROSS JOIN LATERAL (VALUES
		('emergency management', 'unsafe mine: rectify or propose closure (C3)',
		 NOT x.safety_ok AND x.disposition IN ('rectify', 'close')),
		('emergency management', 'mines closer than the safety distance: propose the merge (L2)',
		 'L2' = ANY (x.rules)),
		('ecology and environment', 'mine that damages ecology or pollutes: rectify or propose closure (C3)',
		 NOT x.eco_ok AND x.disposition IN ('rectify', 'close')),
		('water resources', 'river-sand mine: survey and public sale within the river channel',
		 x.mineral ~ '河砂|河道'),
		('discipline inspection', 'suspected fake consolidation or one ore body under several licences (L1)',
		 'L1' = ANY (x.rules)),
		('natural resources', 'refer to the protected area''s authority (C4)',
		 x.disposition = 'refer')
	 ) AS t(dep, task, applies)
	 CROSS JOIN LATERAL (SELECT array_to_string(x.reasons, '; ') AS detail) dd
	 WHERE t.applies
)
SELECT row_number() OVER (ORDER BY t.department, t.county_code, t.due NULLS LAST, t.track, t.row_id) AS id,
	   t.department, t.task, t.county_code, c.name AS county_name, t.track, t.row_id,
	   t.mine_id, m.name AS mine_name, t.due, t.detail
  FROM tasks t
  JOIN counties c ON c.code = t.county_code
  LEFT JOIN mines m ON m.id = t.mine_id;
COMMENT ON VIEW v_department_tasks IS
  'What each department (五(二)) must do now: the next stage of every scheme, unit and closure by the department that must reach it (public security: explosives at closing mines; natural resources: reserves, sales, licences, cancellations), and the verdicts that call a department in (emergency management: unsafe mines and mines closer than the safety distance; ecology: C3 ecology; water resources: river sand; discipline inspection: L1).';
COMMENT ON COLUMN v_department_tasks.id IS 'Row number';
COMMENT ON COLUMN v_department_tasks.department IS 'Department';
COMMENT ON COLUMN v_department_tasks.task IS 'What to do';
COMMENT ON COLUMN v_department_tasks.county_code IS 'County code';
COMMENT ON COLUMN v_department_tasks.county_name IS 'County';
COMMENT ON COLUMN v_department_tasks.track IS 'Track (scheme, unit, closure) or ''mine'' for a verdict';
COMMENT ON COLUMN v_department_tasks.row_id IS 'Row of the track, or the mine';
COMMENT ON COLUMN v_department_tasks.mine_id IS 'The mine concerned';
COMMENT ON COLUMN v_department_tasks.mine_name IS 'Its name';
COMMENT ON COLUMN v_department_tasks.due IS 'Deadline of the task, when the plan sets one';
COMMENT ON COLUMN v_department_tasks.detail IS 'Where the row stands, or the verdict''s reasons';

-- Availability: 0.1.0
CREATE VIEW v_restoration_due WITH (security_invoker = true) AS
SELECT cl.mine_id AS id, cl.mine_id, m.name AS mine_name, u.id AS unit_id, u.retained_mine_id,
	   m.county_code, c.name AS county_name,
	   l.licensed_on, l.due,
	   u.stage = 'restored' OR cl.stage = 'restored' AS restored,
	   CASE WHEN u.stage = 'restored' OR cl.stage = 'restored' THEN NULL ELSE l.due - as_of() END AS days_left,
	   m.geom::geometry(MultiPolygon, 4547) AS geom
  FROM closures cl
  JOIN units u ON u.id = cl.unit_id
  JOIN mines m ON m.id = cl.mine_id
  JOIN counties c ON c.code = m.county_code
 CROSS JOIN LATERAL (
	-- While licensed, the unit's evidence is that of its licensed step.
	SELECT CASE WHEN u.stage = 'licensed' THEN (u.stage_evidence->>'date')::date END AS licensed_on,
		   CASE WHEN u.stage = 'licensed'
				THEN ((u.stage_evidence->>'date')::date + make_interval(years => param('restoration_years')::int))::date
		   END AS due
 ) l
 WHERE u.stage IN ('licensed', 'restored');
COMMENT ON VIEW v_restoration_due IS
  'The former areas of the mines merged into a licensed retained mine, which the retained mine must restore within restoration_years of its licence (四(八)), and whether that is done.';
COMMENT ON COLUMN v_restoration_due.id IS 'Key: the merged mine''s id';
COMMENT ON COLUMN v_restoration_due.mine_id IS 'The merged (closed) mine';
COMMENT ON COLUMN v_restoration_due.mine_name IS 'Its name';
COMMENT ON COLUMN v_restoration_due.unit_id IS 'The unit';
COMMENT ON COLUMN v_restoration_due.retained_mine_id IS 'The retained mine that must restore it';
COMMENT ON COLUMN v_restoration_due.county_code IS 'County code';
COMMENT ON COLUMN v_restoration_due.county_name IS 'County';
COMMENT ON COLUMN v_restoration_due.licensed_on IS 'When the retained mine was licensed (evidence date of its licensed step); NULL once the unit is restored';
COMMENT ON COLUMN v_restoration_due.due IS 'Restoration deadline; NULL once the unit is restored';
COMMENT ON COLUMN v_restoration_due.restored IS 'Restoration accepted (unit or closure at restored)';
COMMENT ON COLUMN v_restoration_due.days_left IS 'Days to the deadline at as_of() (negative: overdue); NULL once restored';
COMMENT ON COLUMN v_restoration_due.geom IS 'The former mining area';

-- Availability: 0.1.0
CREATE VIEW v_scheme_draft WITH (security_invoker = true) AS
WITH mines_now AS (
	SELECT m.county_code,
		   count(*) AS mines,
		   count(*) FILTER (WHERE m.license_no IS NOT NULL) AS licences,
		   sum(m.reserves_t) AS reserves_t
	  FROM mines m
	 GROUP BY m.county_code
), by_mineral AS (
	SELECT m.county_code, jsonb_object_agg(coalesce(x.mineral, '(not recorded)'),
										   jsonb_build_object('mines', x.n, 'reserves_t', x.reserves_t)) AS distribution
	  FROM (SELECT county_code, mineral, count(*) AS n, sum(reserves_t) AS reserves_t
			  FROM mines GROUP BY county_code, mineral) x
	  JOIN (SELECT DISTINCT county_code FROM mines) m ON m.county_code = x.county_code
	 GROUP BY m.county_code
), proposed AS (
	SELECT p.county_code,
		   jsonb_agg(jsonb_build_object(
			   'retained_mine_id', p.retained_mine_id, 'subject', rm.holder, 'mine', rm.name,
			   'mineral', rm.mineral, 'area_km2', round(p.total_area_km2::numeric, 4),
			   'reserves_t', p.total_reserves_t, 'scale_class', p.scale_class,
			   'members', p.member_ids,
			   'coordinates', ST_AsText(ST_SnapToGrid(p.geom, 0.01)))
			   ORDER BY p.cluster_id) AS proposed_rights
	  FROM merge_plan_results p
	  LEFT JOIN mines rm ON rm.id = p.retained_mine_id
	 WHERE p.retained_mine_id IS NOT NULL
	 GROUP BY p.county_code
), closing AS (
	SELECT r.county_code, array_agg(m.name ORDER BY m.name) AS mines_to_close
	  FROM disposition_results r JOIN mines m ON m.id = r.mine_id
	 WHERE r.disposition IN ('ban', 'close', 'merge_close')
	 GROUP BY r.county_code
), rights AS (
	SELECT m.county_code, jsonb_object_agg(m.licensed_by, m.n) AS by_level
	  FROM (SELECT county_code, licensed_by, count(*) AS n FROM mines GROUP BY 1, 2) m
	 GROUP BY m.county_code
)
SELECT c.code::bigint AS id, c.code AS county_code, c.name AS county_name,
	   n.mines AS mines_now, n.licences, rt.by_level AS rights_by_level, n.reserves_t AS reserves_t_now,
	   bm.distribution AS resource_distribution,
	   pr.proposed_rights,
	   cl.mines_to_close,
	   g.reduction AS reduction_count, g.reduction_ratio, g.large_medium_share,
	   s.stage AS scheme_stage
  FROM counties c
  JOIN mines_now n ON n.county_code = c.code
  LEFT JOIN by_mineral bm ON bm.county_code = c.code
  LEFT JOIN rights rt ON rt.county_code = c.code
  LEFT JOIN proposed pr ON pr.county_code = c.code
  LEFT JOIN closing cl ON cl.county_code = c.code
  LEFT JOIN v_county_progress g ON g.county_code = c.code
  LEFT JOIN schemes s ON s.county_code = c.code;
COMMENT ON VIEW v_scheme_draft IS
  'Per county, the contents 四(三) asks a scheme to give: resource distribution (mines and reserves by mineral), mining rights (by issuing level), the proposed rights after consolidation (retained mine and subject, coordinates, area, mineral, members), the mines to close, the reduction count and ratio, and the large/medium share (from the last refresh_results()).';
COMMENT ON COLUMN v_scheme_draft.id IS 'Key: the county code as a number';
COMMENT ON COLUMN v_scheme_draft.county_code IS 'County code';
COMMENT ON COLUMN v_scheme_draft.county_name IS 'County';
COMMENT ON COLUMN v_scheme_draft.mines_now IS 'Mines in the registry';
COMMENT ON COLUMN v_scheme_draft.licences IS 'Of which with a licence number';
COMMENT ON COLUMN v_scheme_draft.rights_by_level IS 'Mines by issuing level (JSON object)';
COMMENT ON COLUMN v_scheme_draft.reserves_t_now IS 'Total retained reserves, t';
COMMENT ON COLUMN v_scheme_draft.resource_distribution IS 'Mines and reserves by mineral (JSON object)';
COMMENT ON COLUMN v_scheme_draft.proposed_rights IS 'Proposed mining rights: one JSON object per retained mine (subject, mine, mineral, area, reserves, scale, members, coordinates in the working SRID)';
COMMENT ON COLUMN v_scheme_draft.mines_to_close IS 'Names of the mines to close (ban, close, merge_close)';
COMMENT ON COLUMN v_scheme_draft.reduction_count IS 'Mines fewer after consolidation';
COMMENT ON COLUMN v_scheme_draft.reduction_ratio IS 'Reduction ratio';
COMMENT ON COLUMN v_scheme_draft.large_medium_share IS 'Large/medium share after';
COMMENT ON COLUMN v_scheme_draft.scheme_stage IS 'Stage of the scheme';

GRANT SELECT ON disposition_results, merge_plan_results, duties, stage_order, track_rows, open_deadlines,
				v_dispositions, v_merge_plan, v_gap_resources, v_overlaps, v_overdue, v_county_progress,
				v_department_tasks, v_restoration_due, v_scheme_draft
	TO mineconsol_admin, mineconsol_editor, mineconsol_reader, mineconsol_inspector;
GRANT INSERT, DELETE ON disposition_results, merge_plan_results TO mineconsol_editor, mineconsol_admin;
GRANT INSERT, UPDATE, DELETE ON duties TO mineconsol_admin;

-- ==== sql/90_dump.sql ====
-- pg_dump keeps the data of extension tables only when they are registered
-- here.  Seeded configuration tables keep only the DBA's rows (edited or
-- added: seeded = false); registry tables keep everything, and so do the
-- identity sequences, so ids continue after a restore.

SELECT pg_extension_config_dump('counties', 'WHERE NOT seeded');
SELECT pg_extension_config_dump('parameters', 'WHERE NOT seeded');
SELECT pg_extension_config_dump('scale_thresholds', 'WHERE NOT seeded');
SELECT pg_extension_config_dump('milestones', 'WHERE NOT seeded');

SELECT pg_extension_config_dump('mines', '');
SELECT pg_extension_config_dump('mines_id_seq', '');
SELECT pg_extension_config_dump('violations', '');
SELECT pg_extension_config_dump('violations_id_seq', '');
SELECT pg_extension_config_dump('zones', '');
SELECT pg_extension_config_dump('zones_id_seq', '');

-- Stage workflow.  stage_transitions keeps the DBA's rows like the other
-- config tables.  stage_events must come back in id order, because each
-- restored row has to extend its row's chain (its insert trigger checks
-- that): pg_dump appends the condition verbatim to "SELECT … FROM
-- stage_events", so it carries an ORDER BY.
SELECT pg_extension_config_dump('stage_transitions', 'WHERE NOT seeded');
SELECT pg_extension_config_dump('schemes', '');
SELECT pg_extension_config_dump('schemes_id_seq', '');
SELECT pg_extension_config_dump('units', '');
SELECT pg_extension_config_dump('units_id_seq', '');
SELECT pg_extension_config_dump('unit_members', '');
SELECT pg_extension_config_dump('closures', '');
SELECT pg_extension_config_dump('stage_events', 'WHERE true ORDER BY id');
SELECT pg_extension_config_dump('stage_events_id_seq', '');

-- Security and results.
SELECT pg_extension_config_dump('role_counties', '');
SELECT pg_extension_config_dump('duties', 'WHERE NOT seeded');
SELECT pg_extension_config_dump('disposition_results', '');
SELECT pg_extension_config_dump('merge_plan_results', '');

-- ==== sql/95_comments.sql ====
-- Comments that follow from others.  The views mine_facts and dispositions
-- repeat the columns of mines: they carry the same comments.
DO $comments$
DECLARE
	c record;
BEGIN
	FOR c IN
		SELECT v.relname AS view_name, a.attname, col_description('mineconsol.mines'::regclass, ma.attnum) AS note
		  FROM pg_catalog.pg_class v
		  JOIN pg_catalog.pg_attribute a ON a.attrelid = v.oid AND a.attnum > 0 AND NOT a.attisdropped
		  JOIN pg_catalog.pg_attribute ma ON ma.attrelid = 'mineconsol.mines'::regclass AND ma.attname = a.attname
		 WHERE v.relnamespace = 'mineconsol'::regnamespace
		   AND v.relname IN ('mine_facts', 'dispositions')
		   AND col_description(v.oid, a.attnum) IS NULL
	LOOP
		EXECUTE format('COMMENT ON COLUMN mineconsol.%I.%I IS %L', c.view_name, c.attname, c.note);
	END LOOP;
END
$comments$;

-- Triggers.
COMMENT ON TRIGGER counties_replaces_seed ON counties IS 'An edited row stops being a seed row; an inserted row replaces an untouched seed row with the same key (keeps DBA edits across pg_dump/pg_restore)';
COMMENT ON TRIGGER parameters_replaces_seed ON parameters IS 'An edited row stops being a seed row; an inserted row replaces an untouched seed row with the same key (keeps DBA edits across pg_dump/pg_restore)';
COMMENT ON TRIGGER scale_thresholds_replaces_seed ON scale_thresholds IS 'An edited row stops being a seed row; an inserted row replaces an untouched seed row with the same key (keeps DBA edits across pg_dump/pg_restore)';
COMMENT ON TRIGGER milestones_replaces_seed ON milestones IS 'An edited row stops being a seed row; an inserted row replaces an untouched seed row with the same key (keeps DBA edits across pg_dump/pg_restore)';
COMMENT ON TRIGGER stage_transitions_replaces_seed ON stage_transitions IS 'An edited row stops being a seed row; an inserted row replaces an untouched seed row with the same key (keeps DBA edits across pg_dump/pg_restore)';
COMMENT ON TRIGGER duties_replaces_seed ON duties IS 'An edited row stops being a seed row; an inserted row replaces an untouched seed row with the same key (keeps DBA edits across pg_dump/pg_restore)';
COMMENT ON TRIGGER parameters_check_working_srid ON parameters IS 'working_srid must be a projected SRID in metres and cannot change after installation';
COMMENT ON TRIGGER mines_normalize_geom ON mines IS 'Stores geom through working_geometry(): MultiPolygon in the working SRID, refused with the reason when it has no SRID, is empty, not an area or invalid';
COMMENT ON TRIGGER zones_normalize_geom ON zones IS 'Stores geom through working_geometry(): MultiPolygon in the working SRID, refused with the reason when it has no SRID, is empty, not an area or invalid';
COMMENT ON TRIGGER mines_zone_relations_insert ON mines IS 'Relates the new mines to the zones (mine_zone_relations)';
COMMENT ON TRIGGER mines_zone_relations_update ON mines IS 'Relates the updated mines to the zones again (mine_zone_relations)';
COMMENT ON TRIGGER mines_zone_relations_delete ON mines IS 'Drops the relations of the deleted mines (mine_zone_relations)';
COMMENT ON TRIGGER mines_zone_relations_truncate ON mines IS 'Empties mine_zone_relations with mines';
COMMENT ON TRIGGER zones_zone_relations_insert ON zones IS 'Relates the new zones to the mines (mine_zone_relations)';
COMMENT ON TRIGGER zones_zone_relations_update ON zones IS 'Relates the updated zones to the mines again (mine_zone_relations)';
COMMENT ON TRIGGER zones_zone_relations_delete ON zones IS 'Drops the relations of the deleted zones (mine_zone_relations)';
COMMENT ON TRIGGER zones_zone_relations_truncate ON zones IS 'Empties mine_zone_relations with zones';
COMMENT ON TRIGGER stage_transitions_invalidate ON stage_transitions IS 'Drops every backend''s cached stage graph when the graph changes';
COMMENT ON TRIGGER milestones_stage_cache_invalidate ON milestones IS 'Drops every backend''s cached deadlines when a milestone changes';
COMMENT ON TRIGGER schemes_stage_guard ON schemes IS 'Checks every change of stage: one step forward, the evidence it needs, cross-track prerequisites; records the event in the row''s audit chain and keeps a row with a history from being deleted';
COMMENT ON TRIGGER units_stage_guard ON units IS 'Checks every change of stage: one step forward, the evidence it needs, cross-track prerequisites; records the event in the row''s audit chain and keeps a row with a history from being deleted';
COMMENT ON TRIGGER closures_stage_guard ON closures IS 'Checks every change of stage: one step forward, the evidence it needs, cross-track prerequisites; records the event in the row''s audit chain and keeps a row with a history from being deleted';
COMMENT ON TRIGGER stage_events_append ON stage_events IS 'An inserted event must extend its row''s chain (a later id, the previous event''s hash, a correct hash)';
COMMENT ON TRIGGER stage_events_append_only ON stage_events IS 'Refuses UPDATE, DELETE and TRUNCATE of the audit trail (55000)';

-- Row-level security policies.
COMMENT ON POLICY mines_read ON mines IS 'Everyone reads the mines of their counties (role_counties); the city and the inspectors read all';
COMMENT ON POLICY mines_write ON mines IS 'County staff write only their counties'' mines; the city writes all';
COMMENT ON POLICY violations_read ON violations IS 'A violation is visible with its mine';
COMMENT ON POLICY violations_write ON violations IS 'A violation is written with its mine''s county';
COMMENT ON POLICY zones_read ON zones IS 'City-wide zones for everyone; county zones for their counties; all for the city and the inspectors';
COMMENT ON POLICY zones_write ON zones IS 'County staff write their counties'' zones; the city writes all';
COMMENT ON POLICY schemes_read ON schemes IS 'A county''s scheme for its county; all for the city and the inspectors';
COMMENT ON POLICY schemes_write ON schemes IS 'County staff write their counties'' schemes; the city writes all';
COMMENT ON POLICY units_read ON units IS 'A county''s units for its county; all for the city and the inspectors';
COMMENT ON POLICY units_write ON units IS 'County staff write their counties'' units; the city writes all';
COMMENT ON POLICY unit_members_read ON unit_members IS 'A member is visible with its unit';
COMMENT ON POLICY unit_members_write ON unit_members IS 'A member is written with its unit and its mine';
COMMENT ON POLICY closures_read ON closures IS 'A closure is visible with its mine';
COMMENT ON POLICY closures_write ON closures IS 'A closure is written with its mine''s county';
COMMENT ON POLICY role_counties_read ON role_counties IS 'A role reads the mappings that concern it (my_counties() runs as the caller)';
COMMENT ON POLICY role_counties_admin ON role_counties IS 'The city maintains the mappings';
COMMENT ON POLICY mine_zone_relations_read ON mine_zone_relations IS 'A relation shows with its mine and its zone; all for the city and the inspectors';
COMMENT ON POLICY stage_events_read ON stage_events IS 'Only the city and the inspectors read the audit trail';
COMMENT ON POLICY disposition_results_county ON disposition_results IS 'Stored verdicts follow their county; refresh_results() replaces only the caller''s counties';
COMMENT ON POLICY merge_plan_results_county ON merge_plan_results IS 'The stored merge plan follows its county; refresh_results() replaces only the caller''s counties';
