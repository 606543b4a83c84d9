package io.stevedore.gateway.routing;

import java.util.Set;

import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * Which requests stay open: watches and the streaming subresources, the ones
 * kube-apiserver's long-running check names. They are never retried (a retried watch
 * would replay events) and are counted apart from short requests.
 */
public final class LongRunningRequests {

	private static final Set<String> STREAMING_SUBRESOURCES = Set.of("log", "exec", "attach", "portforward", "proxy");

	private LongRunningRequests() {
	}

	public static boolean isLongRunning(ServerHttpRequest request) {
		return isLongRunning(request.getPath().pathWithinApplication().value(),
				request.getQueryParams().getFirst("watch"), request.getHeaders().getUpgrade() != null);
	}

	/**
	 * @param watch the first {@code watch} query parameter, or null
	 * @param upgrade whether the request asks for a protocol upgrade
	 */
	public static boolean isLongRunning(String path, String watch, boolean upgrade) {
		if ("true".equals(watch) || "1".equals(watch)) {
			return true;
		}
		if (path.contains("/watch/")) {
			return true;
		}
		int slash = path.lastIndexOf('/');
		String last = slash < 0 ? path : path.substring(slash + 1);
		return STREAMING_SUBRESOURCES.contains(last) || path.contains("/proxy/") || upgrade;
	}

	public static boolean isRetriableRead(ServerHttpRequest request) {
		return (HttpMethod.GET.equals(request.getMethod()) || HttpMethod.HEAD.equals(request.getMethod()))
				&& !isLongRunning(request);
	}

}
