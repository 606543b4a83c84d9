package io.stevedore.nodeagent.pod;

import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class ExpansionTest {

	@ParameterizedTest(name = "{0} expands to {1}")
	@CsvSource(delimiter = '|', value = { "$(HOST):$(PORT)|db:5432", "$(MISSING)|$(MISSING)", "$$(HOST)|$(HOST)",
			"cost $5|cost $5", "$(HOST|$(HOST", "plain|plain" })
	void referencesToDefinedVariablesAreReplacedAndOthersKept(String input, String expected) {
		assertThat(Expansion.expand(input, Map.of("HOST", "db", "PORT", "5432"))).isEqualTo(expected);
	}

}
