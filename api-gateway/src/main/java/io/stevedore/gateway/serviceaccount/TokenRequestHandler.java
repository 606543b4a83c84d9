package io.stevedore.gateway.serviceaccount;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCauseBuilder;
import io.fabric8.kubernetes.api.model.StatusDetailsBuilder;
import io.fabric8.kubernetes.api.model.authentication.BoundObjectReference;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestSpec;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestStatus;
import io.stevedore.gateway.admission.AdmissionAttributes;
import io.stevedore.gateway.admission.AdmissionChain;
import io.stevedore.gateway.admission.AdmissionDenied;
import io.stevedore.gateway.authn.AuthenticationFilter;
import io.stevedore.gateway.authn.UserInfo;
import io.stevedore.gateway.protobuf.ProtobufMessage;
import io.stevedore.gateway.status.StatusResponses;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The TokenRequest API, {@code POST .../serviceaccounts/NAME/token}, answered by the
 * gateway because it holds the signing key. RBAC ({@code create} on
 * {@code serviceaccounts/token}) has already been checked by the filters; the admission
 * chain is run here. As kube-apiserver: the ServiceAccount (and a bound pod or secret,
 * with the uid given) must exist, now — read from the apiserver, not a cache — and the
 * token carries their uids so it dies with them.
 */
public final class TokenRequestHandler {

	public static final String PATH = "/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token";

	static final long DEFAULT_EXPIRATION_SECONDS = 3600;

	static final long MIN_EXPIRATION_SECONDS = 600;

	static final long MAX_EXPIRATION_SECONDS = 1L << 32;

	private final ServiceAccountTokens tokens;

	private final ObjectLookup objects;

	private final AdmissionChain admission;

	/**
	 * @param admission run on the TokenRequest before anything is looked up, as
	 * kube-apiserver admits it (NodeRestriction holds a node to its own pods' tokens);
	 * the apiserver never sees this request, so it cannot call the chain
	 */
	public TokenRequestHandler(ServiceAccountTokens tokens, ObjectLookup objects, AdmissionChain admission) {
		this.tokens = tokens;
		this.objects = objects;
		this.admission = admission;
	}

	public Mono<ServerResponse> create(ServerRequest request) {
		String namespace = request.pathVariable("namespace");
		String name = request.pathVariable("name");
		return request.bodyToMono(byte[].class).defaultIfEmpty(new byte[0]).flatMap((body) -> {
			TokenRequest tokenRequest;
			try {
				tokenRequest = body.length == 0 ? new TokenRequest() : ProtobufMessage.isKubernetesProtobuf(body)
						? ProtobufTokenRequests.read(body) : StatusResponses.JSON.readValue(body, TokenRequest.class);
			}
			catch (IOException | IllegalArgumentException ex) {
				return status(StatusResponses.failure(400, "BadRequest",
						"the body of the request was in an unknown format: " + ex.getMessage(), null));
			}
			UserInfo user = request.exchange().getAttribute(AuthenticationFilter.USER);
			boolean dryRun = request.queryParam("dryRun").isPresent();
			AdmissionAttributes attributes = new AdmissionAttributes(AdmissionAttributes.CREATE, "", "v1",
					"serviceaccounts", "token", namespace, name, tokenRequest, null, dryRun, user, new ArrayList<>());
			// Off the event loop: a plugin may read the apiserver (NodeRestriction, the
			// pod).
			return Mono.fromRunnable(() -> {
				this.admission.admit(attributes);
				this.admission.validate(attributes);
			})
				.subscribeOn(Schedulers.boundedElastic())
				.then(Mono.defer(() -> defaultAndIssue(namespace, name, tokenRequest)))
				.onErrorResume(AdmissionDenied.class, (denied) -> status(denied.status()));
		});
	}

	private Mono<ServerResponse> defaultAndIssue(String namespace, String name, TokenRequest tokenRequest) {
		TokenRequestSpec spec = tokenRequest.getSpec() != null ? tokenRequest.getSpec() : new TokenRequestSpec();
		if (spec.getExpirationSeconds() == null) {
			spec.setExpirationSeconds(DEFAULT_EXPIRATION_SECONDS);
		}
		if (spec.getAudiences() == null || spec.getAudiences().isEmpty()) {
			spec.setAudiences(this.tokens.acceptedAudiences());
		}
		Status invalid = validate(name, spec);
		if (invalid != null) {
			return status(invalid);
		}
		return issue(namespace, name, tokenRequest, spec);
	}

	/** kube-apiserver's ValidateTokenRequest and its check of the bound object's kind. */
	static Status validate(String name, TokenRequestSpec spec) {
		long seconds = spec.getExpirationSeconds();
		if (seconds < MIN_EXPIRATION_SECONDS) {
			return invalid(name, "spec.expirationSeconds", "FieldValueInvalid",
					"Invalid value: " + seconds + ": may not specify a duration less than 10 minutes");
		}
		if (seconds > MAX_EXPIRATION_SECONDS) {
			return invalid(name, "spec.expirationSeconds", "FieldValueInvalid",
					"Invalid value: " + seconds + ": may not specify a duration larger than 2^32 seconds");
		}
		BoundObjectReference ref = spec.getBoundObjectRef();
		if (ref != null) {
			String apiVersion = ref.getApiVersion() == null ? "" : ref.getApiVersion();
			String kind = ref.getKind() == null ? "" : ref.getKind();
			if (!(apiVersion.isEmpty() || apiVersion.equals("v1")) || !(kind.equals("Pod") || kind.equals("Secret"))) {
				String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
				String version = apiVersion.contains("/") ? apiVersion.substring(apiVersion.indexOf('/') + 1)
						: apiVersion;
				return StatusResponses.failure(400, "BadRequest", "cannot bind token for object of type "
						+ (group.isEmpty() ? "" : group + "/") + version + ", Kind=" + kind, null);
			}
			if (ref.getName() == null || ref.getName().isEmpty()) {
				return invalid(name, "spec.boundObjectRef.name", "FieldValueRequired", "Required value");
			}
		}
		return null;
	}

	private Mono<ServerResponse> issue(String namespace, String name, TokenRequest tokenRequest,
			TokenRequestSpec spec) {
		BoundObjectReference ref = spec.getBoundObjectRef();
		return this.objects.get(ObjectKind.SERVICE_ACCOUNT, namespace, name).flatMap((account) -> {
			if (ref == null) {
				return respond(namespace, name, tokenRequest, spec, account, null, null);
			}
			ObjectKind kind = ref.getKind().equals("Pod") ? ObjectKind.POD : ObjectKind.SECRET;
			return this.objects.get(kind, namespace, ref.getName())
				.flatMap((bound) -> bind(namespace, name, tokenRequest, spec, account, kind, bound))
				.switchIfEmpty(Mono.defer(() -> status(notFound(kind, ref.getName()))));
		}).switchIfEmpty(Mono.defer(() -> status(notFound(ObjectKind.SERVICE_ACCOUNT, name))));
	}

	private Mono<ServerResponse> bind(String namespace, String name, TokenRequest tokenRequest, TokenRequestSpec spec,
			LiveObject account, ObjectKind kind, LiveObject bound) {
		BoundObjectReference ref = spec.getBoundObjectRef();
		if (kind == ObjectKind.POD && !name.equals(bound.serviceAccountName())) {
			return status(StatusResponses.failure(400, "BadRequest", "cannot bind token for serviceaccount \"" + name
					+ "\" to pod running with different serviceaccount name.", null));
		}
		if (ref.getUid() != null && !ref.getUid().isEmpty() && !ref.getUid().equals(bound.uid())) {
			return status(StatusResponses.failure(409, "Conflict", "Operation cannot be fulfilled on " + ref.getKind()
					+ " \"" + ref.getName() + "\": the UID in the bound object reference (" + ref.getUid()
					+ ") does not match the UID in record. The object might have been deleted and then recreated",
					new StatusDetailsBuilder().withName(ref.getName()).withKind(ref.getKind()).build()));
		}
		ref.setUid(bound.uid());
		ref.setApiVersion("v1");
		BoundObject object = new BoundObject(ref.getName(), bound.uid());
		return respond(namespace, name, tokenRequest, spec, account, kind == ObjectKind.POD ? object : null,
				kind == ObjectKind.SECRET ? object : null);
	}

	private Mono<ServerResponse> respond(String namespace, String name, TokenRequest tokenRequest,
			TokenRequestSpec spec, LiveObject account, BoundObject pod, BoundObject secret) {
		// Whole seconds, as the JWT's NumericDates and expirationTimestamp carry them.
		Instant now = this.tokens.clock().instant().truncatedTo(ChronoUnit.SECONDS);
		Instant expires = now.plusSeconds(spec.getExpirationSeconds());
		TokenClaims claims = new TokenClaims(this.tokens.issuer(), List.copyOf(spec.getAudiences()), namespace, name,
				account.uid(), pod, secret, null, UUID.randomUUID().toString(), now, expires);
		TokenRequest response = new TokenRequest();
		response.setApiVersion("authentication.k8s.io/v1");
		response.setKind("TokenRequest");
		response.setMetadata(new ObjectMetaBuilder().withName(name)
			.withNamespace(namespace)
			.withCreationTimestamp(now.toString())
			.build());
		response.setSpec(spec);
		response.setStatus(new TokenRequestStatus(expires.toString(), this.tokens.sign(claims)));
		return StatusResponses.json(HttpStatus.CREATED, response);
	}

	private static Status notFound(ObjectKind kind, String name) {
		return StatusResponses.failure(404, "NotFound", kind.resource() + " \"" + name + "\" not found",
				new StatusDetailsBuilder().withName(name).withKind(kind.resource()).build());
	}

	private static Status invalid(String name, String field, String reason, String message) {
		return StatusResponses.failure(422, "Invalid",
				"TokenRequest.authentication.k8s.io \"" + name + "\" is invalid: " + field + ": " + message,
				new StatusDetailsBuilder().withName(name)
					.withGroup("authentication.k8s.io")
					.withKind("TokenRequest")
					.withCauses(
							new StatusCauseBuilder().withReason(reason).withMessage(message).withField(field).build())
					.build());
	}

	private static Mono<ServerResponse> status(Status status) {
		return StatusResponses.json(HttpStatus.valueOf(status.getCode()), status);
	}

}
