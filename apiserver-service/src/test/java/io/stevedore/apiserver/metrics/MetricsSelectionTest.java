package io.stevedore.apiserver.metrics;

import java.util.Map;

import io.stevedore.machinery.errors.ApiException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetricsSelectionTest {

	@Test
	void aLabelSelectorMatchesThePodsLabels() {
		MetricsSelection selection = MetricsSelection.parse(Map.of("labelSelector", "app in (web,api),tier!=db"), true);

		assertThat(selection.matches("shop", "web-1", Map.of("app", "web"))).isTrue();
		assertThat(selection.matches("shop", "db-1", Map.of("app", "web", "tier", "db"))).isFalse();
		assertThat(selection.matches("shop", "bare", null)).isFalse();
	}

	@Test
	void aFieldSelectorOnNameAndNamespaceSelectsPods() {
		MetricsSelection selection = MetricsSelection
			.parse(Map.of("fieldSelector", "metadata.name=web-1,metadata.namespace!=kube-system"), true);

		assertThat(selection.matches("shop", "web-1", Map.of())).isTrue();
		assertThat(selection.matches("kube-system", "web-1", Map.of())).isFalse();
		assertThat(selection.matches("shop", "web-2", Map.of())).isFalse();
	}

	@Test
	void noSelectorSelectsEverything() {
		assertThat(MetricsSelection.parse(Map.of(), false).matches(null, "n1", null)).isTrue();
	}

	@Test
	void aSelectorThatDoesNotParseIsABadRequest() {
		assertThatThrownBy(() -> MetricsSelection.parse(Map.of("labelSelector", "app in ("), true))
			.isInstanceOfSatisfying(ApiException.class, (ex) -> {
				assertThat(ex.status().getCode()).isEqualTo(400);
				assertThat(ex.status().getMessage()).startsWith("unable to parse labelSelector: ");
			});
	}

	@Test
	void aFieldOtherThanNameIsABadRequestAndNodesHaveNoNamespace() {
		assertThatThrownBy(() -> MetricsSelection.parse(Map.of("fieldSelector", "spec.nodeName=n1"), true))
			.isInstanceOfSatisfying(ApiException.class,
					(ex) -> assertThat(ex.status().getMessage()).isEqualTo("field label not supported: spec.nodeName"));
		assertThatThrownBy(() -> MetricsSelection.parse(Map.of("fieldSelector", "metadata.namespace=a"), false))
			.isInstanceOf(ApiException.class);
	}

}
