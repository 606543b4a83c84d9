package io.stevedore.machinery.openapi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.registry.ResourceRegistry;
import io.stevedore.machinery.registry.ResourceType;

/**
 * The OpenAPI documents: {@code /openapi/v2} (Swagger 2.0, every group in one document),
 * {@code /openapi/v3} (an index of group/versions) and {@code /openapi/v3/<gv>} (one
 * OpenAPI 3.0 document per group/version), generated from the fabric8 model classes of
 * the served resources.
 *
 * <pre>
 * ResourceRegistry ──► PathsBuilder (paths, operations, parameters)
 *                  └─► SchemaGenerator over schema.TypeSchema (definitions, x-kubernetes-*)
 * </pre>
 *
 * Rendered on the first request, with {@link Descriptions} (Kubernetes' documentation of
 * every type and field, for {@code kubectl explain}) read only for that and then dropped:
 * an apiserver that nobody asks for its schema holds neither. The rendered documents are
 * kept, gzip-compressed ({@link StoredDocument}). Instances are thread-safe.
 *
 * <p>
 * kubectl asks for {@code /openapi/v3} documents as JSON (explain, the fieldValidation
 * check, client-side apply), and for {@code /openapi/v2} as protobuf only
 * ({@code explain --output=plaintext-openapiv2}, or when v3 fails it): v2 is served as
 * JSON or as gnostic's protobuf Document ({@link SwaggerProtobuf}), v3 as JSON.
 */
public final class OpenApi {

	private static final ObjectMapper MAPPER = new ObjectMapper();

	private static final String V3_PREFIX = "/openapi/v3/";

	private static final String VERSION = "v1.32.0-stevedore";

	private static final String JSON = "application/json";

	/** What kubectl asks /openapi/v2 for (gnostic's openapi.v2.Document). */
	static final String PROTOBUF_V2 = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

	/**
	 * The same, named so that it parses as a media type ('@' is not a token character):
	 * accepted too, and the Content-Type of either answer, as kube-openapi does
	 * (client-go fails on the '@' form in a response).
	 */
	static final String PROTOBUF_V2_CONTENT_TYPE = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

	private final ResourceRegistry registry;

	private final Supplier<Descriptions> descriptions;

	private volatile Documents documents;

	private volatile StoredDocument v2Protobuf;

	/** A rendered document with what to put in Content-Type and ETag. */
	public record Response(String contentType, String etag, byte[] body) {

		public String bodyAsString() {
			return new String(this.body, StandardCharsets.UTF_8);
		}

	}

	/** Every rendered document; {@code v3} is keyed by group/version path. */
	private record Documents(StoredDocument v2, StoredDocument v3Index, Map<String, StoredDocument> v3) {
	}

	private OpenApi(ResourceRegistry registry, Supplier<Descriptions> descriptions) {
		this.registry = registry;
		this.descriptions = descriptions;
	}

	/** Documents without Kubernetes' descriptions (only a few generic ones). */
	public static OpenApi of(ResourceRegistry registry) {
		return of(registry, Descriptions::none);
	}

	/**
	 * Documents carrying Kubernetes' descriptions.
	 * @param descriptions asked once, when the first document is rendered
	 */
	public static OpenApi of(ResourceRegistry registry, Supplier<Descriptions> descriptions) {
		return new OpenApi(registry, descriptions);
	}

	/** {@code /openapi/v2}. */
	public byte[] v2() {
		return documents().v2().body();
	}

	/** {@code /openapi/v3}. */
	public byte[] v3Index() {
		return documents().v3Index().body();
	}

	/**
	 * One group/version's OpenAPI 3 document.
	 * @param groupVersionPath {@code api/v1} or {@code apis/<group>/<version>}
	 */
	public Optional<byte[]> v3(String groupVersionPath) {
		return Optional.ofNullable(documents().v3().get(groupVersionPath)).map(StoredDocument::body);
	}

	private Documents documents() {
		Documents rendered = this.documents;
		if (rendered == null) {
			synchronized (this) {
				rendered = this.documents;
				if (rendered == null) {
					rendered = render(this.registry, this.descriptions.get());
					this.documents = rendered;
				}
			}
		}
		return rendered;
	}

	private static Documents render(ResourceRegistry registry, Descriptions descriptions) {
		Map<String, List<ResourceType>> byGroupVersion = new LinkedHashMap<>();
		for (ResourceType type : registry.all()) {
			byGroupVersion.computeIfAbsent(groupVersionPath(type), k -> new ArrayList<>()).add(type);
		}
		StoredDocument v2 = StoredDocument
			.of(render(document(Dialect.V2, registry.all().stream().toList(), descriptions)));
		Map<String, StoredDocument> v3 = new LinkedHashMap<>();
		ObjectNode index = MAPPER.createObjectNode();
		ObjectNode indexPaths = index.putObject("paths");
		byGroupVersion.forEach((gv, types) -> {
			StoredDocument body = StoredDocument.of(render(document(Dialect.V3, types, descriptions)));
			v3.put(gv, body);
			// the hash lets clients cache a document until it changes, as Kubernetes does
			indexPaths.putObject(gv).put("serverRelativeURL", V3_PREFIX + gv + "?hash=" + body.hash());
		});
		return new Documents(v2, StoredDocument.of(render(index)), Map.copyOf(v3));
	}

	/**
	 * The response to a GET of an OpenAPI path.
	 * @param path the request path without query ({@code ?hash=} is ignored: the current
	 * document is always served)
	 * @param accept the Accept header, may be null
	 * @return empty when the path is not an OpenAPI document
	 * @throws ApiException 406 when the client accepts none of the path's media types
	 */
	public Optional<Response> serve(String path, String accept) {
		if ("/openapi/v2".equals(path)) {
			String type = negotiate(accept, List.of(JSON, PROTOBUF_V2, PROTOBUF_V2_CONTENT_TYPE))
				.orElseThrow(() -> ApiException.notAcceptable("only the following media types are accepted: " + JSON
						+ ", " + PROTOBUF_V2 + ", " + PROTOBUF_V2_CONTENT_TYPE));
			return Optional.of(type.equals(JSON) ? response(JSON, documents().v2())
					: response(PROTOBUF_V2_CONTENT_TYPE, v2Protobuf()));
		}
		StoredDocument body;
		if ("/openapi/v3".equals(path) || "/openapi/v3/".equals(path)) {
			body = documents().v3Index();
		}
		else if (path != null && path.startsWith(V3_PREFIX)) {
			body = documents().v3().get(path.substring(V3_PREFIX.length()));
		}
		else {
			body = null;
		}
		if (body == null) {
			return Optional.empty();
		}
		if (negotiate(accept, List.of(JSON)).isEmpty()) {
			throw ApiException.notAcceptable("only the following media types are accepted: " + JSON);
		}
		return Optional.of(response(JSON, body));
	}

	private static Response response(String contentType, StoredDocument document) {
		return new Response(contentType, document.etag(), document.body());
	}

	/**
	 * The protobuf form of {@code /openapi/v2}, made from the JSON document on the first
	 * request for it (kubectl explain --output=plaintext-openapiv2, older kubectls).
	 */
	private StoredDocument v2Protobuf() {
		StoredDocument encoded = this.v2Protobuf;
		if (encoded == null) {
			synchronized (this) {
				encoded = this.v2Protobuf;
				if (encoded == null) {
					try {
						encoded = StoredDocument.of(SwaggerProtobuf.encode(MAPPER.readTree(documents().v2().body())));
					}
					catch (IOException ex) {
						throw new IllegalStateException("the rendered document is JSON", ex);
					}
					this.v2Protobuf = encoded;
				}
			}
		}
		return encoded;
	}

	/**
	 * The offered media type the Accept header prefers: ranges by quality, the earlier
	 * first among equals; a wildcard takes the first offer. No header means the first
	 * offer.
	 */
	static Optional<String> negotiate(String accept, List<String> offers) {
		if (accept == null || accept.isBlank()) {
			return Optional.of(offers.get(0));
		}
		record Range(String type, double quality) {
		}
		List<Range> ranges = new ArrayList<>();
		for (String range : accept.split(",")) {
			String[] pieces = range.split(";");
			double quality = 1;
			for (int i = 1; i < pieces.length; i++) {
				String[] kv = pieces[i].trim().split("=", 2);
				if (kv[0].equals("q") && kv.length == 2) {
					try {
						quality = Double.parseDouble(kv[1]);
					}
					catch (NumberFormatException ex) {
						quality = 0;
					}
				}
			}
			ranges.add(new Range(pieces[0].trim().toLowerCase(Locale.ROOT), quality));
		}
		ranges.sort(Comparator.comparingDouble(Range::quality).reversed());
		for (Range range : ranges) {
			if (range.quality() <= 0) {
				continue;
			}
			if (range.type().equals("*/*") || range.type().equals("application/*")) {
				return Optional.of(offers.get(0));
			}
			if (offers.contains(range.type())) {
				return Optional.of(range.type());
			}
		}
		return Optional.empty();
	}

	private static ObjectNode document(Dialect dialect, List<ResourceType> types, Descriptions descriptions) {
		SchemaGenerator schemas = new SchemaGenerator(dialect);
		PathsBuilder paths = new PathsBuilder(dialect, schemas);
		types.forEach(paths::add);
		descriptions.attach(schemas.definitions(), dialect);
		ObjectNode doc = MAPPER.createObjectNode();
		if (dialect == Dialect.V2) {
			doc.put("swagger", "2.0");
		}
		else {
			doc.put("openapi", "3.0.0");
		}
		ObjectNode info = doc.putObject("info");
		info.put("title", "Kubernetes");
		info.put("version", VERSION);
		doc.set("paths", paths.paths());
		ObjectNode security = MAPPER.createObjectNode();
		security.put("description", "Bearer Token authentication");
		security.put("type", "apiKey");
		security.put("name", "authorization");
		security.put("in", "header");
		if (dialect == Dialect.V2) {
			schemas.definitions().forEach(doc.putObject("definitions")::set);
			doc.putObject("securityDefinitions").set("BearerToken", security);
			doc.putArray("security").addObject().putArray("BearerToken");
		}
		else {
			ObjectNode components = doc.putObject("components");
			schemas.definitions().forEach(components.putObject("schemas")::set);
			components.putObject("securitySchemes").set("BearerToken", security);
		}
		return doc;
	}

	private static String groupVersionPath(ResourceType type) {
		return type.group().isEmpty() ? "api/" + type.version() : "apis/" + type.group() + "/" + type.version();
	}

	private static byte[] render(JsonNode node) {
		try {
			return MAPPER.writeValueAsBytes(node);
		}
		catch (JsonProcessingException ex) {
			throw new IllegalStateException("a Jackson tree always serializes", ex);
		}
	}

}
