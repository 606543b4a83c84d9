package io.stevedore.machinery.quantity;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Map;

/**
 * A Kubernetes resource quantity ({@code 100m}, {@code 1Gi}, {@code 1e3}) as
 * k8s.io/apimachinery's resource.Quantity: an exact decimal value rounded up to nano
 * precision at parse time, plus the format its suffix chose, which decides how it is
 * printed back ({@link #toString()} is the canonical form the apiserver serves).
 *
 * <pre>
 * quantity        ::= signedNumber suffix
 * signedNumber    ::= number | sign number
 * number          ::= digits | digits "." digits | digits "." | "." digits
 * suffix          ::= binarySI | decimalExponent | decimalSI
 * binarySI        ::= Ki | Mi | Gi | Ti | Pi | Ei
 * decimalSI       ::= n | u | m | "" | k | M | G | T | P | E
 * decimalExponent ::= "e" signedNumber | "E" signedNumber
 * </pre>
 *
 * Immutable and thread-safe.
 */
public final class Quantity implements Comparable<Quantity> {

	/** The message Kubernetes gives for a string that is not a quantity. */
	public static final String FORMAT_ERROR = "quantities must match the regular expression "
			+ "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

	/** The message Kubernetes gives for a malformed number part, e.g. {@code 1.2.3}. */
	public static final String NUMERIC_ERROR = "unable to parse quantity's numeric part";

	/** How a quantity is printed, chosen by the suffix it was written with. */
	public enum Format {

		/** {@code 1Ki}, {@code 5Gi}. */
		BINARY_SI,
		/** {@code 100m}, {@code 2k}, {@code 1}. */
		DECIMAL_SI,
		/** {@code 1e3}, {@code 2E-3}. */
		DECIMAL_EXPONENT

	}

	private static final int NANO_SCALE = 9;

	private static final Map<String, Integer> DECIMAL_SUFFIXES = Map.of("n", -9, "u", -6, "m", -3, "", 0, "k", 3, "M",
			6, "G", 9, "T", 12, "P", 15, "E", 18);

	private static final Map<String, Integer> BINARY_SUFFIXES = Map.of("Ki", 10, "Mi", 20, "Gi", 30, "Ti", 40, "Pi", 50,
			"Ei", 60);

	private static final BigInteger KI = BigInteger.valueOf(1024);

	private static final BigDecimal ONE_KI = BigDecimal.valueOf(1024);

	public static final Quantity ZERO = new Quantity(BigDecimal.ZERO, Format.DECIMAL_SI);

	private final BigDecimal value;

	private final Format format;

	private Quantity(BigDecimal value, Format format) {
		this.value = value;
		this.format = format;
	}

	public static Quantity of(BigDecimal value, Format format) {
		return new Quantity(roundUpToNano(value), format);
	}

	/**
	 * Parses a quantity string.
	 * @throws QuantityFormatException with Kubernetes' message when the string is not a
	 * quantity
	 */
	public static Quantity parse(String text) {
		if (text == null || text.isEmpty()) {
			throw new QuantityFormatException(FORMAT_ERROR);
		}
		int pos = 0;
		boolean negative = false;
		char first = text.charAt(0);
		if (first == '+' || first == '-') {
			negative = first == '-';
			pos++;
		}
		int numberStart = pos;
		int digits = 0;
		int dots = 0;
		while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
			if (text.charAt(pos) == '.') {
				dots++;
			}
			else {
				digits++;
			}
			pos++;
		}
		String number = text.substring(numberStart, pos);
		if (number.isEmpty()) {
			throw new QuantityFormatException(FORMAT_ERROR);
		}
		if (digits == 0 || dots > 1) {
			throw new QuantityFormatException(NUMERIC_ERROR);
		}
		String suffix = text.substring(pos);
		BigDecimal amount = new BigDecimal(number.endsWith(".") ? number + "0" : number);
		if (negative) {
			amount = amount.negate();
		}
		Format format;
		if (DECIMAL_SUFFIXES.containsKey(suffix)) {
			format = Format.DECIMAL_SI;
			amount = amount.scaleByPowerOfTen(DECIMAL_SUFFIXES.get(suffix));
		}
		else if (BINARY_SUFFIXES.containsKey(suffix)) {
			format = Format.BINARY_SI;
			amount = amount.multiply(new BigDecimal(BigInteger.TWO.pow(BINARY_SUFFIXES.get(suffix))));
		}
		else if ((suffix.startsWith("e") || suffix.startsWith("E")) && isSignedInteger(suffix.substring(1))) {
			format = Format.DECIMAL_EXPONENT;
			int exponent;
			try {
				exponent = Integer.parseInt(suffix.substring(1));
			}
			catch (NumberFormatException ex) {
				throw new QuantityFormatException(FORMAT_ERROR);
			}
			amount = amount.scaleByPowerOfTen(exponent);
		}
		else {
			throw new QuantityFormatException(FORMAT_ERROR);
		}
		return new Quantity(roundUpToNano(amount), format);
	}

	/** Whether {@code text} parses; for validators that only need a yes or no. */
	public static boolean isValid(String text) {
		try {
			parse(text);
			return true;
		}
		catch (QuantityFormatException ex) {
			return false;
		}
	}

	/** A fabric8 model quantity, which keeps the number and the suffix apart. */
	public static Quantity of(io.fabric8.kubernetes.api.model.Quantity q) {
		String amount = q.getAmount() == null ? "" : q.getAmount();
		String format = q.getFormat() == null ? "" : q.getFormat();
		return parse(amount + format);
	}

	/** This quantity as a fabric8 model quantity holding the canonical string. */
	public io.fabric8.kubernetes.api.model.Quantity toModel() {
		return new io.fabric8.kubernetes.api.model.Quantity(toString());
	}

	public BigDecimal value() {
		return this.value;
	}

	public Format format() {
		return this.format;
	}

	public boolean isZero() {
		return this.value.signum() == 0;
	}

	public int signum() {
		return this.value.signum();
	}

	/** The value in thousandths, rounded up, as Kubernetes' MilliValue. */
	public long milliValue() {
		return this.value.movePointRight(3).setScale(0, RoundingMode.CEILING).longValueExact();
	}

	/**
	 * This quantity rounded up (away from zero) to {@code 10^scale}, as Kubernetes'
	 * RoundUp: the apiserver rounds resource lists to milli precision ({@code -3}).
	 */
	public Quantity roundUp(int scale) {
		BigDecimal rounded = this.value.setScale(-scale, RoundingMode.UP);
		return new Quantity(rounded, this.format);
	}

	public Quantity add(Quantity other) {
		return new Quantity(this.value.add(other.value), this.format);
	}

	public Quantity subtract(Quantity other) {
		return new Quantity(this.value.subtract(other.value), this.format);
	}

	@Override
	public int compareTo(Quantity other) {
		return this.value.compareTo(other.value);
	}

	/**
	 * Equal when the values are equal, whatever the formats ({@code 1Gi} vs
	 * {@code 1024Mi}).
	 */
	@Override
	public boolean equals(Object other) {
		return other instanceof Quantity q && this.value.compareTo(q.value) == 0;
	}

	@Override
	public int hashCode() {
		return this.value.stripTrailingZeros().hashCode();
	}

	/**
	 * The canonical string as Kubernetes prints it: no fractions, the largest suffix that
	 * keeps the number whole ({@code 1.5} is {@code 1500m}, {@code 1024Mi} is
	 * {@code 1Gi}), binary values under 1Ki and inexact binary values printed as decimal.
	 */
	@Override
	public String toString() {
		if (isZero()) {
			return "0";
		}
		Format printAs = this.format;
		if (printAs == Format.BINARY_SI) {
			boolean small = this.value.abs().compareTo(ONE_KI) < 0;
			boolean whole = this.value.stripTrailingZeros().scale() <= 0;
			if (small || !whole) {
				printAs = Format.DECIMAL_SI;
			}
		}
		if (printAs == Format.BINARY_SI) {
			BigInteger amount = this.value.toBigIntegerExact();
			int exponent = 0;
			while (exponent < 6 && amount.mod(KI).signum() == 0) {
				amount = amount.divide(KI);
				exponent++;
			}
			String suffix = exponent == 0 ? "" : " KMGTPE".charAt(exponent) + "i";
			return amount + suffix;
		}
		// Decimal: mantissa without trailing zeros, exponent lowered to a multiple of 3.
		BigDecimal stripped = this.value.stripTrailingZeros();
		BigInteger mantissa = stripped.unscaledValue();
		int exponent = -stripped.scale();
		int shift = Math.floorMod(exponent, 3);
		mantissa = mantissa.multiply(BigInteger.TEN.pow(shift));
		exponent -= shift;
		return mantissa + decimalSuffix(exponent, printAs);
	}

	private static String decimalSuffix(int exponent, Format format) {
		if (format == Format.DECIMAL_SI) {
			for (Map.Entry<String, Integer> e : DECIMAL_SUFFIXES.entrySet()) {
				if (e.getValue() == exponent) {
					return e.getKey();
				}
			}
		}
		return exponent == 0 ? "" : "e" + exponent;
	}

	private static boolean isSignedInteger(String s) {
		int start = (!s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-')) ? 1 : 0;
		if (s.length() == start) {
			return false;
		}
		for (int i = start; i < s.length(); i++) {
			if (!Character.isDigit(s.charAt(i))) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Kubernetes rounds any non-zero value finer than a nano up (away from zero), so a
	 * request for a tiny amount still gets some.
	 */
	private static BigDecimal roundUpToNano(BigDecimal value) {
		if (value.scale() > NANO_SCALE) {
			return value.setScale(NANO_SCALE, RoundingMode.UP);
		}
		return value;
	}

}
