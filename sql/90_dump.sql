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
