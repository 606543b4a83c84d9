package io.stevedore.nodeagent.serving.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

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

	@Test
	void aWebSocketSubprotocolTokenIsReviewedAsAHeaderTokenIs() throws Exception {
		assertThat(new KubeletAuthenticator(this.reviews).authenticate(null, null, "good")).contains(SA);
		assertThat(new KubeletAuthenticator(this.reviews).authenticate(null, null, "bad")).isEmpty();
		assertThat(this.reviewed).containsExactly("good", "bad");
	}

	@Test
	void aHeaderTokenThatAuthenticatesWinsOverTheSubprotocolOne() throws Exception {
		KubeletUser other = KubeletUser.of("other", List.of());
		TokenReviews two = (token) -> {
			this.reviewed.add(token);
			return Optional.ofNullable("good".equals(token) ? SA : "other".equals(token) ? other : null);
		};

		assertThat(new KubeletAuthenticator(two).authenticate(null, "Bearer other", "good")).contains(other);
		assertThat(this.reviewed).containsExactly("other");
		// one that does not leaves the subprotocol's to try, as Kubernetes' union
		assertThat(new KubeletAuthenticator(two).authenticate(null, "Bearer bad", "good")).contains(SA);
	}

	@Test
	void aHeaderTokenReviewThatFailsStillLetsTheSubprotocolTokenTryAndIsReportedIfThatFailsToo() {
		TokenReviews failing = (token) -> {
			if ("unanswered".equals(token)) {
				throw new ReviewException("TokenReview: no answer", null);
			}
			return "good".equals(token) ? Optional.of(SA) : Optional.empty();
		};

		assertThatCode(
				() -> assertThat(new KubeletAuthenticator(failing).authenticate(null, "Bearer unanswered", "good"))
					.contains(SA))
			.doesNotThrowAnyException();
		assertThatExceptionOfType(ReviewException.class)
			.isThrownBy(() -> new KubeletAuthenticator(failing).authenticate(null, "Bearer unanswered", "bad"))
			.withMessageContaining("no answer");
	}

	@Test
	void withTheTokenWebhookOffASubprotocolTokenIsNobody() throws Exception {
		assertThat(new KubeletAuthenticator(null).authenticate(null, null, "good")).isEmpty();
		assertThat(this.reviewed).isEmpty();
	}

}
