-- Reasons that follow the reader.  classify() writes its reasons in the
-- session's language; a stored verdict keeps what each reason says (the
-- template's key and the facts it quotes, reason_args()) and is rendered in
-- the reader's language when read (render_reasons(), in v_dispositions and
-- v_department_tasks).  Both come from the same C code as classify().

-- classify() stays IMMUTABLE, as its interface promises: the verdict
-- (disposition and rules) depends only on the facts.  Its reasons are written
-- in the session's message language, as every function's error messages are;
-- a plan that folded a call on constant facts keeps the language it was
-- planned in.  Stored verdicts do not depend on it: they keep reason_args().

-- Availability: 0.2.0
CREATE FUNCTION reason_args(facts mine_facts) RETURNS jsonb
AS 'MODULE_PATHNAME', 'mc_reason_args'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION reason_args(mine_facts) IS
  'What each reason of classify(facts) says, language-free: a JSON array in the order of its rules, one message (template key and the facts it quotes) per rule. refresh_results() stores it; render_reasons() turns it into text.';

-- Availability: 0.2.0
CREATE FUNCTION render_reasons(reason_args jsonb, stored text[], in_english boolean DEFAULT false) RETURNS text[]
AS 'MODULE_PATHNAME', 'mc_render_reasons'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION render_reasons(jsonb, text[], boolean) IS
  'The reasons of a stored verdict in the session''s language (in English with in_english), from its reason_args; where those are NULL (a verdict stored by 0.1.0) or unreadable, the stored text.';
