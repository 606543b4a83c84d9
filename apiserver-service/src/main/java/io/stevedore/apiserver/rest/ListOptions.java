package io.stevedore.apiserver.rest;

import java.util.Map;

import io.stevedore.machinery.errors.ApiException;

/**
 * The query parameters of list and watch (metav1.ListOptions).
 *
 * @param resourceVersion empty: most recent (consistent read); "0": any; else a revision
 * @param resourceVersionMatch empty, NotOlderThan or Exact
 * @param limit 0: no limit
 * @param timeoutSeconds 0: the server's choice
 */
public record ListOptions(String labelSelector, String fieldSelector, String resourceVersion,
		String resourceVersionMatch, long limit, String continueToken, boolean watch, boolean allowWatchBookmarks,
		long timeoutSeconds, Boolean sendInitialEvents) {

	public static ListOptions from(Map<String, String> query) {
		String rvMatch = query.getOrDefault("resourceVersionMatch", "");
		if (!rvMatch.isEmpty() && !rvMatch.equals("NotOlderThan") && !rvMatch.equals("Exact")) {
			throw ApiException.badRequest("resourceVersionMatch: Unsupported value: \"" + rvMatch
					+ "\": supported values: \"Exact\", \"NotOlderThan\"");
		}
		String rv = query.getOrDefault("resourceVersion", "");
		if (!rv.isEmpty()) {
			parseRevision(rv, "resourceVersion");
		}
		String send = query.get("sendInitialEvents");
		return new ListOptions(query.getOrDefault("labelSelector", ""), query.getOrDefault("fieldSelector", ""), rv,
				rvMatch, parseLong(query.get("limit"), "limit"), query.getOrDefault("continue", ""),
				isTrue(query.get("watch")), isTrue(query.get("allowWatchBookmarks")),
				parseLong(query.get("timeoutSeconds"), "timeoutSeconds"),
				send == null || send.isEmpty() ? null : isTrue(send));
	}

	public static long parseRevision(String value, String field) {
		try {
			long revision = Long.parseLong(value);
			if (revision < 0) {
				throw new NumberFormatException();
			}
			return revision;
		}
		catch (NumberFormatException ex) {
			throw ApiException.badRequest(field + ": Invalid value: \"" + value + "\": must be a non-negative integer");
		}
	}

	private static long parseLong(String value, String field) {
		if (value == null || value.isEmpty()) {
			return 0;
		}
		try {
			long parsed = Long.parseLong(value);
			if (parsed < 0) {
				throw new NumberFormatException();
			}
			return parsed;
		}
		catch (NumberFormatException ex) {
			throw ApiException.badRequest(field + ": Invalid value: \"" + value + "\": must be a non-negative integer");
		}
	}

	/** Whether the query asks for a watch ({@code ?watch=true}). */
	public static boolean isWatch(Map<String, String> query) {
		return isTrue(query.get("watch"));
	}

	public static boolean isTrue(String value) {
		return value != null && (value.equals("true") || value.equals("1"));
	}

}
