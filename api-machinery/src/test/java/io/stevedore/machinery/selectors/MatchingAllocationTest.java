package io.stevedore.machinery.selectors;

import java.lang.management.ManagementFactory;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The apiserver matches every list item and watch event against the request's selectors:
 * matching must not allocate per object.
 */
class MatchingAllocationTest {

	// Few enough rounds to stay in the interpreter and C1, whose code keeps every
	// allocation: C2's escape analysis would hide short-lived garbage.
	static final int ROUNDS = 5_000;

	final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
		.getThreadMXBean();

	long allocatedBy(Runnable work) {
		long threadId = Thread.currentThread().threadId();
		long before = this.threads.getThreadAllocatedBytes(threadId);
		work.run();
		return this.threads.getThreadAllocatedBytes(threadId) - before;
	}

	@Test
	void matchingLabelsAndFieldsAllocatesNothingPerObject() {
		LabelSelector labels = LabelSelector.parse("app=web,tier in (a,b,front),!canary,replicas>2,zone");
		FieldSelector fields = FieldSelector.parse("spec.nodeName=node-1,status.phase!=Failed");
		Map<String, String> objectLabels = Map.of("app", "web", "tier", "front", "replicas", "3", "zone", "z");
		Map<String, String> objectFields = Map.of("spec.nodeName", "node-1", "status.phase", "Running");
		boolean[] all = { true };
		Runnable once = () -> all[0] &= labels.matches(objectLabels) & fields.matches(objectFields);
		Runnable work = () -> {
			for (int i = 0; i < ROUNDS; i++) {
				once.run();
			}
		};
		once.run(); // loads and initializes the classes involved
		long baseline = allocatedBy(() -> {
		});
		long bytes = allocatedBy(work) - baseline;
		assertThat(all[0]).isTrue();
		// The smallest object is 16 bytes: anything allocated per match adds up to more.
		assertThat(bytes).isLessThan(ROUNDS);
	}

}
