package io.stevedore.machinery.validation.batch;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A standard five-field cron schedule ({@code minute hour day-of-month month
 * day-of-week}) or a descriptor ({@code @hourly}, {@code @every 1h30m}), parsed as
 * robfig/cron's ParseStandard, which the CronJob API uses; error messages are that
 * parser's. Immutable; {@link #next} gives the first activation after a time.
 */
public final class CronSchedule {

	private static final long STAR = 1L << 63;

	private record Bounds(int min, int max, Map<String, Integer> names) {
	}

	private static final Bounds MINUTES = new Bounds(0, 59, null);

	private static final Bounds HOURS = new Bounds(0, 23, null);

	private static final Bounds DOM = new Bounds(1, 31, null);

	private static final Bounds MONTHS = new Bounds(1, 12,
			Map.ofEntries(Map.entry("jan", 1), Map.entry("feb", 2), Map.entry("mar", 3), Map.entry("apr", 4),
					Map.entry("may", 5), Map.entry("jun", 6), Map.entry("jul", 7), Map.entry("aug", 8),
					Map.entry("sep", 9), Map.entry("oct", 10), Map.entry("nov", 11), Map.entry("dec", 12)));

	private static final Bounds DOW = new Bounds(0, 6,
			Map.of("sun", 0, "mon", 1, "tue", 2, "wed", 3, "thu", 4, "fri", 5, "sat", 6));

	private static final Pattern GO_DURATION = Pattern.compile("([0-9]*(\\.[0-9]*)?(ns|us|µs|ms|s|m|h))+");

	private final long minute;

	private final long hour;

	private final long dom;

	private final long month;

	private final long dow;

	/** Set for {@code @every}: a fixed period instead of fields. */
	private final Duration every;

	private CronSchedule(long minute, long hour, long dom, long month, long dow, Duration every) {
		this.minute = minute;
		this.hour = hour;
		this.dom = dom;
		this.month = month;
		this.dow = dow;
		this.every = every;
	}

	/**
	 * @throws IllegalArgumentException with robfig/cron's message
	 */
	public static CronSchedule parse(String spec) {
		if (spec == null || spec.isEmpty()) {
			throw new IllegalArgumentException("empty spec string");
		}
		if (spec.startsWith("@")) {
			return descriptor(spec);
		}
		String[] fields = spec.trim().split("\\s+");
		if (spec.isBlank() || fields.length != 5) {
			int count = spec.isBlank() ? 0 : fields.length;
			throw new IllegalArgumentException("expected exactly 5 fields, found " + count + ": ["
					+ String.join(" ", spec.isBlank() ? new String[0] : fields) + "]");
		}
		return new CronSchedule(field(fields[0], MINUTES), field(fields[1], HOURS), field(fields[2], DOM),
				field(fields[3], MONTHS), field(fields[4], DOW), null);
	}

	private static CronSchedule descriptor(String spec) {
		long all = STAR;
		switch (spec) {
			case "@yearly", "@annually" -> {
				return new CronSchedule(1L, 1L, 1L << 1, 1L << 1, all | bits(0, 6, 1), null);
			}
			case "@monthly" -> {
				return new CronSchedule(1L, 1L, 1L << 1, all | bits(1, 12, 1), all | bits(0, 6, 1), null);
			}
			case "@weekly" -> {
				return new CronSchedule(1L, 1L, all | bits(1, 31, 1), all | bits(1, 12, 1), 1L, null);
			}
			case "@daily", "@midnight" -> {
				return new CronSchedule(1L, 1L, all | bits(1, 31, 1), all | bits(1, 12, 1), all | bits(0, 6, 1), null);
			}
			case "@hourly" -> {
				return new CronSchedule(1L, all | bits(0, 23, 1), all | bits(1, 31, 1), all | bits(1, 12, 1),
						all | bits(0, 6, 1), null);
			}
			default -> {
			}
		}
		String everyPrefix = "@every ";
		if (spec.startsWith(everyPrefix)) {
			String d = spec.substring(everyPrefix.length());
			Duration duration = parseGoDuration(d);
			if (duration == null) {
				throw new IllegalArgumentException(
						"failed to parse duration " + spec + ": time: invalid duration \"" + d + "\"");
			}
			// robfig rounds sub-second periods up to one second.
			return new CronSchedule(0, 0, 0, 0, 0, duration.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1)
					: duration.truncatedTo(ChronoUnit.SECONDS));
		}
		throw new IllegalArgumentException("unrecognized descriptor: " + spec);
	}

	private static long field(String field, Bounds r) {
		long bits = 0;
		for (String expr : field.split(",", -1)) {
			bits |= range(expr, r);
		}
		return bits;
	}

	private static long range(String expr, Bounds r) {
		String[] rangeAndStep = expr.split("/", -1);
		String[] lowAndHigh = rangeAndStep[0].split("-", -1);
		boolean single = lowAndHigh.length == 1;
		int start;
		int end;
		int step;
		long extra = 0;
		if (lowAndHigh[0].equals("*") || lowAndHigh[0].equals("?")) {
			start = r.min();
			end = r.max();
			extra = STAR;
		}
		else {
			start = intOrName(lowAndHigh[0], r.names());
			if (lowAndHigh.length == 1) {
				end = start;
			}
			else if (lowAndHigh.length == 2) {
				end = intOrName(lowAndHigh[1], r.names());
			}
			else {
				throw new IllegalArgumentException("too many hyphens: " + expr);
			}
		}
		if (rangeAndStep.length == 1) {
			step = 1;
		}
		else if (rangeAndStep.length == 2) {
			step = parseInt(rangeAndStep[1]);
			// "N/step" means "N-max/step".
			if (single) {
				end = r.max();
			}
			if (step > 1) {
				extra = 0;
			}
		}
		else {
			throw new IllegalArgumentException("too many slashes: " + expr);
		}
		if (start < r.min()) {
			throw new IllegalArgumentException(
					"beginning of range (" + start + ") below minimum (" + r.min() + "): " + expr);
		}
		if (end > r.max()) {
			throw new IllegalArgumentException("end of range (" + end + ") above maximum (" + r.max() + "): " + expr);
		}
		if (start > end) {
			throw new IllegalArgumentException(
					"beginning of range (" + start + ") beyond end of range (" + end + "): " + expr);
		}
		if (step == 0) {
			throw new IllegalArgumentException("step of range should be a positive number: " + expr);
		}
		return bits(start, end, step) | extra;
	}

	private static int intOrName(String expr, Map<String, Integer> names) {
		if (names != null) {
			Integer named = names.get(expr.toLowerCase(Locale.ROOT));
			if (named != null) {
				return named;
			}
		}
		return parseInt(expr);
	}

	/** Go's strconv.Atoi, with its error text. */
	private static int parseInt(String expr) {
		int num;
		try {
			num = Integer.parseInt(expr);
		}
		catch (NumberFormatException ex) {
			String why = expr.matches("[+-]?[0-9]+") ? "value out of range" : "invalid syntax";
			throw new IllegalArgumentException(
					"failed to parse int from " + expr + ": strconv.Atoi: parsing \"" + expr + "\": " + why);
		}
		if (num < 0) {
			throw new IllegalArgumentException("negative number (" + num + ") not allowed: " + expr);
		}
		return num;
	}

	private static long bits(int min, int max, int step) {
		long bits = 0;
		for (int i = min; i <= max; i += step) {
			bits |= 1L << i;
		}
		return bits;
	}

	private static Duration parseGoDuration(String text) {
		if (!GO_DURATION.matcher(text).matches()) {
			return null;
		}
		var m = Pattern.compile("([0-9]*(?:\\.[0-9]*)?)(ns|us|µs|ms|s|m|h)").matcher(text);
		double nanos = 0;
		while (m.find()) {
			if (m.group(1).isEmpty() || m.group(1).equals(".")) {
				return null;
			}
			double v = Double.parseDouble(m.group(1));
			nanos += v * switch (m.group(2)) {
				case "ns" -> 1d;
				case "us", "µs" -> 1e3;
				case "ms" -> 1e6;
				case "s" -> 1e9;
				case "m" -> 60e9;
				default -> 3600e9;
			};
		}
		return Duration.ofNanos((long) nanos);
	}

	/**
	 * The first activation strictly after {@code after}, at a whole minute (or, for
	 * {@code @every}, after one period), or null when none falls within five years.
	 */
	public ZonedDateTime next(ZonedDateTime after) {
		if (this.every != null) {
			return after.plus(this.every).truncatedTo(ChronoUnit.SECONDS);
		}
		ZonedDateTime t = after.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
		ZonedDateTime limit = after.plusYears(5);
		while (t.isBefore(limit)) {
			if (!has(this.month, t.getMonthValue())) {
				t = t.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
				continue;
			}
			if (!dayMatches(t)) {
				t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
				continue;
			}
			if (!has(this.hour, t.getHour())) {
				t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
				continue;
			}
			if (!has(this.minute, t.getMinute())) {
				t = t.plusMinutes(1);
				continue;
			}
			return t;
		}
		return null;
	}

	/** Whether the schedule fires at this minute. */
	public boolean matches(ZonedDateTime t) {
		return this.every == null && has(this.minute, t.getMinute()) && has(this.hour, t.getHour())
				&& has(this.month, t.getMonthValue()) && dayMatches(t);
	}

	/**
	 * Day of month and day of week are ANDed when either is a star, ORed otherwise, as in
	 * classic cron.
	 */
	private boolean dayMatches(ZonedDateTime t) {
		int weekday = t.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : t.getDayOfWeek().getValue();
		boolean domMatch = has(this.dom, t.getDayOfMonth());
		boolean dowMatch = has(this.dow, weekday);
		if ((this.dom & STAR) != 0 || (this.dow & STAR) != 0) {
			return domMatch && dowMatch;
		}
		return domMatch || dowMatch;
	}

	private static boolean has(long bits, int value) {
		return (bits & (1L << value)) != 0;
	}

	/** The activations strictly after {@code after}, at most {@code count}. */
	public List<ZonedDateTime> next(ZonedDateTime after, int count) {
		List<ZonedDateTime> result = new ArrayList<>();
		ZonedDateTime t = after;
		while (result.size() < count && (t = next(t)) != null) {
			result.add(t);
		}
		return result;
	}

}
