package io.stevedore.nodeagent.pod;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.stevedore.nodeagent.runtime.ContainerRuntime;
import io.stevedore.nodeagent.runtime.ImagePullException;
import io.stevedore.nodeagent.runtime.RegistryAuth;

/**
 * Makes a container's image present per its imagePullPolicy, the kubelet's way: Never
 * only checks, IfNotPresent pulls when missing, Always pulls every time a container
 * starts. A failed pull is ErrImagePull with the registry's words; retries within the
 * back-off report ImagePullBackOff. Credentials come from the pod's imagePullSecrets.
 */
public final class ImageManager {

	private static final ObjectMapper JSON = new ObjectMapper();

	/** How long an image found present is trusted without asking the engine. */
	static final long PRESENT_FOR_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);

	private final ContainerRuntime runtime;

	private final BackOff backOff;

	private final ApiObjects objects;

	private final PodApi api;

	/**
	 * Images found present, with the time (nanoTime) until which that answer is trusted:
	 * an image inspect per container start was two engine round trips per pod, and in a
	 * burst every one of them queues behind the container starts in the engine.
	 */
	private final Map<String, Long> presentUntil = new ConcurrentHashMap<>();

	public ImageManager(ContainerRuntime runtime, BackOff backOff, ApiObjects objects, PodApi api) {
		this.runtime = runtime;
		this.backOff = backOff;
		this.objects = objects;
		this.api = api;
	}

	/**
	 * @return null when the image is there, else why the container waits
	 */
	public Waiting ensure(Pod pod, Container container, String fieldPath) {
		String image = container.getImage();
		String policy = container.getImagePullPolicy() == null ? defaultPolicy(image) : container.getImagePullPolicy();
		boolean present = present(image);
		if ("Never".equals(policy) && !present) {
			// Its event is the caller's, with the other events of a waiting image.
			return new Waiting("ErrImageNeverPull",
					"Container image \"" + image + "\" is not present with pull policy of Never");
		}
		if (present && !"Always".equals(policy)) {
			alreadyPresent(pod, container, fieldPath);
			return null;
		}
		String key = pod.getMetadata().getUid() + "/" + image;
		if (this.backOff.isInBackOff(key)) {
			return new Waiting("ImagePullBackOff", "Back-off pulling image \"" + image + "\"");
		}
		this.api.event(pod, "Normal", "Pulling", "Pulling image \"" + image + "\"", fieldPath);
		long started = System.nanoTime();
		try {
			this.runtime.pullImage(image, auth(pod, image));
		}
		catch (ImagePullException ex) {
			this.backOff.next(key);
			String message = "Failed to pull image \"" + image + "\": " + ex.getMessage();
			this.api.event(pod, "Warning", "Failed", message, fieldPath);
			return new Waiting("ErrImagePull", message);
		}
		this.backOff.reset(key);
		this.api.event(pod, "Normal", "Pulled",
				"Successfully pulled image \"" + image + "\" in " + (System.nanoTime() - started) / 1_000_000 + "ms",
				fieldPath);
		return null;
	}

	/**
	 * When the pod's next pull of the container's image may start: the end of its
	 * back-off, or null when none holds it back.
	 */
	public Instant pullRetryAt(Pod pod, Container container) {
		return this.backOff.retryAt(pod.getMetadata().getUid() + "/" + container.getImage());
	}

	/**
	 * The kubelet's event for an image it did not pull because it was there (what
	 * {@code kubectl describe pod} shows before Created): for a container created early,
	 * which skipped {@link #ensure}.
	 */
	public void alreadyPresent(Pod pod, Container container, String fieldPath) {
		this.api.event(pod, "Normal", "Pulled",
				"Container image \"" + container.getImage() + "\" already present on machine", fieldPath);
	}

	/**
	 * Whether the container's image is there and {@link #ensure} would not pull it: a
	 * start that needs no pull and no back-off.
	 */
	public boolean presentWithoutPull(Container container) {
		String image = container.getImage();
		String policy = container.getImagePullPolicy() == null ? defaultPolicy(image) : container.getImagePullPolicy();
		return !"Always".equals(policy) && present(image);
	}

	/**
	 * Whether the engine holds the image. A positive answer is remembered for
	 * {@link #PRESENT_FOR_NANOS}, or until a create names the image missing
	 * ({@link #createFailed}): an image removed behind the agent's back costs at most one
	 * failed create, retried with a fresh look.
	 */
	public boolean present(String image) {
		Long until = this.presentUntil.get(image);
		if (until != null && until - System.nanoTime() > 0) {
			return true;
		}
		boolean present = this.runtime.imagePresent(image);
		if (present) {
			this.presentUntil.put(image, System.nanoTime() + PRESENT_FOR_NANOS);
		}
		else {
			this.presentUntil.remove(image);
		}
		return present;
	}

	/** A create that failed on a missing image makes the next start look again. */
	public void createFailed(String image, RuntimeException failure) {
		String message = String.valueOf(failure.getMessage());
		if (message.contains("No such image") || message.contains("not found")) {
			this.presentUntil.remove(image);
		}
	}

	/** Kubernetes' default: Always for :latest or no tag, else IfNotPresent. */
	static String defaultPolicy(String image) {
		if (image.contains("@")) {
			return "IfNotPresent";
		}
		int colon = image.lastIndexOf(':');
		boolean tagged = colon > image.lastIndexOf('/');
		return !tagged || image.endsWith(":latest") ? "Always" : "IfNotPresent";
	}

	/** The registry host of an image, Docker Hub's name when it has none. */
	static String registry(String image) {
		int slash = image.indexOf('/');
		if (slash < 0) {
			return "docker.io";
		}
		String first = image.substring(0, slash);
		return first.contains(".") || first.contains(":") || first.equals("localhost") ? first : "docker.io";
	}

	private RegistryAuth auth(Pod pod, String image) {
		if (pod.getSpec().getImagePullSecrets() == null) {
			return null;
		}
		String registry = registry(image);
		for (LocalObjectReference reference : pod.getSpec().getImagePullSecrets()) {
			Secret secret = this.objects.secret(pod.getMetadata().getNamespace(), reference.getName());
			if (secret == null || secret.getData() == null) {
				continue;
			}
			String config = secret.getData().get(".dockerconfigjson");
			if (config == null) {
				continue;
			}
			RegistryAuth auth = fromDockerConfig(new String(Base64.getDecoder().decode(config), StandardCharsets.UTF_8),
					registry);
			if (auth != null) {
				return auth;
			}
		}
		return null;
	}

	/** The entry of a {@code .dockerconfigjson} that matches the registry. */
	static RegistryAuth fromDockerConfig(String json, String registry) {
		try {
			JsonNode auths = JSON.readTree(json).path("auths");
			Iterator<Map.Entry<String, JsonNode>> entries = auths.fields();
			while (entries.hasNext()) {
				Map.Entry<String, JsonNode> entry = entries.next();
				String host = entry.getKey().replaceFirst("^https?://", "").replaceFirst("/.*$", "");
				boolean hub = registry.equals("docker.io")
						&& (host.equals("index.docker.io") || host.equals("docker.io"));
				if (!host.equals(registry) && !hub) {
					continue;
				}
				JsonNode value = entry.getValue();
				String username = value.path("username").asText(null);
				String password = value.path("password").asText(null);
				if ((username == null || password == null) && value.hasNonNull("auth")) {
					String decoded = new String(Base64.getDecoder().decode(value.path("auth").asText()),
							StandardCharsets.UTF_8);
					int colon = decoded.indexOf(':');
					if (colon > 0) {
						username = decoded.substring(0, colon);
						password = decoded.substring(colon + 1);
					}
				}
				return new RegistryAuth(entry.getKey(), username, password);
			}
		}
		catch (Exception ex) {
			// An unreadable secret gives no credentials; the pull error says what failed.
		}
		return null;
	}

}
