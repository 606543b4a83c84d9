package io.stevedore.controller.manager;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ControllerManagerPropertiesTest {

	@ParameterizedTest(name = "enabled={0}: {1} runs = {2}")
	@CsvSource(delimiter = ';', value = { "*; garbagecollector; true", "*,-namespace; namespace; false",
			"*,-namespace; garbagecollector; true", "namespace; namespace; true", "namespace; garbagecollector; false",
			"-garbagecollector,garbagecollector; garbagecollector; false" })
	void controllersAreSwitchedOnAndOffLikeKubeControllerManagersControllersFlag(String enabled, String name,
			boolean expected) {
		ControllerManagerProperties properties = new ControllerManagerProperties(List.of(enabled.split(",")), Map.of(),
				null);

		assertThat(properties.isEnabled(name)).isEqualTo(expected);
	}

	@Test
	void aConfiguredWorkerCountBelowOneIsRejectedNamingTheProperty() {
		ControllerManagerProperties properties = new ControllerManagerProperties(List.of("*"), Map.of("namespace", 0),
				null);

		assertThatIllegalArgumentException()
			.isThrownBy(() -> properties.workers(new io.stevedore.controller.namespace.NamespaceController()))
			.withMessageContaining("stevedore.controllers.workers.namespace");
	}

}
