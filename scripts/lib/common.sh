# shellcheck shell=bash
# Small helpers shared by the ./stevedore commands. Sourced, never run.

say() { printf 'stevedore: %s\n' "$*"; }

# die MESSAGE [HINT...]: every failure says what is wrong, then how to fix it, on stderr.
die() {
	printf 'stevedore: %s\n' "$1" >&2
	shift
	local hint
	for hint in "$@"; do printf '  %s\n' "$hint" >&2; done
	exit 1
}

die_usage() {
	printf 'stevedore: %s\n' "$1" >&2
	printf "  Run './stevedore --help' for the commands and their options.\n" >&2
	exit 2
}

# True when something accepts TCP connections on 127.0.0.1:PORT.
port_in_use() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# True when PORT is in use at all: listened on, or the local end of some connection (a port in the
# kernel's ephemeral range can be, and a server then fails to bind it). Without ss, listeners only.
port_taken() {
	port_in_use "$1" && return 0
	command -v ss >/dev/null 2>&1 || return 1
	[ -n "$(ss -Htan "sport = :$1" 2>/dev/null)" ]
}

# Who listens on PORT, for error messages ("" when ss cannot tell).
port_owner() {
	command -v ss >/dev/null 2>&1 || return 0
	ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'users:(("[^"]*",pid=[0-9]*' | head -n 1 |
		sed -E 's/users:\(\("([^"]*)",pid=([0-9]*)/\1 (pid \2)/' || true
}

# http_get URL: the body on stdout, non-zero when unreachable or not 2xx. Short timeouts: callers poll.
http_get() {
	curl -fsS --max-time 3 "$1" 2>/dev/null
}

# True while PID runs (a zombie waiting for its parent to reap it does not count: it holds nothing).
pid_alive() {
	kill -0 "$1" 2>/dev/null || return 1
	[ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]
}

# True when PID is alive and its command line carries MARKER (pids are reused; never signal a stranger).
pid_is() {
	local pid=$1 marker=$2
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$marker"
}

require_command() {
	command -v "$1" >/dev/null 2>&1 || die "'$1' is not installed; it is needed to $2." "Install it, e.g. 'apt-get install -y $3'."
}
