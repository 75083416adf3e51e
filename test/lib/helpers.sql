-- Helpers of the SQL tests, \i-included after plan() by those that use them
-- (pg_temp: they go with the session; a test that calls one under SET ROLE
-- grants it to PUBLIC).

-- The detail / hint of the error a statement raises ('(no error)' if none).
CREATE FUNCTION pg_temp.err_detail(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  detail text;
BEGIN
  EXECUTE sql;
  RETURN '(no error)';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
  RETURN detail;
END
$$;
CREATE FUNCTION pg_temp.err_hint(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  hint text;
BEGIN
  EXECUTE sql;
  RETURN '(no error)';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS hint = PG_EXCEPTION_HINT;
  RETURN nullif(hint, '');
END
$$;

-- How many rows a data-modifying statement reports.
CREATE FUNCTION pg_temp.changed_rows(sql text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
BEGIN
  EXECUTE sql;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;

-- The plan of a statement, as text (EXPLAIN VERBOSE with in_verbose).
CREATE FUNCTION pg_temp.plan_of(sql text, in_verbose boolean DEFAULT false) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  line text;
  result text := '';
BEGIN
  FOR line IN EXECUTE format('EXPLAIN (VERBOSE %s, COSTS OFF) ', in_verbose::text) || sql LOOP
    result := result || line || E'\n';
  END LOOP;
  RETURN result;
END
$$;

-- A file in the server's data directory, for binary COPY.
CREATE FUNCTION pg_temp.scratch(name text) RETURNS text LANGUAGE sql AS $$
  SELECT current_setting('data_directory') || '/mineconsol_test_' || name
$$;

-- The catalog entries of a base type whose values compare as their bytes
-- (license_no, uscc: sql/templates/byte_ordered_type.sql): ten assertions.
CREATE FUNCTION pg_temp.byte_ordered_type_checks(t regtype, bytes int) RETURNS SETOF text
LANGUAGE plpgsql AS $$
BEGIN
  RETURN NEXT has_type('mineconsol', t::text, format('type %s exists', t));
  RETURN NEXT is(
    (SELECT typlen::int FROM pg_type WHERE oid = t), bytes,
    format('%s is stored in %s bytes', t, bytes));
  RETURN NEXT is(
    (SELECT array_agg(p.oid::regprocedure::text ORDER BY 1) FROM pg_proc p
      WHERE (p.prorettype = t OR t = ANY (p.proargtypes))
        AND NOT (p.provolatile = 'i' AND p.proisstrict AND p.proparallel = 's')),
    NULL, format('every %s function is IMMUTABLE STRICT PARALLEL SAFE', t));
  RETURN NEXT is(
    (SELECT array_agg(p.oid::regprocedure::text ORDER BY 1) FROM pg_proc p
      WHERE (p.prorettype = t OR t = ANY (p.proargtypes))
        AND obj_description(p.oid, 'pg_proc') IS NULL),
    NULL, format('every %s function has a comment', t));
  RETURN NEXT is(
    (SELECT array_agg(o.oid::regoperator::text ORDER BY 1) FROM pg_operator o
      WHERE o.oprleft = t AND obj_description(o.oid, 'pg_operator') IS NULL),
    NULL, format('every %s operator has a comment', t));
  RETURN NEXT isnt(obj_description(t, 'pg_type'), NULL, format('type %s has a comment', t));
  RETURN NEXT is(
    (SELECT count(*) FROM pg_cast c
      WHERE (c.castsource = t OR c.casttarget = t)
        AND c.castcontext = 'a' AND c.castmethod = 'i'
        AND obj_description(c.oid, 'pg_cast') IS NOT NULL),
    4::bigint, 'assignment casts to and from text and varchar, with comments');
  RETURN NEXT is(
    (SELECT array_agg(am.amname::text ORDER BY 1) FROM pg_opclass oc JOIN pg_am am ON am.oid = oc.opcmethod
      WHERE oc.opcintype = t AND oc.opcdefault),
    ARRAY['btree', 'hash'], 'default btree and hash operator classes');
  RETURN NEXT is(
    (SELECT amproc::text FROM pg_amproc
      WHERE amproclefttype = t AND amprocnum = 4
        AND amprocfamily = (SELECT opcfamily FROM pg_opclass oc JOIN pg_am am ON am.oid = oc.opcmethod
                             WHERE oc.opcintype = t AND am.amname = 'btree')),
    'btequalimage', 'btree opclass allows deduplication (btequalimage)');
  RETURN NEXT is(
    (SELECT string_agg(oprname || ':' || oprcanhash || oprcanmerge, ' ' ORDER BY oprname)
       FROM pg_operator WHERE oprleft = t),
    '<:falsefalse <=:falsefalse <>:falsefalse =:truetrue >:falsefalse >=:falsefalse',
    'only = is HASHES and MERGES');
END
$$;

-- How many pairs of the temp table samples (v of type t, a byte-ordered type)
-- one of the six operators or t's _cmp function orders otherwise than the
-- values' texts in byte order (COLLATE "C"); 0 when they all agree.
CREATE FUNCTION pg_temp.byte_order_disagreements(t regtype) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
BEGIN
  EXECUTE format($q$
    SELECT count(*) FROM samples a, samples b
     WHERE (a.v = b.v) IS DISTINCT FROM (a.v::text = b.v::text)
        OR (a.v <> b.v) IS DISTINCT FROM (a.v::text <> b.v::text)
        OR (a.v < b.v) IS DISTINCT FROM (a.v::text < b.v::text COLLATE "C")
        OR (a.v <= b.v) IS DISTINCT FROM (a.v::text <= b.v::text COLLATE "C")
        OR (a.v > b.v) IS DISTINCT FROM (a.v::text > b.v::text COLLATE "C")
        OR (a.v >= b.v) IS DISTINCT FROM (a.v::text >= b.v::text COLLATE "C")
        OR sign(mineconsol.%I(a.v, b.v)) IS DISTINCT FROM
           sign((a.v::text > b.v::text COLLATE "C")::int - (a.v::text < b.v::text COLLATE "C")::int)$q$,
    (SELECT typname || '_cmp' FROM pg_type WHERE oid = t))
  INTO n;
  RETURN n;
END
$$;

-- The casts of a byte-ordered type t with varchar and text (two
-- assertions): text a through varchar to t and back, and a and b assigned,
-- a as text to a column of t, b as t to a text column.
CREATE FUNCTION pg_temp.text_cast_checks(t regtype, a text, b text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
  got text;
BEGIN
  EXECUTE format('SELECT $1::varchar::%s::varchar', t) USING a INTO got;
  RETURN NEXT is(got::varchar, a::varchar, 'casts from and to varchar');
  EXECUTE format('CREATE TEMP TABLE assigned (v %s, t text)', t);
  EXECUTE format('INSERT INTO assigned VALUES ($1, $2::%s)', t) USING a, b;
  RETURN NEXT is((SELECT v::text || ' ' || assigned.t FROM assigned), a || ' ' || b,
                 format('text is assignable to %s and %s to text', t, t));
END
$$;
