package io.stevedore.e2e.launcher;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * scripts/lib/identities.sh on its own, with a CA made like the gateway's (EC P-256) and
 * the real openssl: the subjects Kubernetes' default roles expect, clientAuth, signed by
 * the CA, a kubeconfig naming the files, kept while current and reissued when the CA
 * changes. Seconds; no cluster.
 */
class IdentitiesScriptTest {

	@TempDir
	Path home;

	@BeforeEach
	void certificateAuthority() throws Exception {
		makeCa();
	}

	private void makeCa() throws Exception {
		Files.createDirectories(this.home.resolve("pki"));
		run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout \"$STEVEDORE_HOME/pki/ca.key\""
				+ " -out \"$STEVEDORE_HOME/pki/ca.crt\" -subj /CN=test-ca -days 2 2>/dev/null");
	}

	@Test
	void eachComponentGetsItsKubernetesSubjectSignedByTheClusterCaForClientAuth() throws Exception {
		for (String[] expected : List.of(new String[] { "scheduler", "/CN=system:kube-scheduler" },
				new String[] { "controllers", "/CN=system:kube-controller-manager" },
				new String[] { "proxy", "/CN=system:kube-proxy" },
				new String[] { "node-worker-1", "/O=system:nodes/CN=system:node:worker-1" })) {
			String out = run("issue_identity " + expected[0] + " && cd \"$STEVEDORE_HOME/pki\" && "
					+ "openssl x509 -in identities/" + expected[0] + ".crt -noout -subject -nameopt compat"
					+ " -ext extendedKeyUsage && openssl verify -CAfile ca.crt identities/" + expected[0] + ".crt"
					+ " && stat -c %a identities/" + expected[0] + ".key");
			assertThat(out).contains("subject=" + expected[1] + "\n")
				.contains("TLS Web Client Authentication")
				.contains(": OK")
				.endsWith("600\n");
		}
	}

	@Test
	void theKubeconfigAndTheClientOptionsNameTheGatewayTheCaAndTheFiles() throws Exception {
		Path dir = this.home.resolve("pki/identities");
		String options = run("issue_identity node-n1 && identity_client_options node-n1");
		assertThat(options.strip()).isEqualTo("--stevedore.apiserver.url=https://127.0.0.1:43999"
				+ " --stevedore.apiserver.ca-cert-file=" + this.home.resolve("pki/ca.crt")
				+ " --stevedore.apiserver.client-cert-file=" + dir.resolve("node-n1.crt")
				+ " --stevedore.apiserver.client-key-file=" + dir.resolve("node-n1.key"));
		assertThat(Files.readString(dir.resolve("node-n1.kubeconfig"))).contains("server: https://127.0.0.1:43999")
			.contains("certificate-authority: " + this.home.resolve("pki/ca.crt"))
			.contains("client-certificate: " + dir.resolve("node-n1.crt"))
			.contains("client-key: " + dir.resolve("node-n1.key"))
			.contains("name: \"system:node:n1\"")
			.contains("current-context: stevedore");
	}

	@Test
	void aCurrentCertificateIsKeptAndANewCaGetsANewOne() throws Exception {
		Path cert = this.home.resolve("pki/identities/proxy.crt");
		run("issue_identity proxy");
		String first = Files.readString(cert);
		run("issue_identity proxy");
		assertThat(Files.readString(cert)).as("kept while signed by the CA and far from expiry").isEqualTo(first);

		makeCa();
		String out = run(
				"issue_identity proxy && openssl verify -CAfile \"$STEVEDORE_HOME/pki/ca.crt\" \"" + cert + "\"");
		assertThat(Files.readString(cert)).isNotEqualTo(first);
		assertThat(out).contains(": OK");
	}

	@Test
	void aNodeAgentIsPointedAtTheBootstrapTokenAndTheFilesItWillWrite() throws Exception {
		Path dir = this.home.resolve("pki/identities");
		String options = run("node_bootstrap_options node-n1");
		assertThat(options.strip()).isEqualTo("--stevedore.apiserver.url=https://127.0.0.1:43999"
				+ " --stevedore.apiserver.ca-cert-file=" + this.home.resolve("pki/ca.crt")
				+ " --stevedore.node.bootstrap.token-file=" + this.home.resolve("pki/bootstrap-token")
				+ " --stevedore.node.bootstrap.cert-file=" + dir.resolve("node-n1.crt")
				+ " --stevedore.node.bootstrap.key-file=" + dir.resolve("node-n1.key"));
		// Nothing is issued by openssl for it.
		assertThat(dir.resolve("node-n1.crt")).doesNotExist();
	}

	@Test
	void theApiserverGetsAKubeletClientCertificateAndTheAgentsAnHttpsPort() throws Exception {
		Path dir = this.home.resolve("pki/identities");
		String out = run("issue_client_certificate apiserver-kubelet-client && cd \"$STEVEDORE_HOME/pki\" && "
				+ "openssl x509 -in identities/apiserver-kubelet-client.crt -noout -subject -nameopt compat"
				+ " -ext extendedKeyUsage && openssl verify -CAfile ca.crt identities/apiserver-kubelet-client.crt");
		// kubeadm's apiserver-kubelet-client, and no kubeconfig: it is no user of the API
		assertThat(out).contains("subject=/CN=kube-apiserver-kubelet-client\n")
			.contains("TLS Web Client Authentication")
			.contains(": OK");
		assertThat(dir.resolve("apiserver-kubelet-client.kubeconfig")).doesNotExist();
		assertThat(run("apiserver_kubelet_options").strip())
			.isEqualTo("--stevedore.apiserver.kubelet.certificate-authority=" + this.home.resolve("pki/ca.crt")
					+ " --stevedore.apiserver.kubelet.client-certificate=" + dir.resolve("apiserver-kubelet-client.crt")
					+ " --stevedore.apiserver.kubelet.client-key=" + dir.resolve("apiserver-kubelet-client.key"));
		assertThat(run("node_serving_options node-n1").strip())
			.isEqualTo("--stevedore.node.serving.cert-file=" + dir.resolve("node-n1-serving.crt")
					+ " --stevedore.node.serving.key-file=" + dir.resolve("node-n1-serving.key")
					+ " --stevedore.node.serving.tls-bootstrap=true --stevedore.node.serving.client-ca-file="
					+ this.home.resolve("pki/ca.crt"));
	}

	/**
	 * kubectl stood in for by a function: a Secret is a file under fake/ holding its
	 * expiration; creates are logged with their arguments.
	 */
	private static final String FAKE_KUBECTL = """
			kubectl() {
				local a name exp=""
				echo "$*" >>"$STEVEDORE_HOME/fake/log"
				for a in "$@"; do
					case "$a" in
					bootstrap-token-*) name=$a ;;
					--from-literal=expiration=*) exp=${a#--from-literal=expiration=} ;;
					esac
				done
				case " $* " in
				*" get secret "*) [ -f "$STEVEDORE_HOME/fake/$name" ] || return 1
					[ ! -s "$STEVEDORE_HOME/fake/$name" ] || base64 -w0 <"$STEVEDORE_HOME/fake/$name" ;;
				*" create secret "*) printf %s "$exp" >"$STEVEDORE_HOME/fake/$name" ;;
				esac
			}
			mkdir -p "$STEVEDORE_HOME/fake"
			""";

	@Test
	void aBootstrapTokenExpiresInADayAndIsMadeAgainWhenItsSecretIsGoneOrAboutToExpire() throws Exception {
		long before = java.time.Instant.now().getEpochSecond();
		run(FAKE_KUBECTL + "ensure_bootstrap_token");
		Path file = this.home.resolve("pki/bootstrap-token");
		String first = Files.readString(file).strip();
		assertThat(first).matches("[0-9a-f]{6}\\.[0-9a-f]{16}");
		assertThat(run("stat -c %a \"" + file + "\"").strip()).isEqualTo("600");
		Path secret = this.home.resolve("fake/bootstrap-token-" + first.substring(0, 6));
		long expires = java.time.Instant.parse(Files.readString(secret)).getEpochSecond();
		assertThat(expires).as("kubeadm's 24 h").isBetween(before + 86400, before + 86400 + 60);
		assertThat(Files.readString(this.home.resolve("fake/log"))).contains("--type=bootstrap.kubernetes.io/token")
			.contains("--from-literal=token-id=" + first.substring(0, 6))
			.contains("--from-literal=token-secret=" + first.substring(7));

		run(FAKE_KUBECTL + "ensure_bootstrap_token");
		assertThat(Files.readString(file).strip()).as("kept while it has hours left").isEqualTo(first);

		Files.writeString(secret, java.time.Instant.ofEpochSecond(before + 300).toString());
		run(FAKE_KUBECTL + "ensure_bootstrap_token");
		String second = Files.readString(file).strip();
		assertThat(second).as("5 minutes left: too little for an agent to bootstrap").isNotEqualTo(first);

		Files.delete(this.home.resolve("fake/bootstrap-token-" + second.substring(0, 6)));
		run(FAKE_KUBECTL + "ensure_bootstrap_token");
		String third = Files.readString(file).strip();
		assertThat(third).as("its Secret is gone (the tokencleaner deleted it)").isNotEqualTo(second);

		Files.writeString(this.home.resolve("fake/bootstrap-token-" + third.substring(0, 6)), "");
		run(FAKE_KUBECTL + "ensure_bootstrap_token");
		assertThat(Files.readString(file).strip()).as("a token without expiration is kept").isEqualTo(third);
	}

	@Test
	void aZeroTtlMakesATokenThatNeverExpiresAndABadOneIsRefused() throws Exception {
		run(FAKE_KUBECTL + "STEVEDORE_BOOTSTRAP_TOKEN_TTL=0 ensure_bootstrap_token");
		assertThat(Files.readString(this.home.resolve("fake/log"))).doesNotContain("expiration");

		Files.delete(this.home.resolve("pki/bootstrap-token"));
		Process process = bash(FAKE_KUBECTL + "STEVEDORE_BOOTSTRAP_TOKEN_TTL=1d ensure_bootstrap_token");
		String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).isNotZero();
		assertThat(out).contains("STEVEDORE_BOOTSTRAP_TOKEN_TTL must be a number of seconds, got '1d'");
		assertThat(this.home.resolve("pki/bootstrap-token")).doesNotExist();
	}

	@Test
	void anUnknownComponentHasNoIdentityAndNothingIsWritten() throws Exception {
		Process process = bash("issue_identity apiserver");
		String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).isNotZero();
		assertThat(out).contains("no identity is defined for component 'apiserver'");
		assertThat(this.home.resolve("pki/identities")).doesNotExist();
	}

	private String run(String script) throws Exception {
		Process process = bash(script);
		String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(out).isZero();
		return out;
	}

	private Process bash(String script) throws Exception {
		Path lib = StevedoreCommand.repositoryRoot().resolve("scripts/lib");
		String prelude = "set -euo pipefail; GATEWAY_PORT=43999; for f in common process kubeconfig components identities;"
				+ " do . \"" + lib + "/$f.sh\"; done; ";
		ProcessBuilder builder = new ProcessBuilder("bash", "-c", prelude + script).redirectErrorStream(true);
		builder.environment().put("STEVEDORE_HOME", this.home.toString());
		return builder.start();
	}

}
