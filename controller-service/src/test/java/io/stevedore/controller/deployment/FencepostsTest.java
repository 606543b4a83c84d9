package io.stevedore.controller.deployment;

import io.fabric8.kubernetes.api.model.IntOrString;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FencepostsTest {

	@ParameterizedTest(name = "surge {0} and unavailable {1} of {2} replicas resolve to {3} and {4}")
	@CsvSource({ "25%, 25%, 4, 1, 1", "25%, 25%, 3, 1, 0", "10%, 10%, 5, 1, 0", "50%, 50%, 5, 3, 2", "1, 0, 3, 1, 0",
			"0, 0, 3, 0, 1", "0%, 0%, 10, 0, 1", "2, 100%, 4, 2, 4", "0, 25%, 0, 0, 1" })
	void percentagesRoundSurgeUpAndUnavailabilityDownAndBothZeroMeansOneUnavailable(String surge, String unavailable,
			int replicas, int expectedSurge, int expectedUnavailable) {
		Fenceposts.Resolved resolved = Fenceposts.resolve(intOrString(surge), intOrString(unavailable), replicas);

		assertThat(resolved.maxSurge()).isEqualTo(expectedSurge);
		assertThat(resolved.maxUnavailable()).isEqualTo(expectedUnavailable);
	}

	@ParameterizedTest(name = "\"{0}\" is rejected naming the field")
	@CsvSource({ "abc", "5", "%" })
	void aValueThatIsNeitherAnIntegerNorAPercentageNamesTheField(String value) {
		assertThatThrownBy(() -> Fenceposts.scaledValue(new IntOrString(value), 10, true, "maxSurge"))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("spec.strategy.rollingUpdate.maxSurge");
	}

	private static IntOrString intOrString(String value) {
		return value.endsWith("%") ? new IntOrString(value) : new IntOrString(Integer.parseInt(value));
	}

}
