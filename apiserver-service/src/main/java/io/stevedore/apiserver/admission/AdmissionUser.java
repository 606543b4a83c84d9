package io.stevedore.apiserver.admission;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Who made a request, as the gateway states it in kube-apiserver's request-header scheme
 * ({@code X-Remote-User}, {@code X-Remote-Uid}, {@code X-Remote-Group} once per group,
 * {@code X-Remote-Extra-<key>}). A request without them came over loopback from inside
 * the control plane (this apiserver's own bootstrap, the gateway's informers), which the
 * apiserver trusts: it is {@link #LOOPBACK}, as kube-apiserver's loopback client is.
 */
public record AdmissionUser(String name, String uid, List<String> groups, Map<String, List<String>> extra) {

	public static final AdmissionUser LOOPBACK = new AdmissionUser("system:apiserver", "",
			List.of("system:masters", "system:authenticated"), Map.of());

	private static final String EXTRA_PREFIX = "x-remote-extra-";

	public AdmissionUser {
		uid = uid == null ? "" : uid;
		groups = List.copyOf(groups);
		extra = Map.copyOf(extra);
	}

	public static AdmissionUser fromHeaders(HttpServletRequest request) {
		String name = request.getHeader("X-Remote-User");
		if (name == null || name.isEmpty()) {
			return LOOPBACK;
		}
		List<String> groups = Collections.list(request.getHeaders("X-Remote-Group"));
		Map<String, List<String>> extra = new LinkedHashMap<>();
		for (String header : Collections.list(request.getHeaderNames())) {
			String lower = header.toLowerCase(Locale.ROOT);
			if (lower.startsWith(EXTRA_PREFIX)) {
				// Keys are percent-escaped in header names ("...%2fpod-name"), as
				// client-go does.
				String key = URLDecoder.decode(lower.substring(EXTRA_PREFIX.length()).replace("+", "%2B"),
						StandardCharsets.UTF_8);
				extra.computeIfAbsent(key, (ignored) -> new ArrayList<>())
					.addAll(Collections.list(request.getHeaders(header)));
			}
		}
		return new AdmissionUser(name, request.getHeader("X-Remote-Uid"), groups, extra);
	}

}
