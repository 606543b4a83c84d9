package io.stevedore.machinery.validation.apps;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.stevedore.machinery.validation.Manifests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DeploymentValidationTest {

	/**
	 * A defaulted Deployment, then changed: the strategy cases need the defaulted
	 * strategy.
	 */
	private static Deployment deployment(Consumer<Deployment> change) {
		Deployment d = Manifests.defaulted(Manifests.DEPLOYMENT, Deployment.class, x -> {
		});
		change.accept(d);
		return d;
	}

	private static Arguments c(String name, Consumer<Deployment> change, String... expected) {
		return Arguments.of(name, change, List.of(expected));
	}

	static Stream<Arguments> cases() {
		return Stream.of(
				c("replicas are not negative", d -> d.getSpec().setReplicas(-1),
						"spec.replicas: Invalid value: -1: must be greater than or equal to 0"),
				c("the selector is required", d -> d.getSpec().setSelector(null), "spec.selector: Required value"),
				c("the selector must match the template labels",
						d -> d.getSpec().getSelector().setMatchLabels(Map.of("app", "api")),
						"spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\", \"tier\":\"frontend\"}: `selector` does not match template `labels`"),
				c("an empty selector is invalid", d -> d.getSpec().setSelector(new LabelSelector()),
						"spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment"),
				c("a selector operator is a known one",
						d -> d.getSpec()
							.getSelector()
							.setMatchExpressions(List.of(new LabelSelectorRequirementBuilder().withKey("tier")
								.withOperator("Like")
								.withValues("frontend")
								.build())),
						"spec.selector.matchExpressions[0].operator: Invalid value: \"Like\": not a valid selector operator",
						"spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\", \"tier\":\"frontend\"}: `selector` does not match template `labels`"),
				c("maxSurge and maxUnavailable may not both be 0", d -> {
					d.getSpec().getStrategy().getRollingUpdate().setMaxSurge(new IntOrString(0));
					d.getSpec().getStrategy().getRollingUpdate().setMaxUnavailable(new IntOrString("0%"));
				}, "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0%: may not be 0 when `maxSurge` is 0"),
				c("a percentage ends with %",
						d -> d.getSpec().getStrategy().getRollingUpdate().setMaxSurge(new IntOrString("25 percent")),
						"spec.strategy.rollingUpdate.maxSurge: Invalid value: 25 percent: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"),
				c("maxUnavailable is at most 100%",
						d -> d.getSpec().getStrategy().getRollingUpdate().setMaxUnavailable(new IntOrString("150%")),
						"spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 150%: must not be greater than 100%"),
				c("Recreate takes no rollingUpdate", d -> d.getSpec().getStrategy().setType("Recreate"),
						"spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"),
				c("a strategy type is Recreate or RollingUpdate", d -> d.getSpec().getStrategy().setType("BlueGreen"),
						"spec.strategy: Unsupported value: \"BlueGreen\": supported values: \"Recreate\", \"RollingUpdate\""),
				c("the template restarts Always", d -> d.getSpec().getTemplate().getSpec().setRestartPolicy("Never"),
						"spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""),
				c("the progress deadline exceeds minReadySeconds", d -> d.getSpec().setMinReadySeconds(600),
						"spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds"),
				c("template labels are checked under spec.template.labels",
						d -> d.getSpec().getTemplate().getMetadata().getLabels().put("bad key", "x"),
						"spec.template.labels: Invalid value: \"bad key\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"),
				c("the template's containers are validated",
						d -> d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(null),
						"spec.template.spec.containers[0].image: Required value"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void rejectsWithKubernetesMessages(String name, Consumer<Deployment> change, List<String> expected) {
		assertThat(Manifests.createErrors(deployment(change))).containsExactlyInAnyOrderElementsOf(expected);
	}

	@Test
	void theSelectorIsImmutable() {
		Deployment old = deployment(d -> {
		});
		Deployment updated = deployment(d -> {
			d.getSpec().getSelector().setMatchLabels(Map.of("app", "web", "tier", "frontend"));
		});
		assertThat(Manifests.updateErrors(updated, old)).containsExactly(
				"spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web\", \"tier\":\"frontend\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable");
	}

	@Test
	void scalingAndChangingTheTemplateAreFineOnUpdate() {
		Deployment old = deployment(d -> {
		});
		Deployment updated = deployment(d -> {
			d.getSpec().setReplicas(5);
			d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("nginx:1.28");
		});
		assertThat(Manifests.updateErrors(updated, old)).isEmpty();
	}

}
