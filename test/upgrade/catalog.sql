-- A canonical description of everything the mineconsol extension owns, one
-- fact per line, sorted: run in two databases and diff the output to tell
-- whether an upgraded extension is the same as a fresh install.  Object
-- identifiers, and anything else that differs between two equal databases
-- (OIDs, enum sort-order values, dropped-column slots), are left out; the
-- order of columns and of enum labels is kept.
\pset format unaligned
\pset tuples_only on
\pset pager off
WITH ext AS (
	SELECT oid FROM pg_extension WHERE extname = 'mineconsol'
), member AS (
	SELECT d.classid, d.objid
	  FROM pg_depend d, ext
	 WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid AND d.deptype = 'e'
), rel AS (
	SELECT c.oid, c.relname, c.relkind FROM pg_class c
	 WHERE c.relnamespace = 'mineconsol'::regnamespace
), facts(f) AS (
	-- membership
	SELECT 'member ' || pg_describe_object(classid, objid, 0) FROM member
	UNION ALL
	SELECT 'version ' || extversion || ' config ' ||
	       coalesce((SELECT string_agg(c::regclass::text, ',' ORDER BY c::regclass::text)
	                   FROM unnest(extconfig) c), '') FROM pg_extension WHERE extname = 'mineconsol'
	UNION ALL
	-- functions: whole definition, owner-independent grants, comment
	SELECT 'function ' || p.oid::regprocedure || E'\n' || pg_get_functiondef(p.oid)
	  FROM pg_proc p WHERE p.pronamespace = 'mineconsol'::regnamespace AND p.prokind <> 'a'
	UNION ALL
	-- a C function's library and symbol (in the definition above too, said
	-- once more so that a function still on the legacy library or an old
	-- name stands out in the diff)
	SELECT 'c function ' || p.oid::regprocedure || ' library ' || p.probin || ' symbol ' || p.prosrc
	  FROM pg_proc p WHERE p.pronamespace = 'mineconsol'::regnamespace
	   AND p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'c')
	UNION ALL
	SELECT 'aggregate ' || p.oid::regprocedure FROM pg_proc p
	 WHERE p.pronamespace = 'mineconsol'::regnamespace AND p.prokind = 'a'
	UNION ALL
	SELECT 'acl function ' || p.oid::regprocedure || ' ' || coalesce(p.proacl::text, 'default')
	  FROM pg_proc p WHERE p.pronamespace = 'mineconsol'::regnamespace
	UNION ALL
	-- relations
	SELECT 'relation ' || r.relname || ' kind ' || r.relkind::text || ' rls ' || c.relrowsecurity
	       || ' force ' || c.relforcerowsecurity || ' options ' || coalesce(c.reloptions::text, '')
	       || ' acl ' || coalesce(c.relacl::text, 'default') || ' persistence ' || c.relpersistence::text
	  FROM rel r JOIN pg_class c ON c.oid = r.oid
	UNION ALL
	SELECT 'column ' || r.relname || ' #'
	       || row_number() OVER (PARTITION BY r.oid ORDER BY a.attnum) || ' ' || a.attname || ' '
	       || format_type(a.atttypid, a.atttypmod) || ' notnull ' || a.attnotnull
	       || ' identity ' || a.attidentity::text || ' generated ' || a.attgenerated::text
	       || ' default ' || coalesce(pg_get_expr(ad.adbin, ad.adrelid), '')
	       || ' collation ' || coalesce(nullif(a.attcollation, 0)::regcollation::text, '')
	       || ' acl ' || coalesce(a.attacl::text, '')
	  FROM rel r JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
	  LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
	 WHERE r.relkind IN ('r', 'v', 'm', 'p', 'f', 'c')
	UNION ALL
	SELECT 'view ' || r.relname || E'\n' || pg_get_viewdef(r.oid) FROM rel r WHERE r.relkind IN ('v', 'm')
	UNION ALL
	SELECT 'constraint ' || r.relname || ' ' || co.conname || ' ' || pg_get_constraintdef(co.oid)
	  FROM rel r JOIN pg_constraint co ON co.conrelid = r.oid
	UNION ALL
	SELECT 'index ' || pg_get_indexdef(i.indexrelid) FROM rel r JOIN pg_index i ON i.indrelid = r.oid
	UNION ALL
	SELECT 'trigger ' || pg_get_triggerdef(t.oid) || ' enabled ' || t.tgenabled::text
	  FROM rel r JOIN pg_trigger t ON t.tgrelid = r.oid WHERE NOT t.tgisinternal
	UNION ALL
	SELECT 'policy ' || p.tablename || ' ' || p.policyname || ' ' || p.permissive || ' '
	       || p.roles::text || ' ' || p.cmd || ' using ' || coalesce(p.qual, '') || ' check '
	       || coalesce(p.with_check, '')
	  FROM pg_policies p WHERE p.schemaname = 'mineconsol'
	UNION ALL
	SELECT 'sequence ' || s.seqrelid::regclass || ' ' || format_type(s.seqtypid, NULL) || ' '
	       || s.seqstart || ' ' || s.seqincrement || ' ' || s.seqmax || ' ' || s.seqmin || ' '
	       || s.seqcache || ' ' || s.seqcycle
	  FROM pg_sequence s JOIN rel r ON r.oid = s.seqrelid
	UNION ALL
	-- types, enum labels in order, operators, operator classes and families, casts
	SELECT 'type ' || t.oid::regtype || ' ' || t.typtype::text || ' ' || t.typlen || ' ' || t.typalign::text
	       || ' ' || t.typstorage::text || ' in ' || t.typinput || ' out ' || t.typoutput || ' recv '
	       || t.typreceive || ' send ' || t.typsend || ' category ' || t.typcategory::text
	       || ' acl ' || coalesce(t.typacl::text, 'default')
	  FROM pg_type t WHERE t.typnamespace = 'mineconsol'::regnamespace
	UNION ALL
	SELECT 'enum ' || e.enumtypid::regtype || ' #'
	       || row_number() OVER (PARTITION BY e.enumtypid ORDER BY e.enumsortorder) || ' ' || e.enumlabel
	  FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
	 WHERE t.typnamespace = 'mineconsol'::regnamespace
	UNION ALL
	SELECT 'operator ' || o.oid::regoperator || ' ' || o.oprcode || ' commutator '
	       || o.oprcom::regoperator::text || ' negator ' || o.oprnegate::regoperator::text
	       || ' rest ' || o.oprrest || ' join ' || o.oprjoin || ' hashes ' || o.oprcanhash
	       || ' merges ' || o.oprcanmerge
	  FROM pg_operator o WHERE o.oprnamespace = 'mineconsol'::regnamespace
	UNION ALL
	SELECT 'opclass ' || am.amname || ' ' || oc.opcname || ' for ' || oc.opcintype::regtype
	       || ' default ' || oc.opcdefault || ' family ' || of.opfname
	  FROM pg_opclass oc JOIN pg_am am ON am.oid = oc.opcmethod
	  JOIN pg_opfamily of ON of.oid = oc.opcfamily
	 WHERE oc.opcnamespace = 'mineconsol'::regnamespace
	UNION ALL
	SELECT 'amop ' || of.opfname || ' ' || ao.amopstrategy || ' ' || ao.amopopr::regoperator
	  FROM pg_amop ao JOIN pg_opfamily of ON of.oid = ao.amopfamily
	 WHERE of.opfnamespace = 'mineconsol'::regnamespace
	UNION ALL
	SELECT 'amproc ' || of.opfname || ' ' || ap.amprocnum || ' ' || ap.amproc::regprocedure
	  FROM pg_amproc ap JOIN pg_opfamily of ON of.oid = ap.amprocfamily
	 WHERE of.opfnamespace = 'mineconsol'::regnamespace
	UNION ALL
	SELECT 'cast ' || pg_describe_object('pg_cast'::regclass, c.oid, 0) || ' ' || c.castcontext::text
	       || ' ' || c.castmethod::text || ' ' || c.castfunc::regprocedure::text
	  FROM member m JOIN pg_cast c ON m.classid = 'pg_cast'::regclass AND c.oid = m.objid
	UNION ALL
	-- every comment on anything in the schema or on its members
	SELECT 'comment ' || pg_describe_object(d.classoid, d.objoid, d.objsubid) || ' = ' || d.description
	  FROM pg_description d
	 WHERE (d.classoid, d.objoid) IN (SELECT classid, objid FROM member)
	    OR (d.classoid = 'pg_class'::regclass AND d.objoid IN (SELECT oid FROM rel))
	    OR (d.classoid IN ('pg_trigger'::regclass, 'pg_policy'::regclass, 'pg_constraint'::regclass)
	        AND d.objoid IN (SELECT t.oid FROM pg_trigger t JOIN rel ON rel.oid = t.tgrelid
	                         UNION ALL SELECT p.oid FROM pg_policy p JOIN rel ON rel.oid = p.polrelid
	                         UNION ALL SELECT co.oid FROM pg_constraint co JOIN rel ON rel.oid = co.conrelid))
	UNION ALL
	SELECT 'rolecomment ' || r.rolname || ' = ' || coalesce(shobj_description(r.oid, 'pg_authid'), '')
	  FROM pg_roles r WHERE r.rolname LIKE 'mineconsol\_%'
)
SELECT f FROM facts ORDER BY f COLLATE "C";
