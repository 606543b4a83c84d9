# shellcheck shell=bash
# ./stevedore test: makes this machine able to run the whole test suite, then runs it. Sourced by ./stevedore.
#
# The suite runs real programs instead of fakes wherever Stevedore meets them: redis-server (storage ITs
# and e2e start their own, on free loopback ports), kubectl (e2e; it is already on every machine here),
# the Docker engine, Debian's docker-registry and a static busybox to build test images from (node agent),
# Debian's docker-compose (v1) to bring docker-compose.yml up and iptables for the proxy's image (e2e packaging),
# nftables (the proxy's nftables plane, NftablesPlaneIT), dig (ClusterDnsIT asks the cluster DNS over UDP and TCP)
# and curl (e2e calls the API from inside a pod's network namespace).

# Debian package -> a file it installs that the tests use. busybox-static is checked by package, not by
# file: the dynamically linked `busybox` package installs the same path but cannot be copied into an image.
TEST_PACKAGES=(redis-server docker.io docker-registry busybox-static docker-compose iptables nftables bind9-dnsutils curl)
declare -A TEST_PACKAGE_FILE=(
	[redis-server]=/usr/bin/redis-server
	[docker.io]=/usr/sbin/dockerd
	[docker-registry]=/usr/bin/docker-registry
	[busybox-static]=/bin/busybox
	[docker-compose]=/usr/bin/docker-compose
	[iptables]=/usr/sbin/xtables-nft-multi
	[nftables]=/usr/sbin/nft
	[bind9-dnsutils]=/usr/bin/dig
	[curl]=/usr/bin/curl
)

package_installed() {
	if command -v dpkg-query >/dev/null 2>&1; then
		dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
	else
		[ -x "${TEST_PACKAGE_FILE[$1]}" ]
	fi
}

# Runs a command as root: directly when we are root, through sudo -n otherwise (never prompts: CI has no stdin).
as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		sudo -n "$@"
	else
		return 126
	fi
}

install_test_packages() {
	local missing=() package
	for package in "${TEST_PACKAGES[@]}"; do
		package_installed "$package" || missing+=("$package")
	done
	[ ${#missing[@]} -gt 0 ] || return 0
	command -v apt-get >/dev/null 2>&1 ||
		die "the tests need ${missing[*]}, and this machine has no apt-get to install them." \
			"Install the equivalent packages, then run './stevedore test' again."
	say "installing what the tests need: ${missing[*]}"
	local status=0
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q || status=$?
	[ $status -eq 0 ] && {
		as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
			-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}" || status=$?
	}
	case $status in
	0) ;;
	126) die "installing ${missing[*]} needs root, and sudo is not available without a password." \
		"Run 'sudo apt-get install -y ${missing[*]}', then './stevedore test' again." ;;
	*) die "apt-get could not install ${missing[*]} (see its output above)." ;;
	esac
}

# Until the node agent's Docker-backed integration tests exist, nothing needs a running engine; they live in
# node-agent/src/test as *IT.java (only the adapter's tests need Docker), so their presence switches it on.
tests_need_docker() {
	find "$STEVEDORE_ROOT/node-agent/src/test" -name '*IT.java' -print -quit 2>/dev/null | grep -q .
}

ensure_dockerd() {
	docker info >/dev/null 2>&1 && return 0
	local log="$STEVEDORE_HOME/logs/dockerd.log" deadline
	mkdir -p "$(dirname "$log")"
	say "starting dockerd in the background (log: $log)"
	as_root sh -c "setsid nohup dockerd >>'$log' 2>&1 </dev/null &" ||
		die "starting dockerd needs root." "Start the Docker engine yourself, then run './stevedore test' again."
	deadline=$((SECONDS + 60))
	until docker info >/dev/null 2>&1; do
		[ $SECONDS -lt $deadline ] || die "the Docker engine did not come up within 60s; see $log."
		sleep 1
	done
}

# run_test_suite [MAVEN ARGS...]: extra arguments go to Maven, e.g. `./stevedore test -pl e2e -am`.
run_test_suite() {
	install_test_packages
	command -v kubectl >/dev/null 2>&1 ||
		die "kubectl is not installed; the e2e tests drive the real kubectl (v1.32)." \
			"Install it (https://kubernetes.io/docs/tasks/tools/), then run './stevedore test' again."
	if tests_need_docker; then ensure_dockerd; fi
	stevedore_find_jdk || exit 1
	say "running the test suite with $JAVA_HOME: ./mvnw -B verify $*"
	cd "$STEVEDORE_ROOT" || exit 1
	exec ./mvnw -B verify "$@"
}
