package io.stevedore.nodeagent.runtime.docker;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Image;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Statistics;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.stevedore.nodeagent.runtime.ContainerDetails;
import io.stevedore.nodeagent.runtime.ContainerRuntime;
import io.stevedore.nodeagent.runtime.ContainerSpec;
import io.stevedore.nodeagent.runtime.ContainerStats;
import io.stevedore.nodeagent.runtime.ContainerSummary;
import io.stevedore.nodeagent.runtime.ExecResult;
import io.stevedore.nodeagent.runtime.ImagePullException;
import io.stevedore.nodeagent.runtime.ImageSummary;
import io.stevedore.nodeagent.runtime.LogOptions;
import io.stevedore.nodeagent.runtime.RegistryAuth;
import io.stevedore.nodeagent.runtime.RuntimeInfo;
import io.stevedore.nodeagent.runtime.RuntimeLabels;
import io.stevedore.nodeagent.runtime.RuntimeUnavailableException;
import io.stevedore.nodeagent.runtime.RuntimeUnreachableException;
import io.stevedore.nodeagent.runtime.Sandbox;
import io.stevedore.nodeagent.runtime.SandboxSpec;
import io.stevedore.nodeagent.runtime.StreamSession;

/**
 * {@link ContainerRuntime} on the Docker Engine through docker-java. The only class that
 * knows Docker's API: what Docker says is translated into the port's records here, and
 * every unexpected Docker failure becomes a {@link RuntimeUnavailableException}.
 * <p>
 * Threading: docker-java's client is thread-safe; so is this adapter.
 */
public final class DockerContainerRuntime implements ContainerRuntime, Closeable {

	private static final String NEVER = "0001-01-01T00:00:00Z";

	/**
	 * The ceiling on a short call's wait for the engine
	 * (stevedore.node.docker-call-timeout).
	 */
	public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration LONG_CALL_TIMEOUT = Duration.ofMinutes(10);

	private final Duration callTimeout;

	/** Short calls, answered within the call timeout or failed. */
	private final DockerClient docker;

	/** Pulls, logs, stops and exec output: as long as they take (up to ten minutes). */
	private final DockerClient longDocker;

	private final String dockerHost;

	private final String cluster;

	private final CgroupStats cgroups = new CgroupStats(java.nio.file.Path.of("/sys/fs/cgroup"));

	/**
	 * Each container's cgroup parent by id, empty for Docker's default: its cgroup files
	 * are found under it. Learnt at create, or from one inspect for a container made
	 * before this process started.
	 */
	private final Map<String, String> cgroupParents = new java.util.concurrent.ConcurrentHashMap<>();

	/** The engine's data root once it said it; null before. */
	private volatile Path dataRoot;

	/**
	 * @param dockerHost the engine
	 * @param cluster this agent's cluster: every container it creates is labelled with it
	 * and every listing is filtered on it, so this runtime sees nothing of another
	 * cluster on the same engine
	 */
	public DockerContainerRuntime(String dockerHost, String cluster) {
		this(dockerHost, cluster, DEFAULT_CALL_TIMEOUT);
	}

	/**
	 * @param dockerHost the engine
	 * @param cluster this agent's cluster (see above)
	 * @param callTimeout how long a short call (inspect, list, create, start, remove...)
	 * waits for the engine's answer: a hung engine then fails the call (and, through the
	 * breaker, turns the node NotReady) instead of blocking a sync worker for good
	 */
	public DockerContainerRuntime(String dockerHost, String cluster, Duration callTimeout) {
		this.dockerHost = dockerHost;
		this.cluster = RuntimeLabels.checkClusterName(cluster);
		DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
			.withDockerHost(dockerHost)
			.build();
		this.callTimeout = callTimeout;
		this.docker = client(config, callTimeout);
		// The response timeout bounds calls to a tcp:// engine; on the unix socket it
		// does not reach the channel, and within() bounds the short calls instead.
		// Pulls, followed logs and stops (which last the pod's grace period) are long by
		// nature: they keep the old ceiling on their own connection pool.
		this.longDocker = client(config, LONG_CALL_TIMEOUT);
	}

	private static DockerClient client(DefaultDockerClientConfig config, Duration responseTimeout) {
		ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder().dockerHost(config.getDockerHost())
			.sslConfig(config.getSSLConfig())
			.maxConnections(200)
			.connectionTimeout(Duration.ofSeconds(5))
			.responseTimeout(responseTimeout)
			.build();
		return DockerClientImpl.getInstance(config, http);
	}

	@Override
	public RuntimeInfo info() {
		return call("info", () -> {
			Info info = this.docker.infoCmd().exec();
			return new RuntimeInfo("docker", info.getServerVersion(), info.getOperatingSystem(),
					info.getKernelVersion(), info.getOsType(), goArch(info.getArchitecture()), info.getNCPU(),
					info.getMemTotal(), cgroupDriver(info));
		});
	}

	@Override
	public boolean imagePresent(String image) {
		return call("inspect image " + image, () -> {
			try {
				this.docker.inspectImageCmd(image).exec();
				return true;
			}
			catch (NotFoundException ex) {
				return false;
			}
		});
	}

	@Override
	public void pullImage(String image, RegistryAuth auth) throws ImagePullException {
		ImageReference reference = ImageReference.parse(image);
		var pull = this.longDocker.pullImageCmd(reference.repository()).withTag(reference.tagOrDigest());
		if (auth != null) {
			pull.withAuthConfig(new AuthConfig().withRegistryAddress(auth.registry())
				.withUsername(auth.username())
				.withPassword(auth.password()));
		}
		PullCallback callback = new PullCallback();
		try {
			pull.exec(callback).awaitCompletion();
			if (callback.error != null) {
				throw callback.error;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ImagePullException("interrupted while pulling " + image, ex);
		}
		catch (RuntimeException ex) {
			throw new ImagePullException(dockerMessage(ex), ex);
		}
		if (!imagePresent(image)) {
			throw new ImagePullException("pull of " + image + " ended without the image", null);
		}
	}

	@Override
	public List<ImageSummary> listImages() {
		return call("list images", () -> {
			List<ImageSummary> images = new ArrayList<>();
			for (Image image : this.docker.listImagesCmd().exec()) {
				List<String> names = new ArrayList<>();
				names.addAll(nonNull(image.getRepoDigests()).stream().filter(n -> !n.startsWith("<none>")).toList());
				names.addAll(nonNull(image.getRepoTags()).stream().filter(n -> !n.startsWith("<none>")).toList());
				images.add(new ImageSummary(image.getId(), names, image.getSize() == null ? 0 : image.getSize()));
			}
			images.sort(Comparator.comparingLong(ImageSummary::sizeBytes).reversed());
			return images;
		});
	}

	@Override
	public Set<String> imagesInUse() {
		return call("list containers' images", () -> {
			Set<String> ids = new HashSet<>();
			for (Container container : this.docker.listContainersCmd().withShowAll(true).exec()) {
				if (container.getImageId() != null) {
					ids.add(container.getImageId());
				}
			}
			return ids;
		});
	}

	@Override
	public void removeImage(ImageSummary image) {
		// By name first: removing an id that several names share needs force, which would
		// also take an image a container still uses.
		List<String> refs = new ArrayList<>(image.names().stream().filter(n -> !n.contains("@")).toList());
		refs.add(image.id());
		for (String ref : refs) {
			call("remove image " + ref, () -> {
				try {
					this.docker.removeImageCmd(ref).exec();
				}
				catch (NotFoundException ex) {
					// gone with its last name, or removed by another agent on this engine
				}
				return null;
			});
		}
	}

	@Override
	public Optional<Path> dataRoot() {
		// The engine's data root does not move while it runs: asked until it answers
		// once (an eviction's layer lookups would ask per container).
		Path known = this.dataRoot;
		if (known == null) {
			String root = call("info", () -> this.docker.infoCmd().exec().getDockerRootDir());
			if (root == null || root.isEmpty()) {
				return Optional.empty();
			}
			known = Path.of(root);
			this.dataRoot = known;
		}
		return Optional.of(known);
	}

	@Override
	public String createSandbox(SandboxSpec spec) {
		return call("create sandbox " + spec.name(), () -> {
			HostConfig host = HostConfig.newHostConfig()
				.withNetworkMode(spec.hostNetwork() ? "host" : spec.network())
				// Docker's default IPC namespace is private: the pod's containers could
				// not join it.
				.withIpcMode("shareable");
			CreateContainerCmd create = this.docker.createContainerCmd(spec.image())
				.withName(spec.name())
				.withLabels(RuntimeLabels.inCluster(this.cluster, spec.labels()))
				.withEntrypoint(spec.command());
			if (!spec.hostNetwork()) {
				create.withHostName(spec.hostname());
				// Docker writes "<ip> <hostname>.<domain> <hostname>" into the hosts
				// file every container of the pod shares, and the aliases above it.
				if (!spec.domain().isEmpty()) {
					create.withDomainName(spec.domain());
				}
				List<String> extraHosts = new ArrayList<>();
				for (SandboxSpec.HostAlias alias : spec.hostAliases()) {
					alias.hostnames().forEach(name -> extraHosts.add(name + ":" + alias.ip()));
				}
				if (!extraHosts.isEmpty()) {
					host.withExtraHosts(extraHosts.toArray(String[]::new));
				}
			}
			if (!spec.portBindings().isEmpty() && !spec.hostNetwork()) {
				Ports ports = new Ports();
				List<ExposedPort> exposed = new ArrayList<>();
				for (SandboxSpec.PortBinding binding : spec.portBindings()) {
					ExposedPort port = new ExposedPort(binding.containerPort(),
							InternetProtocol.parse(binding.protocol().toLowerCase()));
					exposed.add(port);
					ports.bind(port, Ports.Binding.bindIpAndPort(binding.hostIp().isEmpty() ? null : binding.hostIp(),
							binding.hostPort()));
				}
				create.withExposedPorts(exposed);
				host.withPortBindings(ports);
			}
			if (spec.cgroupParent() != null) {
				host.withCgroupParent(spec.cgroupParent());
			}
			return remember(create.withHostConfig(host).exec().getId(), spec.cgroupParent());
		});
	}

	private String remember(String id, String cgroupParent) {
		this.cgroupParents.put(id, cgroupParent == null ? "" : cgroupParent);
		return id;
	}

	private String cgroupParent(String id) {
		String known = this.cgroupParents.get(id);
		if (known != null) {
			return known;
		}
		// Asked outside the map: an engine call must not hold the map's lock.
		try {
			String parent = call("inspect " + id, () -> this.docker.inspectContainerCmd(id).exec()).getHostConfig()
				.getCgroupParent();
			remember(id, parent);
			return parent == null ? "" : parent;
		}
		catch (RuntimeException ex) {
			// gone, or the engine away: Docker's default place, asked again next time
			return "";
		}
	}

	private static String cgroupDriver(Info info) {
		return info.getCGroupDriver() == null ? "" : info.getCGroupDriver();
	}

	@Override
	public Sandbox startSandbox(String id) {
		return call("start sandbox " + id, () -> {
			try {
				this.docker.startContainerCmd(id).exec();
			}
			catch (RuntimeException ex) {
				removeQuietly(id);
				throw ex;
			}
			// A host-network sandbox has no address of its own: ip() finds none.
			return new Sandbox(id, ip(this.docker.inspectContainerCmd(id).exec()));
		});
	}

	@Override
	public String createContainer(ContainerSpec spec) {
		return call("create container " + spec.name(), () -> {
			List<Bind> binds = spec.mounts()
				.stream()
				.map(m -> new Bind(m.hostPath(), new Volume(m.containerPath()),
						m.readOnly() ? com.github.dockerjava.api.model.AccessMode.ro
								: com.github.dockerjava.api.model.AccessMode.rw))
				.toList();
			String joined = "container:" + spec.sandboxId();
			HostConfig host = HostConfig.newHostConfig().withNetworkMode(joined).withIpcMode(joined).withBinds(binds);
			if (spec.pidNamespaceOf() != null) {
				host.withPidMode("container:" + spec.pidNamespaceOf());
			}
			ContainerSpec.Resources resources = spec.resources();
			if (resources.cpuShares() > 0) {
				host.withCpuShares((int) resources.cpuShares());
			}
			if (resources.cpuQuotaMicros() > 0) {
				host.withCpuQuota(resources.cpuQuotaMicros()).withCpuPeriod(resources.cpuPeriodMicros());
			}
			if (resources.memoryBytes() > 0) {
				// No swap beyond the limit, as the kubelet runs containers.
				host.withMemory(resources.memoryBytes()).withMemorySwap(resources.memoryBytes());
			}
			if (spec.cgroupParent() != null) {
				host.withCgroupParent(spec.cgroupParent());
			}
			CreateContainerCmd create = this.docker.createContainerCmd(spec.image())
				.withName(spec.name())
				.withLabels(RuntimeLabels.inCluster(this.cluster, spec.labels()))
				.withEnv(spec.env())
				.withTty(spec.tty())
				.withStdinOpen(spec.stdin())
				.withStdInOnce(spec.stdinOnce())
				.withHostConfig(host);
			if (!spec.entrypoint().isEmpty()) {
				create.withEntrypoint(spec.entrypoint());
				// Kubernetes: a command without args runs without the image's CMD.
				create.withCmd(spec.cmd());
			}
			else if (!spec.cmd().isEmpty()) {
				create.withCmd(spec.cmd());
			}
			if (spec.workingDir() != null && !spec.workingDir().isEmpty()) {
				create.withWorkingDir(spec.workingDir());
			}
			return remember(create.exec().getId(), spec.cgroupParent());
		});
	}

	@Override
	public void startContainer(String id) {
		call("start container " + id, () -> {
			try {
				this.docker.startContainerCmd(id).exec();
			}
			catch (NotModifiedException ex) {
				// already running
			}
			return null;
		});
	}

	@Override
	public void stopContainer(String id, Duration grace) {
		longCall("stop container " + id, () -> {
			try {
				this.longDocker.stopContainerCmd(id).withTimeout((int) Math.max(0, grace.toSeconds())).exec();
			}
			catch (NotModifiedException | NotFoundException ex) {
				// already stopped or gone
			}
			return null;
		});
	}

	@Override
	public void removeContainer(String id) {
		this.cgroupParents.remove(id);
		call("remove container " + id, () -> {
			try {
				this.docker.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
			}
			catch (NotFoundException ex) {
				// gone already
			}
			catch (DockerException ex) {
				// "removal already in progress" is as good as removed.
				if (ex.getMessage() == null || !ex.getMessage().contains("already in progress")) {
					throw ex;
				}
			}
			return null;
		});
	}

	@Override
	public Optional<ContainerDetails> inspectContainer(String id) {
		return call("inspect container " + id, () -> {
			try {
				return Optional.of(details(this.docker.inspectContainerCmd(id).exec()));
			}
			catch (NotFoundException ex) {
				return Optional.empty();
			}
		});
	}

	@Override
	public List<ContainerSummary> listContainers(Map<String, String> labels) {
		return call("list containers", () -> {
			List<ContainerSummary> result = new ArrayList<>();
			for (Container container : this.docker.listContainersCmd()
				.withShowAll(true)
				.withLabelFilter(RuntimeLabels.inCluster(this.cluster, labels))
				.exec()) {
				String name = container.getNames() == null || container.getNames().length == 0 ? ""
						: container.getNames()[0].replaceFirst("^/", "");
				result.add(new ContainerSummary(container.getId(), name,
						container.getLabels() == null ? Map.of() : container.getLabels(), container.getState(),
						container.getCreated() == null ? 0 : container.getCreated()));
			}
			return result;
		});
	}

	@Override
	public ExecResult exec(String id, List<String> command, Duration timeout) {
		return longCall("exec in " + id, () -> {
			String execId = this.docker.execCreateCmd(id)
				.withCmd(command.toArray(String[]::new))
				.withAttachStdout(true)
				.withAttachStderr(true)
				.exec()
				.getId();
			OutputCallback output = new OutputCallback();
			this.longDocker.execStartCmd(execId).exec(output);
			boolean completed;
			try {
				completed = output.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				completed = false;
			}
			finally {
				closeQuietly(output);
			}
			if (!completed) {
				return new ExecResult(-1, output.text(), true);
			}
			Long exit = this.docker.inspectExecCmd(execId).exec().getExitCodeLong();
			return new ExecResult(exit == null ? -1 : exit.intValue(), output.text(), false);
		});
	}

	@Override
	public StreamSession execStream(String id, List<String> command, boolean stdin, boolean tty) {
		String execId = call("exec in " + id,
				() -> this.docker.execCreateCmd(id)
					.withCmd(command.toArray(String[]::new))
					.withAttachStdin(stdin)
					.withAttachStdout(true)
					.withAttachStderr(true)
					.withTty(tty)
					.exec()
					.getId());
		HijackedStream stream = hijack("exec in " + id, "/exec/" + execId + "/start",
				"{\"Detach\":false,\"Tty\":" + tty + "}", !tty);
		return new DockerStreamSession(stream, (w, h) -> this.docker.resizeExecCmd(execId).withSize(h, w).exec(),
				() -> {
					// The stream ends a moment before the engine records the exit.
					for (int i = 0; i < 100; i++) {
						var inspected = this.docker.inspectExecCmd(execId).exec();
						if (!Boolean.TRUE.equals(inspected.isRunning()) && inspected.getExitCodeLong() != null) {
							return inspected.getExitCodeLong().intValue();
						}
						sleep(Duration.ofMillis(20));
					}
					return null;
				});
	}

	@Override
	public StreamSession attachStream(String id, boolean stdin, boolean tty) {
		// Without stdinOnce the container's stdin outlives this client (Kubernetes'
		// meaning): the end of the client's input is not passed on, since Docker would
		// end the attached output at once, before what the input asked for is printed.
		boolean stdinOnce = call("inspect container " + id,
				() -> Boolean.TRUE.equals(this.docker.inspectContainerCmd(id).exec().getConfig().getStdInOnce()));
		HijackedStream stream = hijack("attach to " + id,
				"/containers/" + id + "/attach?stream=1&stdout=1&stderr=1&stdin=" + (stdin ? 1 : 0), null, !tty);
		return new DockerStreamSession(stream, (w, h) -> this.docker.resizeContainerCmd(id).withSize(h, w).exec(),
				() -> null, !stdinOnce);
	}

	private HijackedStream hijack(String what, String path, String body, boolean multiplexed) {
		try {
			return HijackedStream.open(this.dockerHost, path, body, multiplexed);
		}
		catch (java.io.IOException ex) {
			throw new RuntimeUnreachableException(what + ": " + ex.getMessage(), ex);
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void logs(String id, LogOptions options, java.io.OutputStream out) {
		longCall("logs of " + id, () -> {
			var command = this.longDocker.logContainerCmd(id)
				.withStdOut(true)
				.withStdErr(true)
				.withTimestamps(options.timestamps())
				.withFollowStream(options.follow());
			if (options.tailLines() >= 0) {
				command.withTail(options.tailLines());
			}
			if (options.since() != null) {
				command.withSince((int) options.since().getEpochSecond());
			}
			StreamingCallback output = new StreamingCallback(out);
			try {
				command.exec(output).awaitCompletion();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				closeQuietly(output);
			}
			return null;
		});
	}

	@Override
	public long writableLayerBytes(String id) {
		// The size costs the engine a walk of the layer: only asked when choosing a pod
		// to
		// evict for the disk.
		Long size = call("size of " + id, () -> this.docker.inspectContainerCmd(id).withSize(true).exec().getSizeRw());
		return size == null ? 0 : size;
	}

	@Override
	public long processes(String id) {
		// Docker's ids in the cgroup paths are the full ones.
		String full = id.length() == 64 ? id
				: call("inspect " + id, () -> this.docker.inspectContainerCmd(id).exec().getId());
		return Math.max(0, this.cgroups.processes(full, cgroupParent(full)));
	}

	@Override
	public Optional<Path> writableLayerDir(String id) {
		// docker-java's GraphData predates overlay2 and drops its UpperDir: the layer's
		// directory is found as the engine keeps it, from the container's mount id.
		var container = call("inspect " + id, () -> this.docker.inspectContainerCmd(id).exec());
		Optional<Path> root = dataRoot();
		if (root.isEmpty() || container.getGraphDriver() == null
				|| !"overlay2".equals(container.getGraphDriver().getName())) {
			return Optional.empty();
		}
		try {
			String mountId = Files.readString(
					root.get().resolve("image/overlay2/layerdb/mounts").resolve(container.getId()).resolve("mount-id"))
				.strip();
			Path upper = root.get().resolve("overlay2").resolve(mountId).resolve("diff");
			return Files.isDirectory(upper) ? Optional.of(upper) : Optional.empty();
		}
		catch (IOException ex) {
			// An engine on another host, or its data root not readable from here.
			return Optional.empty();
		}
	}

	@Override
	public ContainerStats stats(String id) {
		// The cgroup files cost a few reads; Docker's stats API costs a round trip and,
		// for a running container, up to a second of the engine sampling. The files are
		// not readable when the agent runs in a container without the host's cgroupfs.
		ContainerStats fromCgroup = this.cgroups.read(id, cgroupParent(id));
		if (fromCgroup != null) {
			return fromCgroup;
		}
		return call("stats of " + id, () -> {
			StatsCallback callback = new StatsCallback();
			this.docker.statsCmd(id).withNoStream(true).exec(callback);
			Statistics stats;
			try {
				stats = callback.first(Duration.ofSeconds(10));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				stats = null;
			}
			if (stats == null) {
				return new ContainerStats(0, 0);
			}
			long cpu = stats.getCpuStats() != null && stats.getCpuStats().getCpuUsage() != null
					&& stats.getCpuStats().getCpuUsage().getTotalUsage() != null
							? stats.getCpuStats().getCpuUsage().getTotalUsage() : 0;
			long usage = stats.getMemoryStats() != null && stats.getMemoryStats().getUsage() != null
					? stats.getMemoryStats().getUsage() : 0;
			long inactive = 0;
			if (stats.getMemoryStats() != null && stats.getMemoryStats().getStats() != null) {
				Long file = stats.getMemoryStats().getStats().getTotalInactiveFile();
				if (file == null) {
					file = stats.getMemoryStats().getStats().getInactiveFile();
				}
				inactive = file == null ? 0 : file;
			}
			// cAdvisor's working set: usage minus inactive file cache.
			return new ContainerStats(cpu, Math.max(0, usage - inactive), usage);
		});
	}

	/**
	 * Makes sure the pod network exists: a Docker bridge shared by every agent on this
	 * engine.
	 */
	public void ensureNetwork(String name) {
		call("ensure network " + name, () -> {
			boolean exists = this.docker.listNetworksCmd()
				.withNameFilter(name)
				.exec()
				.stream()
				.anyMatch(n -> name.equals(n.getName()));
			if (!exists) {
				try {
					this.docker.createNetworkCmd()
						.withName(name)
						.withDriver("bridge")
						.withLabels(Map.of("io.stevedore.network", "pods"))
						.exec();
				}
				catch (com.github.dockerjava.api.exception.ConflictException ex) {
					// another agent on this engine created it first
				}
			}
			return null;
		});
	}

	@Override
	public void close() throws IOException {
		try {
			this.docker.close();
		}
		finally {
			this.longDocker.close();
		}
	}

	private static ContainerDetails details(InspectContainerResponse inspected) {
		InspectContainerResponse.ContainerState state = inspected.getState();
		Long exit = state.getExitCodeLong();
		return new ContainerDetails(inspected.getId(), inspected.getName().replaceFirst("^/", ""),
				inspected.getConfig().getImage(), inspected.getImageId(),
				inspected.getConfig().getLabels() == null ? Map.of() : inspected.getConfig().getLabels(),
				state.getStatus(), exit == null ? 0 : exit.intValue(), Boolean.TRUE.equals(state.getOOMKilled()),
				state.getError() == null ? "" : state.getError(), instant(inspected.getCreated()),
				instant(state.getStartedAt()), instant(state.getFinishedAt()), ip(inspected));
	}

	private static String ip(InspectContainerResponse inspected) {
		if (inspected.getNetworkSettings() == null || inspected.getNetworkSettings().getNetworks() == null) {
			return null;
		}
		return inspected.getNetworkSettings()
			.getNetworks()
			.values()
			.stream()
			.map(ContainerNetwork::getIpAddress)
			.filter(ip -> ip != null && !ip.isEmpty())
			.findFirst()
			.orElse(null);
	}

	private static Instant instant(String time) {
		if (time == null || time.isEmpty() || NEVER.equals(time)) {
			return null;
		}
		return Instant.parse(time);
	}

	/** Docker says x86_64; Kubernetes (Go) says amd64. */
	static String goArch(String architecture) {
		if (architecture == null) {
			return "";
		}
		return switch (architecture) {
			case "x86_64" -> "amd64";
			case "aarch64" -> "arm64";
			case "armv7l" -> "arm";
			default -> architecture;
		};
	}

	private static String dockerMessage(Throwable ex) {
		String message = ex.getMessage() == null ? ex.toString() : ex.getMessage();
		// docker-java wraps the engine's JSON: {"message":"..."}
		int start = message.indexOf("{\"message\":\"");
		if (start >= 0) {
			int from = start + 12;
			int end = message.indexOf("\"}", from);
			if (end > from) {
				return message.substring(from, end).replace("\\\"", "\"");
			}
		}
		return message.strip();
	}

	private void removeQuietly(String id) {
		try {
			this.docker.removeContainerCmd(id).withForce(true).exec();
		}
		catch (RuntimeException ex) {
			// best effort: the sync loop lists and removes leftovers anyway
		}
	}

	private static void closeQuietly(Closeable closeable) {
		try {
			closeable.close();
		}
		catch (IOException ex) {
			// nothing to do
		}
	}

	private static <T> List<T> nonNull(T[] array) {
		return array == null ? List.of() : Arrays.asList(array);
	}

	/** A short call: answered within the call timeout, or the engine counts as down. */
	private <T> T call(String what, DockerCall<T> call) {
		return call(what, this.callTimeout, call);
	}

	/**
	 * A call that lasts as long as it must (logs, exec output, a stop's grace period).
	 */
	private <T> T longCall(String what, DockerCall<T> call) {
		return call(what, null, call);
	}

	private <T> T call(String what, Duration timeout, DockerCall<T> call) {
		try {
			return (timeout != null) ? within(timeout, call) : call.run();
		}
		catch (NotFoundException | com.github.dockerjava.api.exception.ConflictException
				| com.github.dockerjava.api.exception.BadRequestException ex) {
			// The engine understood and refused: the caller reports the engine's words.
			throw new RuntimeUnavailableException(what + ": " + dockerMessage(ex), ex);
		}
		catch (DockerException ex) {
			throw new RuntimeUnavailableException(what + ": " + dockerMessage(ex), ex);
		}
		catch (RuntimeException ex) {
			throw new RuntimeUnreachableException(
					what + ": Docker engine at " + this.dockerHost + " not reachable: " + dockerMessage(ex), ex);
		}
	}

	/**
	 * Runs the call on a virtual thread and waits at most {@code timeout}. docker-java's
	 * response timeout does not reach its unix-socket channel (a read on a hung engine's
	 * socket blocks for good), so the wait is bounded here; the interrupt closes the
	 * blocked channel, which ends the call's thread too.
	 */
	private static <T> T within(Duration timeout, DockerCall<T> call) {
		FutureTask<T> task = new FutureTask<>(call::run);
		Thread.ofVirtual().name("docker-call").start(task);
		try {
			return task.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			task.cancel(true);
			throw new IllegalStateException("no answer within " + timeout.toMillis() + " ms", ex);
		}
		catch (InterruptedException ex) {
			task.cancel(true);
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting for the engine", ex);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException failure) {
				throw failure;
			}
			if (ex.getCause() instanceof Error error) {
				throw error;
			}
			throw new IllegalStateException(ex.getCause());
		}
	}

	@FunctionalInterface
	private interface DockerCall<T> {

		T run();

	}

	private static final class OutputCallback extends ResultCallback.Adapter<Frame> {

		private final StringBuilder text = new StringBuilder();

		@Override
		public void onNext(Frame frame) {
			synchronized (this.text) {
				this.text.append(new String(frame.getPayload(), java.nio.charset.StandardCharsets.UTF_8));
			}
		}

		String text() {
			synchronized (this.text) {
				return this.text.toString();
			}
		}

	}

	/**
	 * Copies log frames to the reader as they arrive; a failed write (the reader went
	 * away) ends the stream, which also ends a follow.
	 */
	private static final class StreamingCallback extends ResultCallback.Adapter<Frame> {

		private final java.io.OutputStream out;

		StreamingCallback(java.io.OutputStream out) {
			this.out = out;
		}

		@Override
		public void onNext(Frame frame) {
			try {
				this.out.write(frame.getPayload());
				this.out.flush();
			}
			catch (IOException ex) {
				closeQuietly(this);
			}
		}

	}

	/** Keeps a failed pull's error for the caller instead of logging it at ERROR. */
	private static final class PullCallback
			extends ResultCallback.Adapter<com.github.dockerjava.api.model.PullResponseItem> {

		private volatile RuntimeException error;

		@Override
		public void onError(Throwable throwable) {
			this.error = throwable instanceof RuntimeException runtime ? runtime
					: new RuntimeException(throwable.getMessage(), throwable);
			closeQuietly(this);
			onComplete();
		}

	}

	private static final class StatsCallback extends ResultCallback.Adapter<Statistics> {

		private final java.util.concurrent.CompletableFuture<Statistics> first = new java.util.concurrent.CompletableFuture<>();

		@Override
		public void onNext(Statistics statistics) {
			this.first.complete(statistics);
		}

		@Override
		public void onComplete() {
			this.first.complete(null);
			super.onComplete();
		}

		Statistics first(Duration timeout) throws InterruptedException {
			try {
				return this.first.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
				return null;
			}
			finally {
				closeQuietly(this);
			}
		}

	}

}
