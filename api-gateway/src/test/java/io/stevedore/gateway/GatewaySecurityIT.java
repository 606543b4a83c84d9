package io.stevedore.gateway;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import io.stevedore.gateway.pki.Pem;
import io.stevedore.gateway.status.StatusResponses;
import io.stevedore.gateway.support.GatewayCluster;
import io.stevedore.gateway.support.StaticTokens;
import io.stevedore.testsupport.http.HttpHead;
import io.stevedore.testsupport.kubectl.Kubectl;
import io.stevedore.testsupport.kubectl.KubectlResult;
import io.stevedore.gateway.authn.CachedTokenSecrets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Authentication, RBAC, reviews and audit with the real kubectl through the gateway: the
 * admin (client certificate, system:masters), jane (static token, bound to view in
 * "default"), a wrong token and anonymous requests.
 */
class GatewaySecurityIT {

	@TempDir
	static Path directory;

	static GatewayCluster cluster;

	static Kubectl admin;

	static Kubectl jane;

	@BeforeAll
	static void start() {
		cluster = GatewayCluster.start(directory, StaticTokens.file(directory, "jane-token,jane,1001,\"developers\""));
		admin = cluster.adminKubectl(directory.resolve("admin-home"));
		jane = cluster.kubectlWithToken("jane-token");
		await().atMost(Duration.ofSeconds(30))
			.until(() -> admin.run("get", "clusterrole", "view").succeeded()
					&& admin.run("get", "clusterrolebinding", "system:basic-user").succeeded());
		admin.run("create", "rolebinding", "jane-view", "--clusterrole=view", "--user=jane", "-n", "default")
			.requireSuccess();
	}

	@AfterAll
	static void stop() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void aUserBoundToViewListsInItsNamespace() {
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(jane.run("get", "configmaps", "-n", "default").exitCode()).isZero());
	}

	@Test
	void aUserBoundToViewIsForbiddenToCreateWithKubernetesMessage() {
		awaitJaneCanList();
		KubectlResult result = jane.run("create", "configmap", "not-allowed", "-n", "default").requireFailure();

		assertThat(result.stderr()).contains("configmaps is forbidden: "
				+ "User \"jane\" cannot create resource \"configmaps\" in API group \"\" in the namespace \"default\"");
	}

	@Test
	void aUserBoundToViewInOneNamespaceIsForbiddenInAnother() {
		awaitJaneCanList();
		assertThat(jane.run("get", "pods", "-n", "kube-system").requireFailure().stderr())
			.contains("pods is forbidden: User \"jane\" cannot list resource \"pods\" in API group \"\" "
					+ "in the namespace \"kube-system\"");
	}

	@Test
	void whoamiNamesTheTokenUserAndGroups() {
		String out = jane.run("auth", "whoami").requireSuccess().stdout();

		assertThat(out).contains("jane").contains("1001").contains("developers").contains("system:authenticated");
	}

	@Test
	void whoamiNamesTheAdminOfTheClientCertificate() {
		assertThat(admin.run("auth", "whoami").requireSuccess().stdout()).contains("admin").contains("system:masters");
	}

	@Test
	void canIAnswersFromRbac() {
		awaitJaneCanList();
		assertThat(jane.run("auth", "can-i", "list", "configmaps", "-n", "default").stdout().strip()).isEqualTo("yes");
		assertThat(jane.run("auth", "can-i", "create", "configmaps", "-n", "default").stdout().strip()).isEqualTo("no");
		assertThat(jane.run("auth", "can-i", "get", "secrets", "-n", "default").stdout().strip()).isEqualTo("no");
		assertThat(admin.run("auth", "can-i", "delete", "nodes").stdout().strip()).isEqualTo("yes");
	}

	@Test
	void canIListShowsTheRulesOfTheNamespaceAskedAbout() {
		awaitJaneCanList();
		// jane holds view in default only: configmaps there, and elsewhere just what
		// every
		// authenticated user holds (the reviews, discovery).
		String inDefault = jane.run("auth", "can-i", "--list", "-n", "default").requireSuccess().stdout();
		assertThat(inDefault).containsPattern("(?m)^configmaps\\s+\\[\\]\\s+\\[\\]\\s+\\[get list watch\\]")
			.containsPattern(
					"(?m)^selfsubjectrulesreviews\\.authorization\\.k8s\\.io\\s+\\[\\]\\s+\\[\\]\\s+\\[create\\]")
			.containsPattern("(?m)^\\s+\\[/version\\]\\s+\\[\\]\\s+\\[get\\]");
		String inKubeSystem = jane.run("auth", "can-i", "--list", "-n", "kube-system").requireSuccess().stdout();
		assertThat(inKubeSystem).doesNotContainPattern("(?m)^configmaps\\s")
			.containsPattern("(?m)^selfsubjectaccessreviews\\.authorization\\.k8s\\.io\\s");
		// A review without the namespace it is about is refused, naming what is missing.
		java.nio.file.Path body;
		try {
			body = java.nio.file.Files.createTempFile("ssrr", ".json");
			java.nio.file.Files.writeString(body,
					"{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectRulesReview\",\"spec\":{}}");
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		assertThat(jane
			.run("create", "--raw", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", "-f", body.toString())
			.requireFailure()
			.stderr()).contains("SelfSubjectRulesReview.spec.namespace: Required value: no namespace on request");
		// system:masters may do anything, listed once, by the cluster-admin binding (the
		// privileged group itself resolves no rules, as in kube-apiserver).
		String admins = admin.run("auth", "can-i", "--list").requireSuccess().stdout();
		assertThat(admins).containsPattern("(?m)^\\*\\.\\*\\s+\\[\\]\\s+\\[\\]\\s+\\[\\*\\]");
		assertThat(admins.lines().filter(l -> l.matches("\\s+\\[\\*\\]\\s+\\[\\]\\s+\\[\\*\\]\\s*"))).hasSize(1);
	}

	@Test
	void aWrongTokenIsUnauthorized() {
		Kubectl stranger = cluster.kubectl(directory.resolve("stranger-home"), "token: not-a-token");

		assertThat(stranger.run("get", "--raw", "/api/v1/namespaces/default/pods").requireFailure().stderr())
			.contains("Unauthorized");
	}

	/**
	 * A TokenReview, as a node agent's webhook token authentication asks it: the token's
	 * user and groups (with system:authenticated), never the token itself; a wrong token
	 * is unauthenticated, not an error; jane (no RBAC for tokenreviews) may not ask.
	 */
	@Test
	void aTokenReviewNamesTheTokensUserToWhoMayAsk() {
		String review = """
				{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"%s"}}
				""";
		String reviews = "/apis/authentication.k8s.io/v1/tokenreviews";
		String answer = admin.runWithInput(review.formatted("jane-token"), "create", "--raw", reviews, "-f", "-")
			.requireSuccess()
			.stdout();
		assertThat(answer).contains("\"authenticated\":true")
			.contains("\"username\":\"jane\"")
			.contains("\"uid\":\"1001\"")
			.contains("\"groups\":[\"developers\",\"system:authenticated\"]")
			.doesNotContain("jane-token");
		assertThat(admin.runWithInput(review.formatted("not-a-token"), "create", "--raw", reviews, "-f", "-")
			.requireSuccess()
			.stdout()).contains("\"authenticated\":false").doesNotContain("\"user\"");
		assertThat(admin
			.runWithInput("{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\"}", "create", "--raw",
					reviews, "-f", "-")
			.requireFailure()
			.stderr()).contains("spec.token: Required value");
		awaitJaneCanList();
		assertThat(jane.runWithInput(review.formatted("jane-token"), "create", "--raw", reviews, "-f", "-")
			.requireFailure()
			.stderr()).contains("Forbidden");
	}

	@Test
	void aBootstrapTokenIsTheBootstrapperWhoMayAskForANodeCertificateOnly() {
		admin.run("create", "secret", "generic", "bootstrap-token-abc123", "-n", "kube-system",
				"--type=bootstrap.kubernetes.io/token", "--from-literal=token-id=abc123",
				"--from-literal=token-secret=0123456789abcdef", "--from-literal=usage-bootstrap-authentication=true",
				"--from-literal=expiration=2099-01-01T00:00:00Z")
			.requireSuccess();
		admin.run("create", "secret", "generic", "bootstrap-token-old123", "-n", "kube-system",
				"--type=bootstrap.kubernetes.io/token", "--from-literal=token-id=old123",
				"--from-literal=token-secret=0123456789abcdef", "--from-literal=usage-bootstrap-authentication=true",
				"--from-literal=expiration=2020-01-01T00:00:00Z")
			.requireSuccess();
		Kubectl bootstrapper = cluster.kubectl(directory.resolve("bootstrap-home"), "token: abc123.0123456789abcdef");

		assertThat(bootstrapper.run("auth", "whoami").requireSuccess().stdout()).contains("system:bootstrap:abc123")
			.contains("system:bootstrappers");
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(bootstrapper.run("get", "csr").exitCode()).isZero());
		assertThat(bootstrapper.run("auth", "can-i", "create", "certificatesigningrequests", "--subresource=nodeclient")
			.stdout()
			.strip()).isEqualTo("yes");
		assertThat(bootstrapper.run("get", "pods", "-n", "default").requireFailure().stderr())
			.contains("User \"system:bootstrap:abc123\" cannot list resource \"pods\"");
		// What the csr approver asks: a SubjectAccessReview for the bootstrapper.
		String review = """
				{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview",
				 "spec":{"user":"system:bootstrap:abc123","groups":["system:bootstrappers"],
				  "resourceAttributes":{"group":"certificates.k8s.io","resource":"certificatesigningrequests",
				   "subresource":"%s","verb":"create"}}}
				""";
		String reviews = "/apis/authorization.k8s.io/v1/subjectaccessreviews";
		assertThat(admin.runWithInput(review.formatted("nodeclient"), "create", "--raw", reviews, "-f", "-")
			.requireSuccess()
			.stdout()).contains("\"allowed\":true");
		assertThat(admin.runWithInput(review.formatted("selfnodeclient"), "create", "--raw", reviews, "-f", "-")
			.requireSuccess()
			.stdout()).contains("\"allowed\":false");
		assertThat(bootstrapper.runWithInput(review.formatted("nodeclient"), "create", "--raw", reviews, "-f", "-")
			.requireFailure()
			.stderr()).contains("Forbidden");
		for (String wrong : new String[] { "abc123.0123456789abcdee", "old123.0123456789abcdef" }) {
			Kubectl refused = cluster.kubectl(directory.resolve("refused-home"), "token: " + wrong);
			assertThat(refused.run("get", "csr").requireFailure().stderr())
				.contains("You must be logged in to the server");
		}

		// The gateway keeps token Secrets for CachedTokenSecrets.DEFAULT_TTL (5 s): a
		// deleted token stops working within that, and not before the delete.
		assertThat(bootstrapper.run("get", "csr").exitCode()).isZero();
		admin.run("delete", "secret", "bootstrap-token-abc123", "-n", "kube-system").requireSuccess();
		long deleted = System.nanoTime();
		await().atMost(CachedTokenSecrets.DEFAULT_TTL.plusSeconds(5))
			.pollInterval(Duration.ofMillis(250))
			.untilAsserted(() -> assertThat(bootstrapper.run("get", "csr").requireFailure().stderr())
				.contains("You must be logged in to the server"));
		assertThat(Duration.ofNanos(System.nanoTime() - deleted))
			.isLessThan(CachedTokenSecrets.DEFAULT_TTL.plusSeconds(5));
	}

	/** kubectl prompts for a user name without credentials, so plain HTTPS here. */
	@Test
	void anonymousIsForbiddenFromTheApiAsKubernetesWords() throws Exception {
		HttpResponse<String> response = get("/api/v1/namespaces/default/pods");
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(StatusResponses.JSON.readTree(response.body()).get("message").asText())
			.isEqualTo("pods is forbidden: User \"system:anonymous\" cannot list resource \"pods\" in API group \"\" "
					+ "in the namespace \"default\"");
	}

	@Test
	void anonymousMayReadVersionAndHealthOnly() throws Exception {
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(get("/version").statusCode()).isEqualTo(200));
		assertThat(get("/readyz").statusCode()).isEqualTo(200);
		assertThat(get("/api").statusCode()).isEqualTo(403);
		assertThat(get("/api/v1/namespaces/default/secrets").body()).contains("\"reason\":\"Forbidden\"");
	}

	@Test
	void pathsWithDotDotSegmentsAreRefused() throws Exception {
		HttpResponse<String> response = get("/api/v1/namespaces/default/pods/%2e%2e/secrets");
		assertThat(response.statusCode()).isIn(400, 404);
	}

	@Test
	void impersonationNeedsTheImpersonateVerb() {
		awaitJaneCanList();
		assertThat(jane.run("get", "configmaps", "-n", "default", "--as=admin").requireFailure().stderr())
			.contains("users \"admin\" is forbidden: User \"jane\" cannot impersonate resource \"users\" "
					+ "in API group \"\" at the cluster scope");
		assertThat(admin.run("auth", "whoami", "--as=jane").requireSuccess().stdout()).contains("jane");
	}

	@Test
	void theAuditLogRecordsRefusalsWithMetadataOnly() throws IOException {
		awaitJaneCanList();
		admin.run("create", "secret", "generic", "audited", "--from-literal=password=s3cr3t-value", "-n", "default")
			.requireSuccess();
		jane.run("delete", "configmap", "nothing", "-n", "default").requireFailure();

		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			String log = Files.readString(directory.resolve("audit.log"));
			assertThat(log).contains("\"username\":\"jane\"")
				.contains("\"verb\":\"delete\"")
				.contains("\"code\":403")
				.contains("\"resource\":\"secrets\"")
				.doesNotContain("s3cr3t-value")
				.doesNotContain(java.util.Base64.getEncoder().encodeToString("s3cr3t-value".getBytes()));
		});
	}

	private static void awaitJaneCanList() {
		await().atMost(Duration.ofSeconds(20)).until(() -> jane.run("get", "configmaps", "-n", "default").succeeded());
	}

	/**
	 * ALPN offers h2 as kube-apiserver does (kubectl and client-go take it); clients that
	 * speak HTTP/1.1 only are served as before, and authorization is the same on both.
	 */
	@Test
	void http2IsNegotiatedAndHttp11StillServed() throws Exception {
		HttpResponse<String> h2 = get("/version", HttpClient.Version.HTTP_2);
		HttpResponse<String> http11 = get("/version", HttpClient.Version.HTTP_1_1);
		assertThat(h2.version()).isEqualTo(HttpClient.Version.HTTP_2);
		assertThat(http11.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
		assertThat(List.of(h2.statusCode(), http11.statusCode())).containsExactly(200, 200);
		assertThat(h2.body()).isEqualTo(http11.body()).contains("\"gitVersion\"");
		assertThat(get("/api/v1/namespaces/default/secrets", HttpClient.Version.HTTP_2).statusCode()).isEqualTo(403);
	}

	/**
	 * kubectl exec forced to plain SPDY/3.1
	 * ({@code KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false}): the upgrade is authorized as
	 * kube-apiserver does (create on pods/exec), refused before anything is relayed, and
	 * audited; an allowed one gets the apiserver's own refusal of a pod that runs nowhere
	 * through the gateway's SPDY tunnel. Streams that reach a container are in the e2e
	 * suite (KubectlStreamsE2E), which has node agents.
	 */
	@Test
	void aSpdyExecIsAuthorizedAsCreateOnPodsExecAndAudited() throws Exception {
		awaitJaneCanList();
		admin.run("run", "spdy-box", "--image=busybox", "--restart=Never", "--", "sleep", "100").requireSuccess();
		KubectlResult denied = jane.withEnvironment("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", "false")
			.run("exec", "-v=7", "spdy-box", "-n", "default", "--", "true");
		assertThat(denied.exitCode()).as(denied.describe()).isNotZero();
		assertThat(denied.stderr()).contains("POST https://")
			.contains("X-Stream-Protocol-Version: v4.channel.k8s.io")
			.contains("pods \"spdy-box\" is forbidden: User \"jane\" cannot create resource \"pods/exec\""
					+ " in API group \"\" in the namespace \"default\"")
			.doesNotContain("Response Status: 101");
		assertThat(auditedExec("jane").path("responseStatus").path("code").asInt()).isEqualTo(403);

		KubectlResult refused = admin.withEnvironment("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", "false")
			.run("exec", "-v=7", "spdy-box", "-n", "default", "--", "true");
		assertThat(refused.exitCode()).as(refused.describe()).isNotZero();
		assertThat(refused.stderr()).contains("X-Stream-Protocol-Version: v4.channel.k8s.io")
			.doesNotContain("no apiserver answered")
			.doesNotContain("Response Status: 101");
		assertThat(auditedExec("admin").path("responseStatus").path("code").asInt()).isBetween(400, 599);
	}

	@Test
	void aRawSpdyUpgradeWithoutPermissionGets403AndNothingElse() throws Exception {
		awaitJaneCanList();
		java.net.URI url = URI.create(cluster.gatewayUrl());
		try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) trustingTheCluster().getSocketFactory()
			.createSocket(url.getHost(), url.getPort())) {
			socket.setSoTimeout(20_000);
			socket.getOutputStream()
				.write(("POST /api/v1/namespaces/default/pods/spdy-box/exec?command=true&stdout=true HTTP/1.1\r\n"
						+ "Host: 127.0.0.1\r\nAuthorization: Bearer jane-token\r\nConnection: Upgrade\r\n"
						+ "Upgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n"
						+ "Content-Length: 0\r\n\r\n")
					.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
			socket.getOutputStream().flush();
			java.io.InputStream in = socket.getInputStream();
			HttpHead head = HttpHead.read(in);
			assertThat(head.text()).startsWith("HTTP/1.1 403 ").doesNotContainIgnoringCase("upgrade: spdy");
			assertThat(head.body(in)).contains("\"kind\":\"Status\"").contains("\"reason\":\"Forbidden\"");
		}
	}

	/** The ResponseComplete audit event of the user's exec. */
	private static com.fasterxml.jackson.databind.JsonNode auditedExec(String user) {
		return await().atMost(Duration.ofSeconds(10)).until(() -> {
			for (String line : Files.readAllLines(directory.resolve("audit.log"))) {
				com.fasterxml.jackson.databind.JsonNode event = StatusResponses.JSON.readTree(line);
				if (event.path("stage").asText().equals("ResponseComplete")
						&& event.path("user").path("username").asText().equals(user)
						&& event.path("objectRef").path("subresource").asText().equals("exec")) {
					return event;
				}
			}
			return null;
		}, (event) -> event != null);
	}

	private static SSLContext trustingTheCluster() throws Exception {
		KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
		trust.load(null, null);
		trust.setCertificateEntry("ca", Pem.readCertificate(cluster.stateDir().resolve("ca.crt")));
		TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		factory.init(trust);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, factory.getTrustManagers(), null);
		return context;
	}

	private static HttpResponse<String> get(String path) throws Exception {
		return get(path, HttpClient.Version.HTTP_2);
	}

	private static HttpResponse<String> get(String path, HttpClient.Version version) throws Exception {
		HttpClient http = HttpClient.newBuilder().version(version).sslContext(trustingTheCluster()).build();
		return http.send(HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
