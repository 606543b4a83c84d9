package io.stevedore.apiserver.codec;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.protobuf.ProtobufBodies;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Turns request bodies into objects and objects into stored bytes. Decoding failures
 * become 400 BadRequest Status errors that name the offending field.
 *
 * <p>
 * Stored form: compact JSON of the fabric8 type (apiVersion, kind, metadata first, by the
 * models' property order) without {@code metadata.resourceVersion}; see
 * {@link ResourceVersions}.
 */
public final class ObjectCodec {

	/**
	 * YAML aliases are where "billion laughs" bodies hide; real manifests use few or
	 * none. n aliases can expand to about e^(n/e) nodes, so 20 keeps any body under
	 * ~2,000.
	 */
	private static final int MAX_YAML_ALIASES = 20;

	private static final int MAX_NESTING = 200;

	private static final String[] FIRST_FIELDS = { "apiVersion", "kind", "metadata" };

	private final ObjectMapper json;

	private final YAMLMapper yaml;

	private final PropertyOrder propertyOrder;

	public ObjectCodec() {
		StreamReadConstraints limits = StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build();
		// Jackson's default buffer recycler is thread-local; every request runs on a new
		// virtual thread, so each one allocated fresh parse/write buffers (8% of the
		// allocation in a create/GET profile). A shared pool reuses them across threads.
		JsonFactory factory = JsonFactory.builder()
			.recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
			.streamReadConstraints(limits)
			.build();
		factory.setCharacterEscapes(new GoCharacterEscapes());
		this.json = JsonMapper.builder(factory)
			.addModule(new BlackbirdModule())
			.addModule(new JavaTimeModule())
			.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
			.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
			.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
			.build();
		LoaderOptions loader = new LoaderOptions();
		loader.setMaxAliasesForCollections(MAX_YAML_ALIASES);
		loader.setAllowDuplicateKeys(false);
		loader.setNestingDepthLimit(MAX_NESTING);
		loader.setCodePointLimit(4 * 1024 * 1024);
		YAMLFactory yamlFactory = YAMLFactory.builder()
			.loaderOptions(loader)
			.disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
			.enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
			.build();
		this.yaml = new YAMLMapper(yamlFactory);
		this.propertyOrder = new PropertyOrder(this.json);
	}

	public ObjectMapper json() {
		return this.json;
	}

	/** Where the typed encoder writes each field, for writes done on stored trees. */
	public PropertyOrder propertyOrder() {
		return this.propertyOrder;
	}

	/** Parses a request body as JSON, YAML or protobuf (by content type) into a tree. */
	public JsonNode readTree(byte[] body, MediaTypes.Format format) {
		if (format == MediaTypes.Format.PROTOBUF) {
			return ProtobufBodies.decode(body);
		}
		try {
			JsonNode node = (format == MediaTypes.Format.YAML) ? this.yaml.readTree(body) : readSingleJson(body);
			if (node == null || node.isMissingNode() || node.isNull()) {
				throw ApiException.badRequest("the request body is empty");
			}
			return node;
		}
		catch (IOException ex) {
			throw ApiException.badRequest("the body of the request could not be decoded as "
					+ (format == MediaTypes.Format.YAML ? "YAML" : "JSON") + ": " + firstLine(ex.getMessage()));
		}
		catch (RuntimeException ex) {
			// SnakeYAML reports alias bombs and limits as unchecked exceptions.
			if (ex instanceof ApiException api) {
				throw api;
			}
			throw ApiException
				.badRequest("the body of the request could not be decoded: " + firstLine(ex.getMessage()));
		}
	}

	/**
	 * One JSON value and nothing after it (FAIL_ON_TRAILING_TOKENS would also bite nested
	 * deserializers).
	 */
	private JsonNode readSingleJson(byte[] body) throws IOException {
		try (JsonParser parser = this.json.createParser(body)) {
			JsonNode node = this.json.readTree(parser);
			if (parser.nextToken() != null) {
				throw ApiException.badRequest("the body of the request could not be decoded as JSON: unexpected "
						+ "content after the object at offset " + parser.currentLocation().getByteOffset());
			}
			return node;
		}
	}

	/** Binds a tree to the fabric8 type; a type mismatch names the field path. */
	public <T> T toTyped(JsonNode node, Class<T> type) {
		try {
			return this.json.treeToValue(node, type);
		}
		catch (MismatchedInputException ex) {
			throw ApiException.badRequest("unable to decode " + type.getSimpleName() + ": field \""
					+ JsonPaths.of(ex.getPath()) + "\": " + firstLine(ex.getOriginalMessage()));
		}
		catch (IOException | IllegalArgumentException ex) {
			throw ApiException
				.badRequest("unable to decode " + type.getSimpleName() + ": " + firstLine(ex.getMessage()));
		}
	}

	/**
	 * The tree of an object, as {@code valueToTree} makes it: built as the serializer
	 * writes ({@link TreeGenerator}), or the usual way for what that does not build.
	 */
	public JsonNode toTree(Object object) {
		if (object != null) {
			TreeGenerator generator = new TreeGenerator(this.json);
			try {
				this.json.writeValue(generator, object);
				if (!generator.unsupported() && generator.root() != null) {
					return generator.root();
				}
			}
			catch (IOException | RuntimeException ex) {
				// Converted again below: valueToTree reports a failure its own way.
			}
		}
		return this.json.valueToTree(object);
	}

	/**
	 * The stored bytes of an object; its resourceVersion is never stored (the revision
	 * is).
	 */
	public byte[] encodeForStorage(HasMetadata object) {
		String resourceVersion = object.getMetadata().getResourceVersion();
		object.getMetadata().setResourceVersion(null);
		try {
			return this.json.writeValueAsBytes(object);
		}
		catch (IOException ex) {
			throw ApiException.internal("encoding " + object.getKind() + ": " + ex.getMessage());
		}
		finally {
			object.getMetadata().setResourceVersion(resourceVersion);
		}
	}

	/**
	 * The stored bytes of an object given as a tree: apiVersion, kind and metadata first
	 * (what {@link ResourceVersions} relies on), without metadata.resourceVersion.
	 */
	public byte[] encodeTreeForStorage(JsonNode tree) {
		ObjectNode ordered = this.json.createObjectNode();
		for (String first : FIRST_FIELDS) {
			if (tree.has(first)) {
				ordered.set(first, tree.get(first));
			}
		}
		tree.properties().forEach(entry -> {
			if (!ordered.has(entry.getKey())) {
				ordered.set(entry.getKey(), entry.getValue());
			}
		});
		JsonNode metadata = ordered.get("metadata");
		if (metadata instanceof ObjectNode meta && meta.has("resourceVersion")) {
			ObjectNode copy = meta.deepCopy();
			copy.remove("resourceVersion");
			ordered.set("metadata", copy);
		}
		try {
			return this.json.writeValueAsBytes(ordered);
		}
		catch (IOException ex) {
			throw ApiException.internal("encoding object: " + ex.getMessage());
		}
	}

	/**
	 * Decodes stored bytes (which lack the resourceVersion) and sets it from the
	 * revision.
	 */
	public <T extends HasMetadata> T decodeStored(byte[] stored, long revision, Class<T> type) {
		try {
			T object = this.json.readValue(stored, type);
			object.getMetadata().setResourceVersion(Long.toString(revision));
			return object;
		}
		catch (IOException ex) {
			throw ApiException.internal("decoding stored " + type.getSimpleName() + ": " + ex.getMessage());
		}
	}

	public JsonNode readStoredTree(byte[] stored) {
		try {
			return this.json.readTree(stored);
		}
		catch (IOException ex) {
			throw ApiException.internal("decoding stored object: " + ex.getMessage());
		}
	}

	public byte[] writeJson(Object value) {
		try {
			return this.json.writeValueAsBytes(value);
		}
		catch (IOException ex) {
			throw ApiException.internal("encoding response: " + ex.getMessage());
		}
	}

	/** JSON bytes re-rendered as YAML, for clients that ask for application/yaml. */
	public byte[] jsonToYaml(byte[] jsonBytes) {
		try {
			return this.yaml.writeValueAsBytes(this.json.readTree(jsonBytes));
		}
		catch (IOException ex) {
			throw ApiException.internal("encoding YAML: " + ex.getMessage());
		}
	}

	private static String firstLine(String message) {
		if (message == null) {
			return "";
		}
		int newline = message.indexOf('\n');
		return newline < 0 ? message : message.substring(0, newline);
	}

}
