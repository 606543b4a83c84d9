package io.stevedore.proxy.ingress;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IngressPropertiesTest {

	static IngressProperties bind(Map<String, String> values) {
		return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate("stevedore.proxy.ingress",
				IngressProperties.class);
	}

	@Test
	void defaultsAreKubernetesPortsTheStevedoreDefaultClassAndOff() {
		IngressProperties properties = bind(Map.of());
		assertThat(properties.enabled()).isFalse();
		assertThat(properties.httpPort()).isEqualTo(80);
		assertThat(properties.httpsPort()).isEqualTo(443);
		assertThat(properties.bindAddress()).isEqualTo("0.0.0.0");
		assertThat(properties.className()).isEqualTo("stevedore");
		assertThat(properties.defaultClass()).isTrue();
		assertThat(properties.readTimeout()).isEqualTo(Duration.ofSeconds(60));
		properties.validate();
	}

	@Test
	void badValuesAreRefusedNamingTheSetting() {
		assertThatThrownBy(() -> bind(Map.of("stevedore.proxy.ingress.http-port", "70000")).validate())
			.hasMessage("stevedore.proxy.ingress.http-port must be -1..65535, got 70000");
		assertThatThrownBy(() -> bind(Map.of("stevedore.proxy.ingress.bind-address", "localhost")).validate())
			.hasMessage("stevedore.proxy.ingress.bind-address must be an IP address, got \"localhost\"");
		assertThatThrownBy(() -> bind(Map.of("stevedore.proxy.ingress.retries", "-1")).validate())
			.hasMessageStartingWith("stevedore.proxy.ingress.retries");
		assertThatThrownBy(() -> bind(Map.of("stevedore.proxy.ingress.breaker-failure-rate", "0")).validate())
			.hasMessageStartingWith("stevedore.proxy.ingress.breaker-failure-rate");
		assertThatThrownBy(() -> bind(Map.of("stevedore.proxy.ingress.connect-timeout", "0s")).validate())
			.hasMessageStartingWith("stevedore.proxy.ingress.connect-timeout");
		assertThatThrownBy(() -> bind(Map.of("stevedore.proxy.ingress.class-name", "Not_A_Name")).validate())
			.hasMessageStartingWith("stevedore.proxy.ingress.class-name");
	}

	@Test
	void portsMayBeAnyFreeOneOrNone() {
		IngressProperties properties = bind(
				Map.of("stevedore.proxy.ingress.http-port", "0", "stevedore.proxy.ingress.https-port", "-1"));
		properties.validate();
		assertThat(properties.httpPort()).isZero();
		assertThat(properties.httpsPort()).isEqualTo(-1);
	}

}
