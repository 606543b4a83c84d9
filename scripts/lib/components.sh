# shellcheck shell=bash
# The control plane's components: how each is started, where it listens, how its health is read.
# Sourced by ./stevedore.
#
#   apiserver    http://127.0.0.1:$PORT          (8080)  the only one that touches the store
#   gateway      https://0.0.0.0:$GATEWAY_PORT   (6443)  TLS, authentication, RBAC; what kubectl talks to
#                http://127.0.0.1:$GATEWAY_PORT+1 (6444) admission, called by the apiserver on every write
#   scheduler    http://127.0.0.1:$SCHEDULER_PORT (10259)
#   controllers  http://127.0.0.1:$CONTROLLER_PORT (10257)
#   proxy        http://127.0.0.1:$PROXY_PORT    (10256)  one for the machine: every local node shares its kernel;
#                                                         Services (iptables) and cluster DNS on $(cluster_dns_address):53
#
# Scheduler, controllers, proxy and node agents reach the API through the gateway's TLS port, each with its
# own client certificate (identities.sh), so RBAC, the Node authorizer and NodeRestriction apply to them as
# in Kubernetes. Only the gateway talks to the apiserver, which listens on 127.0.0.1 only, as do the
# components' Actuator ports; only the gateway (TLS, authenticated) listens on every interface.

CONTROL_PLANE=(apiserver gateway scheduler controllers proxy)

# The heap cap of each component (-Xmx); the rest of the JVM options are in process.sh.
declare -A COMPONENT_HEAP=([apiserver]=192m [gateway]=128m [scheduler]=96m [controllers]=128m [proxy]=64m [node]=96m)
# The young generation (-Xmn). The serial collector otherwise gives it a third of the heap, and eden is
# touched end to end between two collections, idle or not: 8m saves 10-20 MiB of RSS per JVM
# (docs/benchmarks.md, "Local cluster footprint") for more frequent, short minor collections. The apiserver
# keeps the default: it carries every request and the watch fan-out. Heavy Ingress traffic through the proxy
# wants a larger one: STEVEDORE_JAVA_OPTS=-Xmn64m (it comes last and wins).
declare -A COMPONENT_YOUNG=([gateway]=8m [scheduler]=8m [controllers]=8m [proxy]=8m [node]=8m)
# The JIT: C1 only for all (process.sh) but the gateway, which every request of the cluster goes through
# (TLS, authentication, RBAC, audit, proxying): with C2 it used 0.18-0.29 instead of 0.48 ms of CPU per
# proxied GET and 0.55-0.69 instead of 1.09-1.43 ms per create, and carried 61-85 % instead of 49-53 % of
# the apiserver's direct create rate (docs/benchmarks.md, "api-gateway (issue 6)"). The price: a C2 compiler
# thread, 29-38 MiB more RSS after start-up (239-248 vs 210 MiB) and 37-92 MiB more after load; the idle
# cluster's footprint (docs/benchmarks.md, issue 8: 1510 of < 1536 MiB) was not re-measured with it.
# Its C2 code needs a larger code cache than the others' 40m (36 MiB in use after a GET load): with 40m,
# each 6 MiB of new code (SweeperThreshold, 15 % of the cache) triggered a full collection to unload code,
# six 110-160 ms pauses of every request in the gateway's first 2.5 minutes under load; with 64m and a
# threshold of 50 %, one (docs/benchmarks.md, "Gateway code cache"). The cache is reserved, not resident.
declare -A COMPONENT_JIT=([gateway]="-XX:TieredStopAtLevel=4 -XX:CICompilerCount=2 -XX:ReservedCodeCacheSize=64m -XX:SweeperThreshold=50")

# Sets PORT GATEWAY_PORT SCHEDULER_PORT CONTROLLER_PORT PROXY_PORT NODE_PORT, and INGRESS INGRESS_PORT INGRESS_TLS_PORT,
# from the environment (or the Kubernetes defaults; the Ingress on 80 and 443 of 127.0.0.1, as k3s's) and checks them.
read_port_settings() {
	PORT=${STEVEDORE_PORT:-8080}
	GATEWAY_PORT=${STEVEDORE_GATEWAY_PORT:-6443}
	SCHEDULER_PORT=${STEVEDORE_SCHEDULER_PORT:-10259}
	CONTROLLER_PORT=${STEVEDORE_CONTROLLER_PORT:-10257}
	PROXY_PORT=${STEVEDORE_PROXY_PORT:-10256}
	NODE_PORT=${STEVEDORE_NODE_PORT:-10250}
	INGRESS=${STEVEDORE_INGRESS:-false}
	INGRESS_PORT=${STEVEDORE_INGRESS_PORT:-80}
	INGRESS_TLS_PORT=${STEVEDORE_INGRESS_TLS_PORT:-443}
	case "$INGRESS" in
	true | false) ;;
	*) die_usage "STEVEDORE_INGRESS='$INGRESS' is neither 'true' nor 'false'." ;;
	esac
	[ -z "${STEVEDORE_PROXY_CHAIN_PREFIX:-}" ] || [[ "$STEVEDORE_PROXY_CHAIN_PREFIX" =~ ^[A-Z][A-Z0-9]{0,8}$ ]] ||
		die_usage "STEVEDORE_PROXY_CHAIN_PREFIX='$STEVEDORE_PROXY_CHAIN_PREFIX' is not 1-9 upper-case letters or digits starting with a letter."
	local pair variable value
	for pair in STEVEDORE_PORT:PORT STEVEDORE_GATEWAY_PORT:GATEWAY_PORT STEVEDORE_SCHEDULER_PORT:SCHEDULER_PORT \
		STEVEDORE_CONTROLLER_PORT:CONTROLLER_PORT STEVEDORE_PROXY_PORT:PROXY_PORT STEVEDORE_NODE_PORT:NODE_PORT \
		STEVEDORE_INGRESS_PORT:INGRESS_PORT STEVEDORE_INGRESS_TLS_PORT:INGRESS_TLS_PORT; do
		variable=${pair#*:}
		value=${!variable}
		[[ "$value" =~ ^[0-9]+$ ]] && [ "$value" -ge 1 ] && [ "$value" -le 65535 ] ||
			die_usage "${pair%%:*}='$value' is not a TCP port."
	done
	# Two components on one port would fail later, one of them half-started; the gateway's admission
	# endpoint takes the port after the gateway's.
	local -A owner_of=()
	local uses=(STEVEDORE_PORT:$PORT STEVEDORE_GATEWAY_PORT:$GATEWAY_PORT
		"STEVEDORE_GATEWAY_PORT+1 (the gateway's admission endpoint):$((GATEWAY_PORT + 1))"
		STEVEDORE_SCHEDULER_PORT:$SCHEDULER_PORT STEVEDORE_CONTROLLER_PORT:$CONTROLLER_PORT
		STEVEDORE_PROXY_PORT:$PROXY_PORT STEVEDORE_NODE_PORT:$NODE_PORT)
	[ "$INGRESS" = false ] || uses+=(STEVEDORE_INGRESS_PORT:$INGRESS_PORT STEVEDORE_INGRESS_TLS_PORT:$INGRESS_TLS_PORT)
	for pair in "${uses[@]}"; do
		value=${pair##*:}
		[ -z "${owner_of[$value]:-}" ] || die_usage "${owner_of[$value]} and ${pair%:*} are both port $value."
		owner_of[$value]=${pair%:*}
	done
}

# The proxy's Ingress controller, when STEVEDORE_INGRESS=true: off by default because it costs the proxy
# 15-20 MiB of RSS, which the idle footprint target (docs/benchmarks.md) has no room for.
ingress_options() {
	[ "${INGRESS:-false}" = true ] || return 0
	echo "--stevedore.proxy.ingress.enabled=true --stevedore.proxy.ingress.bind-address=127.0.0.1" \
		"--stevedore.proxy.ingress.http-port=${INGRESS_PORT:-80} --stevedore.proxy.ingress.https-port=${INGRESS_TLS_PORT:-443}"
}

# The port of a control-plane component, as the running cluster has it (cluster.env loaded).
component_port() {
	case "$1" in
	apiserver) echo "$PORT" ;;
	gateway) echo "$GATEWAY_PORT" ;;
	scheduler) echo "$SCHEDULER_PORT" ;;
	controllers) echo "$CONTROLLER_PORT" ;;
	proxy) echo "$PROXY_PORT" ;;
	node-*) node_port "${1#node-}" ;;
	esac
}

component_address() {
	case "$1" in
	gateway) echo "https://127.0.0.1:$GATEWAY_PORT" ;;
	# HTTPS with the serving certificate the cluster CA issued it (identities.sh, node_serving_options).
	node-*) echo "https://127.0.0.1:$(component_port "$1")" ;;
	*) echo "http://127.0.0.1:$(component_port "$1")" ;;
	esac
}

apiserver_url() { echo "http://127.0.0.1:$PORT"; }
# The gateway's admission endpoint (plain HTTP, loopback only), next to its TLS port.
admission_url() { echo "http://127.0.0.1:$((GATEWAY_PORT + 1))"; }

# The Services' ClusterIP range: the apiserver allocates from it, the proxy blackholes it and captures its
# addresses. Both must be given the same value, so it is set here once.
# cluster.env records it (SERVICE_CIDR) for the commands after `up`.
service_cidr() { echo "${SERVICE_CIDR:-${STEVEDORE_SERVICE_CIDR:-10.96.0.0/12}}"; }

# service_address N: the Nth address of the service range (its base address plus N).
service_address() {
	local network a b c d
	network=$(service_cidr)
	IFS=. read -r a b c d <<<"${network%/*}"
	echo "$a.$b.$c.$((d + $1))"
}

# The prefix of the proxy's iptables chains (and of the label of its lo addresses), and of its NetworkPolicy chains
# with an N after it: two clusters on one machine (two tests' at once) must not share chains, or each proxy
# rewrites the other's. Empty: the proxy's own defaults (STEVEDORE, STVDNP). cluster.env records it.
proxy_chain_prefix() { echo "${PROXY_CHAIN_PREFIX:-${STEVEDORE_PROXY_CHAIN_PREFIX:-}}"; }

proxy_chain_options() {
	local prefix
	prefix=$(proxy_chain_prefix)
	[ -n "$prefix" ] || return 0
	echo "--stevedore.proxy.chain-prefix=$prefix --stevedore.proxy.network-policy.chain-prefix=${prefix}N"
}

# The cluster DNS address: the tenth address of the service range (10.96.0.10, as kubeadm's kube-dns). The
# proxy puts it on lo and serves :53 there; the node agents write it into the pods' resolv.conf.
cluster_dns_address() { service_address 10; }

# The default/kubernetes Service's ClusterIP: the first address of the range (10.96.0.1), as the apiserver
# allocates it (apiserver bootstrap/KubernetesService).
kubernetes_service_address() { service_address 1; }

# Where pods reach the API: the gateway's port on the pods' bridge gateway (the gateway listens on every
# interface), given to the apiserver as the endpoint of the default/kubernetes Service, so that in-cluster
# clients (KUBERNETES_SERVICE_HOST, kubernetes.default.svc) get through the proxy's ClusterIP rules to it.
# Empty when the Docker engine cannot say (no pods can run then): the Service has no endpoints.
kubernetes_service_endpoint() {
	local address
	address=$(pod_network_gateway) || true
	[ -z "$address" ] || echo "$address:$GATEWAY_PORT"
}

# The names and addresses the gateway's serving certificate carries: loopback for kubectl on this machine,
# and what in-cluster clients dial (the Service's names and ClusterIP, and the bridge address its endpoint
# is on), as kube-apiserver's certificate carries kubernetes.default.svc and the Service IP.
gateway_subject_alternative_names() {
	local names="127.0.0.1,localhost,$(kubernetes_service_address),kubernetes,kubernetes.default"
	names+=",kubernetes.default.svc,kubernetes.default.svc.cluster.local"
	local endpoint
	endpoint=$(kubernetes_service_endpoint)
	[ -z "$endpoint" ] || names+=",${endpoint%:*}"
	echo "$names"
}

# The proxy's node name, which names its applied-revision Lease (kube-node-lease/stevedore-proxy-NAME) that
# every node agent waits on before stopping a pod. One proxy serves the whole machine (all local nodes share
# its kernel), so it is named after the machine, as kube-proxy is by default: the host name, made a valid
# DNS-1123 label.
proxy_node_name() {
	local name
	name=$(hostname 2>/dev/null | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9-\n' '-' | sed -E 's/^-+//; s/-+$//' | cut -c1-48)
	echo "${name:-localhost}"
}
gateway_url() { echo "https://127.0.0.1:$GATEWAY_PORT"; }

# The apiserver's EncryptionConfiguration: secrets encrypted at rest with an AES-GCM key the apiserver makes at
# its first start (stevedore.encryption.generate-if-missing) and keeps (mode 600) with the CA. identity comes
# last so a cluster made before encryption still reads its old plaintext secrets; each is encrypted at its next
# write. Rotation: docs/operations.md.
encryption_config() {
	mkdir -p "$STEVEDORE_HOME/pki"
	echo "$STEVEDORE_HOME/pki/encryption-config.yaml"
}
gateway_ca() { echo "$STEVEDORE_HOME/pki/ca.crt"; }

# component_start_control NAME: starts one control-plane component of the cluster described by the
# current settings (STORE and the ports).
component_start_control() {
	local name=$1 apiserver storage_url=""
	apiserver=$(apiserver_url)
	case "$name" in
	apiserver)
		[ "$STORE" = embedded ] || storage_url=$STORE
		mkdir -p "$(component_data_dir apiserver)"
		# shellcheck disable=SC2046 # apiserver_kubelet_options prints separate options
		component_start apiserver "${COMPONENT_HEAP[apiserver]}" -jar "$(component_jar apiserver)" \
			--server.address=127.0.0.1 --server.port="$PORT" \
			--stevedore.apiserver.advertise-address="127.0.0.1:$PORT" \
			--stevedore.apiserver.service-cidr="$(service_cidr)" \
			--stevedore.apiserver.kubernetes-service-endpoint="$(kubernetes_service_endpoint)" \
			--stevedore.storage.url="$storage_url" \
			--stevedore.storage.embedded-dir="$(component_data_dir apiserver)" \
			--stevedore.apiserver.admission.url="$(admission_url)" \
			--stevedore.encryption.provider-config="$(encryption_config)" \
			--stevedore.encryption.generate-if-missing=true \
			$(apiserver_kubelet_options)
		;;
	gateway)
		# The kube-api-access token volume in every pod, as Kubernetes: the node agents fetch the tokens with
		# TokenRequest through the gateway (with their node identity), and the controllers publish the CA
		# (kube-root-ca.crt) from the file they trust the gateway with.
		# DefaultTolerationSeconds: 5 s instead of Kubernetes' 300 s, so that with the controllers' 8 s node
		# grace period a lost machine's pods run elsewhere in under 20 s.
		component_start gateway "${COMPONENT_HEAP[gateway]}" -jar "$(component_jar gateway)" \
			--server.port="$GATEWAY_PORT" \
			--stevedore.gateway.upstreams="$apiserver" \
			--stevedore.gateway.state-dir="$STEVEDORE_HOME/pki" \
			--stevedore.gateway.tls.server="$(gateway_url)" \
			--stevedore.gateway.tls.subject-alternative-names="$(gateway_subject_alternative_names)" \
			--stevedore.gateway.audit.path="$STEVEDORE_HOME/logs/audit.log" \
			--stevedore.gateway.admission.port="$((GATEWAY_PORT + 1))" \
			--stevedore.gateway.admission.service-account-token-volume=true \
			--stevedore.gateway.admission.default-not-ready-toleration-seconds=5 \
			--stevedore.gateway.admission.default-unreachable-toleration-seconds=5
		;;
	scheduler)
		issue_identity "$name"
		# shellcheck disable=SC2046 # identity_client_options prints separate options
		component_start "$name" "${COMPONENT_HEAP[$name]}" -jar "$(component_jar "$name")" \
			--server.address=127.0.0.1 --server.port="$(component_port "$name")" \
			$(identity_client_options "$name")
		;;
	controllers)
		issue_identity "$name"
		# local-path volumes live under the cluster's home, one directory per node, so
		# ./stevedore down --purge removes them with the rest.
		# shellcheck disable=SC2046 # identity_client_options prints separate options
		component_start "$name" "${COMPONENT_HEAP[$name]}" -jar "$(component_jar "$name")" \
			--server.address=127.0.0.1 --server.port="$(component_port "$name")" \
			$(identity_client_options "$name") \
			--stevedore.volumes.local-path-root="$STEVEDORE_HOME/volumes" \
			--stevedore.controllers.cluster-signing-cert-file="$STEVEDORE_HOME/pki/ca.crt" \
			--stevedore.controllers.cluster-signing-key-file="$STEVEDORE_HOME/pki/ca.key"
		;;
	proxy)
		issue_identity proxy
		# Stopped with SIGTERM (components_stop), it removes its chains, lo addresses, route and Lease.
		# shellcheck disable=SC2046 # identity_client_options prints separate options
		component_start proxy "${COMPONENT_HEAP[proxy]}" -jar "$(component_jar proxy)" \
			--server.address=127.0.0.1 --server.port="$PROXY_PORT" \
			$(identity_client_options proxy) \
			--stevedore.proxy.node-name="$(proxy_node_name)" \
			--stevedore.proxy.service-cidr="$(service_cidr)" \
			--stevedore.proxy.dns.enabled=true \
			--stevedore.proxy.dns.address="$(cluster_dns_address)" \
			$(proxy_chain_options) \
			$(ingress_options)
		;;
	esac
}

# component_health NAME: the status of GET /actuator/health ("UP", "DOWN", ...), or "unreachable".
component_health() {
	local url health
	url="$(component_address "$1")/actuator/health"
	health=$(curl -sS --max-time 3 --cacert "$(gateway_ca)" "$url" 2>/dev/null |
		grep -o '"status":"[A-Z_]*"' | head -n 1 | cut -d'"' -f4) || true
	echo "${health:-unreachable}"
}

# The apiserver's /readyz: "ok", or what it said, or "unreachable".
apiserver_readyz() {
	local readyz
	readyz=$(curl -sS --max-time 3 "$(apiserver_url)/readyz" 2>/dev/null) || readyz=unreachable
	echo "${readyz:-empty}"
}

# wait_healthy NAME...: polls every component's health until all are UP (and the apiserver's /readyz is ok);
# fails early, with its log, when one exits, and at STEVEDORE_UP_TIMEOUT with the log of the late ones.
wait_healthy() {
	local timeout=${STEVEDORE_UP_TIMEOUT:-180} deadline name waiting
	deadline=$((SECONDS + timeout))
	while :; do
		waiting=()
		for name in "$@"; do
			if ! component_pid "$name" >/dev/null; then
				echo "stevedore: $name exited while starting. The end of $(component_log "$name"):" >&2
				component_log_tail "$name"
				exit 1
			fi
			if [ "$name" = apiserver ] && [ "$(apiserver_readyz)" != ok ]; then
				waiting+=("$name")
			elif [ "$(component_health "$name")" != UP ]; then
				waiting+=("$name")
			fi
		done
		[ ${#waiting[@]} -gt 0 ] || return 0
		if [ $SECONDS -ge $deadline ]; then
			echo "stevedore: not healthy within ${timeout}s: ${waiting[*]} (GET .../actuator/health)." >&2
			echo "  They still run; see their logs, or raise STEVEDORE_UP_TIMEOUT. The last lines:" >&2
			for name in "${waiting[@]}"; do
				echo "  $(component_log "$name"):" >&2
				component_log_tail "$name" 15
			done
			exit 1
		fi
		# A check is a few curl calls: four a second answers sooner than one, for next to no CPU.
		sleep 0.25
	done
}
