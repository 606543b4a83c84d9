package io.stevedore.nodeagent.serving.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The kubelet's bearer token reading and authenticator order. */
class KubeletAuthenticatorTest {

	static final KubeletUser SA = KubeletUser.of("system:serviceaccount:ns:reader", List.of("system:serviceaccounts"));

	final List<String> reviewed = new ArrayList<>();

	final TokenReviews reviews = (token) -> {
		this.reviewed.add(token);
		return "good".equals(token) ? Optional.of(SA) : Optional.empty();
	};

	@Test
	void aBearerTokenIsWhomItsReviewNames() throws Exception {
		assertThat(new KubeletAuthenticator(this.reviews).authenticate(null, "Bearer good")).contains(SA);
		assertThat(new KubeletAuthenticator(this.reviews).authenticate(null, "bearer  good ")).contains(SA);
	}

	@Test
	void aTokenItsReviewRefusesIsNobody() throws Exception {
		assertThat(new KubeletAuthenticator(this.reviews).authenticate(null, "Bearer bad")).isEmpty();
		assertThat(this.reviewed).containsExactly("bad");
	}

	@Test
	void noCredentialOrAnotherSchemeIsNobodyWithoutAReview() throws Exception {
		KubeletAuthenticator authenticator = new KubeletAuthenticator(this.reviews);

		assertThat(authenticator.authenticate(null, null)).isEmpty();
		assertThat(authenticator.authenticate(null, "Basic Z29vZDo=")).isEmpty();
		assertThat(authenticator.authenticate(null, "Bearer")).isEmpty();
		assertThat(authenticator.authenticate(null, "Bearer good extra")).isEmpty();
		assertThat(this.reviewed).isEmpty();
	}

	@Test
	void withTheTokenWebhookOffATokenIsNobody() throws Exception {
		assertThat(new KubeletAuthenticator(null).authenticate(null, "Bearer good")).isEmpty();
	}

}
