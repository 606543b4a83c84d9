# shellcheck shell=bash
# Sourced by ./stevedore and .ci/run: exports JAVA_HOME pointing at a JDK >= 21.
# Looks at $JAVA_HOME, then every JDK under ${STEVEDORE_JVM_ROOT:-/usr/lib/jvm} (newest first), then `java` on PATH.

stevedore_java_major() { # prints the major version of the java binary given
	"$1" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2; exit}'
}

stevedore_find_jdk() {
	local candidate major
	for candidate in "${JAVA_HOME:-}" $(ls -d "${STEVEDORE_JVM_ROOT:-/usr/lib/jvm}"/*/ 2>/dev/null | sort -rV) \
		"$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
		candidate=${candidate%/}
		[ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
		major=$(stevedore_java_major "$candidate/bin/java")
		if [ "${major%%.*}" -ge 21 ] 2>/dev/null; then
			export JAVA_HOME=$candidate
			return 0
		fi
	done
	echo "stevedore: no JDK >= 21 found (looked at \$JAVA_HOME, ${STEVEDORE_JVM_ROOT:-/usr/lib/jvm}/* and java on PATH)." >&2
	echo "  Install one, e.g. 'apt-get install -y openjdk-21-jdk', or set JAVA_HOME to it." >&2
	return 1
}
