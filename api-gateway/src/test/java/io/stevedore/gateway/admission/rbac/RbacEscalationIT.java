package io.stevedore.gateway.admission.rbac;

import java.nio.file.Path;
import java.time.Duration;

import io.stevedore.gateway.support.GatewayCluster;
import io.stevedore.gateway.support.StaticTokens;
import io.stevedore.testsupport.kubectl.Kubectl;
import io.stevedore.testsupport.kubectl.KubectlResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Escalation prevention end to end: the real kubectl as a user who may write RBAC objects
 * in one namespace, through the gateway, to the real apiserver, which calls the gateway's
 * admission. Every refusal is checked to have stored nothing.
 */
class RbacEscalationIT {

	@TempDir
	static Path directory;

	static GatewayCluster cluster;

	static Kubectl admin;

	static Kubectl jane;

	@BeforeAll
	static void start() {
		cluster = GatewayCluster.startWithAdmission(directory,
				StaticTokens.file(directory, "jane-token,jane,1001,\"developers\""));
		admin = cluster.adminKubectl(directory.resolve("admin-home"));
		jane = cluster.kubectlWithToken("jane-token");
		admin.run("create", "namespace", "team").requireSuccess();
		admin
			.run("create", "role", "rbac-writer", "-n", "team", "--verb=get,list,create,update",
					"--resource=roles.rbac.authorization.k8s.io,rolebindings.rbac.authorization.k8s.io,pods")
			.requireSuccess();
		admin.run("create", "rolebinding", "jane-rbac-writer", "--role=rbac-writer", "--user=jane", "-n", "team")
			.requireSuccess();
		await().atMost(Duration.ofSeconds(30))
			.until(() -> jane.run("auth", "can-i", "create", "roles", "-n", "team").succeeded());
	}

	@AfterAll
	static void stop() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void aUserMayCreateARoleWithPermissionsItHolds() {
		jane.run("create", "role", "pod-reader", "--verb=get,list", "--resource=pods", "-n", "team").requireSuccess();
		admin.run("get", "role", "pod-reader", "-n", "team").requireSuccess();
	}

	@Test
	void aRoleGrantingWhatTheUserDoesNotHoldIsForbiddenAndNotStored() {
		KubectlResult result = jane.run("create", "role", "pod-deleter", "--verb=delete", "--resource=pods", "-n",
				"team");
		assertThat(result.succeeded()).isFalse();
		assertThat(result.stderr())
			.contains("roles.rbac.authorization.k8s.io \"pod-deleter\" is forbidden: user \"jane\"")
			.contains("is attempting to grant RBAC permissions not currently held")
			.contains("{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"delete\"]}");
		assertThat(admin.run("get", "role", "pod-deleter", "-n", "team").stderr()).contains("NotFound");
	}

	@Test
	void aBindingToARoleWithMorePermissionsIsForbiddenAndNotStored() {
		KubectlResult result = jane.run("create", "rolebinding", "bob-edit", "--clusterrole=edit", "--user=bob", "-n",
				"team");
		assertThat(result.succeeded()).isFalse();
		assertThat(result.stderr()).contains("is attempting to grant RBAC permissions not currently held");
		assertThat(admin.run("get", "rolebinding", "bob-edit", "-n", "team").stderr()).contains("NotFound");
	}

	@Test
	void anAdminMayGrantAnything() {
		admin.run("create", "role", "secret-deleter", "--verb=delete", "--resource=secrets", "-n", "team")
			.requireSuccess();
	}

}
