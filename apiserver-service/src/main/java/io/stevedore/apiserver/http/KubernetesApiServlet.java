package io.stevedore.apiserver.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Status;
import io.stevedore.apiserver.admission.AdmissionUser;
import io.stevedore.apiserver.cache.CachedObject;
import io.stevedore.apiserver.kubelet.KubeletTransport;
import io.stevedore.apiserver.codec.MediaTypes;
import io.stevedore.apiserver.codec.ObjectCodec;
import io.stevedore.apiserver.metrics.MetricsApi;
import io.stevedore.apiserver.metrics.MetricsTypes;
import io.stevedore.apiserver.rest.ListOptions;
import io.stevedore.apiserver.rest.ListResult;
import io.stevedore.apiserver.rest.ObjectResult;
import io.stevedore.apiserver.rest.Scope;
import io.stevedore.apiserver.rest.ServedVersion;
import io.stevedore.apiserver.rest.WatchSink;
import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.printers.IncludeObject;
import io.stevedore.machinery.registry.ResourceRegistry;
import io.stevedore.machinery.registry.ResourceType;
import io.stevedore.storage.StoreUnavailableException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every request under /api and /apis. Resource requests are parsed into a
 * {@link RequestInfo}, dispatched by verb and subresource, and answered in the client's
 * representation; failures become Kubernetes Status objects.
 *
 * <p>
 * Threading: each request runs on its own virtual thread; watches hold theirs for the
 * watch's lifetime.
 */
public class KubernetesApiServlet extends HttpServlet {

	private static final Logger log = LoggerFactory.getLogger(KubernetesApiServlet.class);

	/** kube-apiserver's limit on request bodies. */
	static final int MAX_BODY_BYTES = 3 * 1024 * 1024;

	private final ResourceRegistry registry;

	private final ResourceHandlers handlers;

	private final DiscoveryEndpoints discovery;

	private final ResponseRenderer renderer;

	private final ObjectCodec codec;

	private final Clock clock;

	private final LogStreamer logs;

	private final RequestMetrics metrics;

	private final MetricsApi resourceMetrics;

	public KubernetesApiServlet(ResourceRegistry registry, ResourceHandlers handlers, DiscoveryEndpoints discovery,
			ObjectCodec codec, Clock clock, RequestMetrics metrics, MetricsApi resourceMetrics,
			KubeletTransport kubelets) {
		this.logs = new LogStreamer(kubelets);
		this.registry = registry;
		this.resourceMetrics = resourceMetrics;
		this.metrics = metrics;
		this.handlers = handlers;
		this.discovery = discovery;
		this.renderer = new ResponseRenderer(codec);
		this.codec = codec;
		this.clock = clock;
	}

	/**
	 * Every method, PATCH included (which HttpServlet does not dispatch), lands here. A
	 * plain servlet keeps Spring MVC's per-request handler lookup off the hot path.
	 */
	@Override
	protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
		long start = System.nanoTime();
		RequestInfo info = null;
		try {
			Map<String, String> query = query(request);
			info = RequestInfoParser.parse(request.getMethod(), request.getRequestURI(), ListOptions.isWatch(query));
			dispatch(info, query, request, response);
		}
		catch (ApiException ex) {
			writeStatus(response, ex.status());
		}
		catch (StoreUnavailableException ex) {
			writeStatus(response,
					ApiException.serviceUnavailable("storage is unavailable: " + ex.getMessage()).status());
		}
		catch (IOException ex) {
			// The client went away mid-response; nothing left to tell it.
			log.debug("client connection closed path={} error={}", request.getRequestURI(), ex.toString());
		}
		catch (RuntimeException ex) {
			log.error("request failed method={} path={}", request.getMethod(), request.getRequestURI(), ex);
			writeStatus(response, ApiException.internal(ex.toString()).status());
		}
		finally {
			if (info != null) {
				this.metrics.record(info, response.getStatus(), System.nanoTime() - start);
			}
		}
	}

	private void dispatch(RequestInfo info, Map<String, String> query, HttpServletRequest request,
			HttpServletResponse response) throws IOException {
		if (info == null) {
			this.discovery.serve(request, response);
			return;
		}
		ResourceType type = this.registry.find(info.group(), info.version(), info.resource())
			.orElseThrow(() -> ApiException.of(404, "NotFound", "the server could not find the requested resource"));
		if (!info.subresource().isEmpty() && !type.hasSubresource(info.subresource())) {
			throw ApiException.of(404, "NotFound", "the server could not find the requested resource");
		}
		if (type.namespaced() && info.namespace().isEmpty() && !info.name().isEmpty()) {
			throw ApiException.of(404, "NotFound", "the server could not find the requested resource");
		}
		if (MetricsTypes.isMetrics(type)) {
			// metrics.k8s.io is computed from the node agents, never stored, and always
			// JSON (kubectl's Table request falls back to it).
			byte[] json = this.resourceMetrics.serve(info, query);
			response.setStatus(200);
			response.setContentType(MediaTypes.JSON);
			response.setContentLength(json.length);
			response.getOutputStream().write(json);
			return;
		}
		byte[] body = readBody(request);
		Scope scope = new Scope(info, type, query, body, request.getContentType(), request.getHeader("User-Agent"),
				AdmissionUser.fromHeaders(request));
		MediaTypes.Output output = MediaTypes.output(request.getHeader("Accept"));
		IncludeObject include = IncludeObject.parse(query.get("includeObject"));
		ServedVersion served = ServedVersion.of(info, this.codec).orElse(null);
		if (served != null) {
			served(served, scope, output, include, request, response);
			return;
		}
		if (info.subresource().equals("log")) {
			if (!info.verb().equals("get")) {
				throw ApiException.methodNotSupported(type.group(), type.plural() + "/log", info.verb());
			}
			this.logs.stream(this.handlers.pods().logLocation(scope), response);
			return;
		}
		switch (info.verb()) {
			case "get" -> writeObject(response, route(scope), output, include);
			case "list" ->
				writeList(response, this.handlers.reads().list(scope, ListOptions.from(query)), output, include);
			case "watch" -> {
				if ("websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
					refuseWebSocketWatch(response);
				}
				else {
					watch(response, scope, ListOptions.from(query), output, include, null);
				}
			}
			case "create", "update", "patch", "delete", "deletecollection" ->
				writeObject(response, route(scope), output, include);
			default -> throw ApiException.methodNotSupported(type.group(), type.plural(), info.verb());
		}
	}

	/**
	 * A resource stored as another version: the request runs against the storage version,
	 * answers are converted back (Tables stay as printed from the storage form, which has
	 * the same columns).
	 */
	private void served(ServedVersion served, Scope requested, MediaTypes.Output output, IncludeObject include,
			HttpServletRequest request, HttpServletResponse response) throws IOException {
		Scope scope = served.toStorage(requested);
		boolean table = output == MediaTypes.Output.TABLE_JSON || output == MediaTypes.Output.TABLE_YAML;
		switch (scope.info().verb()) {
			case "list" -> {
				ListResult list = this.handlers.reads().list(scope, ListOptions.from(scope.query()));
				writeList(response, table ? list : served.toServed(list), output, include);
			}
			case "watch" -> {
				if ("websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
					refuseWebSocketWatch(response);
				}
				else {
					watch(response, scope, ListOptions.from(scope.query()), output, include, served);
				}
			}
			case "get", "create", "update", "patch", "delete", "deletecollection" -> {
				ObjectResult result = route(scope);
				writeObject(response, table ? result : served.toServed(result), output, include);
			}
			default -> throw ApiException.methodNotSupported(requested.type().group(), requested.type().plural(),
					scope.info().verb());
		}
	}

	/** The operation for a verb on the main resource or a subresource. */
	private ObjectResult route(Scope scope) {
		RequestInfo info = scope.info();
		String sub = info.subresource();
		String verb = info.verb();
		ResourceType type = scope.type();
		if (sub.equals("scale")) {
			return switch (verb) {
				case "get" -> this.handlers.scale().get(scope);
				case "update" -> this.handlers.scale().update(scope);
				case "patch" -> this.handlers.scale().patch(scope);
				default -> throw ApiException.methodNotSupported(type.group(), type.plural() + "/scale", verb);
			};
		}
		if (sub.equals("finalize")) {
			if (!verb.equals("update")) {
				throw ApiException.methodNotSupported(type.group(), type.plural() + "/finalize", verb);
			}
			return this.handlers.updates().finalizeNamespace(scope);
		}
		if (sub.equals("binding") || sub.equals("eviction")) {
			if (!verb.equals("create")) {
				throw ApiException.methodNotSupported(type.group(), type.plural() + "/" + sub, verb);
			}
			return sub.equals("binding") ? this.handlers.pods().bind(scope) : this.handlers.pods().evict(scope);
		}
		if ((sub.equals("status") || sub.equals("approval") || sub.equals("ephemeralcontainers"))
				&& !(verb.equals("get") || verb.equals("update") || verb.equals("patch"))) {
			throw ApiException.methodNotSupported(type.group(), type.plural() + "/" + sub, verb);
		}
		return switch (verb) {
			case "get" -> this.handlers.reads().get(scope);
			case "create" -> this.handlers.creates().create(scope);
			case "update" -> this.handlers.updates().update(scope);
			case "patch" -> this.handlers.updates().patch(scope);
			case "delete" -> this.handlers.deletes().delete(scope);
			case "deletecollection" -> this.handlers.deletes().deleteCollection(scope);
			default -> throw ApiException.methodNotSupported(type.group(), type.plural(), verb);
		};
	}

	/**
	 * Watches are served as chunked HTTP streams only. A WebSocket handshake gets a
	 * short, complete 200 answer: clients such as fabric8 then switch to the HTTP watch
	 * at once (as they do behind kubectl proxy), where a streaming answer would leave
	 * them waiting.
	 */
	private void refuseWebSocketWatch(HttpServletResponse response) throws IOException {
		byte[] body = this.codec.writeJson(ApiException
			.badRequest("watches are served over plain HTTP (chunked), not WebSocket: retry without the Upgrade header")
			.status());
		response.setStatus(200);
		response.setContentType(MediaTypes.JSON);
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
	}

	private void writeObject(HttpServletResponse response, ObjectResult result, MediaTypes.Output output,
			IncludeObject include) throws IOException {
		ResponseRenderer.Rendered rendered = this.renderer.object(result, output, include, this.clock.instant());
		for (String warning : result.warnings()) {
			response.addHeader("Warning", "299 - \"" + warning.replace("\"", "\\\"") + "\"");
		}
		response.setStatus(result.code());
		response.setContentType(rendered.contentType());
		response.setContentLength(rendered.body().length);
		response.getOutputStream().write(rendered.body());
	}

	private void writeList(HttpServletResponse response, ListResult list, MediaTypes.Output output,
			IncludeObject include) throws IOException {
		response.setStatus(200);
		OutputStream out = response.getOutputStream();
		this.renderer.list(list, output, include, this.clock.instant(), out, response::setContentType);
	}

	/**
	 * @param served the conversion of events to the requested version, or {@code null}
	 */
	private void watch(HttpServletResponse response, Scope scope, ListOptions options, MediaTypes.Output output,
			IncludeObject include, ServedVersion served) throws IOException {
		boolean table = output == MediaTypes.Output.TABLE_JSON || output == MediaTypes.Output.TABLE_YAML;
		response.setStatus(200);
		response.setContentType(MediaTypes.JSON);
		OutputStream out = response.getOutputStream();
		// Send the headers now: clients wait for them before they count the watch as
		// started.
		response.flushBuffer();
		ResourceType type = (served != null) ? served.converter().served() : scope.type();
		this.handlers.watches().watch(scope, options, new WatchSink() {

			private boolean columnsSent;

			@Override
			public void event(String eventType, CachedObject object) throws IOException {
				byte[] json = object.json();
				if (table) {
					json = tableRow(scope.type(), json);
				}
				else if (served != null) {
					json = served.toServed(json);
				}
				frame(eventType, json);
			}

			private byte[] tableRow(ResourceType t, byte[] json) {
				byte[] row = KubernetesApiServlet.this.renderer.tableRow(t, json, include,
						KubernetesApiServlet.this.clock.instant(), !this.columnsSent);
				this.columnsSent = true;
				return row;
			}

			@Override
			public void bookmark(long revision, boolean initialEventsEnd) throws IOException {
				String annotations = initialEventsEnd ? ",\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}"
						: "";
				String object = "{\"kind\":\"" + type.kind() + "\",\"apiVersion\":\"" + type.apiVersion()
						+ "\",\"metadata\":{\"resourceVersion\":\"" + revision + "\"" + annotations + "}}";
				frame("BOOKMARK", object.getBytes(StandardCharsets.UTF_8));
			}

			@Override
			public void error(Status status) throws IOException {
				frame("ERROR", KubernetesApiServlet.this.codec.writeJson(status));
			}

			@Override
			public void flush() throws IOException {
				out.flush();
			}

			private void frame(String eventType, byte[] object) throws IOException {
				out.write(("{\"type\":\"" + eventType + "\",\"object\":").getBytes(StandardCharsets.US_ASCII));
				out.write(object);
				out.write(WATCH_FRAME_END);
			}
		});
	}

	private static final byte[] WATCH_FRAME_END = "}\n".getBytes(StandardCharsets.US_ASCII);

	private void writeStatus(HttpServletResponse response, Status status) throws IOException {
		if (response.isCommitted()) {
			return;
		}
		response.resetBuffer();
		status.setApiVersion("v1");
		status.setKind("Status");
		if (status.getMetadata() == null) {
			status.setMetadata(new io.fabric8.kubernetes.api.model.ListMeta());
		}
		byte[] body = this.codec.writeJson(status);
		response.setStatus(status.getCode());
		// As Kubernetes' ErrorNegotiated: a Status that says when to come back says it
		// in the header clients read (a refused eviction's 429).
		if (status.getDetails() != null && status.getDetails().getRetryAfterSeconds() != null
				&& status.getDetails().getRetryAfterSeconds() > 0) {
			response.setHeader("Retry-After", Integer.toString(status.getDetails().getRetryAfterSeconds()));
		}
		response.setContentType(MediaTypes.JSON);
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
	}

	private static byte[] readBody(HttpServletRequest request) throws IOException {
		return RequestBodies.read(request, MAX_BODY_BYTES);
	}

	private static Map<String, String> query(HttpServletRequest request) {
		Map<String, String> query = new HashMap<>();
		request.getParameterMap().forEach((key, values) -> {
			if (values.length > 0) {
				query.put(key, values[0]);
			}
		});
		return query;
	}

}
