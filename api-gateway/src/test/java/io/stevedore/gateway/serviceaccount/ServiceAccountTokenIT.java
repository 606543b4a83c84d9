package io.stevedore.gateway.serviceaccount;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.gateway.status.StatusResponses;
import io.stevedore.gateway.support.GatewayCluster;
import io.stevedore.testsupport.kubectl.Kubectl;
import io.stevedore.testsupport.kubectl.KubectlResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * ServiceAccount tokens end to end with the real kubectl, the real gateway and the real
 * apiserver: {@code kubectl create token}, the token's user under RBAC, its death with
 * its ServiceAccount or bound pod, and the issuer's discovery documents.
 */
class ServiceAccountTokenIT {

	static final String NAMESPACE = "sa-it";

	@TempDir
	static Path directory;

	static GatewayCluster cluster;

	static Kubectl admin;

	@BeforeAll
	static void start() {
		// A one-second cache: revocation is awaited below, and the default 5s would only
		// make the test slower.
		cluster = GatewayCluster.start(directory, "--stevedore.gateway.service-account-tokens.cache-ttl=1s");
		admin = cluster.adminKubectl(directory.resolve("admin-home"));
		await().atMost(Duration.ofSeconds(30)).until(() -> admin.run("get", "clusterrole", "view").succeeded());
		admin.run("create", "namespace", NAMESPACE).requireSuccess();
	}

	@AfterAll
	static void stop() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void aTokenFromKubectlCreateTokenIsTheServiceAccountUnderRbacUntilTheServiceAccountIsDeleted() throws IOException {
		admin.run("create", "serviceaccount", "robot", "-n", NAMESPACE).requireSuccess();
		String token = admin.run("create", "token", "robot", "-n", NAMESPACE, "--duration", "10m")
			.requireSuccess()
			.stdout()
			.strip();
		JsonNode claims = payload(token);
		assertThat(claims.get("iss").asText()).isEqualTo("https://kubernetes.default.svc.cluster.local");
		assertThat(claims.get("sub").asText()).isEqualTo("system:serviceaccount:sa-it:robot");
		assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(600);
		assertThat(claims.at("/kubernetes.io/serviceaccount/uid").asText())
			.isEqualTo(admin.run("get", "sa", "robot", "-n", NAMESPACE, "-o", "jsonpath={.metadata.uid}").stdout());

		Kubectl robot = cluster.kubectl(directory.resolve("robot-home"), "token: " + token);
		assertThat(robot.run("auth", "whoami", "-o", "json").requireSuccess().stdout())
			.contains("\"username\": \"system:serviceaccount:sa-it:robot\"")
			.contains("\"system:serviceaccounts:sa-it\"")
			.contains("authentication.kubernetes.io/credential-id")
			.contains("JTI=" + claims.get("jti").asText());
		assertThat(robot.run("get", "pods", "-n", NAMESPACE).requireFailure().stderr())
			.contains("pods is forbidden: User \"system:serviceaccount:sa-it:robot\" cannot list resource \"pods\" "
					+ "in API group \"\" in the namespace \"sa-it\"");

		admin
			.run("create", "rolebinding", "robot-view", "--clusterrole=view", "--serviceaccount=sa-it:robot", "-n",
					NAMESPACE)
			.requireSuccess();
		await().atMost(Duration.ofSeconds(20)).until(() -> robot.run("get", "pods", "-n", NAMESPACE).succeeded());

		admin
			.run("create", "rolebinding", "robot-edit", "--clusterrole=edit", "--serviceaccount=sa-it:robot", "-n",
					NAMESPACE)
			.requireSuccess();
		admin.run("delete", "serviceaccount", "robot", "-n", NAMESPACE).requireSuccess();
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(robot.run("get", "pods", "-n", NAMESPACE).requireFailure().stderr())
				.contains("Unauthorized"));
		// Refused before anything is forwarded: the write never reaches the store.
		assertThat(robot.run("create", "configmap", "from-a-dead-token", "-n", NAMESPACE).requireFailure().stderr())
			.contains("Unauthorized");
		assertThat(admin.run("get", "configmap", "from-a-dead-token", "-n", NAMESPACE).requireFailure().stderr())
			.contains("NotFound");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(Files.readString(directory.resolve("audit.log")))
				.contains("\"resource\":\"configmaps\"")
				.contains("\"code\":401"));
	}

	@Test
	void aTokenBoundToAPodNamesThePodAndDiesWithIt() {
		admin.run("create", "serviceaccount", "web", "-n", NAMESPACE).requireSuccess();
		admin.runWithInput("""
				apiVersion: v1
				kind: Pod
				metadata:
				  name: web-0
				spec:
				  serviceAccountName: web
				  containers:
				  - name: app
				    image: busybox
				""", "apply", "-n", NAMESPACE, "-f", "-").requireSuccess();
		String token = admin
			.run("create", "token", "web", "-n", NAMESPACE, "--bound-object-kind", "Pod", "--bound-object-name",
					"web-0")
			.requireSuccess()
			.stdout()
			.strip();
		String podUid = admin.run("get", "pod", "web-0", "-n", NAMESPACE, "-o", "jsonpath={.metadata.uid}").stdout();
		assertThat(payload(token).at("/kubernetes.io/pod/uid").asText()).isEqualTo(podUid);

		Kubectl web = cluster.kubectl(directory.resolve("web-home"), "token: " + token);
		assertThat(web.run("auth", "whoami", "-o", "json").requireSuccess().stdout())
			.contains("\"authentication.kubernetes.io/pod-name\"")
			.contains("\"web-0\"")
			.contains(podUid);
		// Forwarded with its extra (pod-name holds a '/') to the apiserver.
		admin
			.run("create", "rolebinding", "web-view", "--clusterrole=view", "--serviceaccount=sa-it:web", "-n",
					NAMESPACE)
			.requireSuccess();
		await().atMost(Duration.ofSeconds(20)).until(() -> web.run("get", "pods", "-n", NAMESPACE).succeeded());
		// Kubernetes binds system:service-account-issuer-discovery to every
		// ServiceAccount.
		assertThat(web.run("get", "--raw", "/openid/v1/jwks").requireSuccess().stdout()).contains("\"RS256\"");

		admin.run("delete", "pod", "web-0", "-n", NAMESPACE, "--grace-period=0", "--force").requireSuccess();
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(
					() -> assertThat(web.run("auth", "whoami").requireFailure().stderr()).contains("Unauthorized"));
	}

	@Test
	void badTokenRequestsAreRefusedWithKubernetesMessages() {
		admin.run("create", "serviceaccount", "strict", "-n", NAMESPACE).requireSuccess();

		assertThat(
				admin.run("create", "token", "strict", "-n", NAMESPACE, "--duration", "5m").requireFailure().stderr())
			.contains("spec.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes");
		assertThat(admin.run("create", "token", "nobody", "-n", NAMESPACE).requireFailure().stderr())
			.contains("serviceaccounts \"nobody\" not found");
		assertThat(admin
			.run("create", "token", "strict", "-n", NAMESPACE, "--bound-object-kind", "Pod", "--bound-object-name",
					"missing")
			.requireFailure()
			.stderr()).contains("pods \"missing\" not found");
	}

	@Test
	void aServiceAccountMayNotMintTokensWithoutRbac() {
		admin.run("create", "serviceaccount", "minter", "-n", NAMESPACE).requireSuccess();
		String token = admin.run("create", "token", "minter", "-n", NAMESPACE).requireSuccess().stdout().strip();
		Kubectl minter = cluster.kubectl(directory.resolve("minter-home"), "token: " + token);

		KubectlResult result = minter.run("create", "token", "minter", "-n", NAMESPACE).requireFailure();

		assertThat(result.stderr()).contains("User \"system:serviceaccount:sa-it:minter\" cannot create resource "
				+ "\"serviceaccounts/token\" in API group \"\" in the namespace \"sa-it\"");
	}

	@Test
	void theIssuerPublishesItsDiscoveryDocumentAndTheKeyThatVerifiesItsTokens() throws IOException {
		JsonNode configuration = StatusResponses.JSON
			.readTree(admin.run("get", "--raw", "/.well-known/openid-configuration").requireSuccess().stdout());
		assertThat(configuration.get("issuer").asText()).isEqualTo("https://kubernetes.default.svc.cluster.local");
		assertThat(configuration.get("jwks_uri").asText()).isEqualTo(cluster.gatewayUrl() + "/openid/v1/jwks");

		admin.run("create", "serviceaccount", "keyed", "-n", NAMESPACE).requireSuccess();
		String token = admin.run("create", "token", "keyed", "-n", NAMESPACE).requireSuccess().stdout().strip();
		JsonNode header = StatusResponses.JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[0]));
		JsonNode keys = StatusResponses.JSON
			.readTree(admin.run("get", "--raw", "/openid/v1/jwks").requireSuccess().stdout())
			.get("keys");
		assertThat(keys).hasSize(1);
		assertThat(keys.get(0).get("kid").asText()).isEqualTo(header.get("kid").asText());
		assertThat(keys.get(0).get("alg").asText()).isEqualTo("RS256");
		assertThat(keys.get(0).has("d")).as("no private member").isFalse();
	}

	private static JsonNode payload(String token) {
		try {
			return StatusResponses.JSON
				.readTree(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
