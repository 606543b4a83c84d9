package io.stevedore.gateway.admission.defaulttoleration;

import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The {@code stevedore.gateway.admission.default-*-toleration-seconds} settings. */
class DefaultTolerationSecondsPropertiesTest {

	@Test
	void withNothingSetBothAreKubernetesThreeHundredSeconds() {
		DefaultTolerationSecondsProperties properties = bind(Map.of());

		assertThat(properties.defaultNotReadyTolerationSeconds()).isEqualTo(300);
		assertThat(properties.defaultUnreachableTolerationSeconds()).isEqualTo(300);
	}

	@Test
	void eachBindsFromItsKebabCaseSettingNextToTheAdmissionPort() {
		DefaultTolerationSecondsProperties properties = bind(
				Map.of("stevedore.gateway.admission.default-not-ready-toleration-seconds", "5",
						"stevedore.gateway.admission.default-unreachable-toleration-seconds", "0",
						"stevedore.gateway.admission.port", "6444"));

		assertThat(properties.defaultNotReadyTolerationSeconds()).isEqualTo(5);
		assertThat(properties.defaultUnreachableTolerationSeconds()).isZero();
	}

	@Test
	void theEnvironmentVariablesOfComposeAndTheHelmChartBind() {
		Map<String, Object> environment = Map.of("STEVEDORE_GATEWAY_ADMISSION_DEFAULTNOTREADYTOLERATIONSECONDS", "5",
				"STEVEDORE_GATEWAY_ADMISSION_DEFAULTUNREACHABLETOLERATIONSECONDS", "7");
		DefaultTolerationSecondsProperties properties = new Binder(
				ConfigurationPropertySources.from(new SystemEnvironmentPropertySource(
						StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environment)))
			.bindOrCreate(DefaultTolerationSecondsProperties.PREFIX, DefaultTolerationSecondsProperties.class);

		assertThat(properties.defaultNotReadyTolerationSeconds()).isEqualTo(5);
		assertThat(properties.defaultUnreachableTolerationSeconds()).isEqualTo(7);
	}

	static Stream<Arguments> negatives() {
		return Stream.of(
				arguments("a negative not-ready value stops the gateway naming its setting",
						"stevedore.gateway.admission.default-not-ready-toleration-seconds"),
				arguments("a negative unreachable value stops the gateway naming its setting",
						"stevedore.gateway.admission.default-unreachable-toleration-seconds"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("negatives")
	void refuses(String description, String setting) {
		assertThatThrownBy(() -> bind(Map.of(setting, "-1"))).isInstanceOf(BindException.class)
			.rootCause()
			.hasMessage(setting + " must be 0 or more seconds, got -1");
	}

	private static DefaultTolerationSecondsProperties bind(Map<String, String> settings) {
		return new Binder(new MapConfigurationPropertySource(settings))
			.bindOrCreate(DefaultTolerationSecondsProperties.PREFIX, DefaultTolerationSecondsProperties.class);
	}

}
