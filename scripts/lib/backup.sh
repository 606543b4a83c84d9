# shellcheck shell=bash
# ./stevedore backup FILE | restore FILE. Sourced by ./stevedore.
#
# backup: the apiserver's GET /stevedore/backup, a consistent snapshot of the whole store taken while the
# cluster runs (pages of the store rolled forward to one revision from its change log), with a checksum.
# restore: loads such a file into an empty store and starts the cluster on it. The apiserver does the
# loading (stevedore.storage.restore-from), before it serves anything, and refuses a store that holds data.

cluster_backup() {
	[ $# -eq 1 ] || die_usage "backup takes one FILE."
	local file=$1 tmp headers revision keys
	component_pid apiserver >/dev/null || die "the cluster is not up; there is nothing to back up." \
		"Start it with './stevedore up'."
	[ ! -e "$file" ] || die "$file already exists; a backup never overwrites a file." "Choose another name or delete it."
	load_cluster_env
	tmp="$file.partial.$$"
	headers=$(mktemp)
	if ! curl -sS --fail --max-time 900 -D "$headers" -o "$tmp" "$(apiserver_url)/stevedore/backup"; then
		rm -f "$tmp" "$headers"
		die "the apiserver did not return a backup (see $(component_log apiserver))."
	fi
	revision=$(tr -d '\r' <"$headers" | sed -n 's/^[Xx]-[Ss]tevedore-[Rr]evision: //p')
	keys=$(tr -d '\r' <"$headers" | sed -n 's/^[Xx]-[Ss]tevedore-[Kk]eys: //p')
	rm -f "$headers"
	mv "$tmp" "$file"
	say "saved $keys keys at revision $revision to $file ($(du -h "$file" | cut -f1))."
}

cluster_restore() {
	[ $# -eq 1 ] || die_usage "restore takes one FILE."
	local file=$1 data="" aside="" nodes
	[ -f "$file" ] && [ -r "$file" ] || die "$file is not a readable file."
	file=$(readlink -f "$file")
	# The apiserver checks the whole file (format, checksum); this only keeps an obviously wrong file from
	# moving the current state aside.
	[ "$(gzip -dc -- "$file" 2>/dev/null | head -c 16)" = STEVEDORE-BACKUP ] ||
		die "$file is not a Stevedore backup (made by './stevedore backup FILE')."
	component_pid apiserver >/dev/null && die "the cluster is up; a restore replaces its whole state." \
		"Run './stevedore down' first, then './stevedore restore $1'."
	load_cluster_env
	nodes=$(node_names | wc -l)
	if [ "$STORE" = embedded ]; then
		data=$(component_data_dir apiserver)
		if [ -d "$data" ] && [ -n "$(ls -A "$data" 2>/dev/null)" ]; then
			aside="$data.before-restore-$(date +%Y%m%d-%H%M%S)"
			mv "$data" "$aside"
			say "moved the current state aside to $aside (delete it once the restore is right)."
		fi
	else
		say "restoring into $(redact_url "$STORE"): its key prefix must be empty, or the apiserver refuses."
	fi
	say "restoring from $file ..."
	# The apiserver reads stevedore.storage.restore-from from this variable; only this start sees it. A
	# subshell, so that a failed start (cluster_up exits) still lets us put the previous state back.
	if ! (STEVEDORE_STORAGE_RESTORE_FROM=$file cluster_up --store "$STORE" --nodes "$nodes"); then
		cluster_down >/dev/null 2>&1 || true
		if [ -n "$aside" ]; then
			rm -rf -- "$data"
			mv "$aside" "$data"
		fi
		die "the restore failed (see above). The cluster is down${aside:+ and its previous state is back in place}."
	fi
}
