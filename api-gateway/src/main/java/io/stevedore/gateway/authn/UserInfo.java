package io.stevedore.gateway.authn;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Who made a request, as Kubernetes' {@code user.Info}: name, uid, groups and extra.
 */
public record UserInfo(String name, String uid, List<String> groups, Map<String, List<String>> extra) {

	public static final String ANONYMOUS = "system:anonymous";

	public static final String ALL_AUTHENTICATED = "system:authenticated";

	public static final String ALL_UNAUTHENTICATED = "system:unauthenticated";

	public static final String MASTERS = "system:masters";

	public static final UserInfo ANONYMOUS_USER = new UserInfo(ANONYMOUS, "", List.of(ALL_UNAUTHENTICATED), Map.of());

	public UserInfo {
		uid = uid == null ? "" : uid;
		groups = List.copyOf(groups);
		extra = Map.copyOf(extra);
	}

	public static UserInfo of(String name, List<String> groups) {
		return new UserInfo(name, "", groups, Map.of());
	}

	/**
	 * This user with {@code system:authenticated} added, as kube-apiserver does for every
	 * credential.
	 */
	public UserInfo authenticated() {
		if (this.groups.contains(ALL_AUTHENTICATED)) {
			return this;
		}
		List<String> all = new ArrayList<>(this.groups);
		all.add(ALL_AUTHENTICATED);
		return new UserInfo(this.name, this.uid, all, this.extra);
	}

	public boolean isAnonymous() {
		return ANONYMOUS.equals(this.name);
	}

}
