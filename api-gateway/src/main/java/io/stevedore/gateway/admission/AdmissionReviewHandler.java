package io.stevedore.gateway.admission;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GroupVersionResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.zjsonpatch.DiffFlags;
import io.fabric8.zjsonpatch.JsonDiff;
import io.stevedore.gateway.status.StatusResponses;

/**
 * Answers one {@code admission.k8s.io/v1} AdmissionReview for one phase: decodes the
 * request's objects by their kind, runs the chain, and answers allowed (with a JSONPatch
 * of what the mutating phase changed, as a webhook does) or the refusal's Status. Pure:
 * no I/O, so it is unit-tested without a server.
 */
public final class AdmissionReviewHandler {

	/** The phases, as the last segment of the endpoint's path. */
	public enum Phase {

		MUTATE, VALIDATE

	}

	private static final ObjectMapper JSON = StatusResponses.JSON;

	private final AdmissionChain chain;

	public AdmissionReviewHandler(AdmissionChain chain) {
		this.chain = chain;
	}

	/**
	 * @return the AdmissionReview answer as JSON
	 * @throws IllegalArgumentException when the body is not an AdmissionReview with a
	 * request (the server answers 400)
	 */
	public byte[] handle(Phase phase, byte[] body) throws IOException {
		AdmissionReview review = decode(body);
		AdmissionRequest request = review.getRequest();
		AdmissionAttributes attributes = attributes(request);
		AdmissionResponse response = new AdmissionResponse();
		response.setUid(request.getUid());
		JsonNode before = phase == Phase.MUTATE && attributes.object() != null ? JSON.valueToTree(attributes.object())
				: null;
		try {
			if (phase == Phase.MUTATE) {
				this.chain.admit(attributes);
			}
			else {
				this.chain.validate(attributes);
			}
			response.setAllowed(true);
			if (before != null) {
				// add/remove/replace only: a "copy" from wherever an equal value happens
				// to
				// sit would tie the patch to unrelated fields.
				JsonNode patch = JsonDiff.asJson(before, JSON.valueToTree(attributes.object()),
						DiffFlags.dontNormalizeOpIntoMoveAndCopy());
				if (!patch.isEmpty()) {
					response.setPatchType("JSONPatch");
					response.setPatch(Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(patch)));
				}
			}
		}
		catch (AdmissionDenied denied) {
			response.setAllowed(false);
			response.setStatus(denied.status());
		}
		if (!attributes.warnings().isEmpty()) {
			response.setWarnings(List.copyOf(attributes.warnings()));
		}
		AdmissionReview answer = new AdmissionReview();
		answer.setApiVersion("admission.k8s.io/v1");
		answer.setKind("AdmissionReview");
		answer.setResponse(response);
		return JSON.writeValueAsBytes(answer);
	}

	private static AdmissionReview decode(byte[] body) {
		AdmissionReview review;
		try {
			review = JSON.readValue(body, AdmissionReview.class);
		}
		catch (IOException | RuntimeException ex) {
			throw new IllegalArgumentException("invalid AdmissionReview: " + ex.getMessage(), ex);
		}
		if (review == null || review.getRequest() == null) {
			throw new IllegalArgumentException("AdmissionReview.request: Required value");
		}
		AdmissionRequest request = review.getRequest();
		if (request.getOperation() == null || request.getResource() == null
				|| request.getResource().getResource() == null) {
			throw new IllegalArgumentException("AdmissionReview.request: operation and resource are required");
		}
		if (request.getObject() != null && !(request.getObject() instanceof HasMetadata)) {
			throw new IllegalArgumentException("AdmissionReview.request.object: not a Kubernetes object with metadata");
		}
		return review;
	}

	private static AdmissionAttributes attributes(AdmissionRequest request) {
		GroupVersionResource resource = request.getResource();
		return new AdmissionAttributes(request.getOperation(), resource.getGroup(), resource.getVersion(),
				resource.getResource(), request.getSubResource(), request.getNamespace(), request.getName(),
				typed(request.getObject()), typed(request.getOldObject()), Boolean.TRUE.equals(request.getDryRun()),
				user(request.getUserInfo()), new ArrayList<>());
	}

	private static HasMetadata typed(Object object) {
		return object instanceof HasMetadata typed ? typed : null;
	}

	private static io.stevedore.gateway.authn.UserInfo user(UserInfo user) {
		if (user == null || user.getUsername() == null) {
			return io.stevedore.gateway.authn.UserInfo.ANONYMOUS_USER;
		}
		Map<String, List<String>> extra = user.getExtra() == null ? Map.of() : user.getExtra();
		return new io.stevedore.gateway.authn.UserInfo(user.getUsername(), user.getUid(),
				user.getGroups() == null ? List.of() : user.getGroups(), extra);
	}

	/** The resources the chain wants, as the JSON the apiserver reads at start. */
	public byte[] resources() throws IOException {
		return JSON.writeValueAsBytes(Map.of("resources", this.chain.resources()));
	}

}
