package io.stevedore.machinery.discovery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.registry.ResourceRegistry;
import io.stevedore.machinery.registry.ResourceType;

/**
 * The discovery endpoints: {@code /version}, {@code /api}, {@code /apis},
 * {@code /apis/<group>}, {@code /api/v1} and {@code /apis/<group>/<version>}, in both the
 * legacy and the aggregated (apidiscovery.k8s.io) representations.
 *
 * <p>
 * Every document is rendered once, at construction, because the served resources do not
 * change while the apiserver runs. Instances are immutable and safe to share between
 * request threads.
 *
 * <pre>
 * HTTP GET path + Accept ──► serve() ──► DiscoveryMediaType.negotiate ──► cached bytes
 * </pre>
 */
public final class Discovery {

	private static final ObjectMapper MAPPER = new ObjectMapper();

	private final Map<String, byte[]> legacy = new LinkedHashMap<>();

	private final Map<DiscoveryMediaType, byte[]> aggregatedCore = new LinkedHashMap<>();

	private final Map<DiscoveryMediaType, byte[]> aggregatedGroups = new LinkedHashMap<>();

	/** A rendered response: what to put in Content-Type and ETag, and the body. */
	public record Response(String contentType, String etag, byte[] body) {

		public String bodyAsString() {
			return new String(this.body, StandardCharsets.UTF_8);
		}

	}

	private Discovery(ResourceRegistry registry, String serverAddress, ServerVersion version) {
		// group -> version -> types, groups in Kubernetes' discovery order
		Map<String, Map<String, List<ResourceType>>> byGroup = new TreeMap<>(GroupOrder.GROUPS);
		for (ResourceType type : registry.all()) {
			byGroup.computeIfAbsent(type.group(), g -> new LinkedHashMap<>())
				.computeIfAbsent(type.version(), v -> new ArrayList<>())
				.add(type);
		}
		Map<String, Map<String, List<ResourceType>>> core = new LinkedHashMap<>();
		Map<String, Map<String, List<ResourceType>>> named = new LinkedHashMap<>();
		byGroup.forEach((group, versions) -> (group.isEmpty() ? core : named).put(group, versions));

		this.legacy.put("/version", render(version.toJson()));
		this.legacy.put("/api", render(DiscoveryDocuments.apiVersions(serverAddress)));
		this.legacy.put("/apis", render(DiscoveryDocuments.apiGroupList(new ArrayList<>(named.keySet()),
				group -> new ArrayList<>(named.get(group).keySet()))));
		core.getOrDefault("", Map.of())
			.forEach((v, types) -> this.legacy.put("/api/" + v, render(DiscoveryDocuments.apiResourceList(v, types))));
		named.forEach((group, versions) -> {
			this.legacy.put("/apis/" + group,
					render(DiscoveryDocuments.apiGroup(group, new ArrayList<>(versions.keySet()))));
			versions.forEach((v, types) -> this.legacy.put("/apis/" + group + "/" + v,
					render(DiscoveryDocuments.apiResourceList(group + "/" + v, types))));
		});
		for (DiscoveryMediaType type : List.of(DiscoveryMediaType.AGGREGATED_V2,
				DiscoveryMediaType.AGGREGATED_V2BETA1)) {
			String apiVersion = type == DiscoveryMediaType.AGGREGATED_V2 ? "apidiscovery.k8s.io/v2"
					: "apidiscovery.k8s.io/v2beta1";
			this.aggregatedCore.put(type, render(AggregatedDiscovery.groupDiscoveryList(apiVersion, core)));
			this.aggregatedGroups.put(type, render(AggregatedDiscovery.groupDiscoveryList(apiVersion, named)));
		}
	}

	/** Discovery of the standard registry. */
	public static Discovery of(ResourceRegistry registry, String serverAddress) {
		return new Discovery(registry, serverAddress, ServerVersion.stevedore());
	}

	/**
	 * @param serverAddress host:port clients should use, reported in {@code /api}'s
	 * serverAddressByClientCIDRs
	 */
	public static Discovery of(ResourceRegistry registry, String serverAddress, ServerVersion version) {
		return new Discovery(registry, serverAddress, version);
	}

	/**
	 * Whether the path (without query) is a discovery endpoint: when false, the request
	 * is about resources and {@link #serve} returns empty.
	 */
	public boolean handles(String path) {
		return this.legacy.containsKey(normalize(path));
	}

	/**
	 * The response for a discovery GET.
	 * @param path the request path without query, e.g. {@code /apis/apps/v1}
	 * @param accept the Accept header, may be null
	 * @return empty when the path is not a discovery endpoint (answer 404 or route on)
	 * @throws ApiException 406 when the Accept header allows no representation served
	 */
	public Optional<Response> serve(String path, String accept) {
		String p = normalize(path);
		byte[] legacyBody = this.legacy.get(p);
		if (legacyBody == null) {
			return Optional.empty();
		}
		boolean aggregatable = p.equals("/api") || p.equals("/apis");
		DiscoveryMediaType media = DiscoveryMediaType.negotiate(accept, aggregatable);
		byte[] body = switch (media) {
			case LEGACY -> legacyBody;
			default -> (p.equals("/api") ? this.aggregatedCore : this.aggregatedGroups).get(media);
		};
		return Optional.of(new Response(media.contentType(), etag(body), body));
	}

	private static String normalize(String path) {
		if (path == null || path.isEmpty()) {
			return "/";
		}
		return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
	}

	private static byte[] render(JsonNode node) {
		try {
			return MAPPER.writeValueAsBytes(node);
		}
		catch (JsonProcessingException ex) {
			throw new IllegalStateException("a Jackson tree always serializes", ex);
		}
	}

	/** A strong ETag of the body, as kube-apiserver sets on aggregated discovery. */
	private static String etag(byte[] body) {
		try {
			byte[] sum = MessageDigest.getInstance("SHA-256").digest(body);
			return "\"" + HexFormat.of().formatHex(sum, 0, 16).toUpperCase() + "\"";
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
