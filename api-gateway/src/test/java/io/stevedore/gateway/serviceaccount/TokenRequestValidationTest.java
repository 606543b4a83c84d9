package io.stevedore.gateway.serviceaccount;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.authentication.BoundObjectReference;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenRequestValidationTest {

	@Test
	void anExpirationUnderTenMinutesIsInvalidWithKubernetesMessage() {
		Status status = TokenRequestHandler.validate("robot", spec(599L, null));

		assertThat(status.getCode()).isEqualTo(422);
		assertThat(status.getReason()).isEqualTo("Invalid");
		assertThat(status.getMessage()).isEqualTo("TokenRequest.authentication.k8s.io \"robot\" is invalid: "
				+ "spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes");
		assertThat(status.getDetails().getCauses().get(0).getField()).isEqualTo("spec.expirationSeconds");
	}

	@Test
	void anExpirationOverTwoToTheThirtySecondSecondsIsInvalid() {
		assertThat(TokenRequestHandler.validate("robot", spec((1L << 32) + 1, null)).getMessage())
			.endsWith("may not specify a duration larger than 2^32 seconds");
	}

	@Test
	void tenMinutesAndTheDefaultHourAreValid() {
		assertThat(TokenRequestHandler.validate("robot", spec(600L, null))).isNull();
		assertThat(TokenRequestHandler.validate("robot", spec(3600L, pod("v1", "Pod", "web-0")))).isNull();
		assertThat(TokenRequestHandler.validate("robot", spec(3600L, pod(null, "Secret", "s")))).isNull();
	}

	@Test
	void bindingToAnotherKindIsABadRequest() {
		Status status = TokenRequestHandler.validate("robot", spec(3600L, pod("apps/v1", "Deployment", "web")));

		assertThat(status.getCode()).isEqualTo(400);
		assertThat(status.getMessage()).isEqualTo("cannot bind token for object of type apps/v1, Kind=Deployment");
	}

	@Test
	void aBoundObjectWithoutNameIsInvalid() {
		Status status = TokenRequestHandler.validate("robot", spec(3600L, pod("v1", "Pod", "")));

		assertThat(status.getCode()).isEqualTo(422);
		assertThat(status.getMessage()).endsWith("spec.boundObjectRef.name: Required value");
	}

	private static TokenRequestSpec spec(Long seconds, BoundObjectReference ref) {
		TokenRequestSpec spec = new TokenRequestSpec();
		spec.setExpirationSeconds(seconds);
		spec.setBoundObjectRef(ref);
		return spec;
	}

	private static BoundObjectReference pod(String apiVersion, String kind, String name) {
		BoundObjectReference ref = new BoundObjectReference();
		ref.setApiVersion(apiVersion);
		ref.setKind(kind);
		ref.setName(name);
		return ref;
	}

}
