-- Messages in the reader's language.  The language is the session's
-- lc_messages: zh_CN.UTF-8 gives Chinese, anything else English (the
-- catalogue is po/zh_CN.po, installed as mineconsol-NN.mo).  The C functions'
-- errors translate by themselves; these two functions serve SQL: the
-- messages of the plpgsql functions and the texts views show.

-- Availability: 0.2.0
CREATE FUNCTION tr(msgid text) RETURNS text
AS 'MODULE_PATHNAME', 'mc_tr'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tr(text) IS
  'The text in the session''s language (lc_messages) from mineconsol''s message catalogue, or the text itself when the catalogue has none. Messages with values are format() templates: format(tr(''… %s …''), value).';

-- Availability: 0.2.0
CREATE FUNCTION label(kind text, code text) RETURNS text
AS 'MODULE_PATHNAME', 'mc_label'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION label(text, text) IS
  'A code as people read it in the session''s language: kind ''stage'', ''track'', ''disposition'', ''level'' or ''scale''. In English the code itself; an unknown code is returned as it is.';
