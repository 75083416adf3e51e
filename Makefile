# mineconsol — PGXS build.
#
#   make              build the module, the legacy library and the install scripts
#   make install      install into the server found by PG_CONFIG
#   make installcheck PGXS's: pg_regress (pgTAP inside) against a running server
#   make check-shell  the shell tests against a running server (superuser; they
#                     create and drop databases named mineconsol_*; need GDAL)
#   make deps         install the Debian packages for this machine's PostgreSQL
#   make test         deps + build + the whole suite on a throwaway cluster
#   make test-debian13  make test inside a Debian 13 root (PostgreSQL 17; root, debootstrap)
#   make test-fresh-debian12 / test-fresh-debian13
#                     a new user's first steps (git, make, make demo, make test)
#                     on a bare minimal Debian root (root, debootstrap)
#   make demo         the main job on a throwaway cluster (see README)
#   make bench        benchmarks, side by side with PostGIS
#   make update-po    re-extract the messages into po/mineconsol.pot and merge
#                     them into po/*.po (then translate what is new or fuzzy)

EXTENSION  = mineconsol
EXTVERSION = $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" $(EXTENSION).control)

# Two libraries from the same objects.  The module (MODULE_big) is what the
# current version's SQL loads; it exports only the functions SQL calls, each
# mc_<SQL name>.  The legacy library adds src/legacy_symbols.c, the C names
# of 0.1.0's SQL definitions, and serves only databases still on those
# (mineconsol--0.1.0.control points them at it); see docs/architecture.md.
MODULE_big = $(EXTENSION)
LEGACY_SRC = src/legacy_symbols.c
OBJS       = $(patsubst %.c,%.o,$(filter-out $(LEGACY_SRC),$(sort $(wildcard src/*.c))))
LEGACY_SHLIB = $(EXTENSION)-0.1$(DLSUFFIX)

# The install script of the current version is assembled from the numbered
# pieces in sql/, in order.  Released versions' install scripts are frozen
# files (sql/mineconsol--0.1.0.sql).  The upgrade script to the current version
# is assembled the same way from sql/upgrade/NN_*.sql: each area writes the
# statements that turn the previous release into what its pieces create now.
SQL_PIECES = $(sort $(wildcard sql/[0-9][0-9]_*.sql))
SQL_SCRIPT = sql/$(EXTENSION)--$(EXTVERSION).sql
PREV_VERSION = 0.1.0
UPGRADE_PIECES = $(sort $(wildcard sql/upgrade/[0-9][0-9]_*.sql))
UPGRADE_SCRIPT = sql/$(EXTENSION)--$(PREV_VERSION)--$(EXTVERSION).sql
DATA       = $(SQL_SCRIPT) $(UPGRADE_SCRIPT) \
	$(filter-out $(SQL_SCRIPT) $(UPGRADE_SCRIPT),$(wildcard sql/$(EXTENSION)--*.sql)) \
	$(EXTENSION)--0.1.0.control
EXTRA_CLEAN = $(SQL_SCRIPT) $(UPGRADE_SCRIPT) $(LEGACY_SHLIB) $(LEGACY_SRC:.c=.o) \
	results/ regression.diffs regression.out po/*.mo

# Message catalogues: one po/LANG.po per language (po/mineconsol.pot is their
# template, made by make update-po).
PO_LANGUAGES = $(basename $(notdir $(wildcard po/*.po)))
MO_FILES     = $(PO_LANGUAGES:%=po/%.mo)

# Tests: every file in test/sql is a pg_regress test (pgTAP inside); expected
# output lives in ./expected.  Shell tests in test/shell run after them.
TESTS       = $(sort $(wildcard test/sql/*.sql))
REGRESS     = $(patsubst test/sql/%.sql,%,$(TESTS))
REGRESS_OPTS = --inputdir=test

# pg_config: the one on PATH, else the newest server installed the Debian way.
ifndef PG_CONFIG
PG_CONFIG := $(or $(shell command -v pg_config 2>/dev/null),\
	$(lastword $(sort $(wildcard /usr/lib/postgresql/*/bin/pg_config))),pg_config)
endif
GEOS_CONFIG ?= geos-config

# These targets set the machine up themselves (they may run before PostgreSQL
# is installed), so they need no PGXS.
SETUP_GOALS = deps test demo bench check-shell test-debian13 test-fresh-debian12 test-fresh-debian13
ifeq ($(filter-out $(SETUP_GOALS),$(MAKECMDGOALS)),)
ifneq ($(MAKECMDGOALS),)
SETUP_ONLY = 1
endif
endif

ifndef SETUP_ONLY
ifeq ($(shell command -v $(PG_CONFIG) 2>/dev/null),)
$(error $(PG_CONFIG) not found: run "make deps" (as root) to install PostgreSQL's development files, or set PG_CONFIG)
endif

PG_CPPFLAGS += -I$(srcdir)/src $(shell $(GEOS_CONFIG) --cflags)
# -Wextra on top of PGXS's -Wall.  fcinfo is unused in some V1 functions and
# PostgreSQL's own headers are not -Wextra clean for these two, so only they
# are turned off.
PG_CFLAGS   += -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
# Messages are translated the way PostgreSQL's own modules do it: ereport()
# looks its texts up in the text domain TEXTDOMAIN ("mineconsol-15" on
# PostgreSQL 15), which _PG_init() binds to the server's locale directory.
# elog.h defines TEXTDOMAIN itself, so a -D cannot set it: src/textdomain.h
# redefines it after postgres.h and is included before every source.
PG_CPPFLAGS += -include $(srcdir)/src/textdomain.h
# -Bsymbolic: a library's calls of its own functions stay inside it, also
# when the module and the legacy library are both loaded in one backend.
SHLIB_LINK  += $(shell $(GEOS_CONFIG) --clibs) -Wl,-Bsymbolic

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# Hidden visibility: only what is declared PGDLLEXPORT is exported (the
# functions PG_FUNCTION_INFO_V1 names, their pg_finfo_ records, the magic
# block and _PG_init).  PGXS does this itself since PostgreSQL 16; before,
# PGDLLEXPORT is empty and compat.h's PG_FUNCTION_INFO_V1 needs it to mean
# default visibility.  test/shell/symbols.sh checks the result.
override CFLAGS += -fvisibility=hidden
ifeq ($(shell test $(MAJORVERSION) -lt 16 && echo old),old)
override CPPFLAGS += -DPGDLLEXPORT='__attribute__((visibility("default")))'
endif

# PGXS tracks no header or flag: an object is rebuilt when the Makefile (its
# flags: visibility, text domain) or one of our headers changes, so that a
# checkout that built before never links stale objects.
$(OBJS) $(LEGACY_SRC:.c=.o): Makefile $(wildcard src/*.h)

all: $(SQL_SCRIPT) $(UPGRADE_SCRIPT) $(LEGACY_SHLIB) $(MO_FILES)
install: install-po

# Linked as PGXS links the module (Makefile.shlib, Linux), from its objects
# and the legacy names.
$(LEGACY_SHLIB): $(OBJS) $(LEGACY_SRC:.c=.o)
	$(CC) $(CFLAGS) -shared -o $@ $^ $(LDFLAGS) $(LDFLAGS_SL) $(SHLIB_LINK)

install: install-legacy
install-legacy: $(LEGACY_SHLIB) installdirs
	$(INSTALL_SHLIB) $(LEGACY_SHLIB) '$(DESTDIR)$(pkglibdir)/$(LEGACY_SHLIB)'

uninstall: uninstall-legacy
uninstall-legacy:
	rm -f '$(DESTDIR)$(pkglibdir)/$(LEGACY_SHLIB)'

.PHONY: install-legacy uninstall-legacy

# Message catalogues: po/LANG.po, compiled with msgfmt -c, installed where the
# server looks for them ($(localedir), which the server finds relative to its
# own executable) under the name PG_TEXTDOMAIN() gives: mineconsol-NN.mo.
po/%.mo: po/%.po
	$(MSGFMT) $(MSGFMT_FLAGS) -o $@ $<

install-po: $(MO_FILES)
	for lang in $(PO_LANGUAGES); do \
	  $(MKDIR_P) '$(DESTDIR)$(localedir)'/$$lang/LC_MESSAGES && \
	  $(INSTALL_DATA) po/$$lang.mo '$(DESTDIR)$(localedir)'/$$lang/LC_MESSAGES/$(EXTENSION)-$(MAJORVERSION).mo || exit 1; \
	done

uninstall: uninstall-po
uninstall-po:
	rm -f $(foreach lang,$(PO_LANGUAGES),'$(DESTDIR)$(localedir)'/$(lang)/LC_MESSAGES/$(EXTENSION)-$(MAJORVERSION).mo)

# update-po: the C messages (PostgreSQL's backend keywords: errmsg, errdetail,
# errhint…, and gettext_noop/pgettext_noop for the texts of verdicts, labels
# and departments) and the SQL ones (every mineconsol.tr('…') literal in the
# pieces) into po/mineconsol.pot, then merged into each po/LANG.po.
update-po:
	bash po/extract.sh
	for lang in $(PO_LANGUAGES); do \
	  $(MSGMERGE) --quiet --no-wrap --previous --sort-by-file --update --backup=none po/$$lang.po po/$(EXTENSION).pot || exit 1; \
	done

.PHONY: install-po uninstall-po update-po
endif


# Pieces may use the directives of sql/expand.pl (a template that two pieces
# fill in alike; in upgrade pieces, a definition taken from an install piece).
$(SQL_SCRIPT): $(SQL_PIECES) $(wildcard sql/templates/*.sql) sql/expand.pl $(EXTENSION).control Makefile
	@( echo '-- Generated from sql/[0-9][0-9]_*.sql by the Makefile; edit the pieces, not this file.'; \
	   printf '%s\n' '\echo Use "CREATE EXTENSION $(EXTENSION)" to load this file. \quit'; \
	   for f in $(SQL_PIECES); do echo; echo "-- ==== $$f ===="; perl sql/expand.pl $$f || exit 1; done; \
	 ) > $@.tmp && mv $@.tmp $@ || { rm -f $@.tmp; exit 1; }

# An upgrade piece names a definition it takes unchanged from an install
# piece (-- @copy / -- @replace, see sql/expand.pl) rather than copying it.
$(UPGRADE_SCRIPT): $(UPGRADE_PIECES) $(SQL_PIECES) $(wildcard sql/templates/*.sql) sql/expand.pl $(EXTENSION).control Makefile
	@( echo '-- Generated from sql/upgrade/[0-9][0-9]_*.sql by the Makefile; edit the pieces, not this file.'; \
	   echo '-- mineconsol $(PREV_VERSION) -> $(EXTVERSION)'; \
	   printf '%s\n' '\echo Use "ALTER EXTENSION $(EXTENSION) UPDATE" to load this file. \quit'; \
	   for f in $(UPGRADE_PIECES); do echo; echo "-- ==== $$f ===="; perl sql/expand.pl $$f || exit 1; done; \
	 ) > $@.tmp && mv $@.tmp $@ || { rm -f $@.tmp; exit 1; }

deps:
	@bash test/deps.sh

test:
	@bash test/test.sh

check-shell:
	@PG_CONFIG=$(PG_CONFIG) bash test/run-suite.sh --shell

test-debian13:
	@bash test/debian.sh trixie

test-fresh-debian12:
	@bash test/debian.sh --fresh bookworm

test-fresh-debian13:
	@bash test/debian.sh --fresh trixie

demo:
	@bash test/demo.sh

bench:
	@bash test/bench/run.sh

.PHONY: deps test check-shell test-debian13 test-fresh-debian12 test-fresh-debian13 demo bench
