package io.stevedore.gateway.admission;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.stevedore.gateway.admission.AdmissionReviewHandler.Phase;
import io.stevedore.gateway.status.StatusResponses;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** AdmissionReview in and out, around a chain of two small plugins. */
class AdmissionReviewHandlerTest {

	private final List<String> calls = new ArrayList<>();

	private final AdmissionPlugin labeller = new AdmissionPlugin() {

		@Override
		public String name() {
			return "Labeller";
		}

		@Override
		public Set<String> resources() {
			return Set.of("/pods");
		}

		@Override
		public void admit(AdmissionAttributes attributes) {
			AdmissionReviewHandlerTest.this.calls.add("admit " + attributes.user().name());
			// Requests equal to the limits: the patch must add them, not copy the limits.
			Container container = ((Pod) attributes.object()).getSpec().getContainers().get(0);
			container.getResources().setRequests(new HashMap<>(container.getResources().getLimits()));
			attributes.warn("defaulted the account");
		}

		@Override
		public void validate(AdmissionAttributes attributes) {
			AdmissionReviewHandlerTest.this.calls.add("validate " + attributes.operation());
			if ("bad".equals(attributes.name())) {
				throw AdmissionDenied.forbidden(attributes, "bad names are not welcome");
			}
		}

	};

	private final AdmissionPlugin secretsOnly = new AdmissionPlugin() {

		@Override
		public String name() {
			return "SecretsOnly";
		}

		@Override
		public Set<String> resources() {
			return Set.of("/secrets");
		}

		@Override
		public void admit(AdmissionAttributes attributes) {
			AdmissionReviewHandlerTest.this.calls.add("secrets");
		}

	};

	private final AdmissionReviewHandler handler = new AdmissionReviewHandler(
			new AdmissionChain(List.of(this.labeller, this.secretsOnly)));

	@Test
	void theMutatingPhaseAnswersAJsonPatchOfWhatThePluginsChangedAndTheirWarnings() throws Exception {
		JsonNode response = answer(Phase.MUTATE, review("web", "CREATE"));

		assertThat(response.path("uid").asText()).isEqualTo("1234");
		assertThat(response.path("allowed").asBoolean()).isTrue();
		assertThat(response.path("patchType").asText()).isEqualTo("JSONPatch");
		JsonNode patch = StatusResponses.JSON.readTree(Base64.getDecoder().decode(response.path("patch").asText()));
		assertThat(patch.toString()).isEqualTo(
				"[{\"op\":\"add\",\"path\":\"/spec/containers/0/resources/requests\"," + "\"value\":{\"cpu\":\"1\"}}]");
		assertThat(response.path("warnings").get(0).asText()).isEqualTo("defaulted the account");
		assertThat(this.calls).containsExactly("admit jane");
	}

	@Test
	void aRefusalAnswersNotAllowedWithThePluginsStatus() throws Exception {
		JsonNode response = answer(Phase.VALIDATE, review("bad", "CREATE"));

		assertThat(response.path("allowed").asBoolean()).isFalse();
		assertThat(response.path("status").path("code").asInt()).isEqualTo(403);
		assertThat(response.path("status").path("reason").asText()).isEqualTo("Forbidden");
		assertThat(response.path("status").path("message").asText())
			.isEqualTo("pods \"bad\" is forbidden: bad names are not welcome");
		assertThat(response.has("patch")).isFalse();
	}

	@Test
	void theChainPublishesTheResourcesItsPluginsWant() throws Exception {
		JsonNode resources = StatusResponses.JSON.readTree(this.handler.resources()).path("resources");
		assertThat(resources).extracting(JsonNode::asText).containsExactlyInAnyOrder("/pods", "/secrets");
	}

	@Test
	void aBodyThatIsNoAdmissionReviewIsRefusedAsBadInput() {
		assertThatThrownBy(() -> this.handler.handle(Phase.MUTATE, "{\"kind\":".getBytes(StandardCharsets.UTF_8)))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageStartingWith("invalid AdmissionReview");
		assertThatThrownBy(() -> this.handler.handle(Phase.MUTATE,
				"{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}"
					.getBytes(StandardCharsets.UTF_8)))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessage("AdmissionReview.request: Required value");
		assertThatThrownBy(
				() -> this.handler.handle(Phase.MUTATE, review("web", null).getBytes(StandardCharsets.UTF_8)))
			.isInstanceOf(IllegalArgumentException.class);
		assertThat(this.calls).isEmpty();
	}

	@Test
	void aLeaseWithMicroTimeFieldsIsReadAndLeftUnchangedByThePatch() throws Exception {
		// fabric8 models MicroTime (Lease acquireTime/renewTime) as ZonedDateTime: the
		// review must parse, and a plugin that changes nothing must answer no patch.
		AdmissionPlugin leases = new AdmissionPlugin() {

			@Override
			public String name() {
				return "Leases";
			}

			@Override
			public Set<String> resources() {
				return Set.of("coordination.k8s.io/leases");
			}

			@Override
			public void admit(AdmissionAttributes attributes) {
				AdmissionReviewHandlerTest.this.calls.add("lease " + attributes.name());
			}

		};
		AdmissionReviewHandler handler = new AdmissionReviewHandler(new AdmissionChain(List.of(leases)));
		String review = """
				{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"1",
				 "kind":{"group":"coordination.k8s.io","version":"v1","kind":"Lease"},
				 "resource":{"group":"coordination.k8s.io","version":"v1","resource":"leases"},
				 "name":"kube-controller-manager","namespace":"kube-system","operation":"CREATE",
				 "userInfo":{"username":"system:kube-controller-manager"},
				 "object":{"apiVersion":"coordination.k8s.io/v1","kind":"Lease",
				  "metadata":{"name":"kube-controller-manager","namespace":"kube-system"},
				  "spec":{"holderIdentity":"a","leaseDurationSeconds":15,
				   "acquireTime":"2026-12-04T23:23:09.275000Z","renewTime":"2026-12-04T23:23:09.275000Z"}}}}
				""";

		JsonNode answer = StatusResponses.JSON
			.readTree(handler.handle(Phase.MUTATE, review.getBytes(StandardCharsets.UTF_8)))
			.path("response");

		assertThat(answer.path("allowed").asBoolean()).isTrue();
		assertThat(answer.has("patch")).as(answer.toString()).isFalse();
		assertThat(this.calls).containsExactly("lease kube-controller-manager");
	}

	private JsonNode answer(Phase phase, String review) throws Exception {
		JsonNode answer = StatusResponses.JSON
			.readTree(this.handler.handle(phase, review.getBytes(StandardCharsets.UTF_8)));
		assertThat(answer.path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
		assertThat(answer.path("kind").asText()).isEqualTo("AdmissionReview");
		return answer.path("response");
	}

	private static String review(String name, String operation) {
		String op = operation == null ? "" : "\"operation\":\"" + operation + "\",";
		return """
				{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"1234",
				 "kind":{"group":"","version":"v1","kind":"Pod"},
				 "resource":{"group":"","version":"v1","resource":"pods"},
				 "name":"%s","namespace":"team",%s
				 "userInfo":{"username":"jane","groups":["system:authenticated"]},
				 "object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","namespace":"team"},
				  "spec":{"containers":[{"name":"c","image":"busybox","resources":{"limits":{"cpu":"1"}}}]}},
				 "dryRun":false}}
				""".formatted(name, op, name);
	}

}
