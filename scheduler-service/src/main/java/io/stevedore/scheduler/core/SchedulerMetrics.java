package io.stevedore.scheduler.core;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.stevedore.scheduler.queue.SchedulingQueue;

/**
 * kube-scheduler's metrics on Actuator's Prometheus endpoint:
 * {@code scheduler_schedule_attempts_total{result,profile}},
 * {@code scheduler_e2e_scheduling_duration_seconds} (from a pod's first queueing to its
 * bind, as a histogram), {@code scheduler_scheduling_attempt_duration_seconds} (the cycle
 * alone) and {@code scheduler_pending_pods{queue}}. The gauges follow whichever scheduler
 * instance currently leads.
 */
public final class SchedulerMetrics {

	public static final String SCHEDULED = "scheduled";

	public static final String UNSCHEDULABLE = "unschedulable";

	public static final String ERROR = "error";

	private final MeterRegistry registry;

	private final AtomicReference<SchedulingQueue> queue = new AtomicReference<>();

	public SchedulerMetrics(MeterRegistry registry) {
		this.registry = registry;
		Gauge.builder("scheduler_pending_pods", this, (m) -> size(m.queue.get(), "active"))
			.tag("queue", "active")
			.description("Pending pods by queue")
			.register(registry);
		Gauge.builder("scheduler_pending_pods", this, (m) -> size(m.queue.get(), "backoff"))
			.tag("queue", "backoff")
			.register(registry);
		Gauge.builder("scheduler_pending_pods", this, (m) -> size(m.queue.get(), "unschedulable"))
			.tag("queue", "unschedulable")
			.register(registry);
	}

	private static double size(SchedulingQueue queue, String which) {
		if (queue == null) {
			return 0;
		}
		return switch (which) {
			case "active" -> queue.activeSize();
			case "backoff" -> queue.backoffSize();
			default -> queue.unschedulableSize();
		};
	}

	void watch(SchedulingQueue queue) {
		this.queue.set(queue);
	}

	void attempt(String result, String profile) {
		Counter.builder("scheduler_schedule_attempts")
			.description("Scheduling attempts by result")
			.tag("result", result)
			.tag("profile", profile)
			.register(this.registry)
			.increment();
	}

	/** The scheduling cycle alone (snapshot, filter, score, assume), without the bind. */
	void attemptDuration(Duration duration, String result, String profile) {
		Timer.builder("scheduler_scheduling_attempt_duration")
			.description("Scheduling cycle duration, bind excluded")
			.tag("result", result)
			.tag("profile", profile)
			.publishPercentileHistogram()
			.register(this.registry)
			.record(duration);
	}

	void e2eLatency(Duration duration, String profile) {
		Timer.builder("scheduler_e2e_scheduling_duration")
			.description("From a pod's first queueing to its bind")
			.tag("profile", profile)
			.publishPercentileHistogram()
			.register(this.registry)
			.record(duration);
	}

}
