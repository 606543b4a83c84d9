package io.stevedore.machinery.quantity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuantityTest {

	@ParameterizedTest(name = "{0} has the value {1}")
	@CsvSource({ "100m, 0.1", "1, 1", "1.5, 1.5", "1e3, 1000", "1E3, 1000", "+5, 5", "-5, -5", "1Ki, 1024",
			"1Gi, 1073741824", "2k, 2000", "1M, 1000000", "1E, 1000000000000000000", "5n, 0.000000005", "5u, 0.000005",
			".5, 0.5", "5., 5", "1e-3, 0.001", "0.1n, 0.000000001" })
	void parsesTheKubernetesGrammar(String text, String value) {
		assertThat(Quantity.parse(text).value()).isEqualByComparingTo(new BigDecimal(value));
	}

	@ParameterizedTest(name = "{0} prints as {1}")
	@CsvSource({ "1500m, 1500m", "1.5, 1500m", "1024Mi, 1Gi", "1e3, 1e3", "100m, 100m", "0.1, 100m", "1000m, 1",
			"2000, 2k", "1536Mi, 1536Mi", "1.5Gi, 1536Mi", "512Mi, 512Mi", "0.5Ki, 512", "0, 0", "0Gi, 0", "1e-3, 1e-3",
			"128974848, 128974848", "12e6, 12e6", "5n, 5n", "1k, 1k", "-1.5, -1500m" })
	void printsTheCanonicalFormKubernetesServes(String text, String canonical) {
		assertThat(Quantity.parse(text)).hasToString(canonical);
	}

	@ParameterizedTest(name = "\"{0}\" is not a quantity")
	@ValueSource(strings = { "", "abc", "1Gb", "1 Gi", "Gi", "1e", "1.5e2.5", "1Kii", "--1", "1i" })
	void rejectsBadSyntaxWithKubernetesMessage(String text) {
		assertThatThrownBy(() -> Quantity.parse(text)).isInstanceOf(QuantityFormatException.class)
			.hasMessage(
					"quantities must match the regular expression " + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
	}

	@Test
	void rejectsAMalformedNumberWithTheNumericMessage() {
		assertThatThrownBy(() -> Quantity.parse("1.2.3")).hasMessage("unable to parse quantity's numeric part");
	}

	@Test
	void comparesValuesAcrossFormats() {
		assertThat(Quantity.parse("1Gi")).isEqualTo(Quantity.parse("1024Mi"));
		assertThat(Quantity.parse("500m")).isLessThan(Quantity.parse("1"));
		assertThat(Quantity.parse("1k")).isGreaterThan(Quantity.parse("999"));
	}

	@Test
	void roundsValuesFinerThanNanoUpAtParseTime() {
		assertThat(Quantity.parse("0.0000000001")).hasToString("1n");
	}

	@Test
	void roundsUpToMilliAsResourceListsAre() {
		assertThat(Quantity.parse("0.0001").roundUp(-3)).hasToString("1m");
		assertThat(Quantity.parse("1.0001").roundUp(-3)).hasToString("1001m");
	}

	@Test
	void readsFabric8QuantitiesWhichSplitAmountAndFormat() {
		assertThat(Quantity.of(new io.fabric8.kubernetes.api.model.Quantity("1024Mi"))).hasToString("1Gi");
		assertThat(Quantity.parse("1.5").toModel().toString()).isEqualTo("1500m");
	}

	@Test
	void milliValueRoundsUp() {
		assertThat(Quantity.parse("1.5").milliValue()).isEqualTo(1500);
		assertThat(Quantity.parse("1n").milliValue()).isEqualTo(1);
	}

}
