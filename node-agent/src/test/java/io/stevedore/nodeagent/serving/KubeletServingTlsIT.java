package io.stevedore.nodeagent.serving;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.client.websocket.BearerTokenProtocol;
import io.stevedore.nodeagent.bootstrap.NodeCertificateRequest;
import io.stevedore.nodeagent.support.TestCluster;
import io.stevedore.nodeagent.support.TestCsrs;
import io.stevedore.nodeagent.support.TestGateway;
import io.stevedore.nodeagent.support.TestPods;
import io.stevedore.testsupport.kubectl.Kubectl;
import io.stevedore.testsupport.kubectl.KubectlResult;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The agent's HTTPS port and authenticated API with the real apiserver, kubectl and
 * Docker: the agent asks for its serving certificate with a
 * {@code kubernetes.io/kubelet-serving} CSR (this test approves and signs it with its CA,
 * as controller-service's csrapproving and csrsigning would), serves it once issued,
 * answers 401 to a caller without a client certificate of the cluster CA, and the
 * apiserver, with its kubelet client certificate and the CA, streams logs and exec over
 * it. A second agent serving a certificate of another CA is refused by the apiserver.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubeletServingTlsIT {

	private static final String NODE = "tls-node";

	private static final String FOREIGN = "foreign-node";

	@TempDir
	static Path dir;

	static TestPki ca = new TestPki("CN=test-cluster-ca");

	static TestCluster cluster;

	static KubernetesClient client;

	static TestGateway gateway;

	static Kubectl kubectl;

	static int port;

	static int foreignPort;

	static Path caFile;

	static Path[] apiserverClient;

	static BigInteger issuedSerial = BigInteger.valueOf(4242);

	@BeforeAll
	static void start() throws Exception {
		// One cluster CA, the gateway's: it signs the gateway's serving certificate, the
		// node agents' and the apiserver's client certificates, and the agents' serving
		// certificates.
		Path pki = dir.resolve("pki");
		caFile = ca.writeCa(pki);
		// kubeadm's subject, without system:masters: RBAC (kubeadm:kubelet-api-admin)
		// lets it call the agents.
		apiserverClient = ca.writePair(pki, "apiserver-kubelet-client", "CN=kube-apiserver-kubelet-client",
				KeyPurposeId.id_kp_clientAuth);
		cluster = TestCluster.start(dir, "--stevedore.apiserver.kubelet.certificate-authority=" + caFile,
				"--stevedore.apiserver.kubelet.client-certificate=" + apiserverClient[0],
				"--stevedore.apiserver.kubelet.client-key=" + apiserverClient[1],
				// each call to an agent looks for a new kubelet client pair
				"--stevedore.apiserver.kubelet.reload-interval=0s");
		client = cluster.client();
		gateway = TestGateway.start(cluster.url(), pki, dir.resolve("audit.log"));
		kubectl = Kubectl.forKubeconfig(gateway.adminKubeconfig(), dir.resolve("home"));
		await().atMost(Duration.ofSeconds(60))
			.until(() -> kubectl.run("get", "clusterrolebinding", "kubeadm:kubelet-api-admin").succeeded());
		port = TestCluster.freePort();
		cluster.startNode(NODE, throughGateway(pki, NODE, "--server.port=" + port, "--stevedore.node.port=" + port,
				"--stevedore.node.serving.cert-file=" + pki.resolve("tls-node-serving.crt"),
				"--stevedore.node.serving.key-file=" + pki.resolve("tls-node-serving.key"),
				"--stevedore.node.serving.tls-bootstrap=true", "--stevedore.node.serving.client-ca-file=" + caFile,
				// fabric8 retries a refused connection until then: the stopped gateway's
				// refusals come after it
				"--stevedore.node.serving.review-timeout=3s"));
		signServingRequest();
	}

	/** An agent's arguments to reach the API through the gateway as its node. */
	static String[] throughGateway(Path pki, String node, String... arguments) {
		Path[] identity = ca.writePair(pki, node + "-client", "O=system:nodes,CN=system:node:" + node,
				KeyPurposeId.id_kp_clientAuth);
		List<String> all = new ArrayList<>(List.of(arguments));
		all.addAll(List.of("--stevedore.apiserver.url=" + gateway.url(), "--stevedore.apiserver.ca-cert-file=" + caFile,
				"--stevedore.apiserver.client-cert-file=" + identity[0],
				"--stevedore.apiserver.client-key-file=" + identity[1]));
		return all.toArray(String[]::new);
	}

	/** Plays csrapproving and csrsigning for the agent's serving request. */
	static void signServingRequest() throws Exception {
		CertificateSigningRequest csr = TestCsrs.await(client, NodeCertificateRequest.SERVING_SIGNER,
				Duration.ofSeconds(60));
		PKCS10CertificationRequest request = TestCsrs.parse(csr);
		assertThat(request.getSubject()).isEqualTo(new X500Name("O=system:nodes,CN=system:node:" + NODE));
		assertThat(csr.getSpec().getUsages()).containsExactly("digital signature", "key encipherment", "server auth");
		GeneralName[] names = subjectAltNames(request);
		assertThat(names).contains(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
		assertThat(names).anyMatch((n) -> n.getTagNo() == GeneralName.dNSName);
		String issued = ca.issue(new JcaPKCS10CertificationRequest(request).getPublicKey(),
				request.getSubject().toString(), issuedSerial, KeyPurposeId.id_kp_serverAuth, names);
		TestCsrs.approveAndIssue(client, csr.getMetadata().getName(), issued);
	}

	@AfterAll
	static void stop() {
		if (cluster != null) {
			cluster.close();
		}
		if (gateway != null) {
			gateway.close();
		}
	}

	@Test
	void theAgentServesTheIssuedCertificateOnceItComes() throws Exception {
		SSLContext anonymous = context(null, null);
		await().atMost(Duration.ofSeconds(30))
			.ignoreExceptions()
			.untilAsserted(() -> assertThat(servedSerial(anonymous, port)).isEqualTo(issuedSerial));
		// the Actuator stays open without a client certificate, with the kubelet's
		// serving certificate metrics: the issued hour left, no failed attempt
		assertThat(statusLine(anonymous, port, get("/actuator/health"))).isEqualTo("HTTP/1.1 200 ");
		String metrics = HttpClient.newBuilder()
			.sslContext(anonymous)
			.build()
			.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/actuator/prometheus")).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
		assertThat(metrics)
			.containsPattern("(?m)^kubelet_certificate_manager_server_ttl_seconds(\\{[^}]*\\})? 3[0-9]{3}\\.0$")
			.containsPattern("(?m)^kubelet_server_expiration_renew_errors_total(\\{[^}]*\\})? 0\\.0$");
	}

	@Test
	void aCallerWithoutAClientCertificateGets401AndAnotherNode403() throws Exception {
		SSLContext anonymous = context(null, null);
		awaitIssued(anonymous);
		assertThat(statusLine(anonymous, port, get("/containerLogs/default/nobody/main"))).startsWith("HTTP/1.1 401");
		assertThat(statusLine(anonymous, port, get("/stats/summary"))).startsWith("HTTP/1.1 401");
		// a WebSocket upgrade is refused before Tomcat's WebSocket filter takes it
		assertThat(statusLine(anonymous, port,
				"GET /exec/default/nobody/main?command=true&stdout=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
						+ "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
						+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
						+ "Sec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n"))
			.startsWith("HTTP/1.1 401");
		// the apiserver's kubelet client certificate is accepted
		SSLContext apiserver = context(apiserverClient[0], apiserverClient[1]);
		assertThat(statusLine(apiserver, port, get("/stats/summary"))).isEqualTo("HTTP/1.1 200 ");
		// another node's client certificate (same CA, group system:nodes) is not
		// authorized: the kubelet's 403
		Path[] otherNode = ca.writePair(dir.resolve("other-node"), "client", "O=system:nodes,CN=system:node:other",
				KeyPurposeId.id_kp_clientAuth);
		assertThat(response(context(otherNode[0], otherNode[1]), port, get("/stats/summary")))
			.startsWith("HTTP/1.1 403")
			.contains("Forbidden (user=system:node:other, verb=get, resource=nodes, subresource=stats)");
		assertThat(statusLine(context(otherNode[0], otherNode[1]), port, get("/containerLogs/default/nobody/main")))
			.startsWith("HTTP/1.1 403");
		// one of another CA does not authenticate: the agent names its CA in the
		// handshake, so the client offers none and is answered 401
		Path[] stranger = new TestPki("CN=stranger-ca").writePair(dir.resolve("stranger"), "client",
				"O=system:masters,CN=stranger", KeyPurposeId.id_kp_clientAuth);
		assertThat(statusLine(context(stranger[0], stranger[1]), port, get("/stats/summary")))
			.startsWith("HTTP/1.1 401");
	}

	/**
	 * A ServiceAccount token straight to the agent's port: the agent reviews it
	 * (TokenReview through the gateway, as its node) and asks RBAC (SubjectAccessReview)
	 * for the path's subresource; a WebSocket exec is {@code create}, which {@code get}
	 * on nodes/proxy does not grant; a token that does not authenticate is 401.
	 */
	@Test
	void aServiceAccountTokenIsAuthorizedByRbacOnTheNodesSubresources() throws Exception {
		SSLContext anonymous = context(null, null);
		awaitIssued(anonymous);
		kubectl.run("create", "serviceaccount", "reader").requireSuccess();
		kubectl.run("create", "clusterrole", "node-reader", "--verb=get", "--resource=nodes/stats,nodes/proxy")
			.requireSuccess();
		kubectl
			.run("create", "clusterrolebinding", "reader-node-reader", "--clusterrole=node-reader",
					"--serviceaccount=default:reader")
			.requireSuccess();
		// The agent keeps a denial 30 s: ask only once the gateway's RBAC has the grant.
		await().atMost(Duration.ofSeconds(30))
			.until(() -> kubectl
				.run("auth", "can-i", "get", "nodes", "--subresource=stats",
						"--as=system:serviceaccount:default:reader")
				.stdout()
				.strip()
				.equals("yes"));
		String token = kubectl.run("create", "token", "reader").requireSuccess().stdout().strip();
		client.pods()
			.resource(TestPods.shell("sa-box", NODE, "trap 'exit 0' TERM; sleep 100000 & wait").build())
			.create();
		TestPods.await(client, "sa-box", TestPods::ready);

		assertThat(statusLine(anonymous, port, get("/stats/summary", token))).isEqualTo("HTTP/1.1 200 ");
		assertThat(statusLine(anonymous, port, get("/containerLogs/default/nobody/main", token)))
			.doesNotStartWith("HTTP/1.1 401")
			.doesNotStartWith("HTTP/1.1 403");
		assertThat(answer(anonymous, port,
				"GET /exec/default/sa-box/main?command=touch&command=/tmp/ran&stdout=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
						+ "Authorization: Bearer " + token + "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
						+ "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
						+ "Sec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n"))
			.startsWith("HTTP/1.1 403")
			.contains("Forbidden (user=system:serviceaccount:default:reader, verb=create, resource=nodes, "
					+ "subresource=proxy)");
		// refused before anything ran in the container
		assertThat(kubectl.run("exec", "sa-box", "--", "test", "!", "-e", "/tmp/ran").exitCode()).isZero();
		// a token that does not authenticate, unknown or malformed, gets the apiserver's
		// Status
		for (String refused : List.of(token + "x", "not-a-token", "YW.j")) {
			assertThat(response(anonymous, port, get("/stats/summary", refused))).as(refused)
				.startsWith("HTTP/1.1 401")
				.containsIgnoringCase("Content-Type: application/json")
				.endsWith("\r\n\r\n{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
						+ "\"message\":\"Unauthorized\",\"reason\":\"Unauthorized\",\"code\":401}\n");
		}

		// another ServiceAccount, without a binding, is authenticated and forbidden
		kubectl.run("create", "serviceaccount", "nobody").requireSuccess();
		String other = kubectl.run("create", "token", "nobody").requireSuccess().stdout().strip();
		assertThat(response(anonymous, port, get("/stats/summary", other))).startsWith("HTTP/1.1 403")
			.contains("Forbidden (user=system:serviceaccount:default:nobody, verb=get, resource=nodes, "
					+ "subresource=stats)");
	}

	/**
	 * A browser-like WebSocket client (the JDK's, which sets no Authorization header
	 * here) with the token only in its subprotocols, straight to the agent and through
	 * the gateway: the token is reviewed as a header token is, the agent answers with the
	 * channel protocol asked for, never the token's, and a token without the grant is
	 * 403, a malformed one 401, before anything runs.
	 */
	@Test
	void aTokenInTheWebSocketSubprotocolIsReviewedAndNeverNegotiated() throws Exception {
		SSLContext anonymous = context(null, null);
		awaitIssued(anonymous);
		kubectl.run("create", "serviceaccount", "ws-exec").requireSuccess();
		kubectl.run("create", "serviceaccount", "ws-nobody").requireSuccess();
		kubectl.run("create", "clusterrole", "ws-exec", "--verb=create", "--resource=nodes/proxy,pods/exec")
			.requireSuccess();
		kubectl
			.run("create", "clusterrolebinding", "ws-exec", "--clusterrole=ws-exec", "--serviceaccount=default:ws-exec")
			.requireSuccess();
		await().atMost(Duration.ofSeconds(30))
			.until(() -> kubectl
				.run("auth", "can-i", "create", "nodes", "--subresource=proxy",
						"--as=system:serviceaccount:default:ws-exec")
				.stdout()
				.strip()
				.equals("yes"));
		String token = kubectl.run("create", "token", "ws-exec").requireSuccess().stdout().strip();
		String denied = kubectl.run("create", "token", "ws-nobody").requireSuccess().stdout().strip();
		client.pods()
			.resource(TestPods.shell("ws-box", NODE, "trap 'exit 0' TERM; sleep 100000 & wait").build())
			.create();
		TestPods.await(client, "ws-box", TestPods::ready);
		HttpClient http = HttpClient.newBuilder().sslContext(anonymous).build();
		String agentExec = "wss://127.0.0.1:" + port + "/exec/default/ws-box/main?stdout=1&command=sh&command=-c"
				+ "&command=";

		ExecStream allowed = ExecStream.open(http, URI.create(agentExec + "echo%20over%20ws;touch%20/tmp/allowed"),
				"v5.channel.k8s.io", BearerTokenProtocol.of(token));
		assertThat(allowed.subprotocol()).isEqualTo("v5.channel.k8s.io");
		assertThat(allowed.awaitStdout()).isEqualTo("over ws\n");
		assertThat(allowed.status()).contains("\"status\":\"Success\"");
		// the version asked for, whichever it is
		ExecStream v4 = ExecStream.open(http, URI.create(agentExec + "true"), "v4.channel.k8s.io",
				BearerTokenProtocol.of(token));
		assertThat(v4.subprotocol()).isEqualTo("v4.channel.k8s.io");
		v4.awaitStdout();

		assertThat(ExecStream.refusal(http, URI.create(agentExec + "touch%20/tmp/denied"), "v5.channel.k8s.io",
				BearerTokenProtocol.of(denied)))
			.isEqualTo(403);
		assertThat(ExecStream.refusal(http, URI.create(agentExec + "touch%20/tmp/malformed"), "v5.channel.k8s.io",
				BearerTokenProtocol.PREFIX + "YW.j"))
			.isEqualTo(401);
		assertThat(ExecStream.refusal(http, URI.create(agentExec + "touch%20/tmp/unknown"), "v5.channel.k8s.io",
				BearerTokenProtocol.of(token + "x")))
			.isEqualTo(401);
		assertThat(kubectl.run("exec", "ws-box", "--", "test", "-e", "/tmp/allowed").exitCode()).isZero();
		for (String refused : List.of("denied", "malformed", "unknown")) {
			assertThat(kubectl.run("exec", "ws-box", "--", "test", "!", "-e", "/tmp/" + refused).exitCode()).as(refused)
				.isZero();
		}

		// the same through the gateway, which authenticates the token and strips it
		String gatewayExec = gateway.url().replace("https://", "wss://")
				+ "/api/v1/namespaces/default/pods/ws-box/exec?stdout=true&command=sh&command=-c&command=";
		ExecStream viaGateway = ExecStream.open(http, URI.create(gatewayExec + "echo%20via%20gateway"),
				"v5.channel.k8s.io", BearerTokenProtocol.of(token));
		assertThat(viaGateway.subprotocol()).isEqualTo("v5.channel.k8s.io");
		assertThat(viaGateway.awaitStdout()).isEqualTo("via gateway\n");
		assertThat(ExecStream.refusal(http, URI.create(gatewayExec + "touch%20/tmp/gw-denied"), "v5.channel.k8s.io",
				BearerTokenProtocol.of(denied)))
			.isEqualTo(403);
		String malformed = response(anonymous, Integer.parseInt(gateway.url().replaceAll(".*:", "")),
				"GET /api/v1/namespaces/default/pods/ws-box/exec?stdout=true&command=true HTTP/1.1\r\n"
						+ "Host: 127.0.0.1\r\nConnection: Upgrade, close\r\nUpgrade: websocket\r\n"
						+ "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
						+ "Sec-WebSocket-Protocol: v5.channel.k8s.io, " + BearerTokenProtocol.PREFIX + "YW.j\r\n\r\n");
		assertThat(malformed).startsWith("HTTP/1.1 401")
			.contains("\"kind\":\"Status\"")
			.contains("\"reason\":\"Unauthorized\"");
		assertThat(kubectl.run("exec", "ws-box", "--", "test", "!", "-e", "/tmp/gw-denied").exitCode()).isZero();
	}

	@Test
	void logsAndExecGoThroughTheApiserverOverTls() {
		awaitIssued(context(null, null));
		client.pods()
			.resource(
					TestPods.shell("box", NODE, "echo hello over tls; trap 'exit 0' TERM; sleep 100000 & wait").build())
			.create();
		TestPods.await(client, "box", TestPods::ready);
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(kubectl.run("logs", "box").requireSuccess().stdout())
				.isEqualTo("hello over tls\n"));
		// a query with escapes (sinceTime's colons) reaches the agent as it was
		String hourAgo = java.time.Instant.now()
			.minusSeconds(3600)
			.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
			.toString();
		assertThat(kubectl.run("logs", "box", "--since-time=" + hourAgo).requireSuccess().stdout())
			.isEqualTo("hello over tls\n");
		KubectlResult exec = kubectl.run("exec", "box", "--", "sh", "-c", "echo from exec; exit 4");
		assertThat(exec.exitCode()).as(exec.describe()).isEqualTo(4);
		assertThat(exec.stdout()).isEqualTo("from exec\n");
		assertThat(kubectl.runWithInput("piped\n", "exec", "-i", "box", "--", "cat").requireSuccess().stdout())
			.isEqualTo("piped\n");
	}

	/**
	 * The apiserver's kubelet client pair replaced on disk while it runs: a half-written
	 * pair leaves the one in use (logs still work), a whole new one is presented at the
	 * next call (the agent names its user in a 403, for RBAC grants it nothing), and the
	 * first pair back works again. Restores the files whatever happens.
	 */
	@Test
	void theApiserverPresentsAReplacedKubeletClientCertificateWithoutARestart() throws Exception {
		awaitIssued(context(null, null));
		client.pods()
			.resource(TestPods.shell("cert-box", NODE, "echo rotated; trap 'exit 0' TERM; sleep 100000 & wait").build())
			.create();
		TestPods.await(client, "cert-box", TestPods::ready);
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(
					() -> assertThat(kubectl.run("logs", "cert-box").requireSuccess().stdout()).isEqualTo("rotated\n"));
		String certificate = Files.readString(apiserverClient[0]);
		String key = Files.readString(apiserverClient[1]);
		Path[] rotated = ca.writePair(dir.resolve("rotated"), "client", "CN=rotated-kubelet-client",
				KeyPurposeId.id_kp_clientAuth);
		try {
			String next = Files.readString(rotated[0]);
			Files.writeString(apiserverClient[0], next.substring(0, next.length() / 2));
			assertThat(kubectl.run("logs", "cert-box").requireSuccess().stdout()).isEqualTo("rotated\n");
			Files.writeString(apiserverClient[0], next);
			// the new certificate with the old key: still the old pair
			assertThat(kubectl.run("logs", "cert-box").requireSuccess().stdout()).isEqualTo("rotated\n");

			Files.writeString(apiserverClient[1], Files.readString(rotated[1]));
			KubectlResult refused = kubectl.run("logs", "cert-box");
			assertThat(refused.exitCode()).as(refused.describe()).isNotZero();
			assertThat(refused.stderr()).contains("Forbidden (user=rotated-kubelet-client");
			KubectlResult exec = kubectl.run("exec", "cert-box", "--", "true");
			assertThat(exec.exitCode()).as(exec.describe()).isNotZero();
		}
		finally {
			Files.writeString(apiserverClient[0], certificate);
			Files.writeString(apiserverClient[1], key);
		}
		assertThat(kubectl.run("logs", "cert-box").requireSuccess().stdout()).isEqualTo("rotated\n");
		KubectlResult exec = kubectl.run("exec", "cert-box", "--", "sh", "-c", "echo back");
		assertThat(exec.exitCode()).as(exec.describe()).isZero();
		assertThat(exec.stdout()).isEqualTo("back\n");
	}

	@Test
	void anAgentCertificateOfAnotherCaIsRefusedByTheApiserver() throws Exception {
		TestPki other = new TestPki("CN=other-ca");
		Path[] serving = other.writePair(dir.resolve("other"), "serving", "O=system:nodes,CN=system:node:" + FOREIGN,
				KeyPurposeId.id_kp_serverAuth, new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
		foreignPort = TestCluster.freePort();
		cluster.startNode(FOREIGN, throughGateway(dir.resolve("pki"), FOREIGN, "--server.port=" + foreignPort,
				"--stevedore.node.port=" + foreignPort, "--stevedore.node.runtime=simulated",
				"--stevedore.node.simulated.pod-cidr=100.100.11.0/24",
				"--stevedore.node.serving.cert-file=" + serving[0], "--stevedore.node.serving.key-file=" + serving[1],
				"--stevedore.node.serving.client-ca-file=" + caFile));
		client.pods().resource(TestPods.shell("far", FOREIGN, "echo hi; sleep 100000").build()).create();
		TestPods.await(client, "far", (p) -> "Running".equals(p.getStatus().getPhase()));

		KubectlResult logs = kubectl.run("logs", "far");
		assertThat(logs.exitCode()).as(logs.describe()).isNotZero();
		assertThat(logs.stderr()).contains("SSLHandshakeException");
		KubectlResult exec = kubectl.run("exec", "far", "--", "true");
		assertThat(exec.exitCode()).as(exec.describe()).isNotZero();
		assertThat(exec.stderr()).contains("error dialing backend");
	}

	/**
	 * Last, as it stops the gateway: with no one to answer its reviews the agent fails
	 * closed, as the kubelet: a token it has not reviewed yet is 401, a caller it has not
	 * asked about yet is 500 {@code Authorization error}; an allow it keeps (5 minutes)
	 * still stands.
	 */
	@Test
	@Order(Integer.MAX_VALUE)
	void withoutTheApiTheAgentFailsClosed() throws Exception {
		SSLContext anonymous = context(null, null);
		awaitIssued(anonymous);
		SSLContext apiserver = context(apiserverClient[0], apiserverClient[1]);
		assertThat(statusLine(apiserver, port, get("/stats/summary"))).isEqualTo("HTTP/1.1 200 ");
		kubectl.run("create", "serviceaccount", "late").requireSuccess();
		String token = kubectl.run("create", "token", "late").requireSuccess().stdout().strip();
		Path[] newcomer = ca.writePair(dir.resolve("newcomer"), "client", "O=system:masters,CN=newcomer",
				KeyPurposeId.id_kp_clientAuth);

		gateway.close();

		assertThat(statusLine(anonymous, port, get("/stats/summary", token))).startsWith("HTTP/1.1 401");
		assertThat(answer(context(newcomer[0], newcomer[1]), port, get("/stats/summary"))).startsWith("HTTP/1.1 500")
			.contains("Authorization error (user=newcomer, verb=get, resource=nodes, subresource=stats)");
		assertThat(statusLine(apiserver, port, get("/stats/summary"))).isEqualTo("HTTP/1.1 200 ");
	}

	private static void awaitIssued(SSLContext anonymous) {
		await().atMost(Duration.ofSeconds(30))
			.ignoreExceptions()
			.until(() -> issuedSerial.equals(servedSerial(anonymous, port)));
	}

	private static String get(String path) {
		return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
	}

	private static String get(String path, String token) {
		return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
				+ "\r\nConnection: close\r\n\r\n";
	}

	/** The status line of the agent's answer to a raw request over TLS. */
	private static String statusLine(SSLContext context, int port, String request) throws IOException {
		try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(request.getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			String line = new BufferedReader(
					new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1))
				.readLine();
			if (line == null) {
				throw new IOException("the agent closed the connection without answering");
			}
			return line;
		}
	}

	/**
	 * The status line and body of the answer to a raw request over TLS, read by its
	 * Content-Length (a refused upgrade keeps the connection open).
	 */
	private static String answer(SSLContext context, int port, String request) throws IOException {
		try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
			socket.setSoTimeout(10_000);
			socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
			socket.getOutputStream().flush();
			BufferedReader in = new BufferedReader(
					new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
			String status = in.readLine();
			int length = 0;
			for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
				if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
					length = Integer.parseInt(line.substring("content-length:".length()).strip());
				}
			}
			char[] body = new char[length];
			int read = 0;
			while (read < length) {
				int n = in.read(body, read, length - read);
				if (n < 0) {
					break;
				}
				read += n;
			}
			return status + "\n" + new String(body, 0, read);
		}
	}

	/** The whole answer to a raw request over TLS ({@code Connection: close}). */
	private static String response(SSLContext context, int port, String request) throws IOException {
		try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
			socket.setSoTimeout(10_000);
			socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
			socket.getOutputStream().flush();
			return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	private static BigInteger servedSerial(SSLContext context, int port) throws IOException {
		try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
			socket.startHandshake();
			return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
		}
	}

	/** Trusts the cluster CA; presents the pair when given. */
	private static SSLContext context(Path cert, Path key) {
		try {
			PemSslStoreDetails keyStore = cert == null ? null
					: PemSslStoreDetails.forCertificates(Files.readString(cert)).withPrivateKey(Files.readString(key));
			return SslBundle
				.of(new PemSslStoreBundle(keyStore, PemSslStoreDetails.forCertificates(Files.readString(caFile))))
				.createSslContext();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static GeneralName[] subjectAltNames(PKCS10CertificationRequest request) {
		var attributes = request.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest);
		Extensions extensions = Extensions.getInstance(attributes[0].getAttrValues().getObjectAt(0));
		return GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName).getNames();
	}

}
