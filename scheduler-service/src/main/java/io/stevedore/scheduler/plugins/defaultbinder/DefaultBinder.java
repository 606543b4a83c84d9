package io.stevedore.scheduler.plugins.defaultbinder;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.stevedore.scheduler.framework.BindPlugin;
import io.stevedore.scheduler.framework.CycleState;
import io.stevedore.scheduler.framework.PodInfo;
import io.stevedore.scheduler.framework.Status;

/**
 * Writes the placement with {@code POST pods/{name}/binding}, which sets spec.nodeName
 * and PodScheduled=True in one step and fails if the pod is already bound or gone.
 * fabric8 has no verb for the subresource, so the request goes through its HTTP client
 * (same credentials as every other call).
 */
public final class DefaultBinder implements BindPlugin {

	public static final String NAME = "DefaultBinder";

	private static final ObjectMapper JSON = new ObjectMapper();

	private final KubernetesClient client;

	public DefaultBinder(KubernetesClient client) {
		this.client = client;
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public Status bind(CycleState state, PodInfo pod, String nodeName) {
		Binding binding = new BindingBuilder().withNewMetadata()
			.withName(pod.pod().getMetadata().getName())
			.withNamespace(pod.namespace())
			.withUid(pod.uid())
			.endMetadata()
			.withNewTarget()
			.withKind("Node")
			.withName(nodeName)
			.endTarget()
			.build();
		String url = this.client.getMasterUrl().toString().replaceAll("/$", "") + "/api/v1/namespaces/"
				+ encode(pod.namespace()) + "/pods/" + encode(pod.pod().getMetadata().getName()) + "/binding";
		try {
			HttpRequest request = this.client.getHttpClient()
				.newHttpRequestBuilder()
				.uri(url)
				.post("application/json", JSON.writeValueAsString(binding))
				.timeout(30, TimeUnit.SECONDS)
				.build();
			HttpResponse<String> response = this.client.getHttpClient()
				.sendAsync(request, String.class)
				.get(30, TimeUnit.SECONDS);
			if (response.isSuccessful()) {
				return Status.success();
			}
			return Status.error("binding rejected: " + response.code() + " " + response.body());
		}
		catch (JsonProcessingException | ExecutionException | TimeoutException ex) {
			return Status.error("binding failed: " + ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Status.error("binding interrupted");
		}
	}

	private static String encode(String segment) {
		return URLEncoder.encode(segment, StandardCharsets.UTF_8);
	}

}
