# shellcheck shell=bash
# ./stevedore up | down | status | node: the local cluster's life cycle. Sourced by ./stevedore.
#
# What runs today: the apiserver (embedded store, or the Redis given with --store). Node agents, scheduler
# and controllers are not written yet; the options that need them say so and fail instead of pretending.
#
# $STEVEDORE_HOME/cluster.env records the options the running cluster was started with, so a second `up`
# can tell "already up" from "up, but not the way you ask now".

NODES_NOT_AVAILABLE="node agents are not available yet: this version of Stevedore runs the control plane only (the apiserver)."

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
		[[ "$nodes" =~ ^[0-9]+$ ]] || die_usage "--nodes: '$nodes' is not a number of nodes."
		[ "$nodes" -eq 0 ] || die "--nodes $nodes: $NODES_NOT_AVAILABLE" "Run './stevedore up' without --nodes."
	fi
	if [ -n "$runtime" ]; then
		case "$runtime" in docker | simulated) ;; *) die_usage "--runtime: '$runtime' is neither 'docker' nor 'simulated'." ;; esac
		die "--runtime $runtime: $NODES_NOT_AVAILABLE" "Run './stevedore up' without --runtime."
	fi
	[ -n "$store" ] || store=embedded
	validate_store "$store"
	local port=${STEVEDORE_PORT:-8080}
	[[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1 ] && [ "$port" -le 65535 ] ||
		die_usage "STEVEDORE_PORT='$port' is not a TCP port."

	mkdir -p "$STEVEDORE_HOME"
	if component_pid apiserver >/dev/null; then
		cluster_already_up "$store" "$store_given" "$port"
		return
	fi

	stevedore_find_jdk || exit 1
	require_command curl "check the apiserver's health" curl
	if port_in_use "$port"; then
		local owner
		owner=$(port_owner "$port")
		die "port $port on 127.0.0.1 is already in use${owner:+ by $owner}; the apiserver needs it." \
			"Stop what listens there, or choose another port: STEVEDORE_PORT=8081 ./stevedore up"
	fi
	[ "$store" = embedded ] || check_redis_reachable "$store"
	apiserver_build_if_needed

	say "starting the apiserver on $(apiserver_url "$port") (store: $(store_description "$store")) ..."
	apiserver_start "$port" "$store"
	{
		printf 'STORE=%q\n' "$store"
		printf 'PORT=%q\n' "$port"
	} >"$(cluster_env_file)"
	apiserver_wait_ready "$port"

	write_stevedore_kubeconfig "$(apiserver_url "$port")"
	merge_into_user_kubeconfig "$(apiserver_url "$port")"
	say "up. What runs where:"
	cluster_print_summary
	echo
	echo "  kubectl now uses context '$STEVEDORE_CONTEXT' (merged into $(user_kubeconfig)). Try: kubectl get namespaces"
}

store_description() {
	if [ "$1" = embedded ]; then
		echo "embedded, in $(component_data_dir apiserver)"
	else
		redact_url "$1"
	fi
}

# Reads cluster.env into STORE and PORT (the options the running cluster was started with).
load_cluster_env() {
	STORE=embedded PORT=8080
	# shellcheck disable=SC1090 # written by cluster_up with printf %q
	[ -f "$(cluster_env_file)" ] && . "$(cluster_env_file)"
	return 0
}

# Options not given on the command line mean "as it runs"; only the ones given are compared.
cluster_already_up() {
	local store=$1 store_given=$2 port=$3 differences=()
	load_cluster_env
	if [ "$store_given" = true ] && [ "$store" != "$STORE" ]; then
		differences+=("it uses --store $(redact_url "$STORE"), not $(redact_url "$store")")
	fi
	if [ "$port" != "$PORT" ]; then
		differences+=("its apiserver listens on port $PORT, not $port (STEVEDORE_PORT)")
	fi
	if [ ${#differences[@]} -gt 0 ]; then
		local difference
		echo "stevedore: already up, but not as asked:" >&2
		for difference in "${differences[@]}"; do echo "  - $difference" >&2; done
		echo "  Run './stevedore down' first to restart it with the new options (data is kept unless --purge)." >&2
		exit 1
	fi
	say "already up (state in $STEVEDORE_HOME)."
	cluster_print_summary
}

cluster_print_summary() {
	load_cluster_env
	local pid
	pid=$(component_pid apiserver || echo -)
	printf '  %-10s %-8s %-24s %s\n' COMPONENT PID ADDRESS LOG
	printf '  %-10s %-8s %-24s %s\n' apiserver "$pid" "$(apiserver_url "$PORT")" "$(component_log apiserver)"
	echo "  store:      $(store_description "$STORE")"
	echo "  kubeconfig: $(stevedore_kubeconfig) (context $STEVEDORE_CONTEXT)"
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
	if component_pid apiserver >/dev/null; then
		component_stop apiserver
	else
		say "not up (nothing runs from $STEVEDORE_HOME)."
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

# Exit status: 0 when every component runs and is healthy, 1 otherwise (including "not up").
cluster_status() {
	[ $# -eq 0 ] || die_usage "status takes no options."
	local pid readyz health
	if ! pid=$(component_pid apiserver); then
		say "not up (state in $STEVEDORE_HOME). Start it with './stevedore up'."
		return 1
	fi
	load_cluster_env
	read -r readyz health <<<"$(apiserver_health "$PORT")"
	say "up (state in $STEVEDORE_HOME)"
	printf '  %-10s %-8s %-12s %-22s %s\n' COMPONENT PID READYZ HEALTH ADDRESS
	printf '  %-10s %-8s %-12s %-22s %s\n' apiserver "$pid" "$readyz" "$health" "$(apiserver_url "$PORT")"
	echo "  store:      $(store_description "$STORE")"
	echo "  kubeconfig: $(stevedore_kubeconfig) (context $STEVEDORE_CONTEXT)"
	[ "$readyz" = ok ] && [ "$health" = UP ]
}

cluster_node() {
	local verb=${1:-} name=${2:-}
	case "$verb" in
	add | stop | start | rm) ;;
	"") die_usage "node needs a verb: add, stop, start or rm." ;;
	*) die_usage "node: unknown verb '$verb' (expected add, stop, start or rm)." ;;
	esac
	[ -n "$name" ] || die_usage "node $verb needs a NAME."
	[ $# -le 2 ] || die_usage "node $verb takes one NAME."
	die "node $verb $name: $NODES_NOT_AVAILABLE"
}
