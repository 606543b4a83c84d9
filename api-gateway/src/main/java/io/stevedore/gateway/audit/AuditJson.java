package io.stevedore.gateway.audit;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

import io.stevedore.gateway.authn.UserInfo;
import io.stevedore.gateway.authz.Decision;
import io.stevedore.gateway.authz.RequestInfo;

/**
 * Writes the JSON line of an event without bodies (every event below level Request) by
 * hand, field by field as {@link AuditEvents#event} puts them and with Jackson's
 * escaping, so the line parses to the same object: the map and Jackson cost a GET on the
 * fast path 14 % of its CPU. Each thread reuses its own buffer, and the timestamp's date
 * and time are formatted once per second.
 */
final class AuditJson {

	private static final char[] HEX = "0123456789ABCDEF".toCharArray();

	/** Buffers that grew past this (a very long URI) are not kept for the next line. */
	private static final int KEPT_CAPACITY = 16 * 1024;

	private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

	private AuditJson() {
	}

	/** What one thread reuses from line to line. */
	private static final class Scratch {

		StringBuilder out = new StringBuilder(1024);

		long second = Long.MIN_VALUE;

		/** {@code second} as ISO_INSTANT prints it, without the zone letter. */
		String secondText;

	}

	/**
	 * The event's JSON, as {@link AuditEvents#event} with no bodies would give it to
	 * Jackson.
	 * @param code the response status, null for RequestReceived
	 */
	static String line(AuditEvents.Request request, AuditPolicy.Decision decision, AuditStage stage, Instant at,
			Integer code) {
		Scratch scratch = SCRATCH.get();
		StringBuilder out = scratch.out;
		out.setLength(0);
		RequestInfo info = request.info();
		out.append("{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"")
			.append(decision.level().name())
			.append('"');
		field(out, "auditID", request.auditId());
		out.append(",\"stage\":\"").append(stage.name()).append('"');
		field(out, "requestURI", request.requestUri());
		field(out, "verb", info != null ? info.verb() : request.method().toLowerCase(Locale.ROOT));
		if (request.impersonator() != null) {
			out.append(",\"user\":");
			user(out, request.impersonator());
			out.append(",\"impersonatedUser\":");
			user(out, request.user());
		}
		else if (request.user() != null) {
			out.append(",\"user\":");
			user(out, request.user());
		}
		else {
			out.append(",\"user\":{}");
		}
		if (request.sourceIp() != null) {
			out.append(",\"sourceIPs\":[");
			string(out, request.sourceIp());
			out.append(']');
		}
		if (request.userAgent() != null) {
			field(out, "userAgent", request.userAgent());
		}
		if (info != null && info.resourceRequest()) {
			out.append(",\"objectRef\":{\"resource\":");
			string(out, info.resource());
			fieldIfNotEmpty(out, "namespace", info.namespace());
			fieldIfNotEmpty(out, "name", info.name());
			field(out, "apiGroup", info.apiGroup());
			fieldIfNotEmpty(out, "apiVersion", info.apiVersion());
			fieldIfNotEmpty(out, "subresource", info.subresource());
			out.append('}');
		}
		if (code != null) {
			out.append(",\"responseStatus\":{\"metadata\":{},\"code\":").append(code.intValue()).append('}');
		}
		out.append(",\"requestReceivedTimestamp\":\"");
		timestamp(scratch, request.received());
		out.append("\",\"stageTimestamp\":\"");
		timestamp(scratch, at);
		out.append('"');
		Decision authorization = request.authorization();
		if (authorization != null) {
			out.append(",\"annotations\":{\"authorization.k8s.io/decision\":\"")
				.append(authorization.allowed() ? "allow" : "forbid")
				.append('"');
			field(out, "authorization.k8s.io/reason", authorization.reason());
			out.append('}');
		}
		out.append('}');
		String line = out.toString();
		if (out.capacity() > KEPT_CAPACITY) {
			scratch.out = new StringBuilder(1024);
		}
		return line;
	}

	private static void user(StringBuilder out, UserInfo user) {
		out.append("{\"username\":");
		string(out, user.name());
		fieldIfNotEmpty(out, "uid", user.uid());
		out.append(",\"groups\":");
		List<String> groups = user.groups();
		if (groups == null) {
			out.append("null");
		}
		else {
			out.append('[');
			for (int i = 0; i < groups.size(); i++) {
				if (i > 0) {
					out.append(',');
				}
				string(out, groups.get(i));
			}
			out.append(']');
		}
		out.append('}');
	}

	/** A field after the first: {@code ,"name":value}. */
	private static void field(StringBuilder out, String name, String value) {
		out.append(",\"").append(name).append("\":");
		string(out, value);
	}

	private static void fieldIfNotEmpty(StringBuilder out, String name, String value) {
		if (value != null && !value.isEmpty()) {
			field(out, name, value);
		}
	}

	/**
	 * A JSON string escaped as Jackson 2 escapes it by default: {@code "} and {@code \},
	 * the control characters below U+0020 ({@code \b \t \n \f \r} short, the others as
	 * {@code \}{@code u00XX} in upper case); everything else, non-ASCII included, as it
	 * is.
	 */
	static void string(StringBuilder out, String value) {
		if (value == null) {
			out.append("null");
			return;
		}
		out.append('"');
		int length = value.length();
		int clean = 0;
		for (int i = 0; i < length; i++) {
			char c = value.charAt(i);
			if (c >= 0x20 && c != '"' && c != '\\') {
				continue;
			}
			out.append(value, clean, i);
			clean = i + 1;
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\b' -> out.append("\\b");
				case '\t' -> out.append("\\t");
				case '\n' -> out.append("\\n");
				case '\f' -> out.append("\\f");
				case '\r' -> out.append("\\r");
				default -> out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
			}
		}
		out.append(value, clean, length).append('"');
	}

	/** {@link Instant#toString()}, with the date and time of day cached per second. */
	private static void timestamp(Scratch scratch, Instant instant) {
		long second = instant.getEpochSecond();
		if (second != scratch.second) {
			String whole = Instant.ofEpochSecond(second).toString();
			if (whole.length() != 20) {
				// a year outside 1000-9999 (never in practice): no shortcut
				scratch.out.append(instant);
				return;
			}
			scratch.second = second;
			scratch.secondText = whole.substring(0, 19);
		}
		StringBuilder out = scratch.out;
		out.append(scratch.secondText);
		int nano = instant.getNano();
		if (nano != 0) {
			// ISO_INSTANT's fraction: in groups of three digits, as few as needed
			out.append('.');
			if (nano % 1_000_000 == 0) {
				digits(out, nano / 1_000_000, 3);
			}
			else if (nano % 1_000 == 0) {
				digits(out, nano / 1_000, 6);
			}
			else {
				digits(out, nano, 9);
			}
		}
		out.append('Z');
	}

	private static void digits(StringBuilder out, int value, int width) {
		int start = out.length();
		for (int i = 0; i < width; i++) {
			out.append('0');
		}
		for (int i = start + width - 1; i >= start; i--) {
			out.setCharAt(i, (char) ('0' + value % 10));
			value /= 10;
		}
	}

}
