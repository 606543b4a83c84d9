package io.stevedore.scheduler.plugins.defaultbinder;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.scheduler.client.JsonPost;
import io.stevedore.scheduler.framework.BindPlugin;
import io.stevedore.scheduler.framework.CycleState;
import io.stevedore.scheduler.framework.PodInfo;
import io.stevedore.scheduler.framework.Status;

/**
 * Writes the placement with {@code POST pods/{name}/binding}, which sets spec.nodeName
 * and PodScheduled=True in one step and fails if the pod is already bound or gone. The
 * Binding names the pod's uid, so a pod deleted and created again under the same name is
 * not bound in its predecessor's place (409). fabric8 has no verb for the subresource:
 * the request is a {@link JsonPost}.
 */
public final class DefaultBinder implements BindPlugin {

	public static final String NAME = "DefaultBinder";

	private final JsonPost post;

	public DefaultBinder(KubernetesClient client) {
		this.post = new JsonPost(client);
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public Status bind(CycleState state, PodInfo pod, String nodeName) {
		String name = pod.pod().getMetadata().getName();
		try {
			JsonPost.Answer answer = this.post.post("/api/v1/namespaces/" + JsonPost.segment(pod.namespace()) + "/pods/"
					+ JsonPost.segment(name) + "/binding", (json) -> {
						json.writeStringField("apiVersion", "v1");
						json.writeStringField("kind", "Binding");
						json.writeObjectFieldStart("metadata");
						json.writeStringField("name", name);
						json.writeStringField("namespace", pod.namespace());
						if (pod.uid() != null) {
							json.writeStringField("uid", pod.uid());
						}
						json.writeEndObject();
						json.writeObjectFieldStart("target");
						json.writeStringField("kind", "Node");
						json.writeStringField("name", nodeName);
						json.writeEndObject();
					}, 30);
			if (answer.isSuccessful()) {
				return Status.success();
			}
			return Status.error("binding rejected: " + answer.code() + " " + answer.body());
		}
		catch (ExecutionException | TimeoutException ex) {
			return Status.error("binding failed: " + ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Status.error("binding interrupted");
		}
	}

}
