package io.stevedore.machinery.selectors;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class GoTextTest {

	@ParameterizedTest(name = "strconv.ParseInt(\"{0}\", 10, 64) ok={1}")
	@CsvSource(delimiter = '|', nullValues = "NULL",
			value = { "0|true", "42|true", "+42|true", "-42|true", "007|true", "9223372036854775807|true",
					"-9223372036854775808|true", "9223372036854775808|false", "-9223372036854775809|false", "''|false",
					"+|false", "-|false", "1_000|false", "0x10|false", "1.5|false", "' 1'|false", "١٢|false" })
	void integersAreReadAsGoReadsThem(String text, boolean valid) {
		assertThat(GoText.isInt64(text)).isEqualTo(valid);
		if (valid) {
			assertThat(GoText.parseInt64(text)).isEqualTo(Long.parseLong(text));
		}
	}

	@Test
	void quotingEscapesLikeGoStrconvQuote() {
		assertThat(GoText.quote("plain")).isEqualTo("\"plain\"");
		assertThat(GoText.quote("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
		assertThat(GoText.quote("\t\n\u0001\u007f")).isEqualTo("\"\\t\\n\\x01\\x7f\"");
		assertThat(GoText.quote("é\u00a0\u200b😀")).isEqualTo("\"é\\u00a0\\u200b😀\"");
	}

	@Test
	void slicesPrintLikeGoSharpV() {
		assertThat(GoText.sliceLiteral(null)).isEqualTo("[]string(nil)");
		assertThat(GoText.sliceLiteral(List.of("a", "b\""))).isEqualTo("[]string{\"a\", \"b\\\"\"}");
	}

	@Test
	void stringsOrderByCodePointLikeGoNotByUtf16Unit() {
		// U+FF21 sorts before U+1F600 in Go (UTF-8 bytes) but after it in UTF-16 units.
		assertThat(GoText.compare("\uFF21", "😀")).isNegative();
		assertThat("\uFF21".compareTo("😀")).isPositive();
		assertThat(GoText.compare("a", "ab")).isNegative();
		assertThat(GoText.compare("b", "ab")).isPositive();
		assertThat(GoText.compare("ab", "ab")).isZero();
	}

	@Test
	void lengthsAreCountedInUtf8Bytes() {
		assertThat(GoText.byteLength("abc")).isEqualTo(3);
		assertThat(GoText.byteLength("é")).isEqualTo(2);
		assertThat(GoText.byteLength("😀")).isEqualTo(4);
	}

}
