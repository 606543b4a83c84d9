# shellcheck shell=bash
# The components' own identities: each gets a client certificate from the cluster CA and talks to the API
# through the gateway with it, as kubeadm gives kube-scheduler, kube-controller-manager, kube-proxy and each
# kubelet their own (the gateway's RBAC, Node authorizer and NodeRestriction then apply to them).
# Sourced by ./stevedore.
#
#   $STEVEDORE_HOME/pki/identities/NAME.crt, NAME.key  CN=user, O=group, signed by pki/ca.key, clientAuth
#   $STEVEDORE_HOME/pki/identities/NAME.kubeconfig     the same credentials for kubectl (--kubeconfig)
#   .../apiserver-kubelet-client.crt, .key              what the apiserver presents to node agents (no kubeconfig)
#   .../node-NAME-serving.crt, .key                     a node agent's HTTPS certificate, written by the agent
#
# The gateway creates the CA at its first start; certificates are issued after it, with openssl, so
# `node add` can issue a new node's without the gateway's help. A certificate is kept across `up`s and
# reissued when the CA changed, its subject differs, or it expires within 30 days.

identities_dir() { echo "$STEVEDORE_HOME/pki/identities"; }

# The subject each component authenticates as (Kubernetes' names, so its default RBAC roles apply).
component_subject() {
	case "$1" in
	scheduler) echo "/CN=system:kube-scheduler" ;;
	controllers) echo "/CN=system:kube-controller-manager" ;;
	proxy) echo "/CN=system:kube-proxy" ;;
	node-*) echo "/O=system:nodes/CN=system:node:${1#node-}" ;;
	# What the apiserver presents to node agents (kube-apiserver's --kubelet-client-certificate), kubeadm's
	# user without a group: the agents ask RBAC (SubjectAccessReview), where the gateway's default
	# ClusterRoleBinding kubeadm:kubelet-api-admin grants it system:kubelet-api-admin, and nothing more.
	apiserver-kubelet-client) echo "/CN=kube-apiserver-kubelet-client" ;;
	*) return 1 ;;
	esac
}

# wait_cluster_ca: the gateway writes ca.crt and ca.key early in its start; waits for both (or its exit).
wait_cluster_ca() {
	local pki=$STEVEDORE_HOME/pki deadline
	deadline=$((SECONDS + ${STEVEDORE_UP_TIMEOUT:-180}))
	until [ -s "$pki/ca.crt" ] && [ -s "$pki/ca.key" ]; do
		if ! component_pid gateway >/dev/null; then
			echo "stevedore: the gateway exited before it made the cluster CA. The end of $(component_log gateway):" >&2
			component_log_tail gateway
			exit 1
		fi
		[ $SECONDS -lt $deadline ] || die "the gateway made no cluster CA ($pki/ca.crt) within ${STEVEDORE_UP_TIMEOUT:-180}s; see $(component_log gateway)."
		sleep 0.2
	done
}

# identity_current NAME SUBJECT: whether NAME's certificate exists, is signed by the current CA, has the
# subject and is valid for 30 more days.
identity_current() {
	local dir pki=$STEVEDORE_HOME/pki subject
	dir=$(identities_dir)
	[ -s "$dir/$1.crt" ] && [ -s "$dir/$1.key" ] || return 1
	openssl verify -CAfile "$pki/ca.crt" "$dir/$1.crt" >/dev/null 2>&1 || return 1
	openssl x509 -in "$dir/$1.crt" -noout -checkend $((30 * 24 * 3600)) >/dev/null 2>&1 || return 1
	subject=$(openssl x509 -in "$dir/$1.crt" -noout -subject -nameopt compat 2>/dev/null) || return 1
	[ "${subject#subject=}" = "$2" ]
}

# issue_identity NAME: NAME's client certificate, key and kubeconfig (made or kept, see above).
issue_identity() {
	issue_client_certificate "$1"
	write_identity_kubeconfig "$1" "$(component_subject "$1")"
}

# issue_client_certificate NAME: NAME's client certificate and key only (made or kept, see above).
issue_client_certificate() {
	local name=$1 subject dir pki=$STEVEDORE_HOME/pki extensions
	subject=$(component_subject "$name") || die "no identity is defined for component '$name'."
	dir=$(identities_dir)
	mkdir -p "$dir"
	chmod 700 "$dir"
	if ! identity_current "$name" "$subject"; then
		require_command openssl "issue the components' client certificates" openssl
		extensions=$(mktemp)
		printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
			"extendedKeyUsage=clientAuth" "authorityKeyIdentifier=keyid" >"$extensions"
		# RSA, not EC as the CA: fabric8's client reads an unencrypted PKCS#8 key as RSA unless told otherwise.
		(umask 077 && openssl req -new -newkey rsa:2048 -nodes \
			-keyout "$dir/$name.key.tmp" -subj "$subject" 2>/dev/null |
			openssl x509 -req -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -set_serial "0x$(openssl rand -hex 16)" \
				-days 365 -sha256 -extfile "$extensions" -out "$dir/$name.crt.tmp" 2>/dev/null) ||
			{
				rm -f "$extensions" "$dir/$name.key.tmp" "$dir/$name.crt.tmp"
				die "openssl could not issue the client certificate of $name ($subject) from $pki/ca.key."
			}
		rm -f "$extensions"
		mv -f "$dir/$name.key.tmp" "$dir/$name.key"
		mv -f "$dir/$name.crt.tmp" "$dir/$name.crt"
	fi
}

# The apiserver's connections to the node agents, as kube-apiserver's --kubelet-certificate-authority,
# --kubelet-client-certificate and --kubelet-client-key: HTTPS, the agent's serving certificate checked against
# the cluster CA (the controllers' csrsigning issues it, csrapproving approves the node's own request), and
# the apiserver authenticating with pki/identities/apiserver-kubelet-client.* (issued once the gateway has
# made the CA, so after the apiserver started: it reads them at its first call to an agent).
apiserver_kubelet_options() {
	local dir
	dir=$(identities_dir)
	echo "--stevedore.apiserver.kubelet.certificate-authority=$(gateway_ca)" \
		"--stevedore.apiserver.kubelet.client-certificate=$dir/apiserver-kubelet-client.crt" \
		"--stevedore.apiserver.kubelet.client-key=$dir/apiserver-kubelet-client.key"
}

# node_serving_options NAME: the agent's own HTTPS port (serverTLSBootstrap): its serving certificate asked of
# the cluster and kept in pki/identities/NAME-serving.*, and callers (the apiserver) required to present a
# client certificate of the cluster CA.
node_serving_options() {
	local dir
	dir=$(identities_dir)
	echo "--stevedore.node.serving.cert-file=$dir/$1-serving.crt --stevedore.node.serving.key-file=$dir/$1-serving.key" \
		"--stevedore.node.serving.tls-bootstrap=true --stevedore.node.serving.client-ca-file=$(gateway_ca)"
}

# write_identity_kubeconfig NAME SUBJECT: a kubeconfig naming the files (not embedding them), so a reissued
# certificate needs no new kubeconfig; its user is the certificate's CN.
write_identity_kubeconfig() {
	local name=$1 user dir
	dir=$(identities_dir)
	user=${2##*/CN=}
	(umask 077 && cat >"$dir/$name.kubeconfig.tmp" <<-YAML
		apiVersion: v1
		kind: Config
		clusters:
		- name: $STEVEDORE_CONTEXT
		  cluster:
		    server: $(gateway_url)
		    certificate-authority: $(gateway_ca)
		users:
		- name: "$user"
		  user:
		    client-certificate: $dir/$name.crt
		    client-key: $dir/$name.key
		contexts:
		- name: $STEVEDORE_CONTEXT
		  context:
		    cluster: $STEVEDORE_CONTEXT
		    user: "$user"
		current-context: $STEVEDORE_CONTEXT
	YAML
	)
	mv -f "$dir/$name.kubeconfig.tmp" "$dir/$name.kubeconfig"
}

# identity_client_options NAME: the options that point a component's API client at the gateway with its
# identity (client-support's stevedore.apiserver.*). Call issue_identity first, in the main shell: a
# failure there must stop `up`, which it cannot from inside $(...).
identity_client_options() {
	local dir
	dir=$(identities_dir)
	echo "--stevedore.apiserver.url=$(gateway_url) --stevedore.apiserver.ca-cert-file=$(gateway_ca)" \
		"--stevedore.apiserver.client-cert-file=$dir/$1.crt --stevedore.apiserver.client-key-file=$dir/$1.key"
}

# remove_identity NAME: forgets NAME's certificate, key and kubeconfig, and a node's serving pair (`node rm`).
remove_identity() {
	local dir
	dir=$(identities_dir)
	rm -f -- "$dir/$1.crt" "$dir/$1.key" "$dir/$1.kubeconfig" "$dir/$1-serving.crt" "$dir/$1-serving.key"
}

# Node agents get their identity by TLS bootstrapping, as kubelets do: one bootstrap token (a Secret
# kube-system/bootstrap-token-ID of type bootstrap.kubernetes.io/token, made with the admin kubeconfig once
# the gateway is up) lets an agent post a CertificateSigningRequest for system:node:NAME, which the
# controllers' csrapproving approves and csrsigning signs with the cluster CA. The token is kept in
#   $STEVEDORE_HOME/pki/bootstrap-token   ID.SECRET, mode 600
# and the agent writes its certificate and key where issue_identity would have (pki/identities/node-NAME.*).
# Like kubeadm's, the token expires (STEVEDORE_BOOTSTRAP_TOKEN_TTL seconds, kubeadm's 24h by default; 0: never);
# the controllers' tokencleaner deletes its Secret then, and the next `up` or `node add` makes a new one.
bootstrap_token_file() { echo "$STEVEDORE_HOME/pki/bootstrap-token"; }

# A kept token with less than this left is replaced, so an agent started with it has time to bootstrap.
BOOTSTRAP_TOKEN_MIN_LEFT=600

# bootstrap_token_usable TOKEN: whether the token's Secret exists and expires (if at all) no sooner than
# BOOTSTRAP_TOKEN_MIN_LEFT seconds from now.
bootstrap_token_usable() {
	local admin=$STEVEDORE_HOME/pki/kubeconfig expiration expires
	expiration=$(kubectl --kubeconfig "$admin" -n kube-system get secret "bootstrap-token-${1%%.*}" \
		-o 'jsonpath={.data.expiration}' --request-timeout=10s 2>/dev/null) || return 1
	[ -n "$expiration" ] || return 0
	expires=$(date -u -d "$(echo "$expiration" | base64 -d)" +%s 2>/dev/null) || return 1
	[ "$expires" -ge $(($(date -u +%s) + BOOTSTRAP_TOKEN_MIN_LEFT)) ]
}

# bootstrap_token_expiration: the RFC 3339 expiration of a token made now, empty when tokens never expire.
bootstrap_token_expiration() {
	local ttl=${STEVEDORE_BOOTSTRAP_TOKEN_TTL:-86400}
	case "$ttl" in '' | *[!0-9]*) die "STEVEDORE_BOOTSTRAP_TOKEN_TTL must be a number of seconds, got '$ttl'." ;; esac
	[ "$ttl" -eq 0 ] || date -u -d "@$(($(date -u +%s) + ttl))" +%FT%TZ
}

# ensure_bootstrap_token: the token file and its Secret (made again if either is gone, or the token expires
# within BOOTSTRAP_TOKEN_MIN_LEFT seconds).
ensure_bootstrap_token() {
	local file admin=$STEVEDORE_HOME/pki/kubeconfig id secret expiration tries=0
	file=$(bootstrap_token_file)
	if [ -s "$file" ] && bootstrap_token_usable "$(cat "$file")"; then
		return 0
	fi
	# die in the substitution ends only the subshell.
	expiration=$(bootstrap_token_expiration) || exit 1
	# Hex is within Kubernetes' [a-z0-9]{6}.[a-z0-9]{16}.
	id=$(openssl rand -hex 3)
	secret=$(openssl rand -hex 8)
	# The gateway answers 403 until its default roles are cached: a few tries.
	# shellcheck disable=SC2046 # the expiration option is one word or none
	until kubectl --kubeconfig "$admin" -n kube-system create secret generic "bootstrap-token-$id" \
		--type=bootstrap.kubernetes.io/token --from-literal=token-id="$id" --from-literal=token-secret="$secret" \
		--from-literal=usage-bootstrap-authentication=true --from-literal=usage-bootstrap-signing=true \
		--from-literal=description="node agents of ./stevedore (TLS bootstrapping)" \
		$([ -z "$expiration" ] || echo "--from-literal=expiration=$expiration") \
		--request-timeout=10s >/dev/null 2>&1; do
		tries=$((tries + 1))
		[ $tries -lt 30 ] || die "could not create the bootstrap token Secret kube-system/bootstrap-token-$id with $admin."
		sleep 1
	done
	(umask 077 && echo "$id.$secret" >"$file.tmp")
	mv -f "$file.tmp" "$file"
}

# node_bootstrap_options NAME: the agent's API client: the gateway and its CA, the bootstrap token, and where
# its own certificate and key are (or will be, once bootstrapped). Call ensure_bootstrap_token first.
node_bootstrap_options() {
	local dir
	dir=$(identities_dir)
	echo "--stevedore.apiserver.url=$(gateway_url) --stevedore.apiserver.ca-cert-file=$(gateway_ca)" \
		"--stevedore.node.bootstrap.token-file=$(bootstrap_token_file)" \
		"--stevedore.node.bootstrap.cert-file=$dir/$1.crt --stevedore.node.bootstrap.key-file=$dir/$1.key"
}
