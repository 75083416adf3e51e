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
