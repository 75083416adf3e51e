\i test/setup.psql
BEGIN;
SELECT plan(9);
-- Names as pg_catalog prints them with only public (pgTAP, PostGIS) in the path.
SET LOCAL search_path = public;

-- Who may call what, read from the catalog.  A function added to the
-- extension must be placed in the list below: executable by PUBLIC (users
-- call it, or queries and policies that run as the user inline or call it),
-- or by named roles only, or by nobody but the owner (trigger functions: a
-- trigger calls its function whatever the function's ACL, and EXECUTE is
-- what CREATE TRIGGER checks).

-- Every function of the extension and who may execute it: 'PUBLIC', the
-- roles granted EXECUTE (comma-separated), or '' for the owner alone.
CREATE TEMP VIEW executable_by AS
SELECT p.oid::regprocedure::text AS function,
       CASE WHEN has_function_privilege('public', p.oid, 'EXECUTE') THEN 'PUBLIC'
            ELSE coalesce((SELECT string_agg(a.grantee::regrole::text, ',' ORDER BY a.grantee::regrole::text)
                             FROM aclexplode(p.proacl) a
                            WHERE a.privilege_type = 'EXECUTE' AND a.grantee NOT IN (0, p.proowner)), '')
       END AS grantees,
       p.prorettype = 'trigger'::regtype AS is_trigger, p.prosecdef AS security_definer,
       (SELECT substr(c, length('search_path=') + 1) FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%') AS search_path
  FROM pg_proc p
 WHERE p.pronamespace = 'mineconsol'::regnamespace;

CREATE TEMP TABLE intended (function text PRIMARY KEY, grantees text NOT NULL);
INSERT INTO intended VALUES
  -- Only the city.
  ('mineconsol.rebuild_zone_relations()', 'mineconsol_admin'),
  ('mineconsol.apply_role_settings(regrole,text,text,text)', 'mineconsol_admin'),
  -- Trigger functions: nobody calls them, nobody attaches them.
  ('mineconsol.config_row_replaces_seed()', ''),
  ('mineconsol.parameters_check_working_srid()', ''),
  ('mineconsol.normalize_geom()', ''),
  ('mineconsol.mines_license_no_taken()', ''),
  ('mineconsol.mines_zone_relations()', ''),
  ('mineconsol.zones_zone_relations()', ''),
  ('mineconsol.mark_holder_neighbours_stale()', ''),
  ('mineconsol.stage_cache_invalidate()', ''),
  ('mineconsol.stage_guard()', ''),
  ('mineconsol.stage_events_append()', ''),
  ('mineconsol.stage_events_append_only()', ''),
  ('mineconsol.result_refreshes_stamp()', ''),
  ('mineconsol.mark_results_stale()', ''),
  -- Internal: called only by the zone-relation triggers, as their owner.
  ('mineconsol.zone_relation_lock(text[],boolean)', ''),
  -- Internal: the first thing each function that runs as its owner does.
  ('mineconsol.owner_search_path_check()', ''),
  -- Internal to refresh_results(), run as the owner: for those who may ask for a refresh.
  ('mineconsol.refresh_requested_results()', 'mineconsol_admin,mineconsol_editor'),
  -- What-if plans: every role that reads results, for its counties.
  ('mineconsol.simulate(jsonb)', 'mineconsol_admin,mineconsol_editor,mineconsol_inspector,mineconsol_reader'),
  -- The stage workflow: county staff and the city record steps (revert_stage()
  -- refuses anyone but the city itself, with its reason); the audit trail's
  -- functions are for those who read it.
  ('mineconsol.advance(text,bigint,text,jsonb)', 'mineconsol_admin,mineconsol_editor'),
  ('mineconsol.revert_stage(text,bigint,text,text)', 'mineconsol_admin,mineconsol_editor'),
  ('mineconsol.verify_audit()', 'mineconsol_admin,mineconsol_inspector'),
  ('mineconsol.verify_audit(text)', 'mineconsol_admin,mineconsol_inspector'),
  ('mineconsol.audit_problems(text)', 'mineconsol_admin,mineconsol_inspector'),
  ('mineconsol.audit_digest()', 'mineconsol_admin,mineconsol_inspector'),
  ('mineconsol.audit_canonical(mineconsol.stage_events)', 'mineconsol_admin,mineconsol_inspector'),
  -- The types: input, output, operators, operator classes, and what users call on them.
  ('mineconsol.license_no_in(cstring)', 'PUBLIC'),
  ('mineconsol.license_no_out(mineconsol.license_no)', 'PUBLIC'),
  ('mineconsol.license_no_recv(internal)', 'PUBLIC'),
  ('mineconsol.license_no_send(mineconsol.license_no)', 'PUBLIC'),
  ('mineconsol.license_no_eq(mineconsol.license_no,mineconsol.license_no)', 'PUBLIC'),
  ('mineconsol.license_no_ne(mineconsol.license_no,mineconsol.license_no)', 'PUBLIC'),
  ('mineconsol.license_no_lt(mineconsol.license_no,mineconsol.license_no)', 'PUBLIC'),
  ('mineconsol.license_no_le(mineconsol.license_no,mineconsol.license_no)', 'PUBLIC'),
  ('mineconsol.license_no_gt(mineconsol.license_no,mineconsol.license_no)', 'PUBLIC'),
  ('mineconsol.license_no_ge(mineconsol.license_no,mineconsol.license_no)', 'PUBLIC'),
  ('mineconsol.license_no_cmp(mineconsol.license_no,mineconsol.license_no)', 'PUBLIC'),
  ('mineconsol.license_no_hash(mineconsol.license_no)', 'PUBLIC'),
  ('mineconsol.license_no_hash_extended(mineconsol.license_no,bigint)', 'PUBLIC'),
  ('mineconsol.try_license_no(text)', 'PUBLIC'),
  ('mineconsol.license_authority(mineconsol.license_no)', 'PUBLIC'),
  ('mineconsol.license_issued(mineconsol.license_no)', 'PUBLIC'),
  ('mineconsol.license_kind(mineconsol.license_no)', 'PUBLIC'),
  ('mineconsol.uscc_in(cstring)', 'PUBLIC'),
  ('mineconsol.uscc_out(mineconsol.uscc)', 'PUBLIC'),
  ('mineconsol.uscc_recv(internal)', 'PUBLIC'),
  ('mineconsol.uscc_send(mineconsol.uscc)', 'PUBLIC'),
  ('mineconsol.uscc_eq(mineconsol.uscc,mineconsol.uscc)', 'PUBLIC'),
  ('mineconsol.uscc_ne(mineconsol.uscc,mineconsol.uscc)', 'PUBLIC'),
  ('mineconsol.uscc_lt(mineconsol.uscc,mineconsol.uscc)', 'PUBLIC'),
  ('mineconsol.uscc_le(mineconsol.uscc,mineconsol.uscc)', 'PUBLIC'),
  ('mineconsol.uscc_gt(mineconsol.uscc,mineconsol.uscc)', 'PUBLIC'),
  ('mineconsol.uscc_ge(mineconsol.uscc,mineconsol.uscc)', 'PUBLIC'),
  ('mineconsol.uscc_cmp(mineconsol.uscc,mineconsol.uscc)', 'PUBLIC'),
  ('mineconsol.uscc_hash(mineconsol.uscc)', 'PUBLIC'),
  ('mineconsol.uscc_hash_extended(mineconsol.uscc,bigint)', 'PUBLIC'),
  ('mineconsol.try_uscc(text)', 'PUBLIC'),
  ('mineconsol.uscc_region(mineconsol.uscc)', 'PUBLIC'),
  -- Row-level security: the policies call these as the querying role.
  ('mineconsol.sees_all_counties()', 'PUBLIC'),
  ('mineconsol.writes_all_counties()', 'PUBLIC'),
  ('mineconsol.mapped_counties(name[])', 'PUBLIC'),
  ('mineconsol.my_counties()', 'PUBLIC'),
  ('mineconsol.my_write_counties()', 'PUBLIC'),
  ('mineconsol.county_in(text,boolean,text[])', 'PUBLIC'),
  -- Pure helpers the views inline or call as the querying role.
  ('mineconsol.scale_class_of(numeric,numeric,numeric,numeric)', 'PUBLIC'),
  ('mineconsol.zone_relates(text,geometry,geometry)', 'PUBLIC'),
  ('mineconsol.zone_overlap_km2(text,geometry,geometry)', 'PUBLIC'),
  ('mineconsol.classify_row(record)', 'PUBLIC'),
  -- What users call; each runs as its caller, so grants and row-level
  -- security decide what it may read and write.
  ('mineconsol.param(text)', 'PUBLIC'),
  ('mineconsol.scale_class(text,numeric,text)', 'PUBLIC'),
  ('mineconsol.working_geometry(geometry,text)', 'PUBLIC'),
  ('mineconsol.merge_cluster(geometry,text,double precision,boolean)', 'PUBLIC'),
  ('mineconsol.parse_corner_points_raw(text,integer)', 'PUBLIC'),
  ('mineconsol.parse_corner_points(text,integer)', 'PUBLIC'),
  ('mineconsol.corner_point_elevations(text,integer)', 'PUBLIC'),
  ('mineconsol.import_mines(regclass)', 'PUBLIC'),
  ('mineconsol.as_of()', 'PUBLIC'),
  ('mineconsol.classify(mineconsol.mine_facts)', 'PUBLIC'),
  -- mine_facts for some counties: the caller's rights, like the view.
  ('mineconsol.mine_facts_in(text[],text[])', 'PUBLIC'),
  -- Messages in the reader's language: views and functions call them as the reader.
  ('mineconsol.tr(text)', 'PUBLIC'),
  ('mineconsol.label(text,text)', 'PUBLIC'),
  ('mineconsol.reason_args(mineconsol.mine_facts)', 'PUBLIC'),
  ('mineconsol.render_reasons(jsonb,text[],boolean)', 'PUBLIC'),
  ('mineconsol.gap_resources(geometry,double precision)', 'PUBLIC'),
  ('mineconsol.adopt_merge_plan(text)', 'PUBLIC'),
  ('mineconsol.refresh_results(boolean)', 'PUBLIC'),
  ('mineconsol.results_as_of()', 'PUBLIC'),
  ('mineconsol.recommended_role_settings()', 'PUBLIC');

SELECT is(ARRAY(SELECT function FROM executable_by WHERE grantees = 'PUBLIC'
                EXCEPT SELECT function FROM intended WHERE grantees = 'PUBLIC' ORDER BY 1), '{}',
  'no function is executable by PUBLIC but those meant to be');
SELECT is(ARRAY(SELECT function FROM intended WHERE grantees = 'PUBLIC'
                EXCEPT SELECT function FROM executable_by WHERE grantees = 'PUBLIC' ORDER BY 1), '{}',
  'every function meant for PUBLIC is executable by it (and exists)');
SELECT is(ARRAY(SELECT format('%s: %s', function, grantees) FROM executable_by WHERE grantees <> 'PUBLIC'
                EXCEPT SELECT format('%s: %s', function, grantees) FROM intended WHERE grantees <> 'PUBLIC' ORDER BY 1), '{}',
  'the others are executable by exactly the roles meant (or by the owner alone)');
SELECT is(ARRAY(SELECT function FROM executable_by WHERE is_trigger AND grantees <> '' ORDER BY 1), '{}',
  'no trigger function is executable by anyone but its owner');

-- SECURITY DEFINER: only where a function must see every county.
SELECT is(ARRAY(SELECT function FROM executable_by WHERE security_definer ORDER BY 1),
  ARRAY['mineconsol.mark_holder_neighbours_stale()', 'mineconsol.mines_license_no_taken()', 'mineconsol.mines_zone_relations()',
        'mineconsol.rebuild_zone_relations()', 'mineconsol.refresh_requested_results()',
        'mineconsol.zones_zone_relations()'],
  'the SECURITY DEFINER functions are exactly the intended ones');
SELECT is(ARRAY(SELECT function FROM executable_by WHERE security_definer AND grantees = 'PUBLIC' ORDER BY 1), '{}',
  'no SECURITY DEFINER function is executable by PUBLIC');
SELECT is(ARRAY(SELECT function FROM executable_by WHERE security_definer
                AND (search_path IS NULL OR search_path NOT LIKE '%, pg_temp') ORDER BY 1), '{}',
  'every SECURITY DEFINER function pins its search_path, with pg_temp last');
SELECT is(ARRAY(SELECT function FROM executable_by WHERE search_path IS NOT NULL
                AND search_path NOT LIKE '%, pg_temp' ORDER BY 1), '{}',
  'every function that pins a search_path puts pg_temp last (else it would be searched first for tables)');

-- Table privileges of the four roles: what each may write (a: INSERT,
-- w: UPDATE, d: DELETE, D: TRUNCATE; upper-case A and W when only some
-- columns may be inserted or updated; x: REFERENCES, whose foreign keys
-- would lock and probe rows of every county; t: TRIGGER).
SELECT results_eq($$
  SELECT r.rolname::text COLLATE "default", string_agg((c.relname::text COLLATE "default") || ':' ||
           concat_ws('', CASE WHEN has_table_privilege(r.oid, c.oid, 'INSERT') THEN 'a'
                              WHEN has_any_column_privilege(r.oid, c.oid, 'INSERT') THEN 'A' END,
                         CASE WHEN has_table_privilege(r.oid, c.oid, 'UPDATE') THEN 'w'
                              WHEN has_any_column_privilege(r.oid, c.oid, 'UPDATE') THEN 'W' END,
                         CASE WHEN has_table_privilege(r.oid, c.oid, 'DELETE') THEN 'd' END,
                         CASE WHEN has_table_privilege(r.oid, c.oid, 'TRUNCATE') THEN 'D' END,
                         CASE WHEN has_any_column_privilege(r.oid, c.oid, 'REFERENCES') THEN 'x' END,
                         CASE WHEN has_table_privilege(r.oid, c.oid, 'TRIGGER') THEN 't' END), ' ' ORDER BY c.relname::text)
    FROM pg_roles r CROSS JOIN pg_class c
   WHERE r.rolname IN ('mineconsol_admin', 'mineconsol_editor', 'mineconsol_reader', 'mineconsol_inspector')
     AND c.relnamespace = 'mineconsol'::regnamespace AND c.relkind = 'r'
     AND (has_any_column_privilege(r.oid, c.oid, 'INSERT') OR has_any_column_privilege(r.oid, c.oid, 'UPDATE')
          OR has_table_privilege(r.oid, c.oid, 'DELETE') OR has_table_privilege(r.oid, c.oid, 'TRUNCATE')
          OR has_any_column_privilege(r.oid, c.oid, 'REFERENCES') OR has_table_privilege(r.oid, c.oid, 'TRIGGER'))
   GROUP BY r.rolname ORDER BY r.rolname$$,
  $$VALUES
    ('mineconsol_admin', 'closures:awd counties:awd duties:awd milestones:awd mines:awd parameters:awd result_changes:A result_refreshes:AW results_as_of:awd role_counties:awd scale_thresholds:awd schemes:awd stage_transitions:awd unit_members:awd units:awd violations:awd zones:awd'),
    ('mineconsol_editor', 'closures:awd mines:awd result_changes:A result_refreshes:AW schemes:awd unit_members:awd units:awd violations:awd')$$,
  'only the city and county staff write; county staff write no zone, no configuration and no stored result');

SELECT * FROM finish();
ROLLBACK;
