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
		String watch = request.getQueryParams().getFirst("watch");
		if ("true".equals(watch) || "1".equals(watch)) {
			return true;
		}
		String path = request.getPath().pathWithinApplication().value();
		if (path.contains("/watch/")) {
			return true;
		}
		int slash = path.lastIndexOf('/');
		String last = slash < 0 ? path : path.substring(slash + 1);
		return STREAMING_SUBRESOURCES.contains(last) || path.contains("/proxy/")
				|| request.getHeaders().getUpgrade() != null;
	}

	public static boolean isRetriableRead(ServerHttpRequest request) {
		return (HttpMethod.GET.equals(request.getMethod()) || HttpMethod.HEAD.equals(request.getMethod()))
				&& !isLongRunning(request);
	}

}
