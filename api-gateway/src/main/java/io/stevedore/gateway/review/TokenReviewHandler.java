package io.stevedore.gateway.review;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.api.model.authentication.UserInfoBuilder;
import io.stevedore.gateway.authn.Authentication;
import io.stevedore.gateway.authn.RequestAuthenticator;
import io.stevedore.gateway.authn.UserInfo;
import io.stevedore.gateway.status.StatusResponses;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * TokenReview ({@code authentication.k8s.io/v1}): whom a bearer token stands for, by the
 * gateway's own token authenticators (token file, bootstrap tokens, ServiceAccount
 * tokens), as kube-apiserver answers it for webhook token authenticators such as the
 * kubelet's {@code --authentication-token-webhook}. The token is judged alone: the
 * reviewing caller's client certificate and headers are not part of it. Authorization to
 * create one (system:node, system:auth-delegator) has already been checked by the
 * filters.
 * <p>
 * {@code spec.audiences}: a ServiceAccount token is accepted for the gateway's API
 * audiences only ({@code --api-audiences}); a review asking for audiences none of which
 * is one of those is answered unauthenticated, and {@code status.audiences} is the
 * requested audiences the API accepts (all of them when none are asked for).
 */
public final class TokenReviewHandler {

	public static final String TOKEN_REVIEWS = "/apis/authentication.k8s.io/v1/tokenreviews";

	private final RequestAuthenticator authenticator;

	private final List<String> apiAudiences;

	public TokenReviewHandler(RequestAuthenticator authenticator, List<String> apiAudiences) {
		this.authenticator = authenticator.tokensOnly();
		this.apiAudiences = List.copyOf(apiAudiences);
	}

	public Mono<ServerResponse> tokenReview(ServerRequest request) {
		return request.bodyToMono(byte[].class).defaultIfEmpty(new byte[0]).flatMap((body) -> {
			TokenReview review;
			try {
				review = StatusResponses.JSON.readValue(body, TokenReview.class);
			}
			catch (IOException | IllegalArgumentException ex) {
				return badRequest("invalid TokenReview: " + ex.getMessage());
			}
			if (review == null || review.getSpec() == null || review.getSpec().getToken() == null
					|| review.getSpec().getToken().isEmpty()) {
				return badRequest("TokenReview.spec.token: Required value");
			}
			List<String> asked = review.getSpec().getAudiences() == null ? List.of() : review.getSpec().getAudiences();
			List<String> audiences = asked.isEmpty() ? this.apiAudiences
					: asked.stream().filter(this.apiAudiences::contains).toList();
			review.setApiVersion("authentication.k8s.io/v1");
			review.setKind("TokenReview");
			review.setMetadata(new ObjectMetaBuilder()
				.withName(review.getMetadata() == null ? null : review.getMetadata().getName())
				.withCreationTimestamp(Instant.now().toString())
				.build());
			String token = review.getSpec().getToken();
			// The token never goes back to the caller.
			review.getSpec().setToken(null);
			if (audiences.isEmpty()) {
				review.setStatus(refused(
						"token audiences " + asked + " is invalid for the target audiences " + this.apiAudiences));
				return StatusResponses.json(HttpStatus.CREATED, review);
			}
			return this.authenticator.authenticateLater(alone(request.exchange().getRequest(), token)).map((result) -> {
				review.setStatus(result instanceof Authentication.Authenticated authenticated
						&& !authenticated.user().isAnonymous() ? accepted(authenticated.user(), audiences)
								: refused(result instanceof Authentication.Rejected rejected ? rejected.reason()
										: "invalid bearer token"));
				return review;
			}).flatMap((answered) -> StatusResponses.json(HttpStatus.CREATED, answered));
		});
	}

	/**
	 * The request with the reviewed token as its only header (the client certificate is
	 * not looked at: {@link RequestAuthenticator#tokensOnly}).
	 */
	static ServerHttpRequest alone(ServerHttpRequest request, String token) {
		return request.mutate().headers((headers) -> {
			headers.clear();
			headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + token);
		}).build();
	}

	private static TokenReviewStatus accepted(UserInfo user, List<String> audiences) {
		UserInfo authenticated = user.authenticated();
		TokenReviewStatus status = new TokenReviewStatus();
		status.setAuthenticated(true);
		status.setAudiences(audiences);
		status.setUser(new UserInfoBuilder().withUsername(authenticated.name())
			.withUid(authenticated.uid().isEmpty() ? null : authenticated.uid())
			.withGroups(authenticated.groups())
			.withExtra(authenticated.extra().isEmpty() ? null : Map.copyOf(authenticated.extra()))
			.build());
		return status;
	}

	private static TokenReviewStatus refused(String error) {
		TokenReviewStatus status = new TokenReviewStatus();
		status.setAuthenticated(false);
		status.setError(error);
		return status;
	}

	private static Mono<ServerResponse> badRequest(String message) {
		return StatusResponses.json(HttpStatus.BAD_REQUEST, StatusResponses.failure(400, "BadRequest", message, null));
	}

}
