# shellcheck shell=bash
# ./stevedore up | down | status | node: the local cluster's life cycle. Sourced by ./stevedore.
#
# `up` starts the control plane (components.sh) and the node agents (nodes.sh) as background processes,
# waits until every component is healthy and every node Ready, and points kubectl at the gateway.
#
# $STEVEDORE_HOME/cluster.env records the options and ports the cluster was started with, so a second `up`
# can tell "already up" from "up, but not the way you ask now", and every other command finds the ports.

cluster_env_file() { echo "$STEVEDORE_HOME/cluster.env"; }

# Shows a Redis URL without its password.
redact_url() { sed -E 's#^(redis://)[^@/]*@#\1***@#' <<<"$1"; }

validate_store() {
	case "$1" in
	embedded) ;;
	redis://*)
		[[ "$1" =~ ^redis://([^@/]*@)?[A-Za-z0-9._-]+(:[0-9]+)?(/[0-9]+)?$ ]] ||
			die_usage "--store: '$(redact_url "$1")' is not a Redis URL; expected redis://HOST:PORT (e.g. redis://127.0.0.1:6379)."
		;;
	*) die_usage "--store: '$1' is neither 'embedded' nor a redis://HOST:PORT URL." ;;
	esac
}

# check_redis_reachable URL: one PING before starting anything, so an unreachable Redis is reported as such
# instead of as an apiserver that never becomes ready.
check_redis_reachable() {
	local url=$1 hostport host port reply
	hostport=${url#redis://}
	hostport=${hostport##*@}
	hostport=${hostport%%/*}
	host=${hostport%%:*}
	port=6379
	[[ "$hostport" == *:* ]] && port=${hostport##*:}
	# shellcheck disable=SC2016 # expanded by the inner bash; timeout bounds a connect that would hang
	reply=$(timeout 5 bash -c '
		exec 3<>"/dev/tcp/$1/$2" || exit 1
		printf "PING\r\n" >&3
		IFS= read -r -t 3 line <&3 || exit 1
		printf "%s\n" "$line"
	' redis-ping "$host" "$port" 2>/dev/null | tr -d '\r') || true
	case "$reply" in
	+PONG) ;;
	-NOAUTH*)
		[[ "$url" == *@* ]] || die "Redis at $host:$port requires a password." \
			"Give it in the URL: --store redis://:PASSWORD@$host:$port"
		;;
	"")
		die "Redis is unreachable at $host:$port (--store $(redact_url "$url"))." \
			"Start it (e.g. 'redis-server --port $port --appendonly yes --appendfsync always') or fix the URL."
		;;
	*) die "Redis at $host:$port answered PING with '$reply'; it is not ready for Stevedore." ;;
	esac
}

cluster_up() {
	local nodes="" runtime="" store="" store_given=false
	while [ $# -gt 0 ]; do
		case "$1" in
		--nodes | --store | --runtime)
			[ $# -ge 2 ] || die_usage "$1 needs a value."
			case "$1" in
			--nodes) nodes=$2 ;;
			--store) store=$2 store_given=true ;;
			--runtime) runtime=$2 ;;
			esac
			shift 2
			;;
		--nodes=*) nodes=${1#*=}; shift ;;
		--store=*) store=${1#*=} store_given=true; shift ;;
		--runtime=*) runtime=${1#*=}; shift ;;
		*) die_usage "up: unknown option '$1'." ;;
		esac
	done
	if [ -n "$nodes" ]; then
		[[ "$nodes" =~ ^[0-9]+$ ]] && [ "$nodes" -le 100 ] ||
			die_usage "--nodes: '$nodes' is not a number of nodes (0 to 100)."
		nodes=$((10#$nodes))
	fi
	case "${runtime:-docker}" in
	docker | simulated) ;;
	*) die_usage "--runtime: '$runtime' is neither 'docker' nor 'simulated'." ;;
	esac
	[ -n "$store" ] || store=embedded
	validate_store "$store"
	read_port_settings

	mkdir -p "$STEVEDORE_HOME"
	if component_pid apiserver >/dev/null; then
		cluster_already_up "$store" "$store_given" "$PORT" "$nodes" "$runtime"
		return
	fi

	stevedore_find_jdk || exit 1
	require_command curl "check the components' health" curl
	require_command kubectl "check that the nodes are Ready" kubectl
	STORE=$store RUNTIME=${runtime:-docker}
	SERVICE_CIDR=$(service_cidr)
	PROXY_CHAIN_PREFIX=$(proxy_chain_prefix)
	CLUSTER_NAME=$(default_cluster_name)
	local names=() name
	mapfile -t names < <(cluster_node_plan "$nodes")
	[ ${#names[@]} -eq 0 ] || [ "$RUNTIME" != docker ] || require_docker_engine
	check_ports_free "${names[@]}"
	[ "$store" = embedded ] || check_redis_reachable "$store"
	build_if_needed
	install_jars
	[ ${#names[@]} -eq 0 ] || [ "$RUNTIME" != docker ] || ensure_sandbox_image
	write_cluster_env

	say "starting the apiserver on $(apiserver_url) (store: $(store_description "$STORE")) and the gateway ..."
	# The apiserver and the gateway start together: the gateway needs the apiserver only once it runs (its
	# default roles are made by a retrying loop), and two JVMs starting at once use both cores of a small
	# machine, where one after the other left one idle for the apiserver's start.
	component_start_control apiserver
	component_start_control gateway
	# Then the rest: the gateway makes the cluster CA the others' client certificates are issued from, and
	# the others authenticate through it, which it refuses (403) until its default roles are made and cached.
	wait_cluster_ca
	issue_client_certificate apiserver-kubelet-client
	wait_healthy apiserver gateway
	say "starting the scheduler, controllers, proxy and ${#names[@]} node agent(s) ..."
	for name in scheduler controllers proxy; do component_start_control "$name"; done
	for name in "${names[@]}"; do
		node_exists "$name" || node_register "$name"
		node_start "$name"
	done
	wait_healthy gateway
	install_kubeconfig
	local agents=()
	for name in "${names[@]}"; do agents+=("$(node_component "$name")"); done
	wait_healthy scheduler controllers proxy "${agents[@]}"
	say "waiting for ${#names[@]} node(s) to be Ready ..."
	wait_nodes_ready "${names[@]}"
	wait_default_service_account

	say "up. What runs where:"
	cluster_print_summary
	echo
	echo "  kubectl now uses context '$STEVEDORE_CONTEXT' (merged into $(user_kubeconfig)). Try: kubectl get nodes"
}

# cluster_node_plan [N]: the nodes `up` starts. A new cluster gets N (default 1) nodes named
# $STEVEDORE_NODE_PREFIX-1..N (default prefix stevedore-node); an existing one all its registered nodes,
# plus new ones when N asks for more.
cluster_node_plan() {
	local wanted=$1 prefix=${STEVEDORE_NODE_PREFIX:-stevedore-node} existing=() i=1
	mapfile -t existing < <(node_names)
	[ -n "$wanted" ] || { [ ${#existing[@]} -gt 0 ] && wanted=${#existing[@]} || wanted=1; }
	if [ "$wanted" -lt ${#existing[@]} ]; then
		die "--nodes $wanted: this cluster has ${#existing[@]} nodes (${existing[*]})." \
			"Remove nodes with './stevedore node rm NAME', or start afresh with './stevedore down --purge'."
	fi
	[ ${#existing[@]} -eq 0 ] || printf '%s\n' "${existing[@]}"
	local count=${#existing[@]}
	while [ "$count" -lt "$wanted" ]; do
		if ! node_exists "$prefix-$i"; then
			validate_node_name "$prefix-$i"
			echo "$prefix-$i"
			count=$((count + 1))
		fi
		i=$((i + 1))
	done
}

# check_ports_free NODE...: every port the cluster needs, before anything starts.
check_ports_free() {
	local port owner what name
	local needed=("apiserver:$PORT:STEVEDORE_PORT" "gateway:$GATEWAY_PORT:STEVEDORE_GATEWAY_PORT"
		"gateway's admission endpoint:$((GATEWAY_PORT + 1)):STEVEDORE_GATEWAY_PORT"
		"scheduler:$SCHEDULER_PORT:STEVEDORE_SCHEDULER_PORT" "controllers:$CONTROLLER_PORT:STEVEDORE_CONTROLLER_PORT"
		"proxy:$PROXY_PORT:STEVEDORE_PROXY_PORT")
	if [ "$INGRESS" = true ]; then
		needed+=("Ingress (HTTP):$INGRESS_PORT:STEVEDORE_INGRESS_PORT" "Ingress (HTTPS):$INGRESS_TLS_PORT:STEVEDORE_INGRESS_TLS_PORT")
	fi
	for what in "${needed[@]}"; do
		port=$(cut -d: -f2 <<<"$what")
		if port_in_use "$port"; then
			owner=$(port_owner "$port")
			die "port $port on 127.0.0.1 is already in use${owner:+ by $owner}; the ${what%%:*} needs it." \
				"Stop what listens there, or choose another port: ${what##*:}=$((port + 1)) ./stevedore up"
		fi
	done
	for name in "$@"; do
		node_exists "$name" || continue
		port=$(node_port "$name")
		if port_in_use "$port"; then
			owner=$(port_owner "$port")
			die "port $port on 127.0.0.1 is already in use${owner:+ by $owner}; node $name's agent needs it." \
				"Stop what listens there, or remove the node first ('./stevedore node rm $name' once up)."
		fi
	done
}

write_cluster_env() {
	local variable
	for variable in STORE RUNTIME PORT GATEWAY_PORT SCHEDULER_PORT CONTROLLER_PORT PROXY_PORT NODE_PORT INGRESS \
		INGRESS_PORT INGRESS_TLS_PORT SERVICE_CIDR PROXY_CHAIN_PREFIX CLUSTER_NAME; do
		printf '%s=%q\n' "$variable" "${!variable}"
	done >"$(cluster_env_file)"
}

# The Ingress line of the summaries, with the ports this cluster uses or would use.
ingress_description() {
	if [ "${INGRESS:-false}" = true ]; then
		echo "http://127.0.0.1:${INGRESS_PORT:-80} https://127.0.0.1:${INGRESS_TLS_PORT:-443} (IngressClass stevedore, the default)"
	else
		echo "off (STEVEDORE_INGRESS=true ./stevedore up runs the Ingress controller on 127.0.0.1:${INGRESS_PORT:-80} and ${INGRESS_TLS_PORT:-443})"
	fi
}

store_description() {
	if [ "$1" = embedded ]; then
		echo "embedded, in $(component_data_dir apiserver)"
	else
		redact_url "$1"
	fi
}

runtime_description() {
	if [ "$1" = simulated ]; then
		echo "simulated (node agents run no containers; pods get addresses of 100.64.0.0/10)"
	else
		echo "docker, $(docker_host)"
	fi
}

# Reads cluster.env: the options and ports the cluster runs with.
load_cluster_env() {
	STORE=embedded RUNTIME=docker PORT=8080 GATEWAY_PORT=6443 SCHEDULER_PORT=10259 CONTROLLER_PORT=10257
	PROXY_PORT=10256 NODE_PORT=10250 SERVICE_CIDR="" PROXY_CHAIN_PREFIX=""
	CLUSTER_NAME=$(default_cluster_name)
	# shellcheck disable=SC1090 # written by write_cluster_env with printf %q
	[ -f "$(cluster_env_file)" ] && . "$(cluster_env_file)"
	return 0
}

# Options not given on the command line mean "as it runs"; only the ones given are compared.
cluster_already_up() {
	local store=$1 store_given=$2 port=$3 nodes=$4 runtime=$5 differences=() registered
	load_cluster_env
	if [ -n "$runtime" ] && [ "$runtime" != "$RUNTIME" ]; then
		differences+=("its nodes use --runtime $RUNTIME, not $runtime")
	fi
	if [ "$store_given" = true ] && [ "$store" != "$STORE" ]; then
		differences+=("it uses --store $(redact_url "$STORE"), not $(redact_url "$store")")
	fi
	if [ "$port" != "$PORT" ]; then
		differences+=("its apiserver listens on port $PORT, not $port (STEVEDORE_PORT)")
	fi
	registered=$(node_names | wc -l)
	if [ -n "$nodes" ] && [ "$nodes" != "$registered" ]; then
		differences+=("it has $registered node(s), not $nodes (add or remove some with './stevedore node add|rm NAME')")
	fi
	if [ ${#differences[@]} -gt 0 ]; then
		local difference
		echo "stevedore: already up, but not as asked:" >&2
		for difference in "${differences[@]}"; do echo "  - $difference" >&2; done
		echo "  Run './stevedore down' first to restart it with the new options (data is kept unless --purge)." >&2
		exit 1
	fi
	cluster_restart_stopped_control_plane
	say "already up (state in $STEVEDORE_HOME)."
	cluster_print_summary
}

# A control-plane process that died (killed, crashed) is started again by the next `up`, as a user who
# runs `up` to "make it run" expects. Node agents are left alone: a stopped node is what `node stop`
# means (the machine died), and `node start NAME` brings it back.
cluster_restart_stopped_control_plane() {
	local stopped=() name
	for name in "${CONTROL_PLANE[@]}"; do
		component_pid "$name" >/dev/null || stopped+=("$name")
	done
	[ ${#stopped[@]} -gt 0 ] || return 0
	stevedore_find_jdk || exit 1
	say "restarting what is not running: ${stopped[*]} ..."
	for name in "${stopped[@]}"; do component_start_control "$name"; done
	wait_healthy "${stopped[@]}"
}

cluster_print_summary() {
	load_cluster_env
	local name pid
	printf '  %-22s %-8s %-26s %s\n' COMPONENT PID ADDRESS LOG
	for name in "${CONTROL_PLANE[@]}"; do
		pid=$(component_pid "$name" || echo -)
		printf '  %-22s %-8s %-26s %s\n' "$name" "$pid" "$(component_address "$name")" "$(component_log "$name")"
	done
	for name in $(node_names); do
		pid=$(component_pid "$(node_component "$name")" || echo stopped)
		printf '  %-22s %-8s %-26s %s\n' "node $name" "$pid" "$(component_address "$(node_component "$name")")" \
			"$(component_log "$(node_component "$name")")"
	done
	echo "  store:      $(store_description "$STORE")"
	echo "  runtime:    $(runtime_description "$RUNTIME")"
	echo "  ingress:    $(ingress_description)"
	echo "  kubeconfig: $(stevedore_kubeconfig) (context $STEVEDORE_CONTEXT, via the gateway $(gateway_url))"
}

# Every component of this cluster, control plane and node agents, as process names.
all_components() {
	local name
	printf '%s\n' "${CONTROL_PLANE[@]}"
	for name in $(node_names); do node_component "$name"; done
}

cluster_down() {
	local purge=false
	while [ $# -gt 0 ]; do
		case "$1" in
		--purge) purge=true ;;
		*) die_usage "down: unknown option '$1'." ;;
		esac
		shift
	done
	load_cluster_env
	local clients=() servers=() name
	for name in $(all_components); do
		component_pid "$name" >/dev/null || continue
		case "$name" in
		apiserver | gateway) servers+=("$name") ;;
		*) clients+=("$name") ;;
		esac
	done
	# The API's clients first, while the API still answers: the scheduler and the controllers release
	# their leader Leases and the proxy deletes its own as they stop, which with the gateway already gone
	# held each of them ~19 s in retries.
	[ ${#clients[@]} -eq 0 ] || components_stop "${clients[@]}"
	[ ${#servers[@]} -eq 0 ] || components_stop "${servers[@]}"
	[ $((${#clients[@]} + ${#servers[@]})) -gt 0 ] || say "not up (nothing runs from $STEVEDORE_HOME)."
	# The agents are gone, so nothing re-creates the pods' containers while they are removed.
	if [ -n "$(node_names)" ] && command -v docker >/dev/null 2>&1 && timeout 20 docker info >/dev/null 2>&1; then
		for name in $(node_names); do
			remove_node_containers "$name"
			remove_node_cgroups "$name"
		done
		say "removed the containers of node(s) $(node_names | tr '\n' ' ')"
	elif [ -n "$(node_names)" ]; then
		say "note: the Docker engine is not reachable; the nodes' containers (label $CLUSTER_LABEL=$CLUSTER_NAME) were not removed."
	fi
	if [ "$purge" = true ]; then
		purge_state
	fi
}

# Deletes $STEVEDORE_HOME and our kubectl context. Refuses directories that are obviously not ours.
purge_state() {
	local dir
	dir=$(readlink -m "$STEVEDORE_HOME")
	case "$dir" in
	/ | "$(readlink -m "$HOME")" | "$(readlink -m "$STEVEDORE_ROOT")")
		die "refusing to purge STEVEDORE_HOME=$STEVEDORE_HOME: that is not a Stevedore state directory." ;;
	esac
	remove_from_user_kubeconfig
	rm -rf -- "$dir"
	say "purged $dir and the '$STEVEDORE_CONTEXT' context of $(user_kubeconfig)."
}

# Exit status: 0 when every component runs and is healthy and every node is Ready, 1 otherwise (including "not up").
cluster_status() {
	[ $# -eq 0 ] || die_usage "status takes no options."
	if ! component_pid apiserver >/dev/null; then
		say "not up (state in $STEVEDORE_HOME). Start it with './stevedore up'."
		return 1
	fi
	load_cluster_env
	local name pid readyz health healthy=true conditions ready
	say "up (state in $STEVEDORE_HOME)"
	printf '  %-22s %-8s %-12s %-12s %s\n' COMPONENT PID READYZ HEALTH ADDRESS
	for name in "${CONTROL_PLANE[@]}"; do
		readyz=- health=stopped
		if pid=$(component_pid "$name"); then
			health=$(component_health "$name")
			[ "$name" != apiserver ] || readyz=$(apiserver_readyz)
		else
			pid=-
		fi
		[ "$health" = UP ] && [ "$readyz" != unreachable ] && { [ "$name" != apiserver ] || [ "$readyz" = ok ]; } ||
			healthy=false
		printf '  %-22s %-8s %-12s %-12s %s\n' "$name" "$pid" "$readyz" "$health" "$(component_address "$name")"
	done
	conditions=$(node_ready_conditions)
	echo
	printf '  %-22s %-8s %-12s %-12s %s\n' NODE PID READY HEALTH AGENT
	for name in $(node_names); do
		health=stopped
		if pid=$(component_pid "$(node_component "$name")"); then
			health=$(component_health "$(node_component "$name")")
		else
			pid=-
		fi
		ready=$(awk -v n="$name" '$1 == n {print $2}' <<<"$conditions")
		ready=${ready:-unknown}
		[ "$health" = UP ] && [ "$ready" = True ] || healthy=false
		printf '  %-22s %-8s %-12s %-12s %s\n' "$name" "$pid" "$ready" "$health" \
			"$(component_address "$(node_component "$name")")"
	done
	echo "  store:      $(store_description "$STORE")"
	echo "  runtime:    $(runtime_description "$RUNTIME")"
	echo "  ingress:    $(ingress_description)"
	echo "  kubeconfig: $(stevedore_kubeconfig) (context $STEVEDORE_CONTEXT)"
	[ "$healthy" = true ]
}
