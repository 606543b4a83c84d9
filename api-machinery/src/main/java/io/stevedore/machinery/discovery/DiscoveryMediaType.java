package io.stevedore.machinery.discovery;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.stevedore.machinery.errors.ApiException;

/**
 * The representations of a discovery document and the choice among them from a request's
 * {@code Accept} header.
 *
 * <p>
 * client-go (kubectl 1.32) asks for {@code /api} and {@code /apis} with
 * {@code application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,
 * application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,
 * application/json} and decides how to decode the body from the response's Content-Type
 * parameters {@code g}, {@code v} and {@code as}, so the aggregated forms must answer
 * with exactly those parameters.
 */
public enum DiscoveryMediaType {

	/** The legacy documents: APIVersions, APIGroupList, APIResourceList. */
	LEGACY("application/json"),

	/** apidiscovery.k8s.io/v2 APIGroupDiscoveryList. */
	AGGREGATED_V2("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"),

	/** apidiscovery.k8s.io/v2beta1 APIGroupDiscoveryList, for clients of 1.26 to 1.29. */
	AGGREGATED_V2BETA1("application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList");

	private final String contentType;

	DiscoveryMediaType(String contentType) {
		this.contentType = contentType;
	}

	public String contentType() {
		return this.contentType;
	}

	/**
	 * The representation to answer with, honouring q-values and then the client's order.
	 * A missing or empty header means legacy JSON.
	 * @param accept the Accept header, may be null
	 * @param aggregatedAllowed whether the path has an aggregated form ({@code /api} and
	 * {@code /apis} only)
	 * @throws ApiException 406 when nothing acceptable is offered
	 */
	public static DiscoveryMediaType negotiate(String accept, boolean aggregatedAllowed) {
		if (accept == null || accept.isBlank()) {
			return LEGACY;
		}
		List<MediaRange> ranges = new ArrayList<>();
		for (String part : accept.split(",")) {
			MediaRange.parse(part, ranges.size()).ifPresent(ranges::add);
		}
		ranges.sort(Comparator.comparingDouble((MediaRange r) -> -r.quality()).thenComparingInt(MediaRange::order));
		for (MediaRange range : ranges) {
			Optional<DiscoveryMediaType> match = range.match(aggregatedAllowed);
			if (match.isPresent()) {
				return match.get();
			}
		}
		throw ApiException.notAcceptable("only the following media types are accepted: " + LEGACY.contentType
				+ (aggregatedAllowed ? ", " + AGGREGATED_V2.contentType + ", " + AGGREGATED_V2BETA1.contentType : ""));
	}

	private record MediaRange(String type, Map<String, String> params, double quality, int order) {

		static Optional<MediaRange> parse(String text, int order) {
			String[] pieces = text.trim().split(";");
			String type = pieces[0].trim().toLowerCase(Locale.ROOT);
			if (type.isEmpty()) {
				return Optional.empty();
			}
			Map<String, String> params = new LinkedHashMap<>();
			double quality = 1.0;
			for (int i = 1; i < pieces.length; i++) {
				String[] kv = pieces[i].split("=", 2);
				String key = kv[0].trim().toLowerCase(Locale.ROOT);
				String value = kv.length > 1 ? kv[1].trim() : "";
				if (key.equals("q")) {
					try {
						quality = Double.parseDouble(value);
					}
					catch (NumberFormatException ex) {
						quality = 0;
					}
				}
				else if (!key.isEmpty()) {
					params.put(key, value);
				}
			}
			return quality > 0 ? Optional.of(new MediaRange(type, params, quality, order)) : Optional.empty();
		}

		Optional<DiscoveryMediaType> match(boolean aggregatedAllowed) {
			if (!this.type.equals("application/json") && !this.type.equals("application/*")
					&& !this.type.equals("*/*")) {
				return Optional.empty();
			}
			String as = this.params.get("as");
			if (as == null) {
				// A plain JSON range; other parameters (charset, stream) do not matter.
				return Optional.of(LEGACY);
			}
			if (!aggregatedAllowed || !as.equals("APIGroupDiscoveryList")
					|| !"apidiscovery.k8s.io".equals(this.params.get("g"))) {
				return Optional.empty();
			}
			// "profile=nopeer" (newer clients) asks to leave out peer servers' resources;
			// a single Stevedore apiserver has none, so the document is the same.
			return switch (String.valueOf(this.params.get("v"))) {
				case "v2" -> Optional.of(AGGREGATED_V2);
				case "v2beta1" -> Optional.of(AGGREGATED_V2BETA1);
				default -> Optional.empty();
			};
		}

	}

}
