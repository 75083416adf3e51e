-- Helpers of the SQL tests, \i-included after plan() by those that use them
-- (pg_temp: they go with the session; a test that calls one under SET ROLE
-- grants it to PUBLIC).

-- The SQLSTATE (code), message, detail and hint of the error a statement raises
-- (all NULL if none; detail and hint '' when the error has none).
CREATE FUNCTION pg_temp.error_fields(sql text, OUT code text, OUT message text, OUT detail text, OUT hint text)
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE sql;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
                          detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
END
$$;

-- The SQLSTATE a statement fails with, or 'no error'.
CREATE FUNCTION pg_temp.sqlstate_of(sql text) RETURNS text LANGUAGE sql AS $$
  SELECT COALESCE(e.code, 'no error') FROM pg_temp.error_fields(sql) e
$$;

-- How a long statement ends under the caller's statement_timeout (set at
-- the top level, where the timer runs): 'finished', 'cancelled promptly'
-- (within the given time of its start) or 'cancelled late'.
CREATE FUNCTION pg_temp.cancellation(sql text, promptly interval) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz := clock_timestamp();
BEGIN
  EXECUTE sql;
  RETURN 'finished';
EXCEPTION WHEN query_canceled THEN
  RETURN CASE WHEN clock_timestamp() - t0 < promptly THEN 'cancelled promptly' ELSE 'cancelled late' END;
END
$$;

-- The detail / hint of the error a statement raises ('(no error)' if none;
-- NULL for no hint).
CREATE FUNCTION pg_temp.err_detail(sql text) RETURNS text LANGUAGE sql AS $$
  SELECT CASE WHEN e.code IS NULL THEN '(no error)' ELSE e.detail END FROM pg_temp.error_fields(sql) e
$$;
CREATE FUNCTION pg_temp.err_hint(sql text) RETURNS text LANGUAGE sql AS $$
  SELECT CASE WHEN e.code IS NULL THEN '(no error)' ELSE nullif(e.hint, '') END FROM pg_temp.error_fields(sql) e
$$;

-- 'SQLSTATE | message | detail' of the error a statement raises ('no error'
-- if none); with in_hint, its hint in place of the detail.
CREATE FUNCTION pg_temp.error_text(sql text, in_hint boolean DEFAULT false) RETURNS text LANGUAGE sql AS $$
  SELECT CASE WHEN e.code IS NULL THEN 'no error'
              ELSE e.code || ' | ' || e.message || ' | ' || CASE WHEN in_hint THEN e.hint ELSE e.detail END END
    FROM pg_temp.error_fields(sql) e
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

-- The order of the values of the temp table samples (v of type t, a
-- byte-ordered type) against their texts' in byte order (COLLATE "C"; two
-- assertions): no pair that one of the six operators or t's _cmp function
-- orders otherwise, and ORDER BY sorts like the texts.
CREATE FUNCTION pg_temp.byte_order_checks(t regtype) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
  cmp text := (SELECT typname || '_cmp' FROM pg_type WHERE oid = t);
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
           sign((a.v::text > b.v::text COLLATE "C")::int - (a.v::text < b.v::text COLLATE "C")::int)$q$, cmp)
  INTO n;
  RETURN NEXT is(n, 0::bigint, format('all six operators and %s agree with text order on every pair of samples', cmp));
  RETURN NEXT results_eq('SELECT v::text FROM samples ORDER BY v',
                         'SELECT v::text FROM samples ORDER BY v::text COLLATE "C"',
                         'ORDER BY sorts like the text');
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

-- Texts that the input of a byte-ordered type t refuses, refused on the
-- other ways in (two assertions): text a cast to t, text b assigned to t's
-- column of the temp table assigned (text_cast_checks) — 22P02 with the
-- message that names the value.
CREATE FUNCTION pg_temp.text_cast_refusals(t regtype, a text, b text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
BEGIN
  RETURN NEXT throws_ok(format('SELECT %L::text::%s', a, t), '22P02',
                        format('invalid input syntax for type %s: "%s"', t, a),
                        'the cast from text validates like input');
  RETURN NEXT throws_ok(format('INSERT INTO assigned (v) VALUES (%L::text)', b), '22P02',
                        format('invalid input syntax for type %s: "%s"', t, b),
                        format('assigning invalid text to a %s column fails', t));
END
$$;

-- The refusals by the input of a byte-ordered type t of the inputs of the
-- temp table bad (n, input, what, detail, hint): four assertions a row, in
-- four passes over bad in the order of n — 22P02 with a message that names
-- the value as given, the detail, the hint, and try_<t> giving NULL.  Each
-- names the row's case (what).
CREATE FUNCTION pg_temp.invalid_input_checks(t regtype) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
  b record;
  got text;
BEGIN
  FOR b IN SELECT * FROM bad ORDER BY n LOOP
    RETURN NEXT throws_ok(format('SELECT %L::%s', b.input, t), '22P02',
                          format('invalid input syntax for type %s: "%s"', t, b.input),
                          b.what || ': message names the value as given');
  END LOOP;
  FOR b IN SELECT * FROM bad ORDER BY n LOOP
    RETURN NEXT is(pg_temp.err_detail(format('SELECT %L::%s', b.input, t)), b.detail, b.what || ': detail');
  END LOOP;
  FOR b IN SELECT * FROM bad ORDER BY n LOOP
    RETURN NEXT is(pg_temp.err_hint(format('SELECT %L::%s', b.input, t)), b.hint, b.what || ': hint');
  END LOOP;
  FOR b IN SELECT * FROM bad ORDER BY n LOOP
    EXECUTE format('SELECT mineconsol.try_%s($1)::text', t) USING b.input INTO got;
    RETURN NEXT is(got, NULL, format('%s: try_%s gives NULL', b.what, t));
  END LOOP;
END
$$;

-- The values of the temp table samples (v of type t) through binary COPY to
-- the scratch file file and back (three assertions), into the temp tables
-- wire and wire_back (v t) that it creates.
CREATE FUNCTION pg_temp.binary_copy_checks(t regtype, file text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE TEMP TABLE wire (v %s)', t);
  INSERT INTO wire SELECT v FROM samples;
  RETURN NEXT lives_ok(format('COPY wire TO %L (FORMAT binary)', pg_temp.scratch(file)), 'binary COPY out');
  EXECUTE format('CREATE TEMP TABLE wire_back (v %s)', t);
  RETURN NEXT lives_ok(format('COPY wire_back FROM %L (FORMAT binary)', pg_temp.scratch(file)), 'binary COPY in');
  RETURN NEXT results_eq('SELECT v FROM wire_back ORDER BY v', 'SELECT v FROM samples ORDER BY v',
                         'binary round trip keeps every value');
END
$$;

-- t's recv, which gets arbitrary bytes, refuses the input of a row of the
-- temp table bad like t's input does (three assertions): the text, in the
-- temp table wire_text (v text) (a text column's binary form is its bytes),
-- through binary COPY to the scratch file file and into wire_back
-- (binary_copy_checks) — 22P02 with the message that names the value, and
-- the row's detail and hint.
CREATE FUNCTION pg_temp.recv_refusal_checks(t regtype, file text, input text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
  copy_in text := format('COPY wire_back FROM %L (FORMAT binary)', pg_temp.scratch(file));
BEGIN
  TRUNCATE wire_text;
  INSERT INTO wire_text VALUES (input);
  RETURN NEXT lives_ok(format('COPY wire_text TO %L (FORMAT binary)', pg_temp.scratch(file)), 'binary COPY of bad text out');
  RETURN NEXT throws_ok(copy_in, '22P02', format('invalid input syntax for type %s: "%s"', t, input),
                        'recv validates like input');
  RETURN NEXT is(row(pg_temp.err_detail(copy_in), pg_temp.err_hint(copy_in))::text,
                 (SELECT row(b.detail, b.hint)::text FROM bad b WHERE b.input = recv_refusal_checks.input),
                 'recv gives the same detail and hint as input');
END
$$;

-- The join sql planned with only a hash join, then with only a merge join
-- allowed (sequential scans, no index or bitmap scan, no nested loop):
-- 'Hash Join', then 'Merge Join' in its plan, each followed, when rows is
-- given, by the number of rows the join returns under that plan (four
-- assertions, or two).  The enable_* settings are reset afterwards.
CREATE FUNCTION pg_temp.join_checks(sql text, rows bigint DEFAULT NULL) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
  j text;
  n bigint;
BEGIN
  SET LOCAL enable_seqscan = on;
  SET LOCAL enable_bitmapscan = off;
  SET LOCAL enable_indexscan = off;
  SET LOCAL enable_nestloop = off;
  FOREACH j IN ARRAY ARRAY['Hash', 'Merge'] LOOP
    PERFORM set_config('enable_hashjoin', (j = 'Hash')::text, true),
            set_config('enable_mergejoin', (j = 'Merge')::text, true);
    RETURN NEXT matches(pg_temp.plan_of(sql), j || ' Join', lower(j) || ' join possible');
    IF rows IS NOT NULL THEN
      EXECUTE format('SELECT count(*) FROM (%s) s', sql) INTO n;
      RETURN NEXT is(n, rows, lower(j) || ' join matches every row once');
    END IF;
  END LOOP;
  RESET enable_seqscan;
  RESET enable_bitmapscan;
  RESET enable_indexscan;
  RESET enable_mergejoin;
  RESET enable_nestloop;
  RESET enable_hashjoin;
END
$$;

-- The roles the stored-results tests act as, PREFIX_xinfu (a clerk of Xinfu,
-- 140902), PREFIX_ding (a clerk of Dingxiang, 140921), PREFIX_bi (a reporting
-- tool of Xinfu) and PREFIX_city (the city), with their counties; they go
-- with the test's transaction.  Called as SELECT … \gset (it prints nothing).
CREATE FUNCTION pg_temp.county_roles(prefix text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE ROLE %I IN ROLE mineconsol_editor', prefix || '_xinfu');
  EXECUTE format('CREATE ROLE %I IN ROLE mineconsol_editor', prefix || '_ding');
  EXECUTE format('CREATE ROLE %I IN ROLE mineconsol_reader', prefix || '_bi');
  EXECUTE format('CREATE ROLE %I IN ROLE mineconsol_admin', prefix || '_city');
  INSERT INTO mineconsol.role_counties VALUES
    (prefix || '_xinfu', '140902'), (prefix || '_ding', '140921'), (prefix || '_bi', '140902');
END
$$;
