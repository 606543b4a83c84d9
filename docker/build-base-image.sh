#!/usr/bin/env bash
# Builds the two base images docker-compose.yml can run on, without any image registry:
#
#   stevedore/jre:local    a jlink'd Java runtime made from the local JDK (>= 21, e.g. Temurin 25), the glibc and
#                          zlib libraries it links against, and Debian's static busybox for a shell (sh, sleep,
#                          wget, nc). Every Stevedore service image is FROM it (build argument BASE_IMAGE), and
#                          node agents use it as the pod sandbox (pause) image: it has `sleep`.
#   stevedore/redis:local  Debian's redis-server and redis-cli with the libraries they link against, and busybox.
#
# Both are root filesystems made here and `docker import`ed, so a machine with Docker, a JDK, redis-server and
# busybox-static can build and run the compose cluster offline. Users who can pull images need none of this:
# docker-compose.yml defaults to eclipse-temurin:21-jre and redis:7.2.
#
# Usage: docker/build-base-image.sh [--force] [--jre-image NAME] [--redis-image NAME]
# An image this script already made is kept unless --force is given (one an older version made is rebuilt).
set -euo pipefail

root_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jre_image=stevedore/jre:local
redis_image=stevedore/redis:local
force=false
while [ $# -gt 0 ]; do
	case $1 in
	--force) force=true ;;
	--jre-image) jre_image=$2; shift ;;
	--redis-image) redis_image=$2; shift ;;
	-h | --help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "build-base-image.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done

fail() { echo "build-base-image.sh: $*" >&2; exit 1; }

docker info >/dev/null 2>&1 || fail "the Docker engine does not answer (start dockerd, or check DOCKER_HOST)."
[ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1 ||
	fail "/bin/busybox must be the static busybox (apt-get install -y busybox-static)."

# The Java modules a Spring Boot service of Stevedore uses, with some room: java.se is the whole standard
# platform (java.desktop holds java.beans, which Spring needs), plus the JDK modules for Unsafe (Netty,
# Lettuce), DNS (dnsjava, Netty's resolver), management and flight recording, TLS provider extras, zipfs.
JAVA_MODULES=java.se,jdk.unsupported,jdk.management,jdk.management.agent,jdk.naming.dns,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.zipfs,jdk.net,jdk.jfr,jdk.httpserver,jdk.localedata

work=$(mktemp -d "${TMPDIR:-/tmp}/stevedore-base-image.XXXXXX")
trap 'rm -rf "$work"' EXIT

# An image is current when it was made by this very script: its label holds the script's hash, so a changed
# recipe rebuilds images that an older one left on the engine.
recipe=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)
exists() { [ "$(docker image inspect -f '{{index .Config.Labels "io.stevedore.recipe"}}' "$1" 2>/dev/null)" = "$recipe" ]; }

# Copies each shared library the given ELF files need (as ldd resolves them on this machine) into the root
# filesystem at the same path, following symlinks; the dynamic loader comes along as ldd lists it.
copy_libraries() {
	local rootfs=$1 lib
	shift
	for lib in $(ldd "$@" 2>/dev/null | awk '/=> \// {print $3} /^[ \t]*\/lib/ {print $1}' | sort -u); do
		[ -e "$rootfs$lib" ] && continue
		mkdir -p "$rootfs$(dirname "$lib")"
		cp -L "$lib" "$rootfs$lib"
	done
}

# The skeleton both images share: busybox and its applets, users, name resolution, a sticky /tmp.
make_skeleton() {
	local rootfs=$1 applet
	mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,root,proc,sys,dev,data}
	cp /bin/busybox "$rootfs/bin/busybox"
	for applet in $(/bin/busybox --list-full); do
		[ -e "$rootfs/$applet" ] || [ -L "$rootfs/$applet" ] || ln -s /bin/busybox "$rootfs/$applet"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$rootfs/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
	# glibc >= 2.34 has the files and dns NSS modules built in; this only fixes their order.
	printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
	chmod 1777 "$rootfs/tmp"
}

import_rootfs() { # rootfs image docker-import --change options...
	local rootfs=$1 image=$2
	shift 2
	tar -C "$rootfs" -cf "$work/rootfs.tar" .
	docker import --change "LABEL io.stevedore.recipe=$recipe" "$@" "$work/rootfs.tar" "$image" >/dev/null
	rm -f "$work/rootfs.tar"
	echo "built $image ($(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1 / 1e6}'))"
}

# The proxy programs Services with iptables-restore (nf_tables backend) and `ip`: Debian's xtables-nft-multi, its
# extension modules and libraries, and iproute2's ip go into the runtime image too.
add_iptables() {
	local rootfs=$1 xtables=/usr/sbin/xtables-nft-multi name
	if [ ! -x "$xtables" ]; then
		echo "note: $xtables missing (apt-get install -y iptables): the proxy will not run on this image" >&2
		return 0
	fi
	mkdir -p "$rootfs/usr/sbin" "$rootfs/usr/lib/x86_64-linux-gnu"
	cp "$xtables" "$rootfs/usr/sbin/"
	for name in iptables iptables-restore iptables-save ip6tables ip6tables-restore ip6tables-save; do
		rm -f "$rootfs/usr/sbin/$name" "$rootfs/sbin/$name"
		ln -s xtables-nft-multi "$rootfs/usr/sbin/$name"
	done
	cp -r /usr/lib/x86_64-linux-gnu/xtables "$rootfs/usr/lib/x86_64-linux-gnu/"
	copy_libraries "$rootfs" "$xtables" /usr/lib/x86_64-linux-gnu/xtables/*.so
	# iproute2's ip in place of busybox's: the proxy adds ClusterIPs to lo with `ip -batch`.
	local ip
	ip=$(readlink -f "$(command -v ip)" 2>/dev/null) && ! [ "$ip" -ef /bin/busybox ] || {
		echo "note: iproute2's ip is missing (apt-get install -y iproute2): the proxy cannot add ClusterIPs" >&2
		return 0
	}
	for name in bin/ip sbin/ip usr/bin/ip usr/sbin/ip; do rm -f "$rootfs/$name"; done
	cp "$ip" "$rootfs/bin/ip"
	ln -s /bin/ip "$rootfs/sbin/ip"
	copy_libraries "$rootfs" "$ip"
}

build_jre() {
	# shellcheck source=../scripts/jdk.sh
	. "$root_dir/scripts/jdk.sh"
	stevedore_find_jdk || exit 1
	[ -x "$JAVA_HOME/bin/jlink" ] || fail "$JAVA_HOME has no jlink."
	local rootfs=$work/jre
	make_skeleton "$rootfs"
	mkdir -p "$rootfs/opt"
	"$JAVA_HOME/bin/jlink" --add-modules "$JAVA_MODULES" --include-locales=en --strip-debug --no-man-pages \
		--no-header-files --compress=zip-6 --output "$rootfs/opt/java"
	# Not the desktop's native parts: headless services never load them, and they need X11 and ALSA.
	local natives=()
	while IFS= read -r lib; do natives+=("$lib"); done < <(find "$rootfs/opt/java" -name '*.so' \
		! -name 'libawt_xawt.so' ! -name 'libjsound.so' ! -name 'libsplashscreen.so' ! -name 'libjawt.so')
	copy_libraries "$rootfs" "$rootfs/opt/java/bin/java" "${natives[@]}"
	copy_libraries "$rootfs" /lib/x86_64-linux-gnu/libz.so.1
	add_iptables "$rootfs"
	import_rootfs "$rootfs" "$jre_image" \
		--change 'ENV JAVA_HOME=/opt/java' \
		--change 'ENV PATH=/opt/java/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
		--change 'ENV LANG=C.UTF-8' \
		--change 'CMD ["/bin/sh"]'
}

build_redis() {
	local server
	server=$(command -v redis-server) || fail "redis-server is not installed (apt-get install -y redis-server)."
	local rootfs=$work/redis
	make_skeleton "$rootfs"
	# redis-server is a link to redis-check-rdb in Debian: the binary picks its role from argv[0].
	cp -L "$server" "$rootfs/usr/bin/redis-server"
	cp -L "$(command -v redis-cli)" "$rootfs/usr/bin/redis-cli"
	copy_libraries "$rootfs" "$rootfs/usr/bin/redis-server" "$rootfs/usr/bin/redis-cli"
	import_rootfs "$rootfs" "$redis_image" \
		--change 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin' \
		--change 'WORKDIR /data' \
		--change 'CMD ["redis-server"]'
}

if $force || ! exists "$jre_image"; then build_jre; else echo "$jre_image is current (--force rebuilds it)"; fi
if $force || ! exists "$redis_image"; then build_redis; else echo "$redis_image is current (--force rebuilds it)"; fi
