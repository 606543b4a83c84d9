# shellcheck shell=bash
# Background processes of the local cluster: one pid file and one log per component. Sourced by ./stevedore.
#
# Layout under $STEVEDORE_HOME:  run/NAME.pid   logs/NAME.log   data/NAME/
# Every process carries -Dstevedore.instance=$STEVEDORE_HOME#NAME on its command line, so a pid file left
# by a crash is never mistaken for a live component once the kernel reuses the pid for another program.

component_pid_file() { echo "$STEVEDORE_HOME/run/$1.pid"; }
component_log() { echo "$STEVEDORE_HOME/logs/$1.log"; }
component_data_dir() { echo "$STEVEDORE_HOME/data/$1"; }
component_marker() { echo "-Dstevedore.instance=$STEVEDORE_HOME#$1"; }

# Prints the pid of the running component NAME; non-zero (and forgets a stale pid file) when it is not running.
component_pid() {
	local file pid
	file=$(component_pid_file "$1")
	[ -f "$file" ] || return 1
	pid=$(cat "$file")
	if pid_is "$pid" "$(component_marker "$1")"; then
		echo "$pid"
	else
		rm -f "$file"
		return 1
	fi
}

# component_start NAME JAVA_ARGS...: runs java in its own session (it outlives this shell and the terminal),
# stdout and stderr appended to the component's log. The pid file is written by the process itself before
# it becomes java, so it is right even if setsid has to fork.
component_start() {
	local name=$1
	shift
	local log pid_file
	log=$(component_log "$name")
	pid_file=$(component_pid_file "$name")
	mkdir -p "$(dirname "$log")" "$(dirname "$pid_file")"
	printf '\n=== %s: ./stevedore starts %s\n' "$(date -u +%FT%TZ)" "$name" >>"$log"
	# shellcheck disable=SC2016,SC2086 # $$ and $0 belong to the inner shell; JAVA_OPTS are words on purpose
	setsid nohup sh -c 'echo $$ >"$0"; exec "$@"' "$pid_file" \
		"$JAVA_HOME/bin/java" "$(component_marker "$name")" ${STEVEDORE_JAVA_OPTS:-} "$@" \
		>>"$log" 2>&1 </dev/null &
	local waited=0
	until [ -s "$pid_file" ] || [ $waited -ge 50 ]; do
		sleep 0.1
		waited=$((waited + 1))
	done
}

# component_stop NAME: SIGTERM (Spring shuts down gracefully), waits, SIGKILL only after STEVEDORE_DOWN_TIMEOUT
# (default 40s: longer than Spring's own 30s graceful-shutdown phase, so Spring gives up on slow requests first).
component_stop() {
	local name=$1 pid deadline
	pid=$(component_pid "$name") || return 0
	kill -TERM "$pid" 2>/dev/null || true
	deadline=$((SECONDS + ${STEVEDORE_DOWN_TIMEOUT:-40}))
	while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do
		sleep 0.2
	done
	if kill -0 "$pid" 2>/dev/null; then
		say "$name (pid $pid) did not stop within ${STEVEDORE_DOWN_TIMEOUT:-40}s of SIGTERM; killing it."
		kill -KILL "$pid" 2>/dev/null || true
		while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
	fi
	rm -f "$(component_pid_file "$name")"
	say "stopped $name (pid $pid)."
}

# The last lines of a component's log, indented, for failure messages.
component_log_tail() {
	tail -n "${2:-25}" "$(component_log "$1")" 2>/dev/null | sed 's/^/    | /' >&2 || true
}
