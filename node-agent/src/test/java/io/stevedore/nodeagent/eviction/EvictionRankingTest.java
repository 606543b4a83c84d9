package io.stevedore.nodeagent.eviction;

import java.util.List;

import io.stevedore.nodeagent.eviction.EvictionRanking.Candidate;
import org.junit.jupiter.api.Test;

import static io.stevedore.nodeagent.eviction.EvictionTestPods.pod;
import static org.assertj.core.api.Assertions.assertThat;

/** The kubelet's order of eviction per starved resource. */
class EvictionRankingTest {

	@Test
	void forMemoryPodsAboveTheirRequestGoFirstThenLowerPriorityThenTheLargestExcess() {
		Candidate withinRequest = new Candidate(pod("within").build(), 100, 200, 0);
		Candidate smallExcess = new Candidate(pod("small").build(), 300, 200, 0);
		Candidate largeExcess = new Candidate(pod("large").build(), 900, 200, 0);
		Candidate importantHog = new Candidate(pod("important").build(), 5000, 0, 1000);
		Candidate lowWithinRequest = new Candidate(pod("low").build(), 10, 200, -5);

		List<Candidate> ranked = EvictionRanking.rank(
				List.of(withinRequest, importantHog, smallExcess, lowWithinRequest, largeExcess),
				EvictionSignal.MEMORY_AVAILABLE);

		assertThat(ranked).extracting(c -> c.pod().getMetadata().getName())
			.containsExactly("large", "small", "important", "low", "within");
	}

	@Test
	void forProcessIdsLowerPriorityFirstThenTheMostProcesses() {
		Candidate many = new Candidate(pod("many").build(), 500, 0, 0);
		Candidate few = new Candidate(pod("few").build(), 5, 0, 0);
		Candidate low = new Candidate(pod("low").build(), 1, 0, -1);

		assertThat(EvictionRanking.rank(List.of(few, many, low), EvictionSignal.PID_AVAILABLE))
			.extracting(c -> c.pod().getMetadata().getName())
			.containsExactly("low", "many", "few");
	}

}
