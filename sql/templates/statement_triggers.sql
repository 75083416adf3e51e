-- The four AFTER statement triggers (insert, update, delete, truncate) that
-- run one trigger function on a table with its transition tables: a
-- statement trigger may carry transition tables for one event only, so a
-- function that reads them needs one trigger per event.  TABLE: the table;
-- NAME: the middle of the triggers' names (TABLE_NAME_insert, …); FUNCTION:
-- the trigger function (without parentheses); OLD, NEW: the names the
-- function reads the transition tables by.

CREATE TRIGGER @TABLE@_@NAME@_insert AFTER INSERT ON @TABLE@
	REFERENCING NEW TABLE AS @NEW@ FOR EACH STATEMENT EXECUTE FUNCTION @FUNCTION@();
CREATE TRIGGER @TABLE@_@NAME@_update AFTER UPDATE ON @TABLE@
	REFERENCING OLD TABLE AS @OLD@ NEW TABLE AS @NEW@ FOR EACH STATEMENT EXECUTE FUNCTION @FUNCTION@();
CREATE TRIGGER @TABLE@_@NAME@_delete AFTER DELETE ON @TABLE@
	REFERENCING OLD TABLE AS @OLD@ FOR EACH STATEMENT EXECUTE FUNCTION @FUNCTION@();
CREATE TRIGGER @TABLE@_@NAME@_truncate AFTER TRUNCATE ON @TABLE@
	FOR EACH STATEMENT EXECUTE FUNCTION @FUNCTION@();
