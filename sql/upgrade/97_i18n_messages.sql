-- The messages of the SQL functions in the reader's language, 0.1.0 -> 0.2.0.
-- Every RAISE of the plpgsql functions goes through tr(); those functions
-- are redefined by the upgrade pieces of their areas (edited there).  What
-- no other piece redefines is here (tr() exists from 01_symbols.sql on; an
-- SQL function's body is checked when it is created).

-- parse_corner_points() names what it checks in the reader's language.
-- @replace sql/50_ingest.sql CREATE FUNCTION parse_corner_points(
