# shellcheck shell=bash
# The Docker engine the node agents run pods on. Sourced by ./stevedore.
#
# Every container an agent creates carries the label io.stevedore.node=<node name> (node-agent
# RuntimeLabels.NODE); that label is how `down`, `node stop` and `node rm` find a node's containers.
# Node names must therefore be unique on the engine, also across clusters that share it.

NODE_LABEL=io.stevedore.node
SANDBOX_IMAGE=stevedore/pause:1

# Fails with how to start the engine when `docker info` does not answer.
require_docker_engine() {
	require_command docker "run pods (the Docker CLI)" docker.io
	local error
	error=$(timeout 20 docker info --format '{{.ServerVersion}}' 2>&1 >/dev/null) && return 0
	die "the Docker engine is not reachable${DOCKER_HOST:+ at DOCKER_HOST=$DOCKER_HOST}: ${error:-docker info timed out}" \
		"Start it, e.g. 'systemctl start docker', or without systemd: 'dockerd >/var/log/dockerd.log 2>&1 &'," \
		"then run './stevedore up' again (or './stevedore up --nodes 0' for the control plane alone)."
}

# The agents' docker-host: the engine the docker CLI uses.
docker_host() { echo "${DOCKER_HOST:-unix:///var/run/docker.sock}"; }

# Builds $SANDBOX_IMAGE when the engine lacks it: the pause container of every pod only sleeps, so a root
# filesystem with Debian's static busybox (for `sleep`) is enough, and no registry is needed.
ensure_sandbox_image() {
	docker image inspect "$SANDBOX_IMAGE" >/dev/null 2>&1 && return 0
	local busybox=/bin/busybox
	if [ ! -x "$busybox" ] || { command -v dpkg-query >/dev/null 2>&1 &&
		! dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed'; }; then
		die "cannot build the pod sandbox image $SANDBOX_IMAGE: it needs a statically linked $busybox (Debian's busybox-static)." \
			"Install it: 'apt-get install -y busybox-static' (the dynamically linked 'busybox' package cannot run inside an image)," \
			"or load an image named $SANDBOX_IMAGE that can run 'sleep' into the engine."
	fi
	say "building the pod sandbox image $SANDBOX_IMAGE from $busybox ..."
	local root
	root=$(mktemp -d "${TMPDIR:-/tmp}/stevedore-pause.XXXXXX")
	mkdir -p "$root/bin" "$root/tmp" "$root/proc" "$root/sys" "$root/dev" "$root/etc"
	cp "$busybox" "$root/bin/busybox"
	ln -s busybox "$root/bin/sleep"
	ln -s busybox "$root/bin/sh"
	echo 'root:x:0:0:root:/:/bin/sh' >"$root/etc/passwd"
	if ! tar -C "$root" -c . | docker import --change 'ENV PATH=/bin' --change 'CMD ["sleep","2147483647"]' \
		- "$SANDBOX_IMAGE" >/dev/null; then
		rm -rf "$root"
		die "docker import of the sandbox image $SANDBOX_IMAGE failed (see above)."
	fi
	rm -rf "$root"
}

# node_containers NAME: ids of every container (running or not) of node NAME.
node_containers() {
	docker ps -aq --filter "label=$NODE_LABEL=$1" 2>/dev/null || true
}

# remove_node_containers NAME: what a machine's disappearance leaves behind, removed (no grace). The pods'
# containers go before their sandboxes (they share the sandbox's network namespace), and a container the
# engine was still tearing down is retried; what is left after three rounds is reported.
remove_node_containers() {
	local ids round
	for round in 1 2 3; do
		ids=$(docker ps -aq --filter "label=$NODE_LABEL=$1" --filter "label=io.kubernetes.docker.type=container" 2>/dev/null || true)
		ids+=" $(node_containers "$1")"
		[ -n "${ids// /}" ] || return 0
		# shellcheck disable=SC2086 # one id per word
		docker rm -f $ids >/dev/null 2>&1 || true
		[ -n "$(node_containers "$1")" ] || return 0
		sleep 1
	done
	say "note: could not remove every container of node $1: docker ps -a --filter label=$NODE_LABEL=$1"
}

# kill_node_containers NAME: SIGKILL every running container of node NAME (they stay, exited, as after a
# power cut; a restarted agent sees them dead).
kill_node_containers() {
	local ids
	ids=$(docker ps -q --filter "label=$NODE_LABEL=$1" 2>/dev/null || true)
	[ -n "$ids" ] || return 0
	# shellcheck disable=SC2086
	docker kill $ids >/dev/null 2>&1 || true
}
