package io.stevedore.gateway.pki;

import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import io.stevedore.gateway.authn.Authentication;
import io.stevedore.gateway.authn.X509Authenticator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CertificateAuthorityTest {

	private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

	private final CertificateAuthority ca = CertificateAuthority.generate("test-ca", Clock.fixed(NOW, ZoneOffset.UTC));

	@Test
	void aClientCertificateNamesTheUserInCnAndGroupsInO() {
		X509Certificate certificate = this.ca.issueClient("jane", List.of("developers", "ops"),
				CertificateAuthority.newKeyPair().getPublic());

		Authentication result = new X509Authenticator(this.ca).authenticate(certificate);

		assertThat(result).isInstanceOfSatisfying(Authentication.Authenticated.class, (authenticated) -> {
			assertThat(authenticated.user().name()).isEqualTo("jane");
			assertThat(authenticated.user().groups()).containsExactly("developers", "ops", "system:authenticated");
		});
	}

	@Test
	void aCertificateFromAnotherCaIsRejected() {
		CertificateAuthority other = CertificateAuthority.generate("other", Clock.fixed(NOW, ZoneOffset.UTC));
		X509Certificate foreign = other.issueClient("mallory", List.of("system:masters"),
				CertificateAuthority.newKeyPair().getPublic());

		assertThat(new X509Authenticator(this.ca).authenticate(foreign))
			.isEqualTo(new Authentication.Rejected("x509: certificate signed by unknown authority"));
	}

	@Test
	void anExpiredClientCertificateIsRejected() throws Exception {
		X509Certificate certificate = this.ca.issueClient("jane", List.of(),
				CertificateAuthority.newKeyPair().getPublic());
		CertificateAuthority later = new CertificateAuthority(this.ca.certificate(), this.ca.privateKey(),
				Clock.fixed(NOW.plus(CertificateAuthority.LEAF_VALIDITY).plus(Duration.ofDays(1)), ZoneOffset.UTC));

		assertThatThrownBy(() -> later.verifyClient(certificate)).isInstanceOf(CertificateException.class);
	}

	@Test
	void aServingCertificateIsNotAcceptedAsAClientCertificate() {
		X509Certificate serving = this.ca.issueServing("gw", List.of("localhost"),
				CertificateAuthority.newKeyPair().getPublic());

		assertThatThrownBy(() -> this.ca.verifyClient(serving)).hasMessageContaining("incompatible key usage");
	}

	@Test
	void aServingCertificateCarriesIpAndDnsSubjectAlternativeNames() throws Exception {
		KeyPair keys = CertificateAuthority.newKeyPair();
		X509Certificate serving = this.ca.issueServing("gw", List.of("127.0.0.1", "localhost"), keys.getPublic());

		assertThat(serving.getSubjectAlternativeNames()).extracting((entry) -> (Object) entry.get(1))
			.containsExactly("127.0.0.1", "localhost");
		serving.verify(this.ca.certificate().getPublicKey());
	}

	@Test
	void theClusterPkiIsCreatedOnceAndReusedAcrossStarts(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
		ClusterPki first = ClusterPki.loadOrCreate(dir, List.of("127.0.0.1"), "https://127.0.0.1:6443",
				Clock.systemUTC());
		ClusterPki second = ClusterPki.loadOrCreate(dir, List.of("127.0.0.1"), "https://127.0.0.1:6443",
				Clock.systemUTC());

		assertThat(second.authority().certificate()).isEqualTo(first.authority().certificate());
		assertThat(second.servingCertificate()).isEqualTo(first.servingCertificate());
		assertThat(dir.resolve("kubeconfig")).content()
			.contains("server: https://127.0.0.1:6443")
			.contains("client-certificate-data:");
	}

}
