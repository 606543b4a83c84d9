package io.stevedore.scheduler.framework;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CycleStateTest {

	private static final CycleState.Key<String> FIRST = CycleState.Key.of("plugin/state", String.class);

	@Test
	@DisplayName("a value written under a key is read back under that key only")
	void readsBackWhatWasWritten() {
		CycleState state = new CycleState();
		CycleState.Key<String> sameName = CycleState.Key.of("plugin/state", String.class);
		state.write(FIRST, "filter data");
		assertThat(state.read(FIRST)).isEqualTo("filter data");
		assertThat(state.read(sameName)).as("two keys are two slots, even with one name").isNull();
	}

	@Test
	@DisplayName("a key made after the state was created can still be written and read")
	void growsForKeysMadeLater() {
		CycleState state = new CycleState();
		CycleState.Key<Integer> later = null;
		for (int i = 0; i < 40; i++) {
			later = CycleState.Key.of("later/" + i, Integer.class);
		}
		assertThat(state.read(later)).isNull();
		state.write(later, 7);
		state.write(FIRST, "kept");
		assertThat(state.read(later)).isEqualTo(7);
		assertThat(state.read(FIRST)).isEqualTo("kept");
	}

	@Test
	@DisplayName("each pod attempt starts from an empty state")
	void statesAreIndependent() {
		CycleState first = new CycleState();
		first.write(FIRST, "pod a");
		assertThat(new CycleState().read(FIRST)).isNull();
	}

}
