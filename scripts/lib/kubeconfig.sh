# shellcheck shell=bash
# kubeconfig files for the local cluster. Sourced by ./stevedore.
#
# $STEVEDORE_HOME/kubeconfig holds only this cluster (cluster `stevedore`, user `admin`, context `stevedore`).
# ~/.kube/config gets the same context merged in and made current, next to the user's other contexts.
# There the user is called `stevedore-admin`: `admin` is a common name in kubeconfigs made by other tools,
# and overwriting it would silently point another cluster's context at our (credential-less) user.

STEVEDORE_CONTEXT=stevedore
STEVEDORE_MERGED_USER=stevedore-admin

stevedore_kubeconfig() { echo "$STEVEDORE_HOME/kubeconfig"; }

user_kubeconfig() { echo "$HOME/.kube/config"; }

# write_stevedore_kubeconfig SERVER_URL
write_stevedore_kubeconfig() {
	local file
	file=$(stevedore_kubeconfig)
	(
		umask 077
		cat >"$file.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: $STEVEDORE_CONTEXT
  cluster:
    server: $1
users:
- name: admin
  user: {}
contexts:
- name: $STEVEDORE_CONTEXT
  context:
    cluster: $STEVEDORE_CONTEXT
    user: admin
current-context: $STEVEDORE_CONTEXT
preferences: {}
EOF
	)
	mv -f "$file.tmp" "$file"
}

# merge_into_user_kubeconfig SERVER_URL: adds or updates our cluster, user and context; keeps everything else.
merge_into_user_kubeconfig() {
	local server=$1 file
	file=$(user_kubeconfig)
	if ! command -v kubectl >/dev/null 2>&1; then
		say "kubectl is not installed: did not touch $file; use KUBECONFIG=$(stevedore_kubeconfig)."
		return 0
	fi
	mkdir -p "$(dirname "$file")"
	kubectl config --kubeconfig="$file" set-cluster "$STEVEDORE_CONTEXT" --server="$server" >/dev/null
	kubectl config --kubeconfig="$file" set-credentials "$STEVEDORE_MERGED_USER" >/dev/null
	kubectl config --kubeconfig="$file" set-context "$STEVEDORE_CONTEXT" \
		--cluster="$STEVEDORE_CONTEXT" --user="$STEVEDORE_MERGED_USER" >/dev/null
	kubectl config --kubeconfig="$file" use-context "$STEVEDORE_CONTEXT" >/dev/null
	chmod 600 "$file"
	if [ -n "${KUBECONFIG:-}" ] && [[ ":$KUBECONFIG:" != *":$file:"* ]]; then
		say "note: KUBECONFIG=$KUBECONFIG does not include $file; run 'export KUBECONFIG=$(stevedore_kubeconfig)'."
	fi
}

# Removes what merge_into_user_kubeconfig added (used by `down --purge`); other entries stay as they were.
remove_from_user_kubeconfig() {
	local file current
	file=$(user_kubeconfig)
	[ -f "$file" ] && command -v kubectl >/dev/null 2>&1 || return 0
	current=$(kubectl config --kubeconfig="$file" current-context 2>/dev/null || true)
	kubectl config --kubeconfig="$file" delete-context "$STEVEDORE_CONTEXT" >/dev/null 2>&1 || true
	kubectl config --kubeconfig="$file" delete-cluster "$STEVEDORE_CONTEXT" >/dev/null 2>&1 || true
	kubectl config --kubeconfig="$file" delete-user "$STEVEDORE_MERGED_USER" >/dev/null 2>&1 || true
	if [ "$current" = "$STEVEDORE_CONTEXT" ]; then
		kubectl config --kubeconfig="$file" unset current-context >/dev/null 2>&1 || true
	fi
}
