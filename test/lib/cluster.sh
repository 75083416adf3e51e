# Shared by `make deps`, `make test`, `make demo` and `make bench`: install what
# is missing (the server and its headers, PostGIS, pgTAP, pg_cron for the
# scheduled-refresh test, and the rest listed in MINECONSOL_DEPS below, with
# the zh_CN.UTF-8 locale), build and install mineconsol, and run a throwaway
# PostgreSQL cluster on a Unix socket in a temporary directory (no TCP).
# Source it; it defines functions and variables only.

# pg_major: the PostgreSQL major version to build and test against.
#   1. $PGVER when set;
#   2. else the newest PostgreSQL server installed here (Debian's layout);
#   3. else the version the distribution's `postgresql` package depends on
#      (15 on Debian 12, 17 on Debian 13), read from apt's lists;
#   4. else by release: Debian 12 -> 15, Debian 13 -> 17.
pg_major() {
	local v
	if [ -n "${PGVER:-}" ]; then echo "$PGVER"; return; fi
	v=$(ls -d /usr/lib/postgresql/*/bin/postgres 2>/dev/null | sed 's|^/usr/lib/postgresql/\([0-9]*\)/.*|\1|' | sort -n | tail -n 1)
	if [ -z "$v" ] && command -v apt-cache >/dev/null; then
		v=$(apt-cache depends postgresql 2>/dev/null | sed -n 's/^ *Depends: postgresql-\([0-9][0-9]*\)$/\1/p' | head -n 1)
	fi
	if [ -z "$v" ] && [ -r /etc/debian_version ]; then
		case $(cut -d. -f1 /etc/debian_version) in
		12 | bookworm*) v=15 ;;
		13 | trixie*) v=17 ;;
		esac
	fi
	[ -n "$v" ] || { echo "mineconsol: cannot tell which PostgreSQL to use; set PGVER (e.g. PGVER=17)" >&2; return 1; }
	echo "$v"
}

PGVER=$(pg_major) || exit 1
PGBIN=${PGBIN:-/usr/lib/postgresql/$PGVER/bin}
export PG_CONFIG=${PG_CONFIG:-$PGBIN/pg_config}

# Debian packages the build, the tests, the demo and the benchmarks need:
# compiler and make, the server and its headers, PostGIS and pgTAP for it,
# GEOS headers, GDAL's ogr2ogr (test/shell/import_ogr.sh), python3 (the demo
# map), perl's TAP::Harness (the test runner), gettext (msgfmt compiles the
# message catalogues in po/) and locales (the zh_CN.UTF-8 locale that
# lc_messages needs for Chinese: ensure_locale generates it).
MINECONSOL_DEPS="build-essential postgresql-$PGVER postgresql-server-dev-$PGVER
postgresql-$PGVER-postgis-3 postgresql-$PGVER-pgtap postgresql-$PGVER-cron libgeos-dev gdal-bin python3 perl
gettext locales"

log() { printf '== %s\n' "$*" >&2; }
die() { printf 'mineconsol: %s\n' "$*" >&2; exit 1; }

# ensure_deps [extra packages…]: apt-get install whatever is missing (as root),
# or print the exact command and stop (as anyone else).
ensure_deps() {
	local missing=() p
	for p in $MINECONSOL_DEPS "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' \
			|| missing+=("$p")
	done
	if [ ${#missing[@]} -eq 0 ]; then ensure_locale; return; fi
	if [ "$(id -u)" -ne 0 ]; then
		die "missing packages for PostgreSQL $PGVER; run:
  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
	fi
	log "installing ${#missing[@]} packages for PostgreSQL $PGVER (a few minutes on a new machine): ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	local aptlog
	aptlog=$(mktemp /tmp/mineconsol-apt.XXXXXX)
	apt-get update -q >"$aptlog" 2>&1 || { cat "$aptlog" >&2; rm -f "$aptlog"; die "apt-get update failed"; }
	# A line of progress now and then (apt prints "Setting up NAME ..." per
	# package); awk ends with apt-get's exit status.
	(apt-get install -y -q --no-install-recommends "${missing[@]}" 2>&1; echo "apt-get-exit $?") |
		tee -a "$aptlog" |
		awk '/^apt-get-exit / { rc = $2; next }
		     /^Get:/ && !g++ { print "==   downloading packages"; fflush() }
		     /^Setting up / { n++; if (n % 25 == 1) { printf "==   setting up packages (%d so far)\n", n; fflush() } }
		     END { if (rc == 0) printf "==   %d packages set up\n", n; exit rc }' >&2 \
		|| { tail -n 30 "$aptlog" >&2; rm -f "$aptlog"; die "apt-get install ${missing[*]} failed"; }
	rm -f "$aptlog"
	ensure_locale
}

# ensure_locale: the locales the tests and the demo set lc_messages to
# (zh_CN.UTF-8) must exist on this machine: enabled in /etc/locale.gen and
# generated (as root), or the exact commands printed (as anyone else).
MINECONSOL_LOCALES="zh_CN.UTF-8"
ensure_locale() {
	local l missing=()
	for l in $MINECONSOL_LOCALES; do
		locale -a 2>/dev/null | grep -qix "$(printf '%s' "$l" | sed 's/UTF-8/utf8/I')" || missing+=("$l")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		die "missing locales ${missing[*]}; run:
  sudo sh -c \"printf '%s UTF-8\\\\n' ${missing[*]} >>/etc/locale.gen && locale-gen\""
	fi
	log "generating the locales ${missing[*]}"
	for l in "${missing[@]}"; do
		if grep -qE "^# *$l UTF-8" /etc/locale.gen; then
			sed -i -E "s/^# *($l UTF-8)/\1/" /etc/locale.gen
		elif ! grep -qE "^$l UTF-8" /etc/locale.gen; then
			echo "$l UTF-8" >>/etc/locale.gen
		fi
	done
	locale-gen >/dev/null || die "locale-gen failed"
}

# build: warnings are errors here.
build() {
	log "building mineconsol (warnings are errors)"
	make -s COPT=-Werror PG_CONFIG="$PG_CONFIG" all >/dev/null || die "build failed"
}

# install_private DIR: install mineconsol into a private copy of the server
# tree under DIR and point PGBIN at it, so a throwaway cluster runs this
# build without touching the system's installation (and without root).  The
# server finds its lib and share directories relative to its own executable,
# so the binaries are copied and everything else is linked.
install_private() {
	local root=$1 bindir pkglibdir sharedir localedir f
	bindir=$("$PG_CONFIG" --bindir)
	pkglibdir=$("$PG_CONFIG" --pkglibdir)
	sharedir=$("$PG_CONFIG" --sharedir)
	mkdir -p "$root$bindir" "$root$pkglibdir" "$root$sharedir/extension"
	cp -a "$bindir/." "$root$bindir/"
	# mineconsol's libraries and JIT bitcode are this build's: the bitcode
	# directory is a real one, or make install would write through a link
	# into the system's.
	for f in "$pkglibdir"/*; do
		case ${f##*/} in mineconsol*|bitcode) ;; *) ln -s "$f" "$root$pkglibdir/" ;; esac
	done
	if [ -d "$pkglibdir/bitcode" ]; then
		mkdir -p "$root$pkglibdir/bitcode"
		for f in "$pkglibdir"/bitcode/*; do
			case ${f##*/} in mineconsol*) ;; *) ln -s "$f" "$root$pkglibdir/bitcode/" ;; esac
		done
	fi
	for f in "$sharedir"/*; do
		[ "${f##*/}" = extension ] || ln -s "$f" "$root$sharedir/"
	done
	for f in "$sharedir"/extension/*; do
		case ${f##*/} in mineconsol*) ;; *) ln -s "$f" "$root$sharedir/extension/" ;; esac
	done
	# The server looks for message catalogues relative to its executable too:
	# the private tree has PostgreSQL's own (postgres-NN.mo, plpgsql-NN.mo…),
	# linked, and this build's mineconsol-NN.mo, installed.
	localedir=$("$PG_CONFIG" --localedir)
	for f in "$localedir"/*/LC_MESSAGES/*-"$PGVER".mo; do
		[ -e "$f" ] || continue
		case ${f##*/} in mineconsol*) continue ;; esac
		mkdir -p "$root${f%/*}"
		ln -s "$f" "$root${f%/*}/"
	done
	make -s PG_CONFIG="$PG_CONFIG" install DESTDIR="$root" >/dev/null || die "make install DESTDIR=$root failed"
	PGBIN=$root$bindir
}

# install_system: make install into the server PG_CONFIG names (for a
# server that is not throwaway); needs write access to its directories.
install_system() {
	if [ ! -w "$("$PG_CONFIG" --pkglibdir)" ]; then
		die "cannot write $("$PG_CONFIG" --pkglibdir); run 'sudo make install' first or run as root"
	fi
	make -s PG_CONFIG="$PG_CONFIG" install >/dev/null || die "make install failed"
}

# as_pg CMD…: run as the cluster's owner (postgres when we are root).
# It starts in / so that postgres is not left in a directory it may not enter
# (root's home); every path given to it is absolute.
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# start_cluster: installs this build privately, starts a throwaway cluster
# on a Unix socket, sets PGHOST, PGPORT, PGUSER and CLUSTER_DIR; stop_cluster
# removes everything again.  Extra server settings may come in CLUSTER_OPTS.
start_cluster() {
	CLUSTER_DIR=$(mktemp -d /tmp/mineconsol.XXXXXX)
	chmod 755 "$CLUSTER_DIR"
	install_private "$CLUSTER_DIR/install"
	mkdir "$CLUSTER_DIR/data" "$CLUSTER_DIR/socket" "$CLUSTER_DIR/log"
	[ "$(id -u)" -eq 0 ] && chown postgres: "$CLUSTER_DIR/data" "$CLUSTER_DIR/socket" "$CLUSTER_DIR/log"
	as_pg "$PGBIN/initdb" -D "$CLUSTER_DIR/data" -U postgres --auth=trust \
		-E UTF8 --locale=C.UTF-8 >"$CLUSTER_DIR/initdb.log" 2>&1 \
		|| { cat "$CLUSTER_DIR/initdb.log" >&2; die "initdb failed"; }
	# Log lines name the client (pg_regress/TEST for the SQL tests), so that
	# a failure's excerpt of the server log can be picked out.
	echo "log_line_prefix = '%m [%p] %a: '" >>"$CLUSTER_DIR/data/postgresql.conf"
	export PGHOST="$CLUSTER_DIR/socket" PGPORT=${CLUSTER_PORT:-54329} PGUSER=postgres
	as_pg "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/log/server.log" -w -s \
		-o "-c listen_addresses='' -k $PGHOST -p $PGPORT -c fsync=off ${CLUSTER_OPTS:-}" start \
		|| { cat "$CLUSTER_DIR/log/server.log" >&2; die "server did not start"; }
	log "throwaway cluster at $PGHOST (port $PGPORT)"
}

stop_cluster() {
	[ -n "${CLUSTER_DIR:-}" ] || return 0
	as_pg "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/data" -m immediate -w -s stop >/dev/null 2>&1 || true
	rm -rf "$CLUSTER_DIR"
	CLUSTER_DIR=
}
