# shellcheck shell=bash
# The services' runnable jars: which module makes which jar, when they must be rebuilt, and the copies a
# cluster runs from. Sourced by ./stevedore.
#
# A cluster runs extracted copies under $STEVEDORE_HOME/jars, never the jars in target/: a rebuild (by `up`,
# or by a developer's `./mvnw package`) rewrites target/*.jar in place, and a JVM reading classes lazily
# from a jar that changed under it fails in odd ways. `node add` also starts the same version as the
# running nodes.

# component -> the Maven module of its runnable jar.
declare -A COMPONENT_MODULE=(
	[apiserver]=apiserver-service
	[gateway]=api-gateway
	[scheduler]=scheduler-service
	[controllers]=controller-service
	[proxy]=proxy-service
	[node]=node-agent
)
SERVICE_MODULES=(apiserver-service api-gateway scheduler-service controller-service node-agent proxy-service)
# Libraries whose classes end up inside the service jars: a change there also means a rebuild.
LIBRARY_MODULES=(api-machinery storage client-support)

# module_jar MODULE: the runnable jar in MODULE/target (apiserver-service's and api-gateway's have the
# exec classifier, because their plain jars are libraries for the tests of other modules).
module_jar() {
	local module=$1 jar
	case "$module" in
	apiserver-service | api-gateway)
		for jar in "$STEVEDORE_ROOT/$module"/target/"$module"-*-exec.jar; do
			[ -f "$jar" ] && echo "$jar" && return 0
		done
		return 1
		;;
	esac
	for jar in "$STEVEDORE_ROOT/$module"/target/"$module"-[0-9]*.jar; do
		case "$jar" in *-tests.jar | *-sources.jar | *-javadoc.jar | *-exec.jar) continue ;; esac
		[ -f "$jar" ] && echo "$jar" && return 0
	done
	return 1
}

# Why the jars must be (re)built, or nothing when every jar is newer than every source it is made of.
build_reason() {
	local module jar changed library
	for module in "${SERVICE_MODULES[@]}"; do
		jar=$(module_jar "$module") || { echo "the $module jar is missing"; return 0; }
		for library in "${LIBRARY_MODULES[@]}" "$module"; do
			changed=$(find "$STEVEDORE_ROOT/$library/src/main" "$STEVEDORE_ROOT/$library/pom.xml" \
				-newer "$jar" -type f -print -quit 2>/dev/null)
			[ -z "$changed" ] || { echo "${changed#"$STEVEDORE_ROOT"/} is newer than the $module jar"; return 0; }
		done
		[ "$STEVEDORE_ROOT/pom.xml" -nt "$jar" ] && { echo "pom.xml is newer than the $module jar"; return 0; }
	done
	return 0
}

# One Maven run for every service (with -am, the libraries they need), and only when something changed.
# STEVEDORE_BUILD=never runs the jars as they are (the e2e tests: the reactor built them just before, and
# sources other people edit meanwhile must not make the test rebuild), as long as they exist.
build_if_needed() {
	local reason modules
	reason=$(build_reason)
	[ -n "$reason" ] || return 0
	if [ "${STEVEDORE_BUILD:-auto}" = never ]; then
		[[ "$reason" != *" jar is missing" ]] && return 0
		die "$reason, and STEVEDORE_BUILD=never forbids building it." "Build it: ./mvnw -q -B -DskipTests package"
	fi
	modules=$(IFS=,; echo "${SERVICE_MODULES[*]}")
	say "building the services ($reason): ./mvnw -q -B -DskipTests package -pl $modules -am"
	(cd "$STEVEDORE_ROOT" && ./mvnw -q -B -DskipTests package -pl "$modules" -am) ||
		die "the build failed (see the Maven output above)." "Fix the build, then run './stevedore up' again."
	local module
	for module in "${SERVICE_MODULES[@]}"; do
		module_jar "$module" >/dev/null || die "the build finished but $module/target has no runnable jar."
	done
}

# Where the extracted jars live: $STEVEDORE_HOME/jars, or STEVEDORE_JAR_CACHE (the e2e tests share one across
# their clusters, so each jar is extracted once per test run).
jar_cache() { echo "${STEVEDORE_JAR_CACHE:-$STEVEDORE_HOME/jars}"; }

# The directory COMPONENT runs from: its jar as Spring Boot's tools jarmode extracts it (app.jar with a
# Class-Path of lib/*.jar). Plain jars on the class path start a service in about 60% of the time of the
# nested fat jar (no nested-jar class loader), and only they can be in a JVM's AOT cache (aot_plan).
component_dir() { cat "$STEVEDORE_HOME/jars/$1.dir" 2>/dev/null; }
component_jar() {
	local dir
	dir=$(component_dir "$1") || true
	# A cluster an older ./stevedore started runs fat-jar copies: `node add` keeps to them until the next up.
	if [ -n "$dir" ]; then echo "$dir/app.jar"; else echo "$STEVEDORE_HOME/jars/$1.jar"; fi
}

# Extracts every runnable jar (only while nothing runs from them) into a directory named after the jar's
# size and time, written once and never changed: a rebuilt jar gets a new directory (and a new AOT cache),
# and clusters sharing STEVEDORE_JAR_CACHE with the same jars share the directory. A directory of an older
# jar of the component is removed when nothing runs from it any more.
install_jars() {
	local component jar dir cache
	cache=$(jar_cache)
	mkdir -p "$STEVEDORE_HOME/jars" "$cache"
	rm -f "$STEVEDORE_HOME"/jars/*.jar # the fat-jar copies of earlier versions of this script
	for component in "${!COMPONENT_MODULE[@]}"; do
		jar=$(module_jar "${COMPONENT_MODULE[$component]}")
		dir="$cache/$component-$(stat -c '%s-%Y' "$jar")"
		if [ ! -f "$dir/app.jar" ]; then
			rm -rf "$dir.tmp.$$"
			"$JAVA_HOME/bin/java" -Djarmode=tools -jar "$jar" extract --destination "$dir.tmp.$$" \
				--application-filename app.jar >/dev/null ||
				die "could not extract $jar (java -Djarmode=tools -jar $jar extract)."
			# Another `up` sharing the cache may have made it meanwhile: its copy is as good as this one.
			mv -T "$dir.tmp.$$" "$dir" 2>/dev/null || rm -rf "$dir.tmp.$$"
		fi
		echo "$dir" >"$STEVEDORE_HOME/jars/$component.dir"
		remove_unused_jar_dirs "$cache" "$component" "$dir"
	done
}

# remove_unused_jar_dirs CACHE COMPONENT KEEP: the older extracted versions of COMPONENT that no java
# process has on its class path.
remove_unused_jar_dirs() {
	local cache=$1 component=$2 keep=$3 old
	for old in "$cache/$component"-*; do
		[ -d "$old" ] && [ "$old" != "$keep" ] || continue
		[[ "$old" == *.tmp.* ]] && continue # another `up` extracting now
		pgrep -f -- "$old/app.jar" >/dev/null && continue
		rm -rf "$old"
	done
}

# AOT_OPTIONS, AOT_OUTPUT = aot_plan COMPONENT: COMPONENT's AOT cache (JEP 483/514, JDK 25; nothing on
# older JDKs), with STEVEDORE_AOT_CACHE=on. The first process of a component trains: -XX:AOTCacheOutput
# records the classes it loads and links and, when it exits (./stevedore down), writes the cache, which
# the next starts map: a 3-node `up` in 22 s instead of 42-45 s, for ~60 MiB more RSS in all
# (docs/benchmarks.md), which is why it is not the default. The trainer writes AOT_OUTPUT.PID (PID is the
# java process's own, added by component_start; the JDK's temporary files add a suffix to that). A file
# of a finished writer is complete (the JVM exits after the cache is written) and becomes the cache; while
# a writer or the JDK's assembling child runs, this process runs without a cache. A cache belongs to the
# JDK that made it.
aot_plan() {
	local component=$1 dir cache training rest pid
	AOT_OPTIONS="" AOT_OUTPUT=""
	[ "${STEVEDORE_AOT_CACHE:-off}" = on ] || return 0
	grep -q ' AOTCacheOutput ' <<<"$STEVEDORE_JAVA_FLAGS" || return 0
	dir=$(component_dir "$component")
	[ -n "$dir" ] || return 0
	cache="$dir/aot-$( (cat "$JAVA_HOME/release" 2>/dev/null || "$JAVA_HOME/bin/java" -version 2>&1; echo "$JAVA_HOME") |
		cksum | cut -d' ' -f1).aot"
	for training in "$cache".[0-9]*; do
		[ -e "$training" ] || continue
		rest=${training#"$cache".}
		pid=${rest%%.*}
		pgrep -f -- "$cache.$pid" >/dev/null && return 0
		if [ "$rest" = "$pid" ] && [ -s "$training" ] && [ ! -f "$cache" ]; then
			mv -f "$training" "$cache"
		else
			rm -f "$training"
		fi
	done
	if [ -f "$cache" ]; then AOT_OPTIONS="-XX:AOTCache=$cache"; else AOT_OUTPUT=$cache; fi
}
