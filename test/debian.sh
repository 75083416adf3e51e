#!/usr/bin/env bash
# Run the suite (or the README's first steps) inside a minimal Debian root,
# built with debootstrap from the mirror this machine's apt already uses.
#
#   test/debian.sh trixie                 # make test-debian13: `make test` on Debian 13
#                                         # (PostgreSQL 17, PostGIS 3.5) in a cached root
#   test/debian.sh trixie ARGS…           # test/test.sh ARGS… there (e.g. --sql registry)
#   test/debian.sh --fresh bookworm       # a new user's first steps on a bare root: only
#   test/debian.sh --fresh trixie         # git and make, clone, `make demo`, `make test`
#
# Needs root (debootstrap, mount, chroot); installs debootstrap when missing.
# Roots are kept in $MINECONSOL_ROOT_CACHE (/var/cache/mineconsol):
#   <suite>-minbase  the bare debootstrap result (only ever copied);
#   <suite>          the root `make test-debian13` works in: packages that
#                    `make deps` installs there stay for the next run.
# The source tree (committed or not, without .git and build products) is
# copied in afresh for every run; --fresh clones the repository's HEAD instead.
# /proc, /sys and /dev are mounted into the root and unmounted on exit, even
# on failure.  The exit status is that of the commands run inside.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

fresh=0
if [ "${1:-}" = --fresh ]; then fresh=1; shift; fi
suite=${1:?usage: test/debian.sh [--fresh] SUITE (bookworm, trixie) [test/test.sh arguments]}
shift
test_args=
[ $# -eq 0 ] || test_args=$(printf ' %q' "$@")
cache=${MINECONSOL_ROOT_CACHE:-/var/cache/mineconsol}

log() { printf '== [%4ss] %s\n' "$SECONDS" "$*" >&2; }
die() { printf 'mineconsol: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "building and entering a Debian root needs root; run: sudo $0 ${fresh:+--fresh }$suite"
if ! command -v debootstrap >/dev/null; then
	log "apt-get install debootstrap"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null 2>&1 \
		|| { apt-get update -qq >/dev/null 2>&1 &&
		     DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null; } \
		|| die "cannot install debootstrap"
fi

# The Debian mirror apt uses here: the first URI of a non-security source,
# from deb822 .sources files or one-line .list files.
apt_mirror() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		case $f in
		*.sources)
			awk 'BEGIN { RS = ""; FS = "\n" }
			     { uri = ""; suites = ""; types = ""
			       for (i = 1; i <= NF; i++) {
			         if ($i ~ /^URIs:/) { uri = $i; sub(/^URIs:[ \t]*/, "", uri); sub(/[ \t].*/, "", uri) }
			         if ($i ~ /^Suites:/) suites = $i
			         if ($i ~ /^Types:/) types = $i }
			       if (uri != "" && types ~ /[ \t]deb([ \t]|$)/ && suites !~ /-security/ &&
			           suites ~ /(bookworm|trixie|bullseye|stable|testing|sid|unstable)/) { print uri; exit } }' "$f"
			;;
		*)
			awk '$1 == "deb" { i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
			     if ($(i + 1) !~ /-security/ && $(i + 1) ~ /(bookworm|trixie|bullseye|stable|testing|sid|unstable)/) { print $i; exit } }' "$f"
			;;
		esac
	done | head -n 1
}

mirror=${MINECONSOL_MIRROR:-$(apt_mirror)}
[ -n "$mirror" ] || die "cannot find a Debian mirror in /etc/apt/sources.list*; set MINECONSOL_MIRROR"

# bare_root: the cached debootstrap result, made once (atomically: a failed
# run leaves no half-built cache behind).
bare=$cache/$suite-minbase
if [ ! -d "$bare" ]; then
	mkdir -p "$cache"
	rm -rf "$bare.tmp"
	log "debootstrap --variant=minbase $suite from $mirror (once; cached in $bare)"
	debootstrap --variant=minbase "$suite" "$bare.tmp" "$mirror" >"$cache/$suite-debootstrap.log" 2>&1 \
		|| { tail -n 30 "$cache/$suite-debootstrap.log" >&2; rm -rf "$bare.tmp"; die "debootstrap failed"; }
	# apt inside uses the same mirror (debootstrap writes sources.list from it).
	mv "$bare.tmp" "$bare"
fi

if [ $fresh -eq 1 ]; then
	root=$(mktemp -d "${TMPDIR:-/var/tmp}/mineconsol-$suite.XXXXXX")
	log "copying the bare $suite root to $root"
	cp -a "$bare/." "$root/"
else
	root=$cache/$suite
	# One run at a time in the cached root (another checkout's run would find
	# its mounts and its cluster): wait for it.
	exec 9>"$cache/$suite.lock"
	if ! flock -n 9; then
		log "another run uses $root; waiting for it"
		flock 9
	fi
	if [ ! -d "$root" ]; then
		log "making the work root $root from the bare one"
		cp -a "$bare" "$root.tmp" && mv "$root.tmp" "$root"
	fi
fi

mounted=()
cleanup() {
	local i
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		umount -R "${mounted[$i]}" 2>/dev/null || umount -lR "${mounted[$i]}" || true
	done
	mounted=()
	[ $fresh -eq 1 ] && [ -n "${root:-}" ] && [ -z "${MINECONSOL_KEEP_ROOT:-}" ] || return 0
	# Remove the throwaway root only when nothing is mounted in it any more
	# (the repository is bind-mounted there).
	if awk -v r="$root/" 'index($2 "/", r) == 1 { found = 1 } END { exit !found }' /proc/mounts; then
		log "something is still mounted under $root; not removing it"
	else
		rm -rf --one-file-system "$root"
	fi
	return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mount -t proc proc "$root/proc" || die "cannot mount /proc in $root"
mounted+=("$root/proc")
mount -t sysfs sysfs "$root/sys" || die "cannot mount /sys in $root"
mounted+=("$root/sys")
mount --rbind /dev "$root/dev" || die "cannot mount /dev in $root"
mounted+=("$root/dev")
mount --make-rslave "$root/dev"
cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true

# in_root CMD: a login-like environment inside the root.
in_root() {
	chroot "$root" /usr/bin/env -i HOME=/root TERM="${TERM:-dumb}" LANG=C.UTF-8 \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		/bin/bash -c "$1"
}

if [ $fresh -eq 1 ]; then
	# A new user's machine: only git and make, then the README's commands.
	mkdir -p "$root/mnt/repo"
	mount --bind -o ro "$(git -C "$here" rev-parse --path-format=absolute --git-common-dir)" "$root/mnt/repo" \
		|| die "cannot mount the repository in $root"
	mounted+=("$root/mnt/repo")
	commit=$(git -C "$here" rev-parse HEAD)
	[ -z "$(git -C "$here" status --porcelain --untracked-files=no)" ] \
		|| log "note: uncommitted changes are not part of the clone (testing $commit)"
	log "apt-get install git make"
	in_root 'export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends git make ca-certificates >/dev/null 2>&1' \
		|| die "apt-get install git make failed inside the $suite root"
	t0=$SECONDS
	log "git clone; make demo"
	in_root "git config --global --add safe.directory '*' && cd /root && git clone -q /mnt/repo mineconsol \
		&& cd mineconsol && git checkout -q $commit && make demo" \
		|| die "make demo failed on a fresh $suite root"
	t1=$SECONDS
	log "make test"
	in_root 'cd /root/mineconsol && make test'
	status=$?
	log "fresh $suite: make demo $((t1 - t0)) s (package installation included), make test $((SECONDS - t1)) s"
	exit $status
fi

# make test-debian13: this tree, copied in, `make test` inside.
log "copying the source tree into $root/src/mineconsol"
rm -rf "$root/src/mineconsol"
mkdir -p "$root/src/mineconsol"
tar -C "$here" --exclude=.git --exclude='*.o' --exclude='*.so' --exclude='*.bc' \
	--exclude=./results --exclude=./regression.diffs --exclude=./regression.out \
	--exclude=./demo-out --exclude=./test/bench/out -cf - . | tar -C "$root/src/mineconsol" -xf -
if ! in_root 'command -v make >/dev/null'; then
	log "apt-get install make (once; the root is kept)"
	in_root 'export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends make >/dev/null 2>&1' \
		|| die "apt-get install make failed inside the $suite root"
fi
log "make test inside the $suite root"
set +e
in_root "cd /src/mineconsol && bash test/test.sh$test_args"
status=$?
set -e
exit $status
