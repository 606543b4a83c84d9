package io.stevedore.nodeagent.serving.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Who called the agent's API, as the kubelet's authenticators name them: the user, uid,
 * groups and extra of a client certificate (CN, O) or of a TokenReview's answer, always
 * with {@code system:authenticated}, as kube's authenticated group adder makes it.
 */
public record KubeletUser(String name, String uid, List<String> groups, Map<String, List<String>> extra) {

	public static final String AUTHENTICATED = "system:authenticated";

	public KubeletUser {
		uid = uid == null ? "" : uid;
		List<String> all = new ArrayList<>(groups == null ? List.of() : groups);
		if (!all.contains(AUTHENTICATED)) {
			all.add(AUTHENTICATED);
		}
		groups = List.copyOf(all);
		extra = extra == null ? Map.of() : Map.copyOf(extra);
	}

	public static KubeletUser of(String name, List<String> groups) {
		return new KubeletUser(name, "", groups, Map.of());
	}

}
