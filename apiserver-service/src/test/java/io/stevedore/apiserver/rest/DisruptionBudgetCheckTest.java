package io.stevedore.apiserver.rest;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.stevedore.machinery.errors.ApiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The storage-free decisions of pods/eviction, case by case against Kubernetes'
 * eviction.go: which pods skip their budget, when an unready pod is spared, and
 * checkAndDecrement's verdicts.
 */
class DisruptionBudgetCheckTest {

	private static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");

	static Stream<Arguments> budgetSkipping() {
		return Stream.of(
				arguments("a succeeded pod has disrupted already and skips its budget", pod("Succeeded", true), true,
						false),
				arguments("a failed pod skips its budget", pod("Failed", false), true, false),
				arguments("a pending pod skips its budget but is deleted only as judged", pod("Pending", false), true,
						true),
				arguments("a running pod being deleted skips its budget", deleting(pod("Running", true)), true, false),
				arguments("a running pod is judged by its budget", pod("Running", true), false, true),
				arguments("a pod without a phase is judged by its budget", pod(null, false), false, true));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("budgetSkipping")
	void whichPodsSkipTheirBudget(String name, Pod pod, boolean skips, boolean pinned) {
		assertThat(DisruptionBudgetCheck.canIgnoreBudget(pod)).isEqualTo(skips);
		assertThat(DisruptionBudgetCheck.enforcesResourceVersion(pod)).isEqualTo(pinned);
	}

	static Stream<Arguments> unhealthyPods() {
		return Stream.of(
				arguments("a ready pod always consumes the budget", pod("Running", true), budget(0, 3, 3, null), false),
				arguments("an unready pod under AlwaysAllow goes even when the budget is used up",
						pod("Running", false), budget(0, 1, 3, "AlwaysAllow"), true),
				arguments("an unready pod goes free while the application is whole", pod("Running", false),
						budget(0, 3, 3, null), true),
				arguments("an unready pod under IfHealthyBudget goes free while the application is whole",
						pod("Running", false), budget(0, 4, 3, "IfHealthyBudget"), true),
				arguments("an unready pod consumes the budget while the application is disrupted",
						pod("Running", false), budget(1, 2, 3, "IfHealthyBudget"), false),
				arguments("an unready pod consumes the budget when no pod need be healthy", pod("Running", false),
						budget(1, 0, 0, null), false));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("unhealthyPods")
	void whenAnUnreadyPodIsSpared(String name, Pod pod, PodDisruptionBudget pdb, boolean spared) {
		assertThat(DisruptionBudgetCheck.unhealthyMayGoWithoutBudget(pod, pdb)).isEqualTo(spared);
	}

	static Stream<Arguments> refusals() {
		return Stream.of(
				arguments("a budget whose status lags its spec is still being processed",
						with(budget(1, 3, 2, null), b -> b.getMetadata().setGeneration(2L)), 429,
						"The disruption budget web is still being processed by the server.", 10),
				arguments("a used-up budget names what it needs and has", budget(0, 3, 3, null), 429,
						"The disruption budget web needs 3 healthy pods and has 3 currently", 0),
				arguments("a budget whose status was never written is still being processed",
						with(budget(0, 0, 0, null), b -> b.setStatus(null)), 429,
						"The disruption budget web is still being processed by the server.", 10),
				arguments("a negative budget is forbidden", budget(-1, 3, 2, null), 403,
						"poddisruptionbudget.policy \"web\" is forbidden: pdb disruptions allowed is negative", 0),
				arguments("more than 2000 evictions the controller has not seen are forbidden",
						with(budget(5, 3, 8, null), b -> b.getStatus().setDisruptedPods(disrupted(2001))), 403,
						"poddisruptionbudget.policy \"web\" is forbidden: DisruptedPods map too big - too many "
								+ "evictions not confirmed by PDB controller",
						0));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("refusals")
	void refusedEvictionsLeaveTheBudgetAsItWas(String name, PodDisruptionBudget pdb, int code, String text,
			int retryAfter) {
		PodDisruptionBudget before = new PodDisruptionBudgetBuilder(pdb).build();
		assertThatThrownBy(() -> DisruptionBudgetCheck.checkAndDecrement(pdb, "web-1", NOW))
			.isInstanceOfSatisfying(ApiException.class, ex -> {
				Status status = ex.status();
				assertThat(status.getCode()).isEqualTo(code);
				if (code == 429) {
					assertThat(status.getReason()).isEqualTo("TooManyRequests");
					assertThat(status.getMessage()).isEqualTo(DisruptionBudgetCheck.TOO_MANY_REQUESTS);
					assertThat(status.getDetails().getCauses()).singleElement().satisfies(cause -> {
						assertThat(cause.getReason()).isEqualTo("DisruptionBudget");
						assertThat(cause.getMessage()).isEqualTo(text);
					});
					assertThat(status.getDetails().getRetryAfterSeconds()).isEqualTo(retryAfter);
				}
				else {
					assertThat(status.getReason()).isEqualTo("Forbidden");
					assertThat(status.getMessage()).isEqualTo(text);
				}
			});
		assertThat(pdb).isEqualTo(before);
	}

	@Test
	void theLastDisruptionIsTakenThePodRecordedAndTheBudgetSaysInsufficientPods() {
		PodDisruptionBudget pdb = budget(1, 3, 2, null);
		DisruptionBudgetCheck.checkAndDecrement(pdb, "web-1", NOW);
		assertThat(pdb.getStatus().getDisruptionsAllowed()).isZero();
		assertThat(pdb.getStatus().getDisruptedPods()).containsExactly(Map.entry("web-1", "2026-12-07T00:00:00Z"));
		assertThat(pdb.getStatus().getConditions()).singleElement().satisfies(c -> {
			assertThat(c.getType()).isEqualTo("DisruptionAllowed");
			assertThat(c.getStatus()).isEqualTo("False");
			assertThat(c.getReason()).isEqualTo("InsufficientPods");
			assertThat(c.getObservedGeneration()).isEqualTo(1L);
			assertThat(c.getLastTransitionTime()).isEqualTo("2026-12-07T00:00:00Z");
		});
	}

	@Test
	void aDisruptionLeftOverKeepsTheConditionAndEarlierEvictions() {
		PodDisruptionBudget pdb = with(budget(2, 3, 1, null),
				b -> b.getStatus().setDisruptedPods(Map.of("web-0", "2026-12-06T23:59:00Z")));
		DisruptionBudgetCheck.checkAndDecrement(pdb, "web-1", NOW);
		assertThat(pdb.getStatus().getDisruptionsAllowed()).isEqualTo(1);
		assertThat(pdb.getStatus().getDisruptedPods()).containsOnlyKeys("web-0", "web-1");
		assertThat(pdb.getStatus().getConditions()).isNullOrEmpty();
	}

	@Test
	void exactly2000EvictionsNotYetSeenStillAllowOneMore() {
		PodDisruptionBudget pdb = with(budget(5, 3, 8, null), b -> b.getStatus().setDisruptedPods(disrupted(2000)));
		DisruptionBudgetCheck.checkAndDecrement(pdb, "web-1", NOW);
		assertThat(pdb.getStatus().getDisruptedPods()).hasSize(2001);
	}

	@Test
	void thePodIsMarkedDisruptionTargetOnceAndAFalseConditionTurnsTrue() {
		Pod pod = pod("Running", true);
		assertThat(DisruptionBudgetCheck.markDisruptionTarget(pod, NOW)).isTrue();
		PodCondition marked = condition(pod);
		assertThat(marked.getStatus()).isEqualTo("True");
		assertThat(marked.getReason()).isEqualTo("EvictionByEvictionAPI");
		assertThat(marked.getMessage()).isEqualTo("Eviction API: evicting");
		assertThat(marked.getLastTransitionTime()).isEqualTo("2026-12-07T00:00:00Z");
		assertThat(DisruptionBudgetCheck.markDisruptionTarget(pod, NOW.plusSeconds(5))).isFalse();

		Pod spared = pod("Running", true);
		spared.getStatus()
			.getConditions()
			.add(new PodConditionBuilder().withType("DisruptionTarget")
				.withStatus("False")
				.withLastTransitionTime("2026-12-01T00:00:00Z")
				.build());
		assertThat(DisruptionBudgetCheck.markDisruptionTarget(spared, NOW)).isTrue();
		assertThat(spared.getStatus().getConditions()).filteredOn(c -> c.getType().equals("DisruptionTarget"))
			.singleElement()
			.satisfies(c -> assertThat(c.getLastTransitionTime()).isEqualTo("2026-12-07T00:00:00Z"));
	}

	static Stream<Arguments> selectors() {
		return Stream.of(arguments("a budget without a selector selects nothing", null, false),
				arguments("an empty selector selects every pod", new LabelSelectorBuilder().build(), true),
				arguments("a matching label selects the pod",
						new LabelSelectorBuilder().withMatchLabels(Map.of("app", "web")).build(), true),
				arguments("another label does not",
						new LabelSelectorBuilder().withMatchLabels(Map.of("app", "db")).build(), false),
				arguments("an invalid selector selects nothing",
						new LabelSelectorBuilder().addNewMatchExpression()
							.withKey("app")
							.withOperator("Near")
							.endMatchExpression()
							.build(),
						false));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("selectors")
	void whichBudgetsSelectThePod(String name, io.fabric8.kubernetes.api.model.LabelSelector selector,
			boolean selects) {
		PodDisruptionBudget pdb = with(budget(1, 1, 1, null), b -> b.getSpec().setSelector(selector));
		assertThat(DisruptionBudgetCheck.selecting(pod("Running", true), List.of(pdb))).hasSize(selects ? 1 : 0);
	}

	private static Pod pod(String phase, boolean ready) {
		return new PodBuilder().withNewMetadata()
			.withName("web-1")
			.withNamespace("ns")
			.withUid("u1")
			.withLabels(Map.of("app", "web"))
			.endMetadata()
			.withNewStatus()
			.withPhase(phase)
			.addNewCondition()
			.withType("Ready")
			.withStatus(ready ? "True" : "False")
			.endCondition()
			.endStatus()
			.build();
	}

	private static Pod deleting(Pod pod) {
		pod.getMetadata().setDeletionTimestamp("2026-12-06T23:00:00Z");
		return pod;
	}

	private static PodDisruptionBudget budget(int allowed, int currentHealthy, int desiredHealthy, String policy) {
		return new PodDisruptionBudgetBuilder().withNewMetadata()
			.withName("web")
			.withNamespace("ns")
			.withGeneration(1L)
			.endMetadata()
			.withNewSpec()
			.withSelector(new LabelSelectorBuilder().withMatchLabels(Map.of("app", "web")).build())
			.withUnhealthyPodEvictionPolicy(policy)
			.endSpec()
			.withNewStatus()
			.withDisruptionsAllowed(allowed)
			.withCurrentHealthy(currentHealthy)
			.withDesiredHealthy(desiredHealthy)
			.withExpectedPods(3)
			.withObservedGeneration(1L)
			.endStatus()
			.build();
	}

	private static PodDisruptionBudget with(PodDisruptionBudget pdb, Consumer<PodDisruptionBudget> change) {
		change.accept(pdb);
		return pdb;
	}

	private static Map<String, String> disrupted(int count) {
		Map<String, String> pods = new HashMap<>();
		for (int i = 0; i < count; i++) {
			pods.put("old-" + i, "2026-12-06T23:59:00Z");
		}
		return pods;
	}

	private static PodCondition condition(Pod pod) {
		return pod.getStatus()
			.getConditions()
			.stream()
			.filter(c -> c.getType().equals("DisruptionTarget"))
			.findFirst()
			.orElseThrow();
	}

}
