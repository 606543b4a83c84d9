# shellcheck shell=bash
# The Docker engine the node agents run pods on. Sourced by ./stevedore.
#
# Every container an agent creates carries the labels io.stevedore.node=<node name> and
# io.stevedore.cluster=<cluster name> (node-agent RuntimeLabels.NODE, CLUSTER); both together are how
# `down`, `node stop` and `node rm` find a node's containers, and how an agent finds its own. The cluster
# name comes from $STEVEDORE_HOME, so two clusters on one engine never touch each other's containers, even
# when their nodes have the same names.

NODE_LABEL=io.stevedore.node
CLUSTER_LABEL=io.stevedore.cluster
SANDBOX_IMAGE=stevedore/pause:1
# The Docker bridge pods get their IPs on (node-agent's stevedore.node.pod-network default), shared by every
# agent on the engine.
POD_NETWORK=stevedore-pods

# Fails with how to start the engine when `docker info` does not answer.
require_docker_engine() {
	require_command docker "run pods (the Docker CLI)" docker.io
	local error
	error=$(timeout 20 docker info --format '{{.ServerVersion}}' 2>&1 >/dev/null) && return 0
	die "the Docker engine is not reachable${DOCKER_HOST:+ at DOCKER_HOST=$DOCKER_HOST}: ${error:-docker info timed out}" \
		"Start it, e.g. 'systemctl start docker', or without systemd: 'dockerd >/var/log/dockerd.log 2>&1 &'," \
		"then run './stevedore up' again (or './stevedore up --nodes 0' for the control plane alone)."
}

# This cluster's name, the value of CLUSTER_LABEL: STEVEDORE_CLUSTER_NAME, or one derived from the state
# directory (a cluster is its state directory). Recorded in cluster.env at `up`, so it never changes under a
# running cluster.
default_cluster_name() {
	if [ -n "${STEVEDORE_CLUSTER_NAME:-}" ]; then
		[[ "$STEVEDORE_CLUSTER_NAME" =~ ^[A-Za-z0-9]([-_.A-Za-z0-9]{0,61}[A-Za-z0-9])?$ ]] ||
			die_usage "STEVEDORE_CLUSTER_NAME='$STEVEDORE_CLUSTER_NAME' is not a label value (at most 63 letters, digits, '-', '_' or '.', alphanumeric at both ends)."
		echo "$STEVEDORE_CLUSTER_NAME"
		return
	fi
	echo "stevedore-$(readlink -m "$STEVEDORE_HOME" | sha256sum | cut -c1-12)"
}

# The docker filters that select node NAME's containers of this cluster (CLUSTER_NAME from cluster.env).
node_filters() { echo "--filter label=$NODE_LABEL=$1 --filter label=$CLUSTER_LABEL=${CLUSTER_NAME:?}"; }

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
	# shellcheck disable=SC2046 # the filters are words
	docker ps -aq $(node_filters "$1") 2>/dev/null || true
}

# remove_node_containers NAME: what a machine's disappearance leaves behind, removed (no grace). The pods'
# containers go before their sandboxes (they share the sandbox's network namespace), and a container the
# engine was still tearing down is retried; what is left after three rounds is reported.
remove_node_containers() {
	local ids round
	for round in 1 2 3; do
		# shellcheck disable=SC2046
		ids=$(docker ps -aq $(node_filters "$1") --filter "label=io.kubernetes.docker.type=container" 2>/dev/null || true)
		ids+=" $(node_containers "$1")"
		[ -n "${ids// /}" ] || return 0
		# shellcheck disable=SC2086 # one id per word
		docker rm -f $ids >/dev/null 2>&1 || true
		[ -n "$(node_containers "$1")" ] || return 0
		sleep 1
	done
	say "note: could not remove every container of node $1: docker ps -a $(node_filters "$1")"
}

# remove_node_cgroups NAME: the node's pod and QoS cgroups (the agent's default cgroup root,
# /stevedore/NAME/kubepods, on cgroup v1 and v2), once its containers are gone: the agent removes a pod's
# cgroup when the pod goes, but not when it is stopped with its pods still there. Empty directories only
# (the kernel refuses a cgroup that still holds a process); nothing said when not root.
remove_node_cgroups() {
	local dir
	for dir in /sys/fs/cgroup/*/stevedore/"$1" /sys/fs/cgroup/stevedore/"$1"; do
		[ -d "$dir" ] || continue
		find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || true
		rmdir "$(dirname "$dir")" 2>/dev/null || true
	done
}

# kill_node_containers NAME: SIGKILL every running container of node NAME (they stay, exited, as after a
# power cut; a restarted agent sees them dead).
kill_node_containers() {
	local ids
	# shellcheck disable=SC2046
	ids=$(docker ps -q $(node_filters "$1") 2>/dev/null || true)
	[ -n "$ids" ] || return 0
	# shellcheck disable=SC2086
	docker kill $ids >/dev/null 2>&1 || true
}

# pod_network_gateway: the IPv4 address pods reach this machine on, the gateway of their bridge. `up` needs it
# before any agent has started, so the bridge is created here when missing, as an agent creates it (driver
# bridge, label io.stevedore.network=pods); an agent finding it then leaves it as it is. Prints nothing (and
# succeeds) when the engine is unreachable. A busy engine gets three tries of 30 s each: an empty answer
# leaves the `kubernetes` Service without endpoints, and pods calling the API are refused (the likely cause
# of e2e runs on a loaded machine where a pod's curl to the Service was refused; 10 s per call was the limit).
pod_network_gateway() {
	command -v docker >/dev/null 2>&1 || return 0
	local attempt address=""
	for attempt in 1 2 3; do
		timeout 30 docker network inspect "$POD_NETWORK" >/dev/null 2>&1 ||
			timeout 30 docker network create --driver bridge --label io.stevedore.network=pods "$POD_NETWORK" \
				>/dev/null 2>&1 || true
		address=$(timeout 30 docker network inspect -f '{{range .IPAM.Config}}{{.Gateway}} {{end}}' "$POD_NETWORK" \
			2>/dev/null | tr ' ' '\n' | grep -E '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$' | head -n 1 || true)
		[ -z "$address" ] || break
		timeout 10 docker info >/dev/null 2>&1 || return 0
		[ "$attempt" -eq 3 ] || sleep 2
	done
	[ -n "$address" ] ||
		say "warning: no address for the pod network $POD_NETWORK; the kubernetes Service gets no endpoints" >&2
	echo "$address"
}
