package io.stevedore.controller.horizontalpodautoscaler;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Quantity;
import io.stevedore.client.rest.ApiResponse;
import io.stevedore.client.rest.RestClient;

/**
 * Reads PodMetrics from {@code metrics.k8s.io/v1beta1} through the apiserver, as
 * Kubernetes' resource metrics client does, summing each pod's containers.
 */
final class ApiMetricsSource implements MetricsSource {

	private final RestClient rest;

	ApiMetricsSource(RestClient rest) {
		this.rest = rest;
	}

	@Override
	public Map<String, PodMetric> podMetrics(String namespace, String selector, String resource) {
		ApiResponse response;
		try {
			response = this.rest.get("/apis/metrics.k8s.io/v1beta1/namespaces/" + namespace + "/pods?labelSelector="
					+ URLEncoder.encode(selector, StandardCharsets.UTF_8));
			response.orThrow();
		}
		catch (RuntimeException ex) {
			throw new MetricsUnavailableException("unable to get metrics for resource " + resource
					+ ": unable to fetch metrics from resource metrics API: " + ex.getMessage());
		}
		Map<String, PodMetric> result = new HashMap<>();
		for (JsonNode item : response.json().path("items")) {
			JsonNode containers = item.path("containers");
			if (containers.isEmpty()) {
				continue;
			}
			BigDecimal total = BigDecimal.ZERO;
			boolean missing = false;
			for (JsonNode container : containers) {
				JsonNode usage = container.path("usage").path(resource);
				if (usage.isMissingNode()) {
					// Kubernetes drops a pod a container of which has no usage for the
					// resource.
					missing = true;
					break;
				}
				total = total.add(Quantity.getAmountInBytes(new Quantity(usage.asText())));
			}
			if (missing) {
				continue;
			}
			long milli = total.movePointRight(3).setScale(0, java.math.RoundingMode.CEILING).longValueExact();
			result.put(item.path("metadata").path("name").asText(), new PodMetric(milli,
					Instant.parse(item.path("timestamp").asText()), goDuration(item.path("window").asText("0s"))));
		}
		if (result.isEmpty()) {
			throw new MetricsUnavailableException("unable to get metrics for resource " + resource
					+ ": no metrics returned from resource metrics API");
		}
		return result;
	}

	/**
	 * metrics-server writes windows as Go durations, e.g. {@code 10s} or {@code 1m0s}.
	 */
	static Duration goDuration(String text) {
		Duration total = Duration.ZERO;
		var matcher = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)").matcher(text);
		while (matcher.find()) {
			double value = Double.parseDouble(matcher.group(1));
			long millis = switch (matcher.group(2)) {
				case "ms" -> (long) value;
				case "s" -> (long) (value * 1000);
				case "m" -> (long) (value * 60_000);
				default -> (long) (value * 3_600_000);
			};
			total = total.plusMillis(millis);
		}
		return total;
	}

}
