package io.stevedore.machinery.protobuf;

/**
 * Go's {@code time.Duration.String()}: {@code 1h2m3.5s}, {@code 1.5ms}, {@code 0s}. A
 * {@code metav1.Duration} is written this way in JSON, so a protobuf Duration (a count of
 * nanoseconds) must be too.
 */
final class GoDuration {

	private static final long MICROSECOND = 1_000L;

	private static final long MILLISECOND = 1_000_000L;

	private static final long SECOND = 1_000_000_000L;

	private GoDuration() {
	}

	static String format(long nanos) {
		if (nanos == 0) {
			return "0s";
		}
		// Unsigned arithmetic, so Long.MIN_VALUE has a magnitude as in Go.
		long u = (nanos < 0) ? -nanos : nanos;
		String sign = (nanos < 0) ? "-" : "";
		if (Long.compareUnsigned(u, SECOND) < 0) {
			if (u < MICROSECOND) {
				return sign + u + "ns";
			}
			if (u < MILLISECOND) {
				return sign + withFraction(u, 3) + "µs";
			}
			return sign + withFraction(u, 6) + "ms";
		}
		String fraction = fraction(Long.remainderUnsigned(u, SECOND), 9);
		long seconds = Long.divideUnsigned(u, SECOND);
		StringBuilder out = new StringBuilder();
		long minutes = seconds / 60;
		if (minutes > 0) {
			long hours = minutes / 60;
			if (hours > 0) {
				out.append(hours).append('h');
			}
			out.append(minutes % 60).append('m');
		}
		out.append(seconds % 60).append(fraction).append('s');
		return sign + out;
	}

	/** {@code v} in units of 10^digits, with its fraction: 1500 with 3 digits is 1.5. */
	private static String withFraction(long v, int digits) {
		long unit = (long) Math.pow(10, digits);
		return (v / unit) + fraction(v % unit, digits);
	}

	/** The fraction's digits without trailing zeros, with a dot, or nothing for zero. */
	private static String fraction(long remainder, int digits) {
		if (remainder == 0) {
			return "";
		}
		String padded = String.format("%0" + digits + "d", remainder);
		int end = padded.length();
		while (padded.charAt(end - 1) == '0') {
			end--;
		}
		return "." + padded.substring(0, end);
	}

}
