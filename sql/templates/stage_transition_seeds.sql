-- The seed rows of stage_transitions, the stage graph as the plan draws it:
-- one row per step (see sql/40_stage.sql, where they are inserted, and
-- docs/rules.md, "Stage tracks").  TABLE: the table they go into:
-- stage_transitions when the extension is installed; a scratch copy in the
-- upgrade, which sets the clauses of the seed rows still as shipped from it.
-- The rows are alike in shape only: one step of the graph each.

INSERT INTO @TABLE@ (track, from_stage, to_stage, evidence_keys, due_after_stage, due_within_param, clause, description, seeded, recorded_by) VALUES
	('scheme', 'survey', 'drafted', '{date,doc_no}', NULL, NULL, '四(一), 四(三)',
	 'The county has surveyed its mines and drafted the consolidation scheme', true, 'county'),
	('scheme', 'drafted', 'hearing_held', '{date,doc_no}', NULL, NULL, '四(三)',
	 'A hearing on the draft scheme was held', true, 'county'),
	('scheme', 'hearing_held', 'noticed', '{date,doc_no,media}', NULL, NULL, '四(三)',
	 'The scheme was publicly noticed in local media (media: where)', true, 'county'),
	('scheme', 'noticed', 'submitted', '{date,doc_no}', NULL, NULL, '四(三)',
	 'The county submitted the scheme to the city', true, 'county'),
	('scheme', 'submitted', 'approved', '{date,doc_no}', NULL, NULL, '四(三)',
	 'The city approved the scheme', true, 'city'),
	('unit', 'planned', 'reserves_verified', '{date,doc_no}', NULL, NULL, '四(四)',
	 'Reserves of the retained mine verified and filed', true, 'county'),
	('unit', 'reserves_verified', 'valued', '{date,doc_no}', NULL, NULL, '四(五)',
	 'Transfer income of the mining right valued', true, 'county'),
	('unit', 'valued', 'transferred', '{date,doc_no}', NULL, NULL, '四(五)',
	 'Mining right transferred by public sale (only once the county''s scheme is approved)', true, 'county'),
	('unit', 'transferred', 'rights_settled', '{date,doc_no,shares}', NULL, NULL, '四(六)1',
	 'Property rights settled: consolidation subject, members and their shares (shares: holder → fraction, summing to 1)', true, 'county'),
	('unit', 'rights_settled', 'plans_approved', '{date,doc_no}', NULL, NULL, '四(六)2',
	 'Development plan, "three-in-one" plan and EIA approved', true, 'county'),
	('unit', 'plans_approved', 'licensed', '{date,doc_no,license_no}', NULL, NULL, '四(六)3',
	 'Licence registered (license_no: the new licence); only once every merged mine''s licence is cancelled', true, 'county'),
	('unit', 'licensed', 'restored', '{date,doc_no,accepted_by}', 'licensed', 'restoration_years', '四(八)',
	 'Former areas of the merged mines restored and accepted by the county (accepted_by: the accepting body)', true, 'county'),
	('closure', 'to_close', 'closure_decided', '{date,doc_no}', NULL, NULL, '三(二)1(6)',
	 'The county government decided the closure', true, 'county'),
	('closure', 'closure_decided', 'license_cancelled', '{date,doc_no}', NULL, NULL, '三(二)1(6)',
	 'The issuing authority cancelled the licence', true, 'county'),
	('closure', 'license_cancelled', 'announced', '{date,doc_no,media}', NULL, NULL, '三(二)1(6)',
	 'The cancellation was publicly announced (media: where)', true, 'county'),
	('closure', 'announced', 'explosives_disposed', '{date,doc_no}', NULL, NULL, '五(二)',
	 'The police disposed of the remaining explosives', true, 'county'),
	('closure', 'explosives_disposed', 'restored', '{date,doc_no}', NULL, NULL, '四(八)',
	 'The site was restored', true, 'county');
