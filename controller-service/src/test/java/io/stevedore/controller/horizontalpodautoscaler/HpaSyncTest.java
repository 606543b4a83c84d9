package io.stevedore.controller.horizontalpodautoscaler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerCondition;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stevedore.client.clock.FakeClock;
import io.stevedore.client.controller.Result;
import io.stevedore.controller.replicaset.RecordingEventRecorder;
import org.junit.jupiter.api.Test;

import static io.stevedore.controller.horizontalpodautoscaler.HpaFixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;

class HpaSyncTest {

	private final FakeClock clock = new FakeClock(NOW);

	private final FakeControl control = new FakeControl();

	private final Map<String, PodMetric> usage = new HashMap<>();

	private final RecordingEventRecorder events = new RecordingEventRecorder();

	private HorizontalPodAutoscaler hpa = new HorizontalPodAutoscalerBuilder().withNewMetadata()
		.withName("web")
		.withNamespace("default")
		.withGeneration(2L)
		.endMetadata()
		.withNewSpec()
		.withNewScaleTargetRef("apps/v1", "Deployment", "web")
		.withMinReplicas(1)
		.withMaxReplicas(10)
		.addNewMetric()
		.withType("Resource")
		.withNewResource()
		.withName("cpu")
		.withNewTarget()
		.withType("Utilization")
		.withAverageUtilization(50)
		.endTarget()
		.endResource()
		.endMetric()
		.endSpec()
		.build();

	private boolean metricsDown;

	private final HpaSync sync = new HpaSync((key) -> this.hpa, this.control, (namespace, selector, resource) -> {
		if (this.metricsDown) {
			throw new MetricsSource.MetricsUnavailableException(
					"unable to get metrics for resource cpu: no metrics returned from resource metrics API");
		}
		return this.usage;
	}, HpaSettings.defaults(), this.events, this.clock);

	@Test
	void busyPodsScaleTheTargetUpAndTheStatusSaysWhy() {
		this.control.replicas = 2;
		this.usage.putAll(HpaFixtures.usage("p0", 900, "p1", 900));

		Result result = this.sync.reconcile("default/web");

		assertThat(result.requeueAfter()).isEqualTo(Duration.ofSeconds(15));
		assertThat(this.control.replicas).isEqualTo(4);
		assertThat(this.events.events).containsExactly(
				"Normal SuccessfulRescale New size: 4; reason: cpu resource utilization (percentage of request) above target");
		var status = this.hpa.getStatus();
		assertThat(status.getCurrentReplicas()).isEqualTo(2);
		assertThat(status.getDesiredReplicas()).isEqualTo(4);
		assertThat(status.getObservedGeneration()).isEqualTo(2L);
		assertThat(status.getLastScaleTime()).isEqualTo("2026-12-04T12:00:00Z");
		var current = status.getCurrentMetrics().get(0).getResource();
		assertThat(current.getName()).isEqualTo("cpu");
		assertThat(current.getCurrent().getAverageUtilization()).isEqualTo(90);
		assertThat(current.getCurrent().getAverageValue().toString()).isEqualTo("900m");
		assertThat(condition("AbleToScale")).extracting("status", "reason", "message")
			.containsExactly("True", "SucceededRescale", "the HPA controller was able to update the target scale to 4");
		assertThat(condition("ScalingActive")).extracting("status", "reason")
			.containsExactly("True", "ValidMetricFound");
		assertThat(condition("ScalingLimited")).extracting("status", "reason")
			.containsExactly("False", "DesiredWithinRange");
	}

	@Test
	void idlePodsScaleDownOnlyAfterTheStabilizationWindow() {
		this.control.replicas = 4;
		this.usage.putAll(HpaFixtures.usage("p0", 500, "p1", 500, "p2", 500, "p3", 500));
		this.sync.reconcile("default/web");
		assertThat(this.control.replicas).isEqualTo(4);

		this.usage.putAll(HpaFixtures.usage("p0", 50, "p1", 50, "p2", 50, "p3", 50));
		this.clock.advance(Duration.ofSeconds(15));
		this.sync.reconcile("default/web");
		assertThat(this.control.replicas).isEqualTo(4);
		assertThat(condition("AbleToScale").getReason()).isEqualTo("ScaleDownStabilized");

		this.clock.advance(Duration.ofMinutes(5));
		this.sync.reconcile("default/web");
		assertThat(this.control.replicas).isEqualTo(1);
		assertThat(this.events.events)
			.containsExactly("Normal SuccessfulRescale New size: 1; reason: All metrics below target");
	}

	@Test
	void unreadableMetricsLeaveTheScaleAndSayWhyInConditionsAndEvents() {
		this.control.replicas = 2;
		this.metricsDown = true;

		Result result = this.sync.reconcile("default/web");

		// Retried at the sync period, as Kubernetes' HPA queue does, not with a fast
		// backoff.
		assertThat(result.requeueAfter()).isEqualTo(Duration.ofSeconds(15));

		assertThat(this.control.replicas).isEqualTo(2);
		assertThat(this.control.scaleWrites).isZero();
		assertThat(condition("ScalingActive")).extracting("status", "reason", "message")
			.containsExactly("False", "FailedGetResourceMetric",
					"the HPA was unable to compute the replica count: unable to get metrics for resource cpu: no metrics returned from resource metrics API");
		assertThat(this.events.events).containsExactly(
				"Warning FailedGetResourceMetric unable to get metrics for resource cpu: no metrics returned from resource metrics API",
				"Warning FailedComputeMetricsReplicas invalid metrics (1 invalid out of 1), first error is: unable to get metrics for resource cpu: no metrics returned from resource metrics API");
	}

	@Test
	void aTargetScaledToZeroIsNotAutoscaled() {
		this.control.replicas = 0;
		this.sync.reconcile("default/web");
		assertThat(this.control.scaleWrites).isZero();
		assertThat(condition("ScalingActive")).extracting("status", "reason")
			.containsExactly("False", "ScalingDisabled");
	}

	@Test
	void aTargetAboveMaxReplicasIsBroughtDownWithoutLookingAtMetrics() {
		this.control.replicas = 12;
		this.metricsDown = true;
		this.sync.reconcile("default/web");
		assertThat(this.control.replicas).isEqualTo(10);
		assertThat(this.events.events).containsExactly(
				"Normal SuccessfulRescale New size: 10; reason: Current number of replicas above Spec.MaxReplicas");
	}

	@Test
	void anUnchangedStatusIsNotWrittenAgain() {
		this.control.replicas = 2;
		this.usage.putAll(HpaFixtures.usage("p0", 500, "p1", 520));
		this.sync.reconcile("default/web");
		this.sync.reconcile("default/web");
		this.clock.advance(Duration.ofSeconds(15));
		this.sync.reconcile("default/web");
		assertThat(this.control.statusWrites).isEqualTo(1);
		assertThat(this.control.replicas).isEqualTo(2);
	}

	private HorizontalPodAutoscalerCondition condition(String type) {
		return this.hpa.getStatus()
			.getConditions()
			.stream()
			.filter((c) -> type.equals(c.getType()))
			.findFirst()
			.orElseThrow();
	}

	/** A Deployment "web" with a pod p<i> per replica, each requesting 1 cpu. */
	private final class FakeControl implements HpaControl {

		int replicas;

		int scaleWrites;

		int statusWrites;

		@Override
		public Scale getScale(String namespace, CrossVersionObjectReference target) {
			return new Scale(this.replicas, this.replicas, "app=web");
		}

		@Override
		public void updateScale(String namespace, CrossVersionObjectReference target, int replicas) {
			this.replicas = replicas;
			this.scaleWrites++;
		}

		@Override
		public List<Pod> pods(String namespace, String selector) {
			return new ArrayList<>(HpaFixtures.pods(this.replicas, "1"));
		}

		@Override
		public void updateStatus(HorizontalPodAutoscaler updated) {
			this.statusWrites++;
			HpaSyncTest.this.hpa = Serialization.clone(updated);
		}

	}

}
