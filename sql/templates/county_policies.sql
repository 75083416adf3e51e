-- The two policies of a table whose rows carry their county (county_code)
-- and need nothing more: @TABLE@_read for everyone, on the counties they
-- read; @TABLE@_write for county staff and the city, on the counties they
-- write.  Expanded by sql/expand.pl where sql/70_security.sql says
--   -- @template sql/templates/county_policies.sql TABLE=…
-- (mines, schemes), READ_NOTE and WRITE_NOTE their comments.  A table whose
-- write policy checks more (units: its retained mine) writes its policies out.

CREATE POLICY @TABLE@_read ON @TABLE@ FOR SELECT
	USING (county_in(county_code, (SELECT sees_all_counties()), (SELECT my_counties())));
COMMENT ON POLICY @TABLE@_read ON @TABLE@ IS '@READ_NOTE@';
CREATE POLICY @TABLE@_write ON @TABLE@ FOR ALL TO mineconsol_editor, mineconsol_admin
	USING (county_in(county_code, (SELECT writes_all_counties()), (SELECT my_write_counties())))
	WITH CHECK (county_in(county_code, (SELECT writes_all_counties()), (SELECT my_write_counties())));
COMMENT ON POLICY @TABLE@_write ON @TABLE@ IS '@WRITE_NOTE@';
