package io.stevedore.gateway.authz;

import java.util.List;

import io.stevedore.gateway.authn.UserInfo;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ForbiddenMessagesTest {

	private static final UserInfo JANE = UserInfo.of("jane", List.of());

	@Test
	void aNamespacedListIsWordedAsKubernetes() {
		assertThat(ForbiddenMessages.forbidden(JANE, RequestInfo.resource("list", "", "default", "pods", "", ""))
			.getMessage())
			.isEqualTo("pods is forbidden: User \"jane\" cannot list resource \"pods\" in API group \"\" "
					+ "in the namespace \"default\"");
	}

	@Test
	void aNamedClusterScopedObjectOfAGroupNamesObjectAndScope() {
		var status = ForbiddenMessages.forbidden(JANE,
				RequestInfo.resource("delete", "rbac.authorization.k8s.io", "", "clusterroles", "", "admin"));
		assertThat(status.getMessage()).isEqualTo("clusterroles.rbac.authorization.k8s.io \"admin\" is forbidden: "
				+ "User \"jane\" cannot delete resource \"clusterroles\" in API group \"rbac.authorization.k8s.io\" "
				+ "at the cluster scope");
		assertThat(status.getCode()).isEqualTo(403);
		assertThat(status.getReason()).isEqualTo("Forbidden");
	}

	@Test
	void aPathIsForbiddenWithoutResource() {
		assertThat(ForbiddenMessages.forbidden(JANE, RequestInfo.nonResource("/metrics", "get")).getMessage())
			.isEqualTo("forbidden: User \"jane\" cannot get path \"/metrics\"");
	}

}
