package io.stevedore.nodeagent.bootstrap;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.stevedore.client.clock.FakeClock;
import io.stevedore.client.config.ApiServerClientProperties;
import io.stevedore.client.config.ReloadableClientCertificate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the agent rotates (fake clock, the scheduler records instead of waiting), what it
 * asks with, what it writes and what its client presents afterwards; failures back off.
 * The "signer" issues certificates for the request's key.
 */
class CertificateRotationTest {

	private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

	@TempDir
	Path dir;

	private final FakeClock clock = new FakeClock(NOW);

	private final List<Scheduled> scheduled = new ArrayList<>();

	private final List<NodeCertificateRequest> askedWithCertificate = new ArrayList<>();

	private final List<NodeCertificateRequest> askedWithToken = new ArrayList<>();

	private final List<RuntimeException> failNext = new ArrayList<>();

	private NodeCertificateFiles files;

	private ReloadableClientCertificate certificate;

	private CertificateRotation rotation;

	private long nextSerial = 101;

	/** Issued for 10 h from 5 min ago (a signer backdates), as PEM. */
	private String issue(NodeCertificateRequest request) {
		if (!this.failNext.isEmpty()) {
			throw this.failNext.remove(0);
		}
		Instant now = this.clock.instant();
		return TestCertificates.nodeCertificate(request.key(), BigInteger.valueOf(this.nextSerial++),
				now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofHours(10)));
	}

	@BeforeEach
	void aCertificateOf100Hours() {
		this.files = new NodeCertificateFiles(this.dir.resolve("node.crt"), this.dir.resolve("node.key"));
		NodeCertificateRequest first = NodeCertificateRequest.create("n1");
		this.files.write(first.keyPem(), TestCertificates.nodeCertificate(first.key(), BigInteger.valueOf(100),
				NOW.minus(Duration.ofHours(1)), NOW.plus(Duration.ofHours(99))));
		this.certificate = ReloadableClientCertificate
			.load(new ApiServerClientProperties("https://127.0.0.1:1", null, null, null, this.files.cert().toString(),
					this.files.key().toString(), Duration.ofSeconds(30), Duration.ofSeconds(1)));
		this.rotation = new CertificateRotation("n1", this.certificate, this.files, NodeCertificateRequest::create,
				Duration.ofHours(10), (request) -> {
					this.askedWithCertificate.add(request);
					return issue(request);
				}, (request) -> {
					this.askedWithToken.add(request);
					return issue(request);
				}, this.clock, () -> 0.5, (task, delay) -> this.scheduled.add(new Scheduled(task, delay)));
	}

	@Test
	void atTheDeadlineTheAgentAsksWithItsCertificateWritesTheNewOneAndItsClientPresentsIt() throws Exception {
		this.rotation.start();
		// 80 % (random 0.5) of 100 h from one hour ago
		assertThat(this.scheduled).extracting(Scheduled::delay).containsExactly(Duration.ofHours(79));

		this.clock.advance(Duration.ofHours(79));
		runLast();

		assertThat(this.askedWithToken).isEmpty();
		assertThat(this.askedWithCertificate).hasSize(1);
		NodeCertificateRequest request = this.askedWithCertificate.get(0);
		assertThat(request.csr().getSpec().getSignerName()).isEqualTo("kubernetes.io/kube-apiserver-client-kubelet");
		assertThat(request.csr().getSpec().getExpirationSeconds()).isEqualTo(36000);
		assertThat(Files.readString(this.files.key())).isEqualTo(request.keyPem());
		assertThat(Files.getPosixFilePermissions(this.files.key()))
			.isEqualTo(PosixFilePermissions.fromString("rw-------"));
		assertThat(this.files.matchingPair().getSerialNumber()).isEqualTo(101);
		assertThat(this.certificate.certificate().getSerialNumber()).as("what new connections present").isEqualTo(101);
		// next: 80 % of the new 10 h 5 min, from its notBefore 5 min ago
		assertThat(this.scheduled.get(1).delay()).isEqualTo(Duration.ofHours(8).plusMinutes(4).minusMinutes(5));
	}

	@Test
	void aFailedAttemptKeepsTheCertificateAndIsRetriedWithBackoffUntilItWorks() throws Exception {
		this.rotation.start();
		this.clock.advance(Duration.ofHours(79));
		this.failNext.add(new IllegalStateException("CertificateSigningRequest node-csr-x was not issued within 5m"));
		this.failNext.add(new RuntimeException("connection refused"));
		this.failNext.add(new RuntimeException("connection refused"));

		runLast();
		runLast();
		runLast();

		assertThat(this.scheduled).extracting(Scheduled::delay)
			.containsExactly(Duration.ofHours(79), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8));
		assertThat(this.certificate.certificate().getSerialNumber()).isEqualTo(100);
		assertThat(this.files.matchingPair().getSerialNumber()).isEqualTo(100);
		assertThat(this.rotation.renewErrors()).isEqualTo(3);

		runLast();
		assertThat(this.certificate.certificate().getSerialNumber()).isEqualTo(101);
		assertThat(this.scheduled.get(4).delay()).isEqualTo(Duration.ofHours(8).plusMinutes(4).minusMinutes(5));
		assertThat(CertificateRotation.retryDelay(4)).isEqualTo(Duration.ofSeconds(16));
		assertThat(CertificateRotation.retryDelay(30)).isEqualTo(Duration.ofMinutes(5));
	}

	@Test
	void aCertificateNotForTheNewKeyIsRefused() throws Exception {
		CertificateRotation rotation = new CertificateRotation("n1", this.certificate, this.files,
				NodeCertificateRequest::create, null, (request) -> issue(NodeCertificateRequest.create("n1")),
				(request) -> {
					throw new AssertionError("not expired");
				}, this.clock, () -> 0.5, (task, delay) -> this.scheduled.add(new Scheduled(task, delay)));
		rotation.start();

		runLast();

		assertThat(this.scheduled).extracting(Scheduled::delay).endsWith(Duration.ofSeconds(2));
		assertThat(this.files.matchingPair().getSerialNumber()).isEqualTo(100);
		assertThat(this.certificate.certificate().getSerialNumber()).isEqualTo(100);
	}

	@Test
	void anExpiredCertificateCannotAuthenticateSoTheBootstrapTokenAsks() {
		this.rotation.start();
		this.clock.advance(Duration.ofHours(100));

		runLast();

		assertThat(this.scheduled.get(0).delay()).isEqualTo(Duration.ofHours(79));
		assertThat(this.askedWithCertificate).isEmpty();
		assertThat(this.askedWithToken).hasSize(1);
		assertThat(this.certificate.certificate().getSerialNumber()).isEqualTo(101);
	}

	@Test
	void aDeadlineAlreadyPassedAtStartRotatesAtOnceAndAClosedRotationDoesNothing() {
		this.clock.advance(Duration.ofHours(95));
		this.rotation.start();
		assertThat(this.scheduled).extracting(Scheduled::delay).containsExactly(Duration.ZERO);

		this.rotation.close();
		runLast();

		assertThat(this.askedWithCertificate).isEmpty();
		assertThat(this.scheduled).hasSize(1);
	}

	private void runLast() {
		this.scheduled.get(this.scheduled.size() - 1).task().run();
	}

	private record Scheduled(Runnable task, Duration delay) {
	}

}
