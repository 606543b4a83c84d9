package io.stevedore.nodeagent.serving;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import io.stevedore.nodeagent.bootstrap.CertificateRotation;
import io.stevedore.nodeagent.bootstrap.NodeCertificateFiles;
import io.stevedore.nodeagent.bootstrap.NodeCertificateRequest;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.boot.ssl.SslBundle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the agent's port presents: the files' pair when it is good, a self-signed one
 * until the cluster issued one, and the issued one after a rotation wrote it, in the
 * bundle Tomcat serves (the registry stands for Tomcat's reload).
 */
class ServingCertificateTest {

	private static final TestPki CA = new TestPki("CN=test-cluster-ca");

	@TempDir
	Path dir;

	@Test
	void withoutFilesASelfSignedCertificateForTheNodesNamesIsServedUntilOneIsIssued() throws Exception {
		NodeCertificateFiles files = new NodeCertificateFiles(this.dir.resolve("serving.crt"),
				this.dir.resolve("serving.key"));
		ServingCertificate certificate = new ServingCertificate(files, CA.caPem(), "n1", List.of("host-1"),
				List.of("10.0.0.7"), Clock.systemUTC());
		DefaultSslBundleRegistry registry = new DefaultSslBundleRegistry();
		certificate.register(registry);
		List<SslBundle> updates = new ArrayList<>();
		registry.addBundleUpdateHandler(ServingCertificate.BUNDLE, updates::add);

		assertThat(certificate.certificate()).as("none issued").isNull();
		X509Certificate served = served(registry.getBundle(ServingCertificate.BUNDLE));
		assertThat(served.getIssuerX500Principal()).isEqualTo(served.getSubjectX500Principal());
		assertThat(served.getSubjectAlternativeNames().stream().map((name) -> name.get(1).toString()).toList())
			.containsExactly("host-1", "10.0.0.7");
		assertThat(registry.getBundle(ServingCertificate.BUNDLE).getStores().getTrustStore().size()).as("the client CA")
			.isEqualTo(1);

		// a rotation writes the issued pair and reloads: the new bundle is served
		NodeCertificateRequest request = NodeCertificateRequest.createServing("n1", null, List.of("host-1"),
				List.of("10.0.0.7"));
		files.write(request.keyPem(),
				CA.issue(request.key().getPublic(), "O=system:nodes,CN=system:node:n1", BigInteger.valueOf(77),
						KeyPurposeId.id_kp_serverAuth, new GeneralName(GeneralName.iPAddress, "10.0.0.7")));
		assertThat(certificate.reload().getSerialNumber()).isEqualTo(77);
		assertThat(certificate.certificate().getSerialNumber()).isEqualTo(77);
		assertThat(updates).hasSize(1);
		assertThat(served(updates.get(0)).getSerialNumber()).isEqualTo(77);
	}

	@Test
	void aGoodPairOnDiskIsServedAtOnceAndAnExpiredOneIsNot() throws Exception {
		Path[] pair = CA.writePair(this.dir, "serving", "O=system:nodes,CN=system:node:n1",
				KeyPurposeId.id_kp_serverAuth, new GeneralName(GeneralName.iPAddress, "10.0.0.7"));
		NodeCertificateFiles files = new NodeCertificateFiles(pair[0], pair[1]);
		X509Certificate onDisk = files.matchingPair();

		ServingCertificate fresh = new ServingCertificate(files, null, "n1", List.of(), List.of("10.0.0.7"),
				Clock.systemUTC());
		DefaultSslBundleRegistry registry = new DefaultSslBundleRegistry();
		fresh.register(registry);
		assertThat(fresh.certificate()).isEqualTo(onDisk);
		assertThat(served(registry.getBundle(ServingCertificate.BUNDLE))).isEqualTo(onDisk);

		ServingCertificate moved = new ServingCertificate(files, null, "n1", List.of(), List.of("10.0.0.8"),
				Clock.systemUTC());
		assertThat(moved.certificate()).as("for another address: asked again").isNull();

		Clock twoHoursLater = Clock.fixed(Instant.now().plus(Duration.ofHours(2)), ZoneOffset.UTC);
		ServingCertificate expired = new ServingCertificate(files, null, "n1", List.of(), List.of("10.0.0.7"),
				twoHoursLater);
		assertThat(expired.certificate()).as("expired: asked again, self-signed meanwhile").isNull();
	}

	@Test
	void aRotationWithNoCertificateYetAsksAtOnce() {
		List<Duration> delays = new ArrayList<>();
		CertificateRotation.InUse none = new CertificateRotation.InUse() {
			@Override
			public X509Certificate certificate() {
				return null;
			}

			@Override
			public X509Certificate reload() {
				throw new AssertionError("not reached");
			}
		};
		new CertificateRotation("serving", "n1", none,
				new NodeCertificateFiles(this.dir.resolve("s.crt"), this.dir.resolve("s.key")),
				(name, duration) -> NodeCertificateRequest.createServing(name, duration, List.of(),
						List.of("10.0.0.7")),
				null, (request) -> "", (request) -> "", Clock.systemUTC(), () -> 0.5,
				(task, delay) -> delays.add(delay))
			.start();

		assertThat(delays).containsExactly(Duration.ZERO);
	}

	private static X509Certificate served(SslBundle bundle) throws Exception {
		KeyStore store = bundle.getStores().getKeyStore();
		return (X509Certificate) store.getCertificate(store.aliases().nextElement());
	}

}
