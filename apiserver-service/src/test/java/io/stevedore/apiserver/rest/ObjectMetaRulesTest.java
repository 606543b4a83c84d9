package io.stevedore.apiserver.rest;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ObjectMetaRulesTest {

	@Test
	void generatedNamesAreTheBaseAndFiveCharactersOfKubernetesAlphabet() {
		Set<String> names = new HashSet<>();
		for (int i = 0; i < 1000; i++) {
			String name = ObjectMetaRules.generateName("web-");
			assertThat(name).matches("web-[bcdfghjklmnpqrstvwxz2456789]{5}");
			names.add(name);
		}
		// 27^5 = 14 million suffixes: a thousand draws repeat almost never.
		assertThat(names).hasSizeGreaterThan(990);
	}

	@Test
	void aLongBaseIsCutTo58CharactersBeforeTheSuffix() {
		String base = "a".repeat(70);
		assertThat(ObjectMetaRules.generateName(base)).hasSize(63).startsWith("a".repeat(58));
	}

}
