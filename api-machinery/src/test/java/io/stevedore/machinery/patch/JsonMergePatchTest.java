package io.stevedore.machinery.patch;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.stevedore.machinery.patch.Json.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class JsonMergePatchTest {

	/** The examples of RFC 7386 appendix A that apply to objects. */
	static Stream<Arguments> rfc7386() {
		return Stream.of(arguments("{a: b}", "{a: c}", "{a: c}"), arguments("{a: b}", "{b: c}", "{a: b, b: c}"),
				arguments("{a: b}", "{a: null}", "{}"), arguments("{a: b, b: c}", "{a: null}", "{b: c}"),
				arguments("{a: [b]}", "{a: c}", "{a: c}"), arguments("{a: c}", "{a: [b]}", "{a: [b]}"),
				arguments("{a: {b: c}}", "{a: {b: d, c: null}}", "{a: {b: d}}"),
				arguments("{a: [{b: c}]}", "{a: [1]}", "{a: [1]}"), arguments("{e: null}", "{a: 1}", "{e: null, a: 1}"),
				arguments("{}", "{a: {bb: {ccc: null}}}", "{a: {bb: {}}}"));
	}

	@ParameterizedTest(name = "{0} + {1} = {2}")
	@MethodSource("rfc7386")
	void mergesAsRfc7386Says(String target, String patch, String expected) {
		assertThat(Patches.jsonMergePatch(yaml(target), yaml(patch))).isEqualTo(yaml(expected));
	}

	@Test
	void replacesListsWholeEvenContainers() {
		var result = Patches.jsonMergePatch(yaml("{spec: {containers: [{name: a}, {name: b}]}}"),
				yaml("{spec: {containers: [{name: c}]}}"));
		assertThat(result).isEqualTo(yaml("{spec: {containers: [{name: c}]}}"));
	}

	@Test
	void refusesAPatchThatIsNotAnObject() {
		assertThatThrownBy(() -> Patches.jsonMergePatch(yaml("{a: 1}"), yaml("[1]"))).isInstanceOf(PatchException.class)
			.hasMessage("Invalid JSON Patch");
	}

}
