package io.stevedore.apiserver.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.stevedore.apiserver.codec.MediaTypes;
import io.stevedore.apiserver.codec.ObjectCodec;
import io.stevedore.apiserver.rest.ManagedFields;
import io.stevedore.apiserver.rest.ObjectMetaRules;
import io.stevedore.machinery.defaulting.Defaulting;
import io.stevedore.machinery.registry.ResourceRegistry;

/**
 * The objects of the scheduler benchmark's writes: the Event the scheduler posts per
 * placed pod, a ReplicaSet's pod, and the Binding that places it.
 */
public final class WriteSamples {

	private static final Instant CREATED = Instant.parse("2026-12-07T00:00:00Z");

	private WriteSamples() {
	}

	/** The body ApiSchedulingOutcomes posts for a placed pod. */
	public static String eventBody(String name) {
		return """
				{"apiVersion":"v1","kind":"Event","metadata":{"name":"%s","namespace":"default"},\
				"involvedObject":{"apiVersion":"v1","kind":"Pod","namespace":"default","name":"web-7d4b9c-x2kq9",\
				"uid":"5b0c2a3e-8f0e-4c1b-9d7a-2f6f1e4b8a11","resourceVersion":"123456"},"type":"Normal",\
				"reason":"Scheduled","message":"Successfully assigned default/web-7d4b9c-x2kq9 to hollow-node-17",\
				"source":{"component":"default-scheduler"},"reportingComponent":"default-scheduler",\
				"reportingInstance":"default-scheduler-host-1","action":"Binding",\
				"firstTimestamp":"2026-12-07T00:00:00Z","lastTimestamp":"2026-12-07T00:00:00Z","count":1}"""
			.formatted(name);
	}

	/**
	 * A ReplicaSet's pod: labels, an owner, two containers with ports, env and mounts.
	 */
	public static String podBody(String name) {
		return """
				{"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","namespace":"default",\
				"labels":{"app":"web","pod-template-hash":"7d4b9c"},\
				"annotations":{"example.com/revision":"3"},\
				"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-7d4b9c",\
				"uid":"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0","controller":true,"blockOwnerDeletion":true}]},\
				"spec":{"containers":[{"name":"app","image":"registry.local/app:1",\
				"ports":[{"name":"http","containerPort":8080,"protocol":"TCP"},{"name":"metrics","containerPort":9090}],\
				"env":[{"name":"MODE","value":"production"},{"name":"POD_NAME","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}],\
				"resources":{"requests":{"cpu":"100m","memory":"128Mi"},"limits":{"memory":"256Mi"}},\
				"volumeMounts":[{"name":"config","mountPath":"/etc/app"}],\
				"readinessProbe":{"httpGet":{"path":"/ready","port":8080},"periodSeconds":5}},\
				{"name":"sidecar","image":"registry.local/proxy:2","ports":[{"containerPort":15001}]}],\
				"volumes":[{"name":"config","configMap":{"name":"web-config"}}],\
				"tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}],\
				"nodeSelector":{"kubernetes.io/os":"linux"}}}"""
			.formatted(name);
	}

	public static String bindingBody(String name) {
		return """
				{"apiVersion":"v1","kind":"Binding","metadata":{"name":"%s","namespace":"default"},\
				"target":{"apiVersion":"v1","kind":"Node","name":"hollow-node-17"}}""".formatted(name);
	}

	/** An Event as the create operation hands it to the field manager. */
	public static Event preparedEvent(ObjectCodec codec) {
		return prepared(codec, eventBody("web-7d4b9c-x2kq9.187e4c0a1b2c3d4e"), Event.class);
	}

	/** A Pod as the create operation hands it to the field manager. */
	public static Pod preparedPod(ObjectCodec codec) {
		return prepared(codec, podBody("web-7d4b9c-x2kq9"), Pod.class);
	}

	/**
	 * The pod once created (with its creator's managedFields) and scheduled, then as its
	 * kubelet reports it running: the two objects a status write hands to the field
	 * manager.
	 * @return the live pod and the updated one
	 */
	public static Pod[] statusUpdate(ObjectCodec codec, Pod created, ManagedFields managedFields, Instant now) {
		Pod pod = copy(codec, created);
		managedFields.copyInto(managedFields.forUpdate(ResourceRegistry.standard().find("", "v1", "pods").orElseThrow(),
				null, pod, "kube-controller-manager", null, now), pod);
		pod.getSpec().setNodeName("hollow-node-17");
		Pod running = copy(codec, pod);
		running.setStatus(new PodStatusBuilder().withPhase("Running")
			.withHostIP("10.0.0.17")
			.withPodIP("10.244.17.5")
			.addNewPodIP("10.244.17.5")
			.withStartTime(ObjectMetaRules.timestamp(now))
			.addToConditions(new PodConditionBuilder().withType("Ready").withStatus("True").build())
			.addToConditions(new PodConditionBuilder().withType("PodScheduled").withStatus("True").build())
			.addNewContainerStatus()
			.withName("app")
			.withImage("registry.local/app:1")
			.withReady(true)
			.withRestartCount(0)
			.withNewState()
			.withNewRunning()
			.withStartedAt(ObjectMetaRules.timestamp(now))
			.endRunning()
			.endState()
			.endContainerStatus()
			.build());
		return new Pod[] { pod, running };
	}

	@SuppressWarnings("unchecked")
	public static <T extends HasMetadata> T copy(ObjectCodec codec, T object) {
		return (T) codec.toTyped(codec.toTree(object), object.getClass());
	}

	public static <T extends HasMetadata> T prepared(ObjectCodec codec, String body, Class<T> type) {
		JsonNode tree = codec.readTree(body.getBytes(StandardCharsets.UTF_8), MediaTypes.Format.JSON);
		T object = codec.toTyped(tree, type);
		ObjectMetaRules.beforeCreate(object, CREATED);
		// A fixed uid, so that the stored bytes can be compared with recorded ones.
		object.getMetadata().setUid("9e8d7c6b-5a49-4837-a625-1f0e9d8c7b6a");
		Defaulting.apply(
				ResourceRegistry.standard().all().stream().filter(t -> t.javaType() == type).findFirst().orElseThrow(),
				object);
		return object;
	}

}
