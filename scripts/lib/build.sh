# shellcheck shell=bash
# The services' runnable jars: which module makes which jar, when they must be rebuilt, and the copies a
# cluster runs from. Sourced by ./stevedore.
#
# A cluster runs copies under $STEVEDORE_HOME/jars, never the jars in target/: a rebuild (by `up`, or by a
# developer's `./mvnw package`) rewrites target/*.jar in place, and a JVM reading classes lazily from a jar
# that changed under it fails in odd ways. `node add` also starts the same version as the running nodes.

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

# The copy COMPONENT runs from.
component_jar() { echo "$STEVEDORE_HOME/jars/$1.jar"; }

# Copies every runnable jar to $STEVEDORE_HOME/jars (only while nothing runs from them).
install_jars() {
	local component
	mkdir -p "$STEVEDORE_HOME/jars"
	for component in "${!COMPONENT_MODULE[@]}"; do
		cp -f "$(module_jar "${COMPONENT_MODULE[$component]}")" "$(component_jar "$component").tmp"
		mv -f "$(component_jar "$component").tmp" "$(component_jar "$component")"
	done
}
