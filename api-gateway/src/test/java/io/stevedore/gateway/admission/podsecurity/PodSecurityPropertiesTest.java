package io.stevedore.gateway.admission.podsecurity;

import java.util.Map;

import io.stevedore.gateway.admission.podsecurity.policy.Level;
import io.stevedore.gateway.admission.podsecurity.policy.LevelVersion;
import io.stevedore.gateway.admission.podsecurity.policy.PolicyVersion;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code stevedore.gateway.pod-security.*} settings as Spring binds them. */
class PodSecurityPropertiesTest {

	@Test
	void withNothingSetEveryModeIsPrivilegedLatestAndNothingIsExempt() {
		PodSecurityProperties properties = bind(Map.of());

		assertThat(properties.defaults().policy()).isEqualTo(NamespacePolicy.PRIVILEGED);
		assertThat(properties.exemptions().usernames()).isEmpty();
	}

	@Test
	void defaultsAndExemptionsBindFromKebabCaseSettings() {
		PodSecurityProperties properties = bind(Map.of("stevedore.gateway.pod-security.defaults.enforce", "baseline",
				"stevedore.gateway.pod-security.defaults.enforce-version", "v1.29",
				"stevedore.gateway.pod-security.exemptions.runtime-classes", "kata,gvisor",
				"stevedore.gateway.pod-security.exemptions.usernames[0]", "system:serviceaccount:ci:builder"));

		assertThat(properties.defaults().policy().enforce())
			.isEqualTo(new LevelVersion(Level.BASELINE, PolicyVersion.of(29)));
		assertThat(properties.exemptions().runtimeClasses()).containsExactly("kata", "gvisor");
		assertThat(properties.exemptions().user("system:serviceaccount:ci:builder")).isTrue();
	}

	@Test
	void aBadDefaultLevelStopsTheGatewayNamingTheSetting() {
		assertThatThrownBy(() -> bind(Map.of("stevedore.gateway.pod-security.defaults.warn", "strict")))
			.isInstanceOf(BindException.class)
			.rootCause()
			.hasMessage("stevedore.gateway.pod-security.defaults.warn: \"strict\" must be one of privileged, "
					+ "baseline, restricted");
	}

	@Test
	void aBadDefaultVersionStopsTheGatewayNamingTheSetting() {
		assertThatThrownBy(() -> bind(Map.of("stevedore.gateway.pod-security.defaults.audit-version", "1.30")))
			.rootCause()
			.hasMessage(
					"stevedore.gateway.pod-security.defaults.audit-version: \"1.30\" must be \"latest\" or \"v1.x\"");
	}

	private static PodSecurityProperties bind(Map<String, String> settings) {
		return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("stevedore.gateway.pod-security",
				PodSecurityProperties.class);
	}

}
