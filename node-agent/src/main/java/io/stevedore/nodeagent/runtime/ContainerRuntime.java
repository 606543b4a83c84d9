package io.stevedore.nodeagent.runtime;

import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The narrow port between the agent and the container engine (the kubelet's CRI, cut to
 * what Stevedore uses). The sync loop only talks to this interface, so it is unit-tested
 * against a fake; the Docker adapter is the one place that knows docker-java.
 * <p>
 * Threading: implementations are safe for concurrent use; every call may block on the
 * engine. Failures of the engine itself are {@link RuntimeUnavailableException}.
 */
public interface ContainerRuntime {

	/** The engine's identity and the host's resources as the engine sees them. */
	RuntimeInfo info();

	boolean imagePresent(String image);

	/**
	 * Pulls the image.
	 * @param auth credentials for the image's registry, or null
	 * @throws ImagePullException with the registry's own message when the pull fails
	 */
	void pullImage(String image, RegistryAuth auth) throws ImagePullException;

	/**
	 * Images on the engine, largest first (the node's status.images), dangling ones (no
	 * names) included.
	 */
	List<ImageSummary> listImages();

	/**
	 * The ids of the images that containers on the engine were made from, every node's
	 * and stopped ones too: an image some container uses is not garbage.
	 */
	default Set<String> imagesInUse() {
		return Set.of();
	}

	/**
	 * Removes an image: each of its names, then what is left of it. One still used by a
	 * container is refused by the engine.
	 */
	default void removeImage(ImageSummary image) {
		throw new UnsupportedOperationException("this runtime does not remove images");
	}

	/**
	 * The directory where the engine keeps images and containers, when this process can
	 * see it (the agent on the engine's host): its file system is the one image garbage
	 * collection watches.
	 */
	default Optional<Path> dataRoot() {
		return Optional.empty();
	}

	/** Creates the network pods get their IPs on, unless it exists. */
	void ensureNetwork(String name);

	/**
	 * Creates and starts a pod's sandbox: the container that owns its network namespace.
	 */
	default Sandbox runSandbox(SandboxSpec spec) {
		return startSandbox(createSandbox(spec));
	}

	/**
	 * Creates a pod's sandbox without starting it: with its id the pod's first containers
	 * can be created joined to it while it starts.
	 * @return the sandbox's container id
	 */
	String createSandbox(SandboxSpec spec);

	/**
	 * Starts a created sandbox. A sandbox that fails to start is removed (containers
	 * created joined to it are the caller's to remove).
	 * @return the sandbox with the pod's IP, null for a host-network pod
	 */
	Sandbox startSandbox(String id);

	/** Creates (does not start) an app or init container joined to its sandbox. */
	String createContainer(ContainerSpec spec);

	void startContainer(String id);

	/** Sends the stop signal, waits up to {@code grace}, then kills. Stopped is fine. */
	void stopContainer(String id, Duration grace);

	/** Removes the container, killing it if it still runs. Gone is fine. */
	void removeContainer(String id);

	Optional<ContainerDetails> inspectContainer(String id);

	/** Every container, running or not, carrying all of the given labels. */
	List<ContainerSummary> listContainers(Map<String, String> labels);

	/** Runs a command inside a running container (exec probes, lifecycle hooks). */
	ExecResult exec(String id, List<String> command, Duration timeout);

	/**
	 * Starts a command in a running container with its streams attached (kubectl exec).
	 * @throws UnsupportedOperationException when the runtime has no streams (a fake)
	 */
	default StreamSession execStream(String id, List<String> command, boolean stdin, boolean tty) {
		throw new UnsupportedOperationException("this runtime does not stream exec");
	}

	/**
	 * Attaches to a running container's main process (kubectl attach); stdin only when
	 * the container was created with it open.
	 * @throws UnsupportedOperationException when the runtime has no streams (a fake)
	 */
	default StreamSession attachStream(String id, boolean stdin, boolean tty) {
		throw new UnsupportedOperationException("this runtime does not stream attach");
	}

	/**
	 * Writes the container's output, stdout and stderr interleaved, to {@code out} as it
	 * comes; with {@code follow}, until the container stops. Returns when the output ends
	 * or writing to {@code out} fails (the reader went away).
	 */
	void logs(String id, LogOptions options, OutputStream out);

	ContainerStats stats(String id);

	/**
	 * The bytes the container wrote to its own filesystem (its writable layer), which
	 * counts towards the pod's ephemeral storage; 0 when the engine does not say.
	 */
	default long writableLayerBytes(String id) {
		return 0;
	}

	/**
	 * The container's processes (threads included, as pids.current counts); 0 when
	 * unknown.
	 */
	default long processes(String id) {
		return 0;
	}

	/**
	 * Where the container's writable layer is on this host (overlay2's upper directory),
	 * for counting its files; empty when the engine does not say.
	 */
	default Optional<Path> writableLayerDir(String id) {
		return Optional.empty();
	}

	/**
	 * A reading for the stats sampler, which knows the pod the container belongs to and
	 * the instant of its round. Real engines measure now and ignore both; the simulated
	 * runtime reports what the annotations say as of {@code at}, so all containers of one
	 * round share an instant and a rate over two rounds is exactly the annotated one (a
	 * reading taken a few milliseconds later than its round's timestamp would make
	 * {@code 251m} show as {@code 252m} after a pause).
	 */
	default ContainerStats stats(String id, Map<String, String> podAnnotations, Instant at) {
		return stats(id);
	}

	/**
	 * True when nothing really runs (the simulated runtime): pod addresses lead nowhere,
	 * so HTTP and TCP probes count as passed instead of being sent.
	 */
	default boolean simulated() {
		return false;
	}

}
