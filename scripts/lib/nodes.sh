# shellcheck shell=bash
# Node agents of the local cluster, one process per node, all on this machine's Docker engine.
# Sourced by ./stevedore.
#
# $STEVEDORE_HOME/nodes/NAME/ is a node: `port` holds its agent's port, `root/` its pod volumes. A node
# stays registered until `node rm`; `up` (after `down`) starts every registered node again.
# Every node's InternalIP is $STEVEDORE_NODE_ADDRESS (default 127.0.0.1): the nodes are processes on one
# machine, so they share its addresses, and loopback keeps their ports (and NodePorts) on this machine.

nodes_dir() { echo "$STEVEDORE_HOME/nodes"; }
node_dir() { echo "$STEVEDORE_HOME/nodes/$1"; }
node_component() { echo "node-$1"; }
node_address() { echo "${STEVEDORE_NODE_ADDRESS:-127.0.0.1}"; }

# Registered nodes, one per line, in a human order (node-2 before node-10).
node_names() {
	[ -d "$(nodes_dir)" ] || return 0
	find "$(nodes_dir)" -mindepth 2 -maxdepth 2 -name port -printf '%h\n' | xargs -r -n 1 basename | sort -V
}

node_exists() { [ -f "$(node_dir "$1")/port" ]; }
node_port() { cat "$(node_dir "$1")/port" 2>/dev/null; }

# A node name is the name of a Node object: a DNS-1123 subdomain (lower case letters, digits, '-' and '.',
# starting and ending with a letter or digit, at most 253 characters).
validate_node_name() {
	local name=$1
	[ ${#name} -le 253 ] && [[ "$name" =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ ]] ||
		die_usage "'$name' is not a valid node name: a DNS-1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'worker-1')."
}

# The first port from NODE_PORT up that no node has, no control-plane component uses and no socket holds.
node_free_port() {
	local port=$NODE_PORT taken name
	taken=" $PORT $GATEWAY_PORT $SCHEDULER_PORT $CONTROLLER_PORT $PROXY_PORT "
	for name in $(node_names); do taken+="$(node_port "$name") "; done
	while [[ "$taken" == *" $port "* ]] || port_taken "$port"; do
		port=$((port + 1))
		[ $port -le 65535 ] || die "no free port for a node agent above $NODE_PORT."
	done
	echo "$port"
}

# node_register NAME: gives the node its port and directories.
node_register() {
	local port
	port=$(node_free_port)
	mkdir -p "$(node_dir "$1")/root"
	echo "$port" >"$(node_dir "$1")/port"
}

node_start() {
	local name=$1 component port
	component=$(node_component "$name")
	port=$(node_port "$name")
	component_pid "$component" >/dev/null && return 0
	if port_in_use "$port"; then
		local owner
		owner=$(port_owner "$port")
		die "port $port on 127.0.0.1 is already in use${owner:+ by $owner}; node $name's agent needs it." \
			"Stop what listens there, or remove the node ('./stevedore node rm $name') and add it again."
	fi
	# Its own identity, system:node:NAME in system:nodes, by TLS bootstrapping (identities.sh): the gateway's
	# Node authorizer and NodeRestriction keep it to its own Node, Lease and pods.
	ensure_bootstrap_token
	mkdir -p "$(identities_dir)"
	write_identity_kubeconfig "$component" "$(component_subject "$component")"
	# shellcheck disable=SC2046 # node_runtime_options and node_bootstrap_options print separate options
	component_start "$component" "${COMPONENT_HEAP[node]}" -jar "$(component_jar node)" \
		--server.address=127.0.0.1 --server.port="$port" \
		$(node_bootstrap_options "$component") \
		$(node_serving_options "$component") \
		--stevedore.node.name="$name" \
		--stevedore.node.address="$(node_address)" \
		--stevedore.node.port="$port" \
		--stevedore.node.docker-host="$(docker_host)" \
		--stevedore.node.root-dir="$(node_dir "$name")/root" \
		--stevedore.node.sandbox-image="$SANDBOX_IMAGE" \
		--stevedore.node.cluster-dns="$(cluster_dns_address)" \
		--stevedore.node.cluster-name="$CLUSTER_NAME" \
		$(node_runtime_options "$port")
}

# node_runtime_options PORT: the agent's runtime; simulated nodes each get a /20 of 100.64.0.0/10 for their
# pods' addresses, numbered by the agent's port (unique in the cluster) so no two nodes share one.
node_runtime_options() {
	[ "${RUNTIME:-docker}" = simulated ] || return 0
	local index=$(($1 - NODE_PORT))
	[ $index -ge 0 ] && [ $index -lt 1024 ] || index=$(($1 % 1024))
	echo "--stevedore.node.runtime=simulated --stevedore.node.simulated.pod-cidr=100.$((64 + index / 16)).$((index % 16 * 16)).0/20"
}

# Prints "NAME STATUS" for every Node the API knows (STATUS: the Ready condition, True/False/Unknown).
node_ready_conditions() {
	kubectl --kubeconfig "$(stevedore_kubeconfig)" get nodes --request-timeout=5s \
		-o jsonpath='{range .items[*]}{.metadata.name}{" "}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' \
		2>/dev/null || true
}

node_ready() { node_ready_conditions | grep -qx "$1 True"; }

# wait_nodes_ready NAME...: until each Node's Ready condition is True; fails early if an agent exits.
wait_nodes_ready() {
	[ $# -gt 0 ] || return 0
	local timeout=${STEVEDORE_UP_TIMEOUT:-180} deadline name waiting conditions
	deadline=$((SECONDS + timeout))
	while :; do
		waiting=()
		conditions=$(node_ready_conditions)
		for name in "$@"; do
			if ! component_pid "$(node_component "$name")" >/dev/null; then
				echo "stevedore: the agent of node $name exited while starting. The end of $(component_log "$(node_component "$name")"):" >&2
				component_log_tail "$(node_component "$name")"
				exit 1
			fi
			grep -qx "$name True" <<<"$conditions" || waiting+=("$name")
		done
		[ ${#waiting[@]} -gt 0 ] || return 0
		if [ $SECONDS -ge $deadline ]; then
			echo "stevedore: node(s) not Ready within ${timeout}s: ${waiting[*]}." >&2
			echo "  Their agents still run; see 'kubectl describe node ${waiting[0]}' and the logs. The last lines:" >&2
			for name in "${waiting[@]}"; do
				echo "  $(component_log "$(node_component "$name")"):" >&2
				component_log_tail "$(node_component "$name")" 15
			done
			exit 1
		fi
		# Each check is a kubectl run (a few tenths of a second of CPU): twice a second.
		sleep 0.5
	done
}

# wait_default_service_account: until the controllers made ServiceAccount default/default. Pods are
# refused until it exists ("error looking up service account default/default"), so a cluster is not
# ready for `kubectl run` before it, however Ready its nodes are.
wait_default_service_account() {
	local timeout=${STEVEDORE_UP_TIMEOUT:-180} deadline
	deadline=$((SECONDS + timeout))
	until kubectl --kubeconfig "$(stevedore_kubeconfig)" get serviceaccount default -n default \
		--request-timeout=5s -o name >/dev/null 2>&1; do
		if [ $SECONDS -ge $deadline ]; then
			echo "stevedore: ServiceAccount default/default not made within ${timeout}s: pods cannot be created yet." >&2
			echo "  The controllers make it; the end of $(component_log controllers):" >&2
			component_log_tail controllers 15
			exit 1
		fi
		sleep 0.5
	done
}

# ./stevedore node add|stop|start|rm NAME
cluster_node() {
	local verb=${1:-} name=${2:-}
	case "$verb" in
	add | stop | start | rm) ;;
	"") die_usage "node needs a verb: add, stop, start or rm." ;;
	*) die_usage "node: unknown verb '$verb' (expected add, stop, start or rm)." ;;
	esac
	[ -n "$name" ] || die_usage "node $verb needs a NAME."
	[ $# -le 2 ] || die_usage "node $verb takes one NAME."
	validate_node_name "$name"
	component_pid apiserver >/dev/null || die "the cluster is not up (state in $STEVEDORE_HOME)." "Start it with './stevedore up'."
	load_cluster_env
	if [ "$verb" != add ] && ! node_exists "$name"; then
		die "node $name does not exist in this cluster; its nodes: $(node_names | tr '\n' ' ')" \
			"Add it with './stevedore node add $name'."
	fi
	stevedore_find_jdk || exit 1
	case "$verb" in
	add) node_add "$name" ;;
	stop) node_stop "$name" ;;
	start) node_start_verb "$name" ;;
	rm) node_rm "$name" ;;
	esac
}

node_add() {
	local name=$1
	node_exists "$name" && die "node $name already exists (port $(node_port "$name"))." \
		"Start it with './stevedore node start $name' if it is stopped."
	if [ -n "$(node_containers "$name")" ]; then
		die "the Docker engine already has containers of node $name of this cluster ($(node_filters "$name"))." \
			"Remove them with 'docker rm -f', or choose another name."
	fi
	if [ "${RUNTIME:-docker}" = docker ]; then
		require_docker_engine
		ensure_sandbox_image
	fi
	node_register "$name"
	say "adding node $name (agent on 127.0.0.1:$(node_port "$name")) ..."
	node_start "$name"
	wait_nodes_ready "$name"
	say "node $name is Ready."
}

# The machine died: no graceful shutdown of anything. The agent is SIGKILLed and its containers are
# killed with it; the Node stops heartbeating, so the node lifecycle controller marks it NotReady after
# its grace period and evicts its pods, which their controllers replace on the other nodes.
node_stop() {
	local name=$1 pid
	pid=$(component_pid "$(node_component "$name")" || true)
	component_kill "$(node_component "$name")"
	kill_node_containers "$name"
	if [ -n "$pid" ]; then
		say "stopped node $name: killed its agent (pid $pid) and its containers."
	else
		say "node $name was not running; killed what was left of its containers."
	fi
}

node_start_verb() {
	local name=$1
	if component_pid "$(node_component "$name")" >/dev/null; then
		say "node $name already runs (pid $(component_pid "$(node_component "$name")"))."
		return 0
	fi
	[ "${RUNTIME:-docker}" != docker ] || require_docker_engine
	say "starting node $name (agent on 127.0.0.1:$(node_port "$name")) ..."
	node_start "$name"
	wait_nodes_ready "$name"
	say "node $name is Ready."
}

# Removes the node for good: its agent (gracefully), its containers, its Node object and the pods bound
# to it (what Kubernetes' pod garbage collector does for pods of a deleted node; their controllers make
# new ones elsewhere), and its state.
node_rm() {
	local name=$1 kubeconfig
	kubeconfig=$(stevedore_kubeconfig)
	components_stop "$(node_component "$name")"
	remove_node_containers "$name"
	remove_node_cgroups "$name"
	kubectl --kubeconfig "$kubeconfig" delete node "$name" --ignore-not-found --wait=false >/dev/null ||
		die "could not delete the Node $name (see above); its agent is stopped. Run './stevedore node rm $name' again."
	kubectl --kubeconfig "$kubeconfig" delete pods --all-namespaces --field-selector "spec.nodeName=$name" \
		--grace-period=0 --force --wait=false >/dev/null 2>&1 || true
	rm -rf -- "$(node_dir "$name")"
	# Its certificate goes too (it does not expire for a year): a node added again under the name gets a new one.
	remove_identity "$(node_component "$name")"
	say "removed node $name."
}
