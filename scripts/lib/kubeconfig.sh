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

# install_kubeconfig: the gateway writes an admin kubeconfig (cluster CA, admin client certificate,
# server = its own URL) into its state directory at every start; it is copied to $STEVEDORE_HOME/kubeconfig
# and merged into ~/.kube/config.
install_kubeconfig() {
	local written=$STEVEDORE_HOME/pki/kubeconfig waited=0
	until [ -s "$written" ] || [ $waited -ge 100 ]; do
		sleep 0.1
		waited=$((waited + 1))
	done
	[ -s "$written" ] || die "the gateway runs but did not write $written." "See $(component_log gateway)."
	(umask 077 && cp -f "$written" "$(stevedore_kubeconfig).tmp")
	mv -f "$(stevedore_kubeconfig).tmp" "$(stevedore_kubeconfig)"
	merge_into_user_kubeconfig "$(gateway_url)"
}

# merge_into_user_kubeconfig SERVER_URL: adds or updates our cluster, user and context (certificates
# embedded, so the file stays valid if $STEVEDORE_HOME moves); keeps everything else.
merge_into_user_kubeconfig() {
	local server=$1 file pki=$STEVEDORE_HOME/pki
	file=$(user_kubeconfig)
	mkdir -p "$(dirname "$file")"
	kubectl config --kubeconfig="$file" set-cluster "$STEVEDORE_CONTEXT" --server="$server" \
		--certificate-authority="$pki/ca.crt" --embed-certs=true >/dev/null
	kubectl config --kubeconfig="$file" set-credentials "$STEVEDORE_MERGED_USER" \
		--client-certificate="$pki/admin.crt" --client-key="$pki/admin.key" --embed-certs=true >/dev/null
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
