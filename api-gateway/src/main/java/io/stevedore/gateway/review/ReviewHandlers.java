package io.stevedore.gateway.review;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview;
import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfoBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.NonResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.NonResourceRule;
import io.fabric8.kubernetes.api.model.authorization.v1.NonResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRule;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewSpec;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatus;
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
 * RBAC allows: SelfSubjectReview ({@code kubectl auth whoami}), SelfSubjectAccessReview
 * ({@code kubectl auth can-i}), SelfSubjectRulesReview
 * ({@code kubectl auth can-i --list}) and SubjectAccessReview (for another user: the csr
 * approver's question). Authorization to create them (system:basic-user) has already been
 * checked by the filters.
 */
public final class ReviewHandlers {

	public static final String SELF_SUBJECT_REVIEWS = "/apis/authentication.k8s.io/v1/selfsubjectreviews";

	public static final String SELF_SUBJECT_ACCESS_REVIEWS = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";

	public static final String SUBJECT_ACCESS_REVIEWS = "/apis/authorization.k8s.io/v1/subjectaccessreviews";

	public static final String SELF_SUBJECT_RULES_REVIEWS = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";

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
			RequestInfo attributes = attributes(review.getSpec().getResourceAttributes(),
					review.getSpec().getNonResourceAttributes());
			if (attributes == null) {
				return badRequest("SelfSubjectAccessReview.spec: Invalid value: " + EXACTLY_ONE);
			}
			review.setApiVersion("authorization.k8s.io/v1");
			review.setKind("SelfSubjectAccessReview");
			review.setMetadata(created(review.getMetadata()));
			review.setStatus(status(this.authorizer.authorize(user, attributes)));
			return StatusResponses.json(HttpStatus.CREATED, review);
		});
	}

	/**
	 * SelfSubjectRulesReview ({@code kubectl auth can-i --list}): every rule the caller
	 * holds in the namespace, one resource rule per rule with resources and one
	 * non-resource rule per rule with URLs, as Kubernetes lists them (kubectl compacts
	 * them for the table).
	 */
	public Mono<ServerResponse> selfSubjectRulesReview(ServerRequest request) {
		UserInfo user = request.exchange().getAttribute(AuthenticationFilter.USER);
		return request.bodyToMono(byte[].class).defaultIfEmpty(new byte[0]).flatMap((body) -> {
			String namespace;
			ObjectMeta metadata = null;
			try {
				if (ProtobufReviews.isProtobuf(body)) {
					namespace = ProtobufReviews.selfSubjectRulesReviewNamespace(body);
				}
				else {
					SelfSubjectRulesReview review = StatusResponses.JSON.readValue(body, SelfSubjectRulesReview.class);
					namespace = review == null || review.getSpec() == null ? null : review.getSpec().getNamespace();
					metadata = review == null ? null : review.getMetadata();
				}
			}
			catch (IOException | IllegalArgumentException ex) {
				return badRequest("invalid SelfSubjectRulesReview: " + ex.getMessage());
			}
			if (namespace == null || namespace.isEmpty()) {
				return badRequest("SelfSubjectRulesReview.spec.namespace: Required value: no namespace on request");
			}
			RbacAuthorizer.Rules rules = this.authorizer.rulesFor(user, namespace);
			List<ResourceRule> resourceRules = new ArrayList<>();
			List<NonResourceRule> nonResourceRules = new ArrayList<>();
			for (PolicyRule rule : rules.rules()) {
				if (rule.getResources() != null && !rule.getResources().isEmpty()) {
					resourceRules.add(new ResourceRuleBuilder().withVerbs(rule.getVerbs())
						.withApiGroups(rule.getApiGroups())
						.withResources(rule.getResources())
						.withResourceNames(rule.getResourceNames())
						.build());
				}
				if (rule.getNonResourceURLs() != null && !rule.getNonResourceURLs().isEmpty()) {
					nonResourceRules.add(new NonResourceRuleBuilder().withVerbs(rule.getVerbs())
						.withNonResourceURLs(rule.getNonResourceURLs())
						.build());
				}
			}
			SelfSubjectRulesReview answer = new SelfSubjectRulesReviewBuilder()
				.withApiVersion("authorization.k8s.io/v1")
				.withKind("SelfSubjectRulesReview")
				.withMetadata(created(metadata))
				.withNewSpec()
				.withNamespace(namespace)
				.endSpec()
				.withNewStatus()
				.withResourceRules(resourceRules)
				.withNonResourceRules(nonResourceRules)
				.withIncomplete(rules.incomplete())
				.withEvaluationError(rules.evaluationError().isEmpty() ? null : rules.evaluationError())
				.endStatus()
				.build();
			return StatusResponses.json(HttpStatus.CREATED, answer);
		});
	}

	/**
	 * SubjectAccessReview: what RBAC (and the Node authorizer) allow another user, the
	 * one the spec names. The csr approver asks it for a CertificateSigningRequest's
	 * requester.
	 */
	public Mono<ServerResponse> subjectAccessReview(ServerRequest request) {
		return request.bodyToMono(byte[].class).defaultIfEmpty(new byte[0]).flatMap((body) -> {
			SubjectAccessReview review;
			try {
				review = StatusResponses.JSON.readValue(body, SubjectAccessReview.class);
			}
			catch (IOException | IllegalArgumentException ex) {
				return badRequest("invalid SubjectAccessReview: " + ex.getMessage());
			}
			if (review == null || review.getSpec() == null) {
				return badRequest("SubjectAccessReview.spec: Required value");
			}
			SubjectAccessReviewSpec spec = review.getSpec();
			if (orEmpty(spec.getUser()).isEmpty() && (spec.getGroups() == null || spec.getGroups().isEmpty())) {
				return badRequest(
						"SubjectAccessReview.spec: Invalid value: at least one of user or group must be specified");
			}
			RequestInfo attributes = attributes(spec.getResourceAttributes(), spec.getNonResourceAttributes());
			if (attributes == null) {
				return badRequest("SubjectAccessReview.spec: Invalid value: " + EXACTLY_ONE);
			}
			UserInfo subject = new UserInfo(orEmpty(spec.getUser()), spec.getUid(),
					spec.getGroups() == null ? List.of() : spec.getGroups(),
					spec.getExtra() == null ? Map.of() : spec.getExtra());
			review.setApiVersion("authorization.k8s.io/v1");
			review.setKind("SubjectAccessReview");
			review.setMetadata(created(review.getMetadata()));
			review.setStatus(status(this.authorizer.authorize(subject, attributes)));
			return StatusResponses.json(HttpStatus.CREATED, review);
		});
	}

	private static final String EXACTLY_ONE = "exactly one of nonResourceAttributes or resourceAttributes must be specified";

	/** The request a review asks about, or null unless exactly one kind is given. */
	private static RequestInfo attributes(ResourceAttributes resource, NonResourceAttributes nonResource) {
		if ((resource == null) == (nonResource == null)) {
			return null;
		}
		return resource != null
				? RequestInfo.resource(orEmpty(resource.getVerb()), orEmpty(resource.getGroup()),
						orEmpty(resource.getNamespace()), orEmpty(resource.getResource()),
						orEmpty(resource.getSubresource()), orEmpty(resource.getName()))
				: RequestInfo.nonResource(orEmpty(nonResource.getPath()), orEmpty(nonResource.getVerb()));
	}

	private static ObjectMeta created(ObjectMeta metadata) {
		ObjectMeta meta = metadata == null ? new ObjectMetaBuilder().build() : metadata;
		meta.setCreationTimestamp(Instant.now().toString());
		return meta;
	}

	private static SubjectAccessReviewStatus status(Decision decision) {
		return new SubjectAccessReviewStatusBuilder().withAllowed(decision.allowed())
			.withReason(decision.reason().isEmpty() ? null : decision.reason())
			.build();
	}

	private static Mono<ServerResponse> badRequest(String message) {
		return StatusResponses.json(HttpStatus.BAD_REQUEST, StatusResponses.failure(400, "BadRequest", message, null));
	}

	private static String orEmpty(String value) {
		return value == null ? "" : value;
	}

}
