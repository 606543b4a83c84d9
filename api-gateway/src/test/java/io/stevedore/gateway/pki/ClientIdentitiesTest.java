package io.stevedore.gateway.pki;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ClientIdentitiesTest {

	private static final String SERVER = "https://gateway:6443";

	@TempDir
	Path dir;

	private final CertificateAuthority ca = CertificateAuthority.generate("test-ca", Clock.systemUTC());

	@Test
	void eachIdentityGetsACertificateOfItsUserAndGroupsAnRsaKeyOnlyItsOwnerReadsAndAKubeconfig() throws Exception {
		ClientIdentities.parse(List.of("scheduler=system:kube-scheduler", "node-a=system:node:a/system:nodes"))
			.keep(this.dir, this.ca, SERVER);

		X509Certificate scheduler = Pem.readCertificate(this.dir.resolve("scheduler.crt"));
		this.ca.verifyClient(scheduler);
		assertThat(scheduler.getSubjectX500Principal().getName()).isEqualTo("CN=system:kube-scheduler");
		X509Certificate node = Pem.readCertificate(this.dir.resolve("node-a.crt"));
		assertThat(node.getSubjectX500Principal().getName()).isEqualTo("CN=system:node:a,O=system:nodes");
		assertThat(Pem.readPrivateKey(this.dir.resolve("node-a.key")).getAlgorithm()).isEqualTo("RSA");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(this.dir.resolve("node-a.key"))))
			.isEqualTo("rw-------");
		String kubeconfig = Files.readString(this.dir.resolve("node-a.kubeconfig"));
		assertThat(kubeconfig).contains("server: " + SERVER).contains("- name: system:node:a");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(this.dir.resolve("node-a.kubeconfig"))))
			.isEqualTo("rw-------");
	}

	@Test
	void aCurrentCertificateIsKeptAndANewCaOrAnotherSubjectGetsANewOne() {
		ClientIdentities identities = ClientIdentities.parse(List.of("proxy=system:kube-proxy"));
		identities.keep(this.dir, this.ca, SERVER);
		X509Certificate first = Pem.readCertificate(this.dir.resolve("proxy.crt"));

		identities.keep(this.dir, this.ca, SERVER);
		assertThat(Pem.readCertificate(this.dir.resolve("proxy.crt"))).isEqualTo(first);

		ClientIdentities.parse(List.of("proxy=system:kube-proxy/extra")).keep(this.dir, this.ca, SERVER);
		X509Certificate regrouped = Pem.readCertificate(this.dir.resolve("proxy.crt"));
		assertThat(regrouped).isNotEqualTo(first);
		assertThat(regrouped.getSubjectX500Principal().getName()).isEqualTo("CN=system:kube-proxy,O=extra");

		CertificateAuthority other = CertificateAuthority.generate("other-ca", Clock.systemUTC());
		identities.keep(this.dir, other, SERVER);
		X509Certificate reissued = Pem.readCertificate(this.dir.resolve("proxy.crt"));
		assertThat(reissued.getIssuerX500Principal()).isEqualTo(other.certificate().getSubjectX500Principal());
	}

	@Test
	void anEntryThatIsNotNameEqualsUserIsRefusedAndNothingIsWritten() throws Exception {
		for (String entry : List.of("scheduler", "=system:kube-scheduler", "../etc=root", ".hidden=x", "a=",
				"a=user//group", "a b=user")) {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> ClientIdentities.parse(List.of("ok=fine", entry)).keep(this.dir, this.ca, SERVER))
				.withMessageContaining("stevedore.gateway.tls.client-identities")
				.withMessageContaining(entry);
		}
		try (var files = Files.list(this.dir)) {
			assertThat(files).isEmpty();
		}
	}

	@Test
	void noIdentitiesWriteNoDirectory() {
		ClientIdentities.parse(List.of()).keep(this.dir.resolve("identities"), this.ca, SERVER);
		assertThat(this.dir.resolve("identities")).doesNotExist();
	}

}
