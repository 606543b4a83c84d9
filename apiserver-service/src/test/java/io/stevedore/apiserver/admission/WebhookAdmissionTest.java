package io.stevedore.apiserver.admission;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.stevedore.apiserver.codec.ObjectCodec;
import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.registry.ResourceRegistry;
import io.stevedore.machinery.registry.ResourceType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The apiserver's side of the AdmissionReview protocol, against a stand-in endpoint on
 * loopback whose answers each case sets (the real gateway is in the gateway's
 * AdmissionIT).
 */
class WebhookAdmissionTest {

	private final ObjectCodec codec = new ObjectCodec();

	private final ResourceType pods = ResourceRegistry.standard().find("", "v1", "pods").orElseThrow();

	private final List<JsonNode> reviews = new CopyOnWriteArrayList<>();

	private volatile Function<JsonNode, String> answer = (request) -> allowed(request, "");

	private volatile String resources = "{\"resources\":[\"/pods\"]}";

	private HttpServer endpoint;

	private WebhookAdmission admission;

	@BeforeEach
	void start() throws IOException {
		this.endpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.endpoint.createContext("/admission/resources", (exchange) -> reply(exchange, 200, this.resources));
		this.endpoint.createContext("/admission/", (exchange) -> {
			JsonNode review = this.codec.json().readTree(exchange.getRequestBody().readAllBytes());
			this.reviews.add(review);
			reply(exchange, 200, this.answer.apply(review.path("request")));
		});
		this.endpoint.start();
		this.admission = new WebhookAdmission(URI.create(url()), this.codec, Clock.systemUTC());
	}

	@AfterEach
	void stop() {
		this.endpoint.stop(0);
	}

	@Test
	void theReviewNamesTheWriteTheUserAndCarriesTheObjects() {
		AdmissionUser user = new AdmissionUser("jane", "1001", List.of("dev"), Map.of("scope", List.of("a")));
		AdmissionAttributes update = new AdmissionAttributes(AdmissionAttributes.UPDATE, this.pods, "", "team", "web",
				pod("web"), pod("web"), true, user);

		this.admission.validate(update, new ArrayList<>());

		JsonNode review = this.reviews.get(0);
		assertThat(review.path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
		JsonNode request = review.path("request");
		assertThat(request.path("operation").asText()).isEqualTo("UPDATE");
		assertThat(request.path("resource").toString())
			.isEqualTo("{\"group\":\"\",\"version\":\"v1\",\"resource\":\"pods\"}");
		assertThat(request.path("kind").path("kind").asText()).isEqualTo("Pod");
		assertThat(request.path("namespace").asText()).isEqualTo("team");
		assertThat(request.path("name").asText()).isEqualTo("web");
		assertThat(request.path("dryRun").asBoolean()).isTrue();
		assertThat(request.path("userInfo").toString())
			.isEqualTo("{\"username\":\"jane\",\"uid\":\"1001\",\"groups\":[\"dev\"],\"extra\":{\"scope\":[\"a\"]}}");
		assertThat(request.path("object").path("metadata").path("name").asText()).isEqualTo("web");
		assertThat(request.path("oldObject").path("metadata").path("name").asText()).isEqualTo("web");
	}

	@Test
	void theMutatingAnswersJsonPatchIsAppliedAndItsWarningsKept() {
		this.answer = (request) -> allowed(request,
				",\"warnings\":[\"careful\"],\"patchType\":\"JSONPatch\"," + "\"patch\":\""
						+ base64("[{\"op\":\"add\",\"path\":\"/spec/serviceAccountName\",\"value\":\"default\"}]")
						+ "\"");
		List<String> warnings = new ArrayList<>();

		HasMetadata admitted = this.admission.admit(create(pod("web")), warnings);

		assertThat(admitted).isInstanceOf(Pod.class);
		assertThat(((Pod) admitted).getSpec().getServiceAccountName()).isEqualTo("default");
		assertThat(warnings).containsExactly("careful");
	}

	@Test
	void aRefusalIsThrownWithTheStatusTheEndpointGave() {
		this.answer = (request) -> "{\"response\":{\"uid\":\"" + request.path("uid").asText()
				+ "\",\"allowed\":false,\"status\":{\"status\":\"Failure\",\"code\":403,\"reason\":\"Forbidden\","
				+ "\"message\":\"pods \\\"web\\\" is forbidden: no\"}}}";

		assertThatThrownBy(() -> this.admission.admit(create(pod("web")), new ArrayList<>()))
			.isInstanceOfSatisfying(ApiException.class, (ex) -> {
				assertThat(ex.code()).isEqualTo(403);
				assertThat(ex.reason()).isEqualTo("Forbidden");
				assertThat(ex.getMessage()).isEqualTo("pods \"web\" is forbidden: no");
			});
	}

	@Test
	void anUnreachableEndpointFailsClosedWithAnInternalErrorNamingIt() {
		String url = url();
		this.endpoint.stop(0);

		assertThatThrownBy(() -> this.admission.admit(create(pod("web")), new ArrayList<>()))
			.isInstanceOfSatisfying(ApiException.class, (ex) -> {
				assertThat(ex.code()).isEqualTo(500);
				assertThat(ex.reason()).isEqualTo("InternalError");
				assertThat(ex.getMessage()).startsWith("Internal error occurred: admission endpoint " + url);
			});
	}

	@Test
	void anAnswerForAnotherReviewOrAnErrorStatusIsAnInternalError() {
		this.answer = (request) -> "{\"response\":{\"uid\":\"other\",\"allowed\":true}}";
		assertThatThrownBy(() -> this.admission.validate(create(pod("web")), new ArrayList<>()))
			.hasMessageContaining("uid mismatch");
		this.answer = (request) -> "{\"response\":{\"uid\":\"" + request.path("uid").asText()
				+ "\",\"allowed\":true,\"patchType\":\"JSONPatch\",\"patch\":\""
				+ base64("[{\"op\":\"remove\",\"path\":\"/nope\"}]") + "\"}}";
		assertThatThrownBy(() -> this.admission.admit(create(pod("web")), new ArrayList<>()))
			.isInstanceOfSatisfying(ApiException.class, (ex) -> assertThat(ex.code()).isEqualTo(500));
	}

	@Test
	void writesOfResourcesNoPluginWantsAreNotSent() {
		this.resources = "{\"resources\":[\"/persistentvolumeclaims\"]}";
		WebhookAdmission fresh = new WebhookAdmission(URI.create(url()), this.codec, Clock.systemUTC());
		Pod pod = pod("web");

		assertThat(fresh.admit(create(pod), new ArrayList<>())).isSameAs(pod);
		assertThat(this.reviews).isEmpty();
	}

	@Test
	void theEndpointMustBeAnHttpOrHttpsUrlWithAHost() {
		assertThatThrownBy(() -> WebhookAdmission.checked(URI.create("/admission")))
			.hasMessageContaining("is not an http:// or https:// URL");
		assertThatThrownBy(() -> WebhookAdmission.checked(URI.create("ftp://127.0.0.1")))
			.hasMessageContaining("is not an http:// or https:// URL");
		assertThat(WebhookAdmission.checked(URI.create("https://gateway.example:6443/")))
			.hasToString("https://gateway.example:6443");
	}

	private AdmissionAttributes create(Pod pod) {
		return new AdmissionAttributes(AdmissionAttributes.CREATE, this.pods, "", "team", "web", pod, null, false,
				AdmissionUser.LOOPBACK);
	}

	private String url() {
		return "http://127.0.0.1:" + this.endpoint.getAddress().getPort();
	}

	private static Pod pod(String name) {
		return new PodBuilder().withNewMetadata()
			.withName(name)
			.withNamespace("team")
			.endMetadata()
			.withNewSpec()
			.addNewContainer()
			.withName("c")
			.withImage("busybox")
			.endContainer()
			.endSpec()
			.build();
	}

	private static String allowed(JsonNode request, String more) {
		return "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"response\":{\"uid\":\""
				+ request.path("uid").asText() + "\",\"allowed\":true" + more + "}}";
	}

	private static String base64(String text) {
		return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
	}

	private static void reply(com.sun.net.httpserver.HttpExchange exchange, int code, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().add("Content-Type", "application/json");
		exchange.sendResponseHeaders(code, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

}
