package io.stevedore.nodeagent.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An in-memory engine for the sync loop's unit tests: containers are records whose state
 * a test changes ({@link #exit}), images are a set, pulls of images in
 * {@link #unpullable} fail. Synchronized: the sync may call it from several threads.
 */
public final class FakeContainerRuntime implements ContainerRuntime {

	private final Clock clock;

	private final Map<String, ContainerDetails> containers = new LinkedHashMap<>();

	public final Set<String> images = new HashSet<>();

	public final Set<String> unpullable = new HashSet<>();

	public final List<String> calls = new ArrayList<>();

	public final Map<String, ContainerSpec> specs = new LinkedHashMap<>();

	/** The sandboxes' specs by id. */
	public final Map<String, SandboxSpec> sandboxSpecs = new LinkedHashMap<>();

	/** Exit code of every exec; the commands run are recorded in {@link #execs}. */
	public volatile int execExitCode;

	/** What every exec prints. */
	public volatile String execOutput = "";

	public final List<List<String>> execs = new ArrayList<>();

	/** What {@link #stats} reports for a container; zeros when absent. */
	public final Map<String, ContainerStats> stats = new java.util.concurrent.ConcurrentHashMap<>();

	/** The engine does not answer: listing fails as Docker's would. */
	public volatile boolean down;

	/** This many next listings find the engine unreachable (a reset connection). */
	public volatile int unreachableListings;

	/** The engine answers every listing with this refusal (it is up, but says no). */
	public volatile String refusal;

	/** listContainers calls that reached this engine, answered or not. */
	public final java.util.concurrent.atomic.AtomicInteger listings = new java.util.concurrent.atomic.AtomicInteger();

	private int ids;

	private int ips = 1;

	public FakeContainerRuntime(Clock clock) {
		this.clock = clock;
	}

	@Override
	public RuntimeInfo info() {
		return new RuntimeInfo("docker", "20.10.24", "Debian GNU/Linux 12 (bookworm)", "6.1.0", "linux", "amd64", 2,
				8L << 30);
	}

	/**
	 * Creates of an image not in {@link #images} fail as Docker's do (off by default).
	 */
	public volatile boolean refusesMissingImages;

	/** imagePresent calls that reached this engine. */
	public final java.util.concurrent.atomic.AtomicInteger imageInspects = new java.util.concurrent.atomic.AtomicInteger();

	@Override
	public synchronized boolean imagePresent(String image) {
		this.imageInspects.incrementAndGet();
		return this.images.contains(image);
	}

	@Override
	public synchronized void pullImage(String image, RegistryAuth auth) throws ImagePullException {
		this.calls.add("pull " + image);
		if (this.unpullable.contains(image)) {
			throw new ImagePullException("manifest for " + image + " not found", null);
		}
		this.images.add(image);
	}

	@Override
	public synchronized List<ImageSummary> listImages() {
		return this.images.stream()
			.map(i -> new ImageSummary(List.of(i), this.imageSizes.getOrDefault(i, 1000L)))
			.toList();
	}

	/** Image sizes by name; 1000 bytes when not given. */
	public final Map<String, Long> imageSizes = new HashMap<>();

	/** The images containers use, by id (an image's id is its name here). */
	public final Set<String> imagesUsed = new HashSet<>();

	public final List<String> removedImages = new ArrayList<>();

	@Override
	public synchronized Set<String> imagesInUse() {
		return Set.copyOf(this.imagesUsed);
	}

	@Override
	public synchronized void removeImage(ImageSummary image) {
		if (this.imagesUsed.contains(image.id())) {
			throw new RuntimeUnavailableException("remove image " + image.id()
					+ ": conflict: unable to remove repository reference (must force) - container is using its "
					+ "referenced image", null);
		}
		this.images.remove(image.id());
		this.removedImages.add(image.id());
	}

	@Override
	public void ensureNetwork(String name) {
	}

	/**
	 * When set, sandbox starts wait for it to open (up to 10 s) before they start: a test
	 * sees what the sync does while a sandbox starts.
	 */
	public volatile java.util.concurrent.CountDownLatch sandboxStartGate;

	/**
	 * When set, sandbox starts fail with this message and the sandbox is removed, as the
	 * Docker adapter does (a hostPort taken, for one).
	 */
	public volatile String sandboxStartFailure;

	@Override
	public synchronized String createSandbox(SandboxSpec spec) {
		String id = "sandbox-" + (++this.ids);
		this.containers.put(id, new ContainerDetails(id, spec.name(), spec.image(), "sha256:pause", spec.labels(),
				"created", 0, false, "", this.clock.instant(), null, null, null));
		this.calls.add("createSandbox " + spec.name());
		this.sandboxSpecs.put(id, spec);
		return id;
	}

	@Override
	public Sandbox startSandbox(String id) {
		java.util.concurrent.CountDownLatch gate = this.sandboxStartGate;
		if (gate != null) {
			try {
				gate.await(10, java.util.concurrent.TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		synchronized (this) {
			ContainerDetails c = this.containers.get(id);
			if (this.sandboxStartFailure != null) {
				this.containers.remove(id);
				this.calls.add("startSandbox failed " + c.name());
				throw new RuntimeUnavailableException("start sandbox " + id + ": " + this.sandboxStartFailure, null);
			}
			String ip = "10.88.0." + (++this.ips);
			Instant now = this.clock.instant();
			this.containers.put(id, new ContainerDetails(id, c.name(), c.image(), c.imageId(), c.labels(), "running", 0,
					false, "", c.createdAt(), now, null, ip));
			this.calls.add("startSandbox " + c.name());
			return new Sandbox(id, ip);
		}
	}

	@Override
	public synchronized String createContainer(ContainerSpec spec) {
		if (this.refusesMissingImages && !this.images.contains(spec.image())) {
			// Docker's words for an image removed behind the agent's back.
			throw new RuntimeUnavailableException(
					"create container " + spec.name() + ": No such image: " + spec.image(), null);
		}
		String id = "container-" + (++this.ids);
		this.containers.put(id, new ContainerDetails(id, spec.name(), spec.image(), "sha256:image", spec.labels(),
				"created", 0, false, "", this.clock.instant(), null, null, null));
		this.calls.add("create " + spec.name());
		this.specs.put(id, spec);
		return id;
	}

	@Override
	public synchronized void startContainer(String id) {
		ContainerDetails c = this.containers.get(id);
		this.containers.put(id, with(c, "running", 0, this.clock.instant(), null));
		this.calls.add("start " + c.name());
	}

	@Override
	public synchronized void stopContainer(String id, Duration grace) {
		ContainerDetails c = this.containers.get(id);
		if (c != null && c.running()) {
			this.containers.put(id, with(c, "exited", 137, c.startedAt(), this.clock.instant()));
			this.calls.add("stop " + c.name() + " grace=" + grace.toSeconds());
		}
	}

	@Override
	public synchronized void removeContainer(String id) {
		ContainerDetails c = this.containers.remove(id);
		if (c != null) {
			this.calls.add("remove " + c.name());
		}
	}

	@Override
	public synchronized Optional<ContainerDetails> inspectContainer(String id) {
		return Optional.ofNullable(this.containers.get(id));
	}

	@Override
	public synchronized List<ContainerSummary> listContainers(Map<String, String> labels) {
		this.listings.incrementAndGet();
		if (this.down || this.unreachableListings > 0) {
			this.unreachableListings--;
			throw new RuntimeUnreachableException("list containers: Docker engine not reachable", null);
		}
		if (this.refusal != null) {
			throw new RuntimeUnavailableException(this.refusal, null);
		}
		return this.containers.values()
			.stream()
			.filter(c -> c.labels().entrySet().containsAll(labels.entrySet()))
			.map(c -> new ContainerSummary(c.id(), c.name(), c.labels(), c.state(), c.createdAt().getEpochSecond()))
			.toList();
	}

	@Override
	public synchronized ExecResult exec(String id, List<String> command, Duration timeout) {
		this.execs.add(command);
		this.calls.add("exec " + String.join(" ", command));
		return new ExecResult(this.execExitCode, this.execOutput, false);
	}

	/** What {@link #logs} writes, by container id. */
	public final Map<String, String> output = new java.util.concurrent.ConcurrentHashMap<>();

	@Override
	public void logs(String id, LogOptions options, java.io.OutputStream out) {
		try {
			out.write(this.output.getOrDefault(id, "").getBytes(java.nio.charset.StandardCharsets.UTF_8));
		}
		catch (java.io.IOException ex) {
			// the reader went away
		}
	}

	@Override
	public ContainerStats stats(String id) {
		return this.stats.getOrDefault(id, new ContainerStats(0, 0, 0));
	}

	/** The container's process exits with the code now. */
	public synchronized void exit(String id, int code) {
		ContainerDetails c = this.containers.get(id);
		this.containers.put(id, with(c, "exited", code, c.startedAt(), this.clock.instant()));
	}

	public synchronized List<ContainerDetails> containers() {
		return List.copyOf(this.containers.values());
	}

	private static ContainerDetails with(ContainerDetails c, String state, int exit, Instant started,
			Instant finished) {
		return new ContainerDetails(c.id(), c.name(), c.image(), c.imageId(), c.labels(), state, exit, false, c.error(),
				c.createdAt(), started, finished, c.ip());
	}

}
