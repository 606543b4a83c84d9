package io.stevedore.machinery.errors;

import java.util.List;

import io.fabric8.kubernetes.api.model.Status;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ApiExceptionTest {

	@Test
	void invalidNamesTheFieldOnceInTheMessageAndApartInTheCause() {
		Status status = ApiException
			.invalid("apps", "Deployment", "web",
					List.of(FieldError.invalid("spec.replicas", -1, "must be greater than or equal to 0")))
			.status();
		assertThat(status.getCode()).isEqualTo(422);
		assertThat(status.getMessage()).isEqualTo(
				"Deployment.apps \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0");
		assertThat(status.getDetails().getCauses()).singleElement().satisfies(cause -> {
			assertThat(cause.getField()).isEqualTo("spec.replicas");
			// kubectl prints "field: message", so the message must not repeat the field.
			assertThat(cause.getMessage()).isEqualTo("Invalid value: -1: must be greater than or equal to 0");
			assertThat(cause.getReason()).isEqualTo("FieldValueInvalid");
		});
	}

	@Test
	void severalErrorsAreListedInBrackets() {
		Status status = ApiException
			.invalid("", "Pod", "p",
					List.of(FieldError.required("spec.containers", ""),
							FieldError.invalid("metadata.name", "P", "bad")))
			.status();
		assertThat(status.getMessage()).isEqualTo("Pod \"p\" is invalid: [spec.containers: Required value, "
				+ "metadata.name: Invalid value: \"P\": bad]");
	}

	@Test
	void notFoundAndConflictReadAsKubernetesWritesThem() {
		assertThat(ApiException.notFound("apps", "deployments", "web").getMessage())
			.isEqualTo("deployments.apps \"web\" not found");
		assertThat(ApiException.staleResourceVersion("", "configmaps", "c").getMessage())
			.isEqualTo("Operation cannot be fulfilled on configmaps \"c\": the object has been modified; please apply "
					+ "your changes to the latest version and try again");
	}

}
