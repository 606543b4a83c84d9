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

# JVM options of every component, chosen for a small idle footprint (a 3-node cluster is 8 JVMs on one
# machine): the serial collector (no GC threads, the smallest heap overhead), C1 only (C2 compiler threads
# and their code cache cost tens of MiB per JVM and these services are I/O bound), small thread stacks
# (virtual threads do the request work), a capped code cache, and a heap given back when it is mostly
# free (the free ratios). The heap cap is per component (component_start's HEAP), and so is the young
# generation of the mostly idle ones (components.sh COMPONENT_YOUNG), and the JIT of the gateway (COMPONENT_JIT:
# it carries every request). STEVEDORE_JAVA_OPTS comes last, so it
# can override any of them. MALLOC_ARENA_MAX=2: glibc otherwise gives each busy thread its own malloc arena,
# tens of MiB of RSS per JVM that the JVM's few native allocations do not need (1 measured no smaller).
# One Netty arena (direct and heap): every component's fabric8 client (Vert.x) and the gateway run on
# Netty, whose pooled allocator otherwise makes 2 arenas per core, each with chunks of its own; with one,
# an idle 3-node cluster measured 1511-1514 MiB RSS instead of 1537-1546 (3-5 MiB per JVM). The thread
# caches in front of the arena keep the lock out of the hot path at 2 event loops per core.
STEVEDORE_BASE_JAVA_OPTS="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -Xss512k \
-XX:ReservedCodeCacheSize=40m -XX:MaxMetaspaceSize=160m -XX:MaxDirectMemorySize=64m \
-XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:+ExitOnOutOfMemoryError \
-Dio.netty.allocator.numDirectArenas=1 -Dio.netty.allocator.numHeapArenas=1"

# Options of newer JDKs, used when the JDK has them (a JDK 21 would refuse to start on an unknown -XX flag):
# compact object headers (JDK 25, JEP 519: 8-byte headers, a smaller heap and class space) and a periodic
# trim of glibc's malloc heap (JDK 22+), which otherwise keeps what native code freed as RSS.
newer_java_opts() {
	local opts=" "
	grep -q ' UseCompactObjectHeaders .*product' <<<"$STEVEDORE_JAVA_FLAGS" && opts+="-XX:+UseCompactObjectHeaders "
	grep -q ' TrimNativeHeapInterval .*product' <<<"$STEVEDORE_JAVA_FLAGS" && opts+="-XX:TrimNativeHeapInterval=10000 "
	echo "$opts"
}

# The JDK's flags (java -XX:+PrintFlagsFinal), once per ./stevedore run.
STEVEDORE_JAVA_FLAGS=""
load_java_flags() {
	[ -n "$STEVEDORE_JAVA_FLAGS" ] || STEVEDORE_JAVA_FLAGS=$("$JAVA_HOME/bin/java" -XX:+PrintFlagsFinal -version 2>/dev/null) || true
}

# component_start NAME HEAP JAVA_ARGS...: runs java in its own session (it outlives this shell and the
# terminal), stdout and stderr appended to the component's log. The pid file is written by the process
# itself before it becomes java, so it is right even if setsid has to fork.
component_start() {
	local name=$1 heap=$2
	shift 2
	local young=${COMPONENT_YOUNG[${name%%-*}]:-} # node agents are node-NAME
	local jit=${COMPONENT_JIT[${name%%-*}]:-}
	local log pid_file
	log=$(component_log "$name")
	pid_file=$(component_pid_file "$name")
	mkdir -p "$(dirname "$log")" "$(dirname "$pid_file")"
	rm -f "$pid_file"
	load_java_flags
	aot_plan "${name%%-*}" # sets AOT_OPTIONS and AOT_OUTPUT
	printf '\n=== %s: ./stevedore starts %s\n' "$(date -u +%FT%TZ)" "$name" >>"$log"
	# The inner shell writes its pid and becomes java: the pid is java's, and so is the AOT training file's
	# name (aot_plan).
	# shellcheck disable=SC2016,SC2086 # $$ and $0 belong to the inner shell; JAVA_OPTS are words on purpose
	MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2} AOT_OUTPUT=$AOT_OUTPUT setsid nohup sh -c \
		'echo $$ >"$0"; java=$1; shift; exec "$java" ${AOT_OUTPUT:+"-XX:AOTCacheOutput=$AOT_OUTPUT.$$"} "$@"' \
		"$pid_file" "$JAVA_HOME/bin/java" "$(component_marker "$name")" $STEVEDORE_BASE_JAVA_OPTS \
		$(newer_java_opts) $AOT_OPTIONS -Xms16m -Xmx"$heap" ${young:+-Xmn$young} $jit \
		${STEVEDORE_JAVA_OPTS:-} "$@" >>"$log" 2>&1 </dev/null &
	local waited=0
	until [ -s "$pid_file" ] || [ $waited -ge 50 ]; do
		sleep 0.1
		waited=$((waited + 1))
	done
}

# components_stop NAME...: SIGTERM to all at once (Spring shuts down gracefully), then waits; SIGKILL only
# after STEVEDORE_DOWN_TIMEOUT (default 40s: longer than Spring's own 30s graceful-shutdown phase, so Spring
# gives up on slow requests first).
components_stop() {
	local name pid deadline names=() pids=()
	for name in "$@"; do
		pid=$(component_pid "$name") || continue
		kill -TERM "$pid" 2>/dev/null || true
		names+=("$name")
		pids+=("$pid")
	done
	# A process training its AOT cache (aot_plan) writes it when it exits: seconds of CPU each, several at
	# once on a small machine, so they get two minutes more (once per build).
	local timeout=${STEVEDORE_DOWN_TIMEOUT:-40} training=()
	for pid in "${pids[@]}"; do
		tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- '-XX:AOTCacheOutput=' && training+=("$pid")
	done
	if [ ${#training[@]} -gt 0 ]; then
		timeout=$((timeout + 120))
		say "${#training[@]} component(s) write their AOT cache as they stop (once per build); this takes a while."
	fi
	deadline=$((SECONDS + timeout))
	local i
	for i in "${!pids[@]}"; do
		while pid_alive "${pids[$i]}" && [ $SECONDS -lt $deadline ]; do
			sleep 0.2
		done
		if pid_alive "${pids[$i]}"; then
			say "${names[$i]} (pid ${pids[$i]}) did not stop within ${timeout}s of SIGTERM; killing it."
			component_kill "${names[$i]}"
		fi
		rm -f "$(component_pid_file "${names[$i]}")"
		say "stopped ${names[$i]} (pid ${pids[$i]})."
	done
}

component_stop() { components_stop "$1"; }

# component_kill NAME: SIGKILL, no grace (a machine that dies); waits until the process is gone.
component_kill() {
	local pid
	pid=$(component_pid "$1") || return 0
	kill -KILL "$pid" 2>/dev/null || true
	while pid_alive "$pid"; do sleep 0.1; done
	rm -f "$(component_pid_file "$1")"
}

# The last lines of a component's log, indented, for failure messages.
component_log_tail() {
	tail -n "${2:-25}" "$(component_log "$1")" 2>/dev/null | sed 's/^/    | /' >&2 || true
}
