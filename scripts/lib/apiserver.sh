# shellcheck shell=bash
# The apiserver component: its jar, how it is started, how its health is read. Sourced by ./stevedore.

# The modules whose sources end up in the apiserver's runnable jar (apiserver-service and what it needs, -am).
APISERVER_MODULES=(api-machinery storage apiserver-service)

apiserver_jar() {
	local jar
	for jar in "$STEVEDORE_ROOT"/apiserver-service/target/apiserver-service-*-exec.jar; do
		[ -f "$jar" ] && echo "$jar" && return 0
	done
	return 1
}

# Why the jar must be (re)built, or nothing when it is up to date.
apiserver_build_reason() {
	local jar changed module
	jar=$(apiserver_jar) || { echo "the apiserver jar is missing"; return 0; }
	for module in "${APISERVER_MODULES[@]}"; do
		changed=$(find "$STEVEDORE_ROOT/$module/src/main" "$STEVEDORE_ROOT/$module/pom.xml" \
			-newer "$jar" -type f -print -quit 2>/dev/null)
		[ -z "$changed" ] || { echo "${changed#"$STEVEDORE_ROOT"/} is newer than the apiserver jar"; return 0; }
	done
	[ "$STEVEDORE_ROOT/pom.xml" -nt "$jar" ] && echo "pom.xml is newer than the apiserver jar"
	return 0
}

apiserver_build_if_needed() {
	local reason
	reason=$(apiserver_build_reason)
	[ -n "$reason" ] || return 0
	say "building the apiserver ($reason): ./mvnw -q -B -DskipTests package -pl apiserver-service -am"
	(cd "$STEVEDORE_ROOT" && ./mvnw -q -B -DskipTests package -pl apiserver-service -am) ||
		die "the apiserver build failed (see the Maven output above)." \
			"Fix the build, then run './stevedore up' again."
	apiserver_jar >/dev/null || die "the build finished but apiserver-service/target/apiserver-service-*-exec.jar is missing."
}

apiserver_url() { echo "http://127.0.0.1:$1"; }

# apiserver_start PORT STORE: STORE is `embedded` or a redis:// URL.
# It listens on loopback only: until the gateway brings TLS and authentication, the API is open to anyone
# who can connect, so it must not be reachable from other machines.
apiserver_start() {
	local port=$1 store=$2 storage_url=""
	[ "$store" = embedded ] || storage_url=$store
	mkdir -p "$(component_data_dir apiserver)"
	component_start apiserver -jar "$(apiserver_jar)" \
		--server.address=127.0.0.1 \
		--server.port="$port" \
		--stevedore.apiserver.advertise-address="127.0.0.1:$port" \
		--stevedore.storage.url="$storage_url" \
		--stevedore.storage.embedded-dir="$(component_data_dir apiserver)"
}

# apiserver_wait_ready PORT: polls /readyz until it answers "ok"; fails early, with the log, if the process dies.
apiserver_wait_ready() {
	local port=$1 timeout=${STEVEDORE_UP_TIMEOUT:-180} deadline
	deadline=$((SECONDS + timeout))
	while [ $SECONDS -lt $deadline ]; do
		[ "$(http_get "$(apiserver_url "$port")/readyz")" = ok ] && return 0
		if ! component_pid apiserver >/dev/null; then
			echo "stevedore: the apiserver exited while starting. The end of $(component_log apiserver):" >&2
			component_log_tail apiserver
			exit 1
		fi
		sleep 0.5
	done
	echo "stevedore: the apiserver did not become ready within ${timeout}s (GET $(apiserver_url "$port")/readyz)." >&2
	echo "  It is still running; see $(component_log apiserver), or raise STEVEDORE_UP_TIMEOUT. Its last lines:" >&2
	component_log_tail apiserver
	exit 1
}

# apiserver_health PORT: prints "READYZ HEALTH", e.g. "ok UP" or "unreachable unreachable".
apiserver_health() {
	local base readyz health
	base=$(apiserver_url "$1")
	readyz=$(http_get "$base/readyz") || readyz=unreachable
	health=$(curl -sS --max-time 3 "$base/actuator/health" 2>/dev/null |
		grep -o '"status":"[A-Z_]*"' | head -n 1 | cut -d'"' -f4) || true
	echo "${readyz:-empty} ${health:-unreachable}"
}
