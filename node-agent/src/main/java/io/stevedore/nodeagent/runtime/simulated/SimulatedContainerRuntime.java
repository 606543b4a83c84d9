package io.stevedore.nodeagent.runtime.simulated;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.stevedore.nodeagent.runtime.ContainerDetails;
import io.stevedore.nodeagent.runtime.ContainerRuntime;
import io.stevedore.nodeagent.runtime.ContainerSpec;
import io.stevedore.nodeagent.runtime.ContainerStats;
import io.stevedore.nodeagent.runtime.ContainerSummary;
import io.stevedore.nodeagent.runtime.ExecResult;
import io.stevedore.nodeagent.runtime.ImageSummary;
import io.stevedore.nodeagent.runtime.LogOptions;
import io.stevedore.nodeagent.runtime.RegistryAuth;
import io.stevedore.nodeagent.runtime.RuntimeInfo;
import io.stevedore.nodeagent.runtime.Sandbox;
import io.stevedore.nodeagent.runtime.SandboxSpec;
import io.stevedore.nodeagent.runtime.StreamSession;

/**
 * A container engine that runs nothing: containers are records in memory whose state
 * follows what their command would do ({@link SimulatedProcess}), sandboxes get addresses
 * from a block no packet is sent to, every image is pullable. The node agent above it is
 * the real one — registration, leases, the pod sync, probes, status — so a machine can
 * carry many nodes ({@code ./stevedore up --runtime simulated}) and the scheduler and
 * controllers can be measured at a scale Docker on 2 cores cannot start, as Kubernetes
 * does with kubemark's hollow nodes. HTTP and TCP probes succeed without a connection
 * ({@link #simulated()}); exec probes exit 0.
 */
public final class SimulatedContainerRuntime implements ContainerRuntime {

	/**
	 * The labels of a simulated node's Node, so workloads can select or avoid such nodes
	 * (KWOK's nodes carry {@code type=kwok}).
	 */
	public static final Map<String, String> NODE_LABELS = Map.of("type", "simulated");

	private static final String VERSION = "1.0.0";

	private final Clock clock;

	private final SimulatedRuntimeProperties properties;

	private final PodAddresses addresses;

	private final Map<String, Entry> containers = new ConcurrentHashMap<>();

	private final Set<String> images = ConcurrentHashMap.newKeySet();

	private final AtomicLong ids = new AtomicLong();

	private final Map<String, CpuClock> cpuClocks = new ConcurrentHashMap<>();

	public SimulatedContainerRuntime(SimulatedRuntimeProperties properties, String nodeName, Clock clock) {
		this.clock = clock;
		this.properties = properties;
		this.addresses = properties.podCidr().isEmpty() ? PodAddresses.forNode(nodeName)
				: PodAddresses.parse(properties.podCidr());
	}

	@Override
	public boolean simulated() {
		return true;
	}

	@Override
	public RuntimeInfo info() {
		return new RuntimeInfo("simulated", VERSION, "Stevedore simulated node", System.getProperty("os.version"),
				"linux", "amd64", this.properties.cpus(), this.properties.memory().toBytes());
	}

	@Override
	public boolean imagePresent(String image) {
		return this.images.contains(image);
	}

	@Override
	public void pullImage(String image, RegistryAuth auth) {
		this.images.add(image);
	}

	@Override
	public List<ImageSummary> listImages() {
		return this.images.stream().map((image) -> new ImageSummary(List.of(image), 0)).toList();
	}

	@Override
	public void ensureNetwork(String name) {
		// no network to create: addresses come from the pod block
	}

	@Override
	public String createSandbox(SandboxSpec spec) {
		String ip = spec.hostNetwork() ? null : this.addresses.allocate();
		String id = newId();
		this.containers.put(id,
				new Entry(new ContainerDetails(id, spec.name(), spec.image(), imageId(spec.image()),
						Map.copyOf(spec.labels()), "created", 0, false, "", this.clock.instant(), null, null, ip),
						SimulatedProcess.of(List.of()), null));
		this.images.add(spec.image());
		return id;
	}

	@Override
	public Sandbox startSandbox(String id) {
		Entry started = this.containers.computeIfPresent(id, (key, entry) -> entry.started(this.clock.instant()));
		if (started == null) {
			throw new IllegalStateException("No such container: " + id);
		}
		return new Sandbox(id, started.details().ip());
	}

	@Override
	public String createContainer(ContainerSpec spec) {
		// spec.pidNamespaceOf() (an ephemeral container's target) changes nothing: there
		// are no processes to share, the command runs as any other's.
		String id = newId();
		List<String> argv = new ArrayList<>(spec.entrypoint());
		argv.addAll(spec.cmd());
		this.containers.put(id,
				new Entry(new ContainerDetails(id, spec.name(), spec.image(), imageId(spec.image()),
						Map.copyOf(spec.labels()), "created", 0, false, "", this.clock.instant(), null, null, null),
						SimulatedProcess.of(argv), null));
		return id;
	}

	@Override
	public void startContainer(String id) {
		Duration delay = this.properties.startDelay();
		if (!delay.isZero()) {
			try {
				Thread.sleep(delay);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("start of " + id + " interrupted", ex);
			}
		}
		if (this.containers.computeIfPresent(id, (key, entry) -> entry.started(this.clock.instant())) == null) {
			throw new IllegalStateException("No such container: " + id);
		}
	}

	@Override
	public void stopContainer(String id, Duration grace) {
		// A process stopped by SIGTERM reports 143, one killed at once 137, as Docker
		// shows.
		int code = grace.isZero() ? 137 : 143;
		this.containers.computeIfPresent(id,
				(key, entry) -> entry.settle(this.clock.instant()).stopped(code, this.clock.instant()));
	}

	@Override
	public void removeContainer(String id) {
		Entry removed = this.containers.remove(id);
		this.cpuClocks.remove(id);
		if (removed != null && removed.details().ip() != null) {
			this.addresses.release(removed.details().ip());
		}
	}

	@Override
	public Optional<ContainerDetails> inspectContainer(String id) {
		Entry entry = this.containers.computeIfPresent(id, (key, e) -> e.settle(this.clock.instant()));
		return Optional.ofNullable(entry).map(Entry::details);
	}

	@Override
	public List<ContainerSummary> listContainers(Map<String, String> labels) {
		Instant now = this.clock.instant();
		List<ContainerSummary> listed = new ArrayList<>();
		for (String id : new HashSet<>(this.containers.keySet())) {
			Entry entry = this.containers.computeIfPresent(id, (key, e) -> e.settle(now));
			if (entry == null || !entry.details().labels().entrySet().containsAll(labels.entrySet())) {
				continue;
			}
			ContainerDetails c = entry.details();
			listed.add(new ContainerSummary(c.id(), c.name(), c.labels(), c.state(), c.createdAt().getEpochSecond()));
		}
		return listed;
	}

	@Override
	public ExecResult exec(String id, List<String> command, Duration timeout) {
		ContainerDetails container = inspectContainer(id)
			.orElseThrow(() -> new IllegalStateException("No such container: " + id));
		if (!container.running()) {
			return new ExecResult(126, "container " + id + " is not running", false);
		}
		SimulatedProcess process = SimulatedProcess.of(command);
		return new ExecResult(process.exitCode(), process.output(), false);
	}

	@Override
	public StreamSession execStream(String id, List<String> command, boolean stdin, boolean tty) {
		throw new UnsupportedOperationException("a simulated node runs no processes to exec into");
	}

	@Override
	public StreamSession attachStream(String id, boolean stdin, boolean tty) {
		throw new UnsupportedOperationException("a simulated node runs no processes to attach to");
	}

	@Override
	public void logs(String id, LogOptions options, OutputStream out) {
		Entry entry = this.containers.get(id);
		if (entry == null || entry.details().startedAt() == null) {
			return;
		}
		try {
			out.write(entry.process().output().getBytes(StandardCharsets.UTF_8));
			out.flush();
		}
		catch (IOException ex) {
			// the reader went away
		}
	}

	@Override
	public ContainerStats stats(String id) {
		return stats(id, Map.of(), this.clock.instant());
	}

	/**
	 * What the pod's annotations say each container uses, so autoscaling and kubectl top
	 * can be exercised on simulated nodes: {@value SimulatedUsage#CPU_ANNOTATION} (a CPU
	 * quantity such as {@code 250m}) and {@value SimulatedUsage#MEMORY_ANNOTATION} (such
	 * as {@code 64Mi}), else a small constant. CPU time accumulates at that rate since
	 * the container started, so a sampler's rate gives the annotated figure back.
	 */
	@Override
	public ContainerStats stats(String id, Map<String, String> podAnnotations, Instant at) {
		Entry entry = this.containers.get(id);
		if (entry == null || entry.details().startedAt() == null) {
			return new ContainerStats(0, 0, 0);
		}
		SimulatedUsage usage = SimulatedUsage.of(podAnnotations);
		// CPU time accumulates at the rate annotated now since the last reading, so a
		// changed annotation changes the next rate and nothing before it. A reading as of
		// an instant before the last one adds nothing and keeps the later instant.
		CpuClock cpu = this.cpuClocks.compute(id,
				(key, before) -> before == null || before.startedAt().isBefore(entry.details().startedAt())
						? new CpuClock(entry.details().startedAt(),
								usage.stats(entry.details().startedAt(), at).cpuUsageNanos(), at)
						: new CpuClock(before.startedAt(),
								before.cpuNanos() + usage.stats(before.readAt(), at).cpuUsageNanos(),
								at.isAfter(before.readAt()) ? at : before.readAt()));
		return new ContainerStats(cpu.cpuNanos(), usage.memoryBytes(), usage.memoryBytes());
	}

	/** The CPU time a simulated container has used as of {@code readAt}. */
	private record CpuClock(Instant startedAt, long cpuNanos, Instant readAt) {
	}

	private String newId() {
		return String.format("sim%061x", this.ids.incrementAndGet());
	}

	private static String imageId(String image) {
		return String.format("sha256:%064x", image.hashCode() & 0xffffffffL);
	}

	/** A container and the instant its process ends by itself, if it does. */
	private record Entry(ContainerDetails details, SimulatedProcess process, Instant endsAt) {

		Entry started(Instant now) {
			Instant end = this.process.endsByItself() ? now.plus(this.process.runFor()) : null;
			return new Entry(with(this.details, "running", 0, now, null), this.process, end).settle(now);
		}

		/** The process ended by itself if its time has come. */
		Entry settle(Instant now) {
			if (this.endsAt != null && this.details.running() && !now.isBefore(this.endsAt)) {
				return new Entry(
						with(this.details, "exited", this.process.exitCode(), this.details.startedAt(), this.endsAt),
						this.process, null);
			}
			return this;
		}

		Entry stopped(int code, Instant now) {
			if (!this.details.running()) {
				return this;
			}
			return new Entry(with(this.details, "exited", code, this.details.startedAt(), now), this.process, null);
		}

		private static ContainerDetails with(ContainerDetails c, String state, int exit, Instant started,
				Instant finished) {
			return new ContainerDetails(c.id(), c.name(), c.image(), c.imageId(), c.labels(), state, exit, false,
					c.error(), c.createdAt(), started, finished, c.ip());
		}

	}

}
