package io.stevedore.controller.certificates;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;
import io.stevedore.client.controller.Result;
import io.stevedore.testsupport.pki.TestKeys;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which requests csrcleaner deletes now and when it looks at the others again. */
class CsrCleanerSyncTest {

	private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");

	private static final List<String> USAGES = List.of("digital signature", "client auth");

	private final Map<String, CertificateSigningRequest> requests = new HashMap<>();

	private final List<String> deleted = new ArrayList<>();

	private final CsrCleanerSync sync = new CsrCleanerSync(this.requests::get,
			(csr) -> this.deleted.add(csr.getMetadata().getName()), Clock.fixed(NOW, ZoneOffset.UTC));

	@Test
	void aPendingRequestGoesADayAfterItWasMade() {
		put("young", NOW.minus(Duration.ofHours(23)));
		put("old", NOW.minus(Duration.ofHours(25)));

		Result young = this.sync.reconcile("young");
		this.sync.reconcile("old");

		assertThat(this.deleted).containsExactly("old");
		assertThat(young.requeueAfter()).isEqualTo(Duration.ofHours(1));
	}

	@Test
	void aDecidedRequestGoesAnHourAfterTheDecision() {
		decide(put("approved-now", NOW.minus(Duration.ofHours(2))), "Approved", NOW.minus(Duration.ofMinutes(20)));
		decide(put("denied-long-ago", NOW.minus(Duration.ofHours(2))), "Denied", NOW.minus(Duration.ofMinutes(61)));
		decide(put("failed-long-ago", NOW.minus(Duration.ofHours(2))), "Failed", NOW.minus(Duration.ofMinutes(90)));

		Result approved = this.sync.reconcile("approved-now");
		this.sync.reconcile("denied-long-ago");
		this.sync.reconcile("failed-long-ago");

		assertThat(this.deleted).containsExactly("denied-long-ago", "failed-long-ago");
		assertThat(approved.requeueAfter()).isEqualTo(Duration.ofMinutes(40));
	}

	@Test
	void aConditionSetToFalseIsNoDecision() {
		CertificateSigningRequest csr = put("not-denied", NOW.minus(Duration.ofHours(2)));
		decide(csr, "Denied", NOW.minus(Duration.ofHours(2)));
		csr.getStatus().getConditions().get(0).setStatus("False");

		Result result = this.sync.reconcile("not-denied");

		assertThat(this.deleted).isEmpty();
		assertThat(result.requeueAfter()).isEqualTo(Duration.ofHours(22));
	}

	@Test
	void anIssuedCertificateThatExpiredTakesItsRequestAtOnce() throws Exception {
		// Approved 5 minutes ago, but the 10-minute certificate ran out 3 minutes ago.
		CertificateSigningRequest csr = put("expired-cert", NOW.minus(Duration.ofMinutes(20)));
		decide(csr, "Approved", NOW.minus(Duration.ofMinutes(5)));
		issue(csr, NOW.minus(Duration.ofMinutes(13)), 600);

		this.sync.reconcile("expired-cert");

		assertThat(this.deleted).containsExactly("expired-cert");
	}

	@Test
	void anIssuedCertificateStillValidWaitsForTheEarlierDeadline() throws Exception {
		CertificateSigningRequest csr = put("valid-cert", NOW.minus(Duration.ofMinutes(20)));
		decide(csr, "Approved", NOW.minus(Duration.ofMinutes(5)));
		issue(csr, NOW.minus(Duration.ofMinutes(5)), 600);

		Result result = this.sync.reconcile("valid-cert");

		assertThat(this.deleted).isEmpty();
		// The certificate ends in 5 minutes, before the hour after the approval.
		assertThat(result.requeueAfter()).isEqualTo(Duration.ofMinutes(5));
	}

	@Test
	void goneOrDeletingRequestsAreLeftAlone() {
		put("deleting", NOW.minus(Duration.ofDays(3))).getMetadata().setDeletionTimestamp(NOW.toString());

		assertThat(this.sync.reconcile("deleting").requeue()).isFalse();
		assertThat(this.sync.reconcile("gone").requeue()).isFalse();
		assertThat(this.deleted).isEmpty();
	}

	private CertificateSigningRequest put(String name, Instant created) {
		CertificateSigningRequest csr = TestPki.csr(name, "O=system:nodes,CN=system:node:n1", TestKeys.ec(),
				"system:node:n1", USAGES, null);
		csr.getMetadata().setCreationTimestamp(created.toString());
		csr.getMetadata().setUid(name + "-uid");
		this.requests.put(name, csr);
		return csr;
	}

	private static void decide(CertificateSigningRequest csr, String type, Instant when) {
		csr.getStatus()
			.getConditions()
			.add(new CertificateSigningRequestConditionBuilder().withType(type)
				.withStatus("True")
				.withLastUpdateTime(when.toString())
				.build());
	}

	private static void issue(CertificateSigningRequest csr, Instant signedAt, int seconds) throws Exception {
		TestPki pki = new TestPki(Duration.ofDays(3650));
		String request = new String(Base64.getDecoder().decode(csr.getSpec().getRequest()), StandardCharsets.US_ASCII);
		PKCS10CertificationRequest parsed;
		try (PEMParser parser = new PEMParser(new StringReader(request))) {
			parsed = (PKCS10CertificationRequest) parser.readObject();
		}
		String pem = new ClusterSigner(pki.ca, pki.caKey.getPrivate(), Duration.ofDays(365)).sign(parsed, seconds,
				USAGES, signedAt);
		csr.getStatus().setCertificate(Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII)));
	}

}
