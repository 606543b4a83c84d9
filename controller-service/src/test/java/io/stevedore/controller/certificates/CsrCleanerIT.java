package io.stevedore.controller.certificates;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;
import io.stevedore.controller.support.ControlPlaneExtension;
import io.stevedore.testsupport.pki.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** csrcleaner alone against the real apiserver. */
class CsrCleanerIT {

	@RegisterExtension
	static final ControlPlaneExtension plane = new ControlPlaneExtension("--stevedore.controllers.enabled=csrcleaner");

	@Test
	void requestsDecidedOverAnHourAgoGoAndTheOthersStay() {
		Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
		create("denied-long-ago");
		decide("denied-long-ago", "Denied", now.minus(Duration.ofMinutes(61)));
		create("approved-long-ago");
		decide("approved-long-ago", "Approved", now.minus(Duration.ofHours(2)));
		create("approved-now");
		decide("approved-now", "Approved", now);
		create("pending");

		await().atMost(Duration.ofSeconds(20))
			.until(() -> get("denied-long-ago") == null && get("approved-long-ago") == null);
		assertThat(get("approved-now")).isNotNull();
		assertThat(get("pending")).isNotNull();
	}

	private static void create(String name) {
		CertificateSigningRequest csr = TestPki.csr(name, "O=system:nodes,CN=system:node:n1", TestKeys.ec(),
				"system:node:n1", List.of("digital signature", "client auth"), null);
		csr.setStatus(null);
		plane.client().certificates().v1().certificateSigningRequests().resource(csr).create();
	}

	private static void decide(String name, String type, Instant when) {
		var condition = new CertificateSigningRequestConditionBuilder().withType(type)
			.withStatus("True")
			.withReason("Test")
			.withLastUpdateTime(when.toString())
			.build();
		var request = plane.client().certificates().v1().certificateSigningRequests().withName(name);
		if ("Denied".equals(type)) {
			request.deny(condition);
		}
		else {
			request.approve(condition);
		}
	}

	private static CertificateSigningRequest get(String name) {
		return plane.client().certificates().v1().certificateSigningRequests().withName(name).get();
	}

}
