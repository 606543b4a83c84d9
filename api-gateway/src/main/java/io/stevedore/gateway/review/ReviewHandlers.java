package io.stevedore.gateway.review;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview;
import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfoBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.NonResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatusBuilder;
import io.stevedore.gateway.authn.AuthenticationFilter;
import io.stevedore.gateway.authn.UserInfo;
import io.stevedore.gateway.authz.Decision;
import io.stevedore.gateway.authz.RbacAuthorizer;
import io.stevedore.gateway.authz.RequestInfo;
import io.stevedore.gateway.status.StatusResponses;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The reviews the gateway answers itself, because only it knows who is asking and what
 * RBAC allows: SelfSubjectReview ({@code kubectl auth whoami}) and
 * SelfSubjectAccessReview ({@code kubectl auth can-i}). Authorization to create them
 * (system:basic-user) has already been checked by the filters.
 */
public final class ReviewHandlers {

	public static final String SELF_SUBJECT_REVIEWS = "/apis/authentication.k8s.io/v1/selfsubjectreviews";

	public static final String SELF_SUBJECT_ACCESS_REVIEWS = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";

	private final RbacAuthorizer authorizer;

	public ReviewHandlers(RbacAuthorizer authorizer) {
		this.authorizer = authorizer;
	}

	public Mono<ServerResponse> selfSubjectReview(ServerRequest request) {
		UserInfo user = request.exchange().getAttribute(AuthenticationFilter.USER);
		SelfSubjectReview review = new SelfSubjectReviewBuilder().withApiVersion("authentication.k8s.io/v1")
			.withKind("SelfSubjectReview")
			.withMetadata(new ObjectMetaBuilder().withCreationTimestamp(Instant.now().toString()).build())
			.withNewStatus()
			.withUserInfo(new UserInfoBuilder().withUsername(user.name())
				.withUid(user.uid().isEmpty() ? null : user.uid())
				.withGroups(user.groups())
				.withExtra(user.extra().isEmpty() ? null : Map.copyOf(user.extra()))
				.build())
			.endStatus()
			.build();
		return StatusResponses.json(HttpStatus.CREATED, review);
	}

	public Mono<ServerResponse> selfSubjectAccessReview(ServerRequest request) {
		UserInfo user = request.exchange().getAttribute(AuthenticationFilter.USER);
		return request.bodyToMono(byte[].class).defaultIfEmpty(new byte[0]).flatMap((body) -> {
			SelfSubjectAccessReview review;
			try {
				review = ProtobufReviews.isProtobuf(body) ? ProtobufReviews.selfSubjectAccessReview(body)
						: StatusResponses.JSON.readValue(body, SelfSubjectAccessReview.class);
			}
			catch (IOException | IllegalArgumentException ex) {
				return badRequest("invalid SelfSubjectAccessReview: " + ex.getMessage());
			}
			if (review == null || review.getSpec() == null) {
				return badRequest("SelfSubjectAccessReview.spec: Required value");
			}
			ResourceAttributes resource = review.getSpec().getResourceAttributes();
			NonResourceAttributes nonResource = review.getSpec().getNonResourceAttributes();
			if ((resource == null) == (nonResource == null)) {
				return badRequest("SelfSubjectAccessReview.spec: Invalid value: exactly one of "
						+ "nonResourceAttributes or resourceAttributes must be specified");
			}
			RequestInfo attributes = resource != null
					? RequestInfo.resource(orEmpty(resource.getVerb()), orEmpty(resource.getGroup()),
							orEmpty(resource.getNamespace()), orEmpty(resource.getResource()),
							orEmpty(resource.getSubresource()), orEmpty(resource.getName()))
					: RequestInfo.nonResource(orEmpty(nonResource.getPath()), orEmpty(nonResource.getVerb()));
			Decision decision = this.authorizer.authorize(user, attributes);
			review.setApiVersion("authorization.k8s.io/v1");
			review.setKind("SelfSubjectAccessReview");
			if (review.getMetadata() == null) {
				review.setMetadata(new ObjectMetaBuilder().build());
			}
			review.getMetadata().setCreationTimestamp(Instant.now().toString());
			review.setStatus(new SubjectAccessReviewStatusBuilder().withAllowed(decision.allowed())
				.withReason(decision.reason().isEmpty() ? null : decision.reason())
				.build());
			return StatusResponses.json(HttpStatus.CREATED, review);
		});
	}

	private static Mono<ServerResponse> badRequest(String message) {
		return StatusResponses.json(HttpStatus.BAD_REQUEST, StatusResponses.failure(400, "BadRequest", message, null));
	}

	private static String orEmpty(String value) {
		return value == null ? "" : value;
	}

}
