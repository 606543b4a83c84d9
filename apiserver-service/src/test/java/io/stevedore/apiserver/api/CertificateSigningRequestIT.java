package io.stevedore.apiserver.api;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.testsupport.kubectl.Kubeconfig;
import io.stevedore.testsupport.kubectl.Kubectl;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * certificates.k8s.io/v1 CertificateSigningRequests against the real apiserver: the
 * requester the gateway names becomes spec.username/groups, bad requests are refused with
 * the field named and nothing stored, {@code kubectl get csr} prints Kubernetes' columns,
 * {@code kubectl certificate approve|deny} go through /approval and /status cannot undo a
 * decision. The CSR itself comes from openssl, as an operator's would.
 */
class CertificateSigningRequestIT extends EmbeddedApiServer {

	private static final String CSRS = "/apis/certificates.k8s.io/v1/certificatesigningrequests";

	private static final String SIGNER = "kubernetes.io/kube-apiserver-client-kubelet";

	@TempDir
	Path dir;

	HttpApi api;

	Kubectl kubectl;

	String name;

	@BeforeEach
	void setUp() {
		this.api = api();
		this.kubectl = Kubectl.forKubeconfig(
				Kubeconfig.write(this.dir.resolve("kubeconfig"), this.api.uri("").toString()),
				this.dir.resolve("home"));
		this.name = "node-csr-" + Long.toHexString(System.nanoTime());
	}

	@Test
	void createRecordsTheRequesterAndKubectlApprovesAndPrints() throws Exception {
		String body = csr(this.name, base64(opensslCsr("system:node:n1", "system:nodes")), SIGNER);
		HttpResponse<String> created = this.api.client()
			.send(HttpRequest.newBuilder(this.api.uri(CSRS))
				.header("Content-Type", "application/json")
				.header("X-Remote-User", "system:bootstrap:abcdef")
				.header("X-Remote-Group", "system:bootstrappers")
				.header("X-Remote-Group", "system:authenticated")
				.POST(HttpRequest.BodyPublishers.ofString(body.replace("\"usages\"",
						"\"username\":\"forged\",\"groups\":[\"system:masters\"],\"usages\"")))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		JsonNode stored = this.api.get(CSRS + "/" + this.name).json();
		assertThat(stored.at("/spec/username").asText()).isEqualTo("system:bootstrap:abcdef");
		assertThat(stored.at("/spec/groups").toString())
			.isEqualTo("[\"system:bootstrappers\",\"system:authenticated\"]");

		assertThat(this.kubectl.run("get", "csr", this.name).requireSuccess().stdout())
			.containsPattern("NAME\\s+AGE\\s+SIGNERNAME\\s+REQUESTOR\\s+REQUESTEDDURATION\\s+CONDITION")
			.containsPattern(this.name + "\\s+\\S+\\s+" + SIGNER + "\\s+system:bootstrap:abcdef\\s+<none>\\s+Pending");

		this.kubectl.run("certificate", "approve", this.name).requireSuccess();
		JsonNode approved = this.api.get(CSRS + "/" + this.name).json();
		assertThat(approved.at("/status/conditions/0/type").asText()).isEqualTo("Approved");
		assertThat(approved.at("/status/conditions/0/status").asText()).isEqualTo("True");
		assertThat(approved.at("/status/conditions/0/lastUpdateTime").asText()).isNotEmpty();
		assertThat(this.kubectl.run("get", "csr", this.name).requireSuccess().stdout())
			.containsPattern(this.name + ".*\\s+Approved\\s*$");

		// kubectl refuses to deny an approved request; the server does too.
		assertThat(this.kubectl.run("certificate", "deny", this.name, "--force").requireFailure().stderr())
			.contains("already Approved");
		String denied = approved.toString()
			.replace("\"conditions\":[", "\"conditions\":[{\"type\":\"Denied\",\"status\":\"True\"},");
		HttpApi.Answer both = this.api.put(CSRS + "/" + this.name + "/approval", denied);
		assertThat(both.code()).as(both.body()).isEqualTo(422);
		assertThat(both.body()).contains("status.conditions");

		// A status write (the signer's) cannot drop the approval.
		String withoutDecision = approved.toString().replaceAll("\"conditions\":\\[.*?\\]", "\"conditions\":[]");
		this.api.put(CSRS + "/" + this.name + "/status", withoutDecision);
		assertThat(this.api.get(CSRS + "/" + this.name).json().at("/status/conditions/0/type").asText())
			.isEqualTo("Approved");
	}

	@Test
	void badRequestsNameTheFieldAndStoreNothing() throws Exception {
		String before = this.api.get(CSRS).json().path("items").toString();

		HttpApi.Answer notPem = this.api.post(CSRS, csr(this.name, base64("hello"), SIGNER));
		assertThat(notPem.code()).isEqualTo(422);
		assertThat(notPem.body()).contains("spec.request");

		HttpApi.Answer noSigner = this.api.post(CSRS,
				csr(this.name, base64(opensslCsr("system:node:n1", "system:nodes")), ""));
		assertThat(noSigner.code()).isEqualTo(422);
		assertThat(noSigner.body()).contains("spec.signerName");

		HttpApi.Answer badUsage = this.api.post(CSRS,
				csr(this.name, base64(opensslCsr("system:node:n1", "system:nodes")), SIGNER).replace("client auth",
						"flying"));
		assertThat(badUsage.code()).isEqualTo(422);
		assertThat(badUsage.body()).contains("spec.usages[1]");

		String pem = opensslCsr("alice", "devs");
		byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
		der[der.length - 1] ^= 0x01;
		String forged = "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder().encodeToString(der)
				+ "\n-----END CERTIFICATE REQUEST-----\n";
		HttpApi.Answer badSignature = this.api.post(CSRS, csr(this.name, base64(forged), SIGNER));
		assertThat(badSignature.code()).isEqualTo(422);
		assertThat(badSignature.body()).contains("spec.request").containsPattern("verification (error|failure)");

		HttpApi.Answer legacy = this.api.post(CSRS,
				csr(this.name, base64(opensslCsr("alice", "devs")), "kubernetes.io/legacy-unknown"));
		assertThat(legacy.code()).isEqualTo(422);
		assertThat(legacy.body()).contains("spec.signerName")
			.contains("the legacy signerName is not allowed via this API version");

		HttpApi.Answer tooShort = this.api.post(CSRS,
				csr(this.name, base64(opensslCsr("alice", "devs")), "kubernetes.io/kube-apiserver-client")
					.replace("\"usages\"", "\"expirationSeconds\":599,\"usages\""));
		assertThat(tooShort.code()).isEqualTo(422);
		assertThat(tooShort.body()).contains("spec.expirationSeconds")
			.contains("may not specify a duration less than 600 seconds (10 minutes)");

		assertThat(this.api.get(CSRS + "/" + this.name).code()).isEqualTo(404);
		assertThat(this.api.get(CSRS).json().path("items").toString()).isEqualTo(before);
	}

	@Test
	void kubectlListsTheRequestsOfOneSignerByFieldSelector() throws Exception {
		String serving = this.name + "-serving";
		assertThat(this.api.post(CSRS, csr(this.name, base64(opensslCsr("system:node:n1", "system:nodes")), SIGNER))
			.code()).isEqualTo(201);
		assertThat(
				this.api
					.post(CSRS,
							csr(serving, base64(opensslCsr("system:node:n1", "system:nodes")),
									"kubernetes.io/kubelet-serving"))
					.code())
			.isEqualTo(201);

		String listed = this.kubectl
			.run("get", "csr", "--field-selector=spec.signerName=kubernetes.io/kubelet-serving", "-o",
					"jsonpath={.items[*].metadata.name}")
			.requireSuccess()
			.stdout();
		assertThat(listed.split(" ")).contains(serving).doesNotContain(this.name);
		assertThat(this.kubectl.run("get", "csr", "--field-selector=spec.username=x").requireFailure().stderr())
			.contains("field label not supported: spec.username");
	}

	@Test
	void discoveryListsTheResourceWithItsSubresourcesAndShortName() {
		JsonNode resources = this.api.get("/apis/certificates.k8s.io/v1").json().path("resources");
		assertThat(resources.toString()).contains("\"name\":\"certificatesigningrequests\"")
			.contains("\"name\":\"certificatesigningrequests/approval\"")
			.contains("\"name\":\"certificatesigningrequests/status\"")
			.contains("\"csr\"");
	}

	private static String csr(String name, String request, String signer) {
		return """
				{"apiVersion":"certificates.k8s.io/v1","kind":"CertificateSigningRequest",
				 "metadata":{"name":"%s"},
				 "spec":{"request":"%s","signerName":"%s","usages":["digital signature","client auth"]}}
				""".formatted(name, request, signer);
	}

	private static String base64(String text) {
		return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
	}

	private String opensslCsr(String cn, String o) throws Exception {
		Path key = this.dir.resolve("key.pem");
		Process p = new ProcessBuilder("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt",
				"ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(), "-subj", "/O=" + o + "/CN=" + cn)
			.redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
		String pem = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
		assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(pem).startsWith("-----BEGIN CERTIFICATE REQUEST-----");
		Files.deleteIfExists(key);
		return pem;
	}

}
