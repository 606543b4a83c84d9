package io.stevedore.apiserver.admission;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Status;
import io.stevedore.apiserver.codec.MediaTypes;
import io.stevedore.apiserver.codec.ObjectCodec;
import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.patch.Patches;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admission by the gateway's admission endpoint, as kube-apiserver calls an admission
 * webhook: one {@code admission.k8s.io/v1} AdmissionReview per phase, JSON over one
 * pooled HTTP client; the mutating answer's JSONPatch is applied to the object.
 * Kubernetes' built-in plugins never fail open, so neither does this: an endpoint that
 * cannot be reached or answers nonsense refuses the write with 500 InternalError naming
 * it.
 *
 * <p>
 * Writes of resources no plugin handles skip the call: the endpoint publishes the
 * resources it wants, read again every {@link #RESOURCES_REFRESH} (a gateway restarted
 * with other plugins is noticed). While that list is unknown every write is sent.
 */
public final class WebhookAdmission implements Admission {

	static final String MUTATE_PATH = "/admission/mutate";

	static final String VALIDATE_PATH = "/admission/validate";

	static final String RESOURCES_PATH = "/admission/resources";

	static final Duration RESOURCES_REFRESH = Duration.ofSeconds(30);

	/** kube-apiserver's default webhook timeout. */
	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final Logger log = LoggerFactory.getLogger(WebhookAdmission.class);

	private final URI base;

	private final ObjectCodec codec;

	private final HttpClient client;

	private final Clock clock;

	private volatile Wanted wanted;

	/**
	 * @param base the admission endpoint, e.g. {@code http://127.0.0.1:6444}; plain HTTP
	 * belongs on loopback or a private network of the control plane
	 */
	public WebhookAdmission(URI base, ObjectCodec codec, Clock clock) {
		this.base = checked(base);
		this.codec = codec;
		this.clock = clock;
		this.client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(2))
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
	}

	static URI checked(URI base) {
		String scheme = base.getScheme();
		String host = base.getHost();
		if (host == null || !("http".equals(scheme) || "https".equals(scheme))) {
			throw new IllegalArgumentException("stevedore.apiserver.admission.url: \"" + base
					+ "\" is not an http:// or https:// URL with a host");
		}
		if ("http".equals(scheme) && !isLoopback(host)) {
			// As the gateway's own plain-HTTP calls to the apiservers: acceptable on a
			// network only the control plane is on (compose), never across machines.
			log.warn("admission over plain HTTP to a host that is not loopback url={}: keep it on a private "
					+ "network of the control plane", base);
		}
		String text = base.toString();
		return URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
	}

	private static boolean isLoopback(String host) {
		return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
	}

	@Override
	public HasMetadata admit(AdmissionAttributes attributes, List<String> warnings) {
		if (!wanted(attributes) || attributes.object() == null) {
			return attributes.object();
		}
		JsonNode object = this.codec.toTree(attributes.object());
		JsonNode response = call(MUTATE_PATH, attributes, object, warnings);
		String patch = response.path("patch").asText("");
		if (patch.isEmpty()) {
			return attributes.object();
		}
		if (!"JSONPatch".equals(response.path("patchType").asText(""))) {
			throw unusable("patchType \"" + response.path("patchType").asText("") + "\" is not JSONPatch");
		}
		JsonNode patched;
		try {
			patched = Patches.jsonPatch(object, this.codec.json().readTree(Base64.getDecoder().decode(patch)));
		}
		catch (IOException | IllegalArgumentException ex) {
			throw unusable("its JSONPatch could not be applied: " + ex.getMessage());
		}
		try {
			return this.codec.toTyped(patched, attributes.object().getClass());
		}
		catch (ApiException ex) {
			throw unusable("its JSONPatch made an undecodable object: " + ex.getMessage());
		}
	}

	@Override
	public void validate(AdmissionAttributes attributes, List<String> warnings) {
		if (wanted(attributes)) {
			JsonNode object = attributes.object() == null ? null : this.codec.toTree(attributes.object());
			call(VALIDATE_PATH, attributes, object, warnings);
		}
	}

	/**
	 * @return the review's {@code response}, once allowed
	 */
	private JsonNode call(String path, AdmissionAttributes attributes, JsonNode object, List<String> warnings) {
		String uid = UUID.randomUUID().toString();
		byte[] body = this.codec.writeJson(review(uid, attributes, object));
		HttpRequest request = HttpRequest.newBuilder(URI.create(this.base + path))
			.timeout(TIMEOUT)
			.header("Content-Type", MediaTypes.JSON)
			.header("Accept", MediaTypes.JSON)
			.POST(HttpRequest.BodyPublishers.ofByteArray(body))
			.build();
		HttpResponse<byte[]> answer;
		try {
			answer = this.client.send(request, HttpResponse.BodyHandlers.ofByteArray());
		}
		catch (IOException ex) {
			throw unusable("the call failed: " + ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw unusable("the call was interrupted");
		}
		if (answer.statusCode() != 200) {
			throw unusable("it answered HTTP " + answer.statusCode() + ": "
					+ new String(answer.body(), java.nio.charset.StandardCharsets.UTF_8));
		}
		JsonNode response = this.codec.readTree(answer.body(), MediaTypes.Format.JSON).path("response");
		if (!uid.equals(response.path("uid").asText(""))) {
			throw unusable("its answer is not for this review (uid mismatch)");
		}
		for (JsonNode warning : response.path("warnings")) {
			warnings.add(warning.asText());
		}
		if (!response.path("allowed").asBoolean(false)) {
			throw denied(response.path("status"));
		}
		return response;
	}

	private ApiException denied(JsonNode statusNode) {
		Status status = statusNode.isObject() ? this.codec.toTyped(statusNode, Status.class) : new Status();
		if (status.getCode() == null || status.getCode() == 0) {
			status.setCode(403);
		}
		if (status.getReason() == null || status.getReason().isEmpty()) {
			status.setReason(status.getCode() == 403 ? "Forbidden" : null);
		}
		if (status.getMessage() == null || status.getMessage().isEmpty()) {
			status.setMessage("admission denied the request without a reason");
		}
		status.setStatus("Failure");
		return new ApiException(status);
	}

	private ApiException unusable(String why) {
		log.warn("admission failed url={} error={}", this.base, why);
		return ApiException.internal("admission endpoint " + this.base + " is unusable: " + why);
	}

	private ObjectNode review(String uid, AdmissionAttributes attributes, JsonNode object) {
		ObjectNode review = this.codec.json().createObjectNode();
		review.put("apiVersion", "admission.k8s.io/v1");
		review.put("kind", "AdmissionReview");
		ObjectNode request = review.putObject("request");
		request.put("uid", uid);
		ObjectNode kind = request.putObject("kind");
		HasMetadata typed = attributes.object() != null ? attributes.object() : attributes.oldObject();
		String apiVersion = typed != null && typed.getApiVersion() != null ? typed.getApiVersion()
				: attributes.type().apiVersion();
		int slash = apiVersion.indexOf('/');
		kind.put("group", slash < 0 ? "" : apiVersion.substring(0, slash));
		kind.put("version", slash < 0 ? apiVersion : apiVersion.substring(slash + 1));
		kind.put("kind", typed != null && typed.getKind() != null ? typed.getKind() : attributes.type().kind());
		ObjectNode resource = request.putObject("resource");
		resource.put("group", attributes.type().group());
		resource.put("version", attributes.type().version());
		resource.put("resource", attributes.type().plural());
		if (!attributes.subresource().isEmpty()) {
			request.put("subResource", attributes.subresource());
		}
		request.set("requestKind", kind.deepCopy());
		request.set("requestResource", resource.deepCopy());
		if (!attributes.subresource().isEmpty()) {
			request.put("requestSubResource", attributes.subresource());
		}
		if (!attributes.name().isEmpty()) {
			request.put("name", attributes.name());
		}
		if (!attributes.namespace().isEmpty()) {
			request.put("namespace", attributes.namespace());
		}
		request.put("operation", attributes.operation());
		request.set("userInfo", userInfo(attributes.user()));
		if (object != null) {
			request.set("object", object);
		}
		if (attributes.oldObject() != null) {
			request.set("oldObject", this.codec.toTree(attributes.oldObject()));
		}
		request.put("dryRun", attributes.dryRun());
		return review;
	}

	private ObjectNode userInfo(AdmissionUser user) {
		ObjectNode info = this.codec.json().createObjectNode();
		info.put("username", user.name());
		if (!user.uid().isEmpty()) {
			info.put("uid", user.uid());
		}
		ArrayNode groups = info.putArray("groups");
		user.groups().forEach(groups::add);
		if (!user.extra().isEmpty()) {
			ObjectNode extra = info.putObject("extra");
			for (Map.Entry<String, List<String>> entry : user.extra().entrySet()) {
				ArrayNode values = extra.putArray(entry.getKey());
				entry.getValue().forEach(values::add);
			}
		}
		return info;
	}

	private boolean wanted(AdmissionAttributes attributes) {
		Wanted current = this.wanted;
		Instant now = this.clock.instant();
		if (current == null || now.isAfter(current.readAt().plus(RESOURCES_REFRESH))) {
			current = readWanted(now);
			this.wanted = current;
		}
		return current.resources() == null || current.resources().contains("*")
				|| current.resources().contains(attributes.resourceKey());
	}

	/** The endpoint's resource list; unknown (send everything) when it cannot be read. */
	private Wanted readWanted(Instant now) {
		HttpRequest request = HttpRequest.newBuilder(URI.create(this.base + RESOURCES_PATH))
			.timeout(TIMEOUT)
			.header("Accept", MediaTypes.JSON)
			.GET()
			.build();
		try {
			HttpResponse<byte[]> answer = this.client.send(request, HttpResponse.BodyHandlers.ofByteArray());
			if (answer.statusCode() == 200) {
				Set<String> resources = new HashSet<>();
				for (JsonNode resource : this.codec.readTree(answer.body(), MediaTypes.Format.JSON).path("resources")) {
					resources.add(resource.asText());
				}
				return new Wanted(Set.copyOf(resources), now);
			}
		}
		catch (IOException | RuntimeException ex) {
			log.debug("admission resources unknown url={} error={}", this.base, ex.toString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		// Unknown: ask again on the next write rather than in RESOURCES_REFRESH.
		return new Wanted(null, Instant.MIN);
	}

	/**
	 * @param resources null while unknown
	 */
	private record Wanted(Set<String> resources, Instant readAt) {
	}

}
