package io.stevedore.nodeagent.pod;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.HostAlias;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.stevedore.client.controller.Keys;
import io.stevedore.client.controller.Reconciler;
import io.stevedore.client.controller.Result;
import io.stevedore.nodeagent.eviction.EvictedStatus;
import io.stevedore.nodeagent.eviction.Evictions;
import io.stevedore.nodeagent.pod.dns.DnsConfigurer;
import io.stevedore.nodeagent.pod.dns.PodHostname;
import io.stevedore.nodeagent.pod.hooks.LifecycleHooks;
import io.stevedore.nodeagent.pod.removal.EndpointRemovalGate;
import io.stevedore.nodeagent.pod.probe.ProbeManager;
import io.stevedore.nodeagent.runtime.ContainerDetails;
import io.stevedore.nodeagent.runtime.ContainerRuntime;
import io.stevedore.nodeagent.runtime.ContainerSpec;
import io.stevedore.nodeagent.runtime.ContainerSummary;
import io.stevedore.nodeagent.runtime.ImagePullException;
import io.stevedore.nodeagent.runtime.RuntimeLabels;
import io.stevedore.nodeagent.runtime.RuntimeUnavailableException;
import io.stevedore.nodeagent.runtime.Sandbox;
import io.stevedore.nodeagent.runtime.SandboxSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pod's sync (the kubelet's {@code SyncPod}): compares the pod bound to this node
 * with the containers the engine holds for it, labelled with its uid, and acts: a sandbox
 * that owns the network namespace, init containers one by one to success, then the app
 * containers, restarted per restartPolicy with CrashLoopBackOff, and the ephemeral
 * containers kubectl debug adds, started once. Then it writes the pod's status if it
 * changed.
 * <p>
 * Because everything is found again through labels, a restarted agent adopts what runs: a
 * running container is left alone, a container of a pod that is gone (or an older pod
 * with the same name) is removed. A pod being deleted is stopped with its grace period,
 * its containers removed, and then deleted for good.
 * <p>
 * Threading: called by the controller's workers, never twice at once for one pod.
 */
public final class PodSyncer implements Reconciler {

	private static final Logger log = LoggerFactory.getLogger(PodSyncer.class);

	private final Function<String, Pod> pods;

	private final ContainerRuntime runtime;

	private final String nodeName;

	private final String hostIp;

	private final SandboxSettings sandbox;

	private final ImageManager images;

	private final EnvResolver env;

	private final VolumeManager volumes;

	private final ProbeManager probes;

	private final BackOff crashBackOff;

	private final PodApi api;

	private final Clock clock;

	private final Duration resyncPeriod;

	private final DnsConfigurer dns;

	private final EndpointRemovalGate removal;

	private final LifecycleHooks hooks;

	private final Evictions evictions;

	private final RepeatedEvents repeats;

	private final PodCgroups cgroups;

	public PodSyncer(Function<String, Pod> pods, ContainerRuntime runtime, String nodeName, String hostIp,
			SandboxSettings sandbox, ImageManager images, EnvResolver env, VolumeManager volumes, ProbeManager probes,
			BackOff crashBackOff, PodApi api, Clock clock, Duration resyncPeriod, DnsConfigurer dns,
			EndpointRemovalGate removal) {
		this(pods, runtime, nodeName, hostIp, sandbox, images, env, volumes, probes, crashBackOff, api, clock,
				resyncPeriod, dns, removal, Evictions.NONE);
	}

	/**
	 * @param evictions the pods the eviction manager chose, and the admission of new pods
	 * under node pressure
	 */
	public PodSyncer(Function<String, Pod> pods, ContainerRuntime runtime, String nodeName, String hostIp,
			SandboxSettings sandbox, ImageManager images, EnvResolver env, VolumeManager volumes, ProbeManager probes,
			BackOff crashBackOff, PodApi api, Clock clock, Duration resyncPeriod, DnsConfigurer dns,
			EndpointRemovalGate removal, Evictions evictions) {
		this(pods, runtime, nodeName, hostIp, sandbox, images, env, volumes, probes, crashBackOff, api, clock,
				resyncPeriod, dns, removal, evictions, PodCgroups.NONE);
	}

	/**
	 * @param cgroups the pod cgroups every container of a pod runs under
	 */
	public PodSyncer(Function<String, Pod> pods, ContainerRuntime runtime, String nodeName, String hostIp,
			SandboxSettings sandbox, ImageManager images, EnvResolver env, VolumeManager volumes, ProbeManager probes,
			BackOff crashBackOff, PodApi api, Clock clock, Duration resyncPeriod, DnsConfigurer dns,
			EndpointRemovalGate removal, Evictions evictions, PodCgroups cgroups) {
		this.cgroups = cgroups;
		this.evictions = evictions;
		this.dns = dns;
		this.removal = removal;
		this.pods = pods;
		this.runtime = runtime;
		this.nodeName = nodeName;
		this.hostIp = hostIp;
		this.sandbox = sandbox;
		this.images = images;
		this.env = env;
		this.volumes = volumes;
		this.probes = probes;
		this.crashBackOff = crashBackOff;
		this.api = api;
		this.clock = clock;
		this.resyncPeriod = resyncPeriod;
		this.hooks = new LifecycleHooks(runtime);
		this.repeats = new RepeatedEvents(clock);
	}

	@Override
	public Result reconcile(String key) {
		String namespace = Keys.namespace(key);
		String name = Keys.name(key);
		Pod pod = this.pods.apply(key);
		SyncSteps steps = new SyncSteps(log);
		List<ContainerSummary> listed = this.runtime.listContainers(Map.of(RuntimeLabels.NODE, this.nodeName,
				RuntimeLabels.POD_NAMESPACE, namespace, RuntimeLabels.POD_NAME, name));
		steps.mark("list");
		String uid = pod == null ? null : pod.getMetadata().getUid();
		List<ContainerSummary> mine = new ArrayList<>();
		Set<String> orphanUids = new HashSet<>();
		for (ContainerSummary container : listed) {
			if (Objects.equals(uid, container.labels().get(RuntimeLabels.POD_UID))) {
				mine.add(container);
			}
			else {
				// A pod that is gone, or an older pod of the same name: an orphan.
				log.info("removing orphaned container pod={} container={} id={}", key,
						container.labels().get(RuntimeLabels.CONTAINER_NAME), container.id());
				this.runtime.removeContainer(container.id());
				this.volumes.cleanUp(container.labels().getOrDefault(RuntimeLabels.POD_UID, "none"));
				orphanUids.add(container.labels().getOrDefault(RuntimeLabels.POD_UID, "none"));
			}
		}
		// After the containers: the kernel refuses to remove a cgroup that holds any.
		orphanUids.forEach(this.cgroups::removed);
		if (pod == null) {
			this.probes.retain(key, Set.of());
			return Result.done();
		}
		if (pod.getMetadata().getDeletionTimestamp() != null) {
			terminate(key, pod, mine);
			return Result.done();
		}
		String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
		if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
			// A finished pod runs nothing; its containers stay for logs until it is
			// deleted.
			for (ContainerSummary container : mine) {
				if (container.running()) {
					this.runtime.stopContainer(container.id(), Duration.ZERO);
				}
			}
			this.probes.retain(key, Set.of());
			return Result.done();
		}
		Evictions.Eviction eviction = this.evictions.evicted(pod);
		if (eviction != null) {
			evict(key, pod, mine, eviction);
			return Result.done();
		}
		if (mine.isEmpty() && (pod.getStatus() == null || pod.getStatus().getStartTime() == null)) {
			// Admission, for a pod that never started here: refused under node pressure.
			String rejection = this.evictions.rejection(pod);
			if (rejection != null) {
				reject(pod, rejection);
				return Result.done();
			}
		}
		Observed observed = observe(mine);
		steps.mark("inspect");
		Result result = sync(key, pod, observed, steps);
		steps.log(key);
		return result;
	}

	private Result sync(String key, Pod pod, Observed observed, SyncSteps steps) {
		Map<String, Waiting> waiting = new HashMap<>();
		// Containers this sync created, started or stopped: only they are inspected
		// again for the status (the others' details are those just observed).
		Set<String> touched = new HashSet<>();
		boolean relist = false;
		Deadline wake = new Deadline(this.clock.instant().plus(this.resyncPeriod));
		String podIp = null;
		String sandboxId = null;
		SandboxStart starting = null;
		ContainerDetails running = observed.runningSandbox();
		boolean hostNetwork = Boolean.TRUE.equals(pod.getSpec().getHostNetwork());
		if (running != null) {
			sandboxId = running.id();
			podIp = hostNetwork ? this.hostIp : running.ip();
		}
		else {
			try {
				// A new sandbox after an old one stops and removes containers: list
				// again.
				relist = !observed.sandboxes().isEmpty();
				sandboxId = createSandbox(pod, observed);
				touched.add(sandboxId);
				starting = SandboxStart.begin(this.runtime, sandboxId);
			}
			catch (ImagePullException | RuntimeUnavailableException | IllegalArgumentException
					| UncheckedIOException ex) {
				// IllegalArgumentException: a hostname the pod cannot have (PodHostname).
				// UncheckedIOException: the pod's cgroup could not be made.
				sandboxFailed(pod, waiting, wake, ex);
			}
			steps.mark("sandbox");
		}
		if (sandboxId != null) {
			Map<String, Path> volumePaths = null;
			try {
				volumePaths = this.volumes.setUp(pod);
			}
			catch (VolumeException ex) {
				this.api.event(pod, "Warning", "FailedMount", ex.getMessage(), null);
				allWaiting(pod, waiting, new Waiting("ContainerCreating", ex.getMessage()));
				wake.atMost(this.clock.instant().plusSeconds(2));
			}
			steps.mark("volumes");
			Map<String, EarlyCreate> early = new HashMap<>();
			if (starting != null) {
				try {
					if (volumePaths != null && observed.sandboxes().isEmpty() && observed.byName().isEmpty()) {
						createEarly(new StartContext(pod, sandboxId, hostNetwork ? this.hostIp : null, volumePaths,
								waiting, wake, touched, steps, Map.of()), early);
					}
				}
				finally {
					// Whatever happened above, the start ends within this sync.
					Sandbox started = awaitSandbox(pod, starting, early, waiting, wake);
					sandboxId = started == null ? null : started.id();
					podIp = started == null ? null : hostNetwork ? this.hostIp : started.ip();
				}
				steps.mark("sandboxStart");
			}
			if (sandboxId != null && volumePaths != null) {
				StartContext context = new StartContext(pod, sandboxId, podIp, volumePaths, waiting, wake, touched,
						steps, early);
				boolean initialized = runInitContainers(context, observed);
				if (initialized) {
					runAppContainers(key, context, observed);
				}
				if (starting == null) {
					// Not held back by the init containers: a debugger is for a pod
					// stuck there too.
					runEphemeralContainers(context, observed);
				}
				else if (!EphemeralContainers.of(pod).isEmpty()) {
					// A new sandbox: what was observed of a target ran in the old one.
					// The next sync sees the containers of this one.
					wake.now();
				}
			}
		}
		Observed now = relist
				? observe(this.runtime.listContainers(
						Map.of(RuntimeLabels.NODE, this.nodeName, RuntimeLabels.POD_UID, pod.getMetadata().getUid())))
				: reobserve(observed, touched);
		steps.mark("observe");
		pruneDeadInstances(now);
		Set<String> live = new HashSet<>();
		for (Container container : pod.getSpec().getContainers()) {
			ContainerDetails current = now.current(container.getName());
			if (current != null && current.running()) {
				this.probes.ensure(key, container, current.id(), podIp);
				live.add(current.id());
			}
		}
		this.probes.retain(key, live);
		writeStatus(pod, now, waiting, podIp);
		steps.mark("status");
		if (wake.immediately) {
			return Result.requeueAfter(Duration.ZERO);
		}
		return Result.requeueAfter(Duration.between(this.clock.instant(), wake.at).isNegative() ? Duration.ZERO
				: Duration.between(this.clock.instant(), wake.at));
	}

	private void sandboxFailed(Pod pod, Map<String, Waiting> waiting, Deadline wake, Exception ex) {
		String message = "Failed to create pod sandbox: " + ex.getMessage();
		this.api.event(pod, "Warning", "FailedCreatePodSandBox", message, null);
		allWaiting(pod, waiting, new Waiting("ContainerCreating", message));
		wake.atMost(this.clock.instant().plusSeconds(5));
	}

	/**
	 * Waits for the sandbox's start. When it failed (the runtime removed the sandbox),
	 * the containers created joined to it are removed too: none is left behind, and the
	 * next sync starts over as for a new pod.
	 * @return the started sandbox, or null when its start failed on the engine
	 */
	private Sandbox awaitSandbox(Pod pod, SandboxStart starting, Map<String, EarlyCreate> early,
			Map<String, Waiting> waiting, Deadline wake) {
		try {
			return starting.await();
		}
		catch (RuntimeException ex) {
			for (EarlyCreate created : early.values()) {
				if (created.id() != null) {
					this.runtime.removeContainer(created.id());
				}
			}
			early.clear();
			if (!(ex instanceof RuntimeUnavailableException)) {
				throw ex;
			}
			sandboxFailed(pod, waiting, wake, ex);
			return null;
		}
	}

	/**
	 * While a new pod's sandbox starts, creates the containers this sync starts first:
	 * the first init container, or every app container when there is none. One is left to
	 * its place in the start order when creating it early could change what happens: its
	 * image must be pulled (a pull has its events and back-off), its environment needs
	 * the pod's IP (known once the sandbox runs), or its configuration is wrong (reported
	 * there).
	 */
	private void createEarly(StartContext context, Map<String, EarlyCreate> early) {
		Pod pod = context.pod;
		List<Container> inits = pod.getSpec().getInitContainers() == null ? List.of()
				: pod.getSpec().getInitContainers();
		List<Container> first = inits.isEmpty() ? pod.getSpec().getContainers() : List.of(inits.get(0));
		for (Container container : first) {
			if (!this.images.presentWithoutPull(container)
					|| (context.podIp == null && EnvResolver.needsPodIp(container))) {
				continue;
			}
			ContainerSpec spec;
			try {
				spec = spec(context, container, 0, null);
			}
			catch (ContainerConfigException ex) {
				continue;
			}
			try {
				String id = this.runtime.createContainer(spec);
				context.touched.add(id);
				early.put(container.getName(), new EarlyCreate(id, null));
			}
			catch (RuntimeUnavailableException ex) {
				// Reported when the container's turn comes, as a create failing then.
				early.put(container.getName(), new EarlyCreate(null, ex));
			}
		}
		context.steps.mark("earlyCreate");
	}

	/** Returns the created sandbox's id; it is not started yet. */
	private String createSandbox(Pod pod, Observed observed) throws ImagePullException {
		int attempt = 0;
		if (!observed.sandboxes().isEmpty()) {
			attempt = Observed.restartCount(observed.sandboxes().get(0)) + 1;
			// The network namespace died with the sandbox: containers in it are stopped
			// and start again in the new one, per their restartPolicy.
			this.api.event(pod, "Normal", "SandboxChanged", "Pod sandbox changed, it will be killed and re-created.",
					null);
			for (List<ContainerDetails> instances : observed.byName().values()) {
				for (ContainerDetails instance : instances) {
					if (instance.running()) {
						this.runtime.stopContainer(instance.id(), Duration.ZERO);
					}
				}
			}
			for (ContainerDetails old : observed.sandboxes()) {
				this.runtime.removeContainer(old.id());
			}
		}
		if (!this.images.present(this.sandbox.image())) {
			this.runtime.pullImage(this.sandbox.image(), null);
		}
		Map<String, String> labels = labels(pod, RuntimeLabels.SANDBOX_CONTAINER_NAME, attempt);
		labels.put(RuntimeLabels.TYPE, RuntimeLabels.TYPE_SANDBOX);
		List<SandboxSpec.PortBinding> ports = new ArrayList<>();
		for (Container container : pod.getSpec().getContainers()) {
			if (container.getPorts() == null) {
				continue;
			}
			container.getPorts()
				.stream()
				.filter(p -> p.getHostPort() != null && p.getHostPort() > 0)
				.forEach(p -> ports.add(new SandboxSpec.PortBinding(p.getContainerPort(),
						p.getProtocol() == null ? "tcp" : p.getProtocol().toLowerCase(),
						p.getHostIP() == null ? "" : p.getHostIP(), p.getHostPort())));
		}
		PodHostname hostname = this.dns.hostname(pod);
		List<SandboxSpec.HostAlias> aliases = new ArrayList<>();
		for (HostAlias alias : pod.getSpec().getHostAliases() == null ? List.<HostAlias>of()
				: pod.getSpec().getHostAliases()) {
			if (alias.getIp() != null && alias.getHostnames() != null && !alias.getHostnames().isEmpty()) {
				aliases.add(new SandboxSpec.HostAlias(alias.getIp(), List.copyOf(alias.getHostnames())));
			}
		}
		// The pod's cgroup before its first container, as the kubelet makes it.
		String cgroupParent = this.cgroups.ensure(pod);
		SandboxSpec spec = new SandboxSpec(dockerName(pod, RuntimeLabels.SANDBOX_CONTAINER_NAME, attempt),
				this.sandbox.image(), this.sandbox.command(), labels, this.sandbox.network(),
				Boolean.TRUE.equals(pod.getSpec().getHostNetwork()), hostname.hostname(), hostname.domain(), aliases,
				ports, cgroupParent);
		writeResolvConf(pod, true);
		return this.runtime.createSandbox(spec);
	}

	/**
	 * Forms the pod's resolv.conf (once per sandbox, as the kubelet does, with its
	 * warning events) into the pod's directory; every container bind-mounts it at
	 * /etc/resolv.conf. Docker's own resolv.conf cannot serve: on a user-defined network
	 * it names Docker's embedded resolver, and Docker refuses DNS settings with host
	 * networking.
	 */
	private Path writeResolvConf(Pod pod, boolean withEvents) {
		DnsConfigurer.Result formed = this.dns.configure(pod);
		if (withEvents) {
			for (DnsConfigurer.Warning warning : formed.warnings()) {
				this.api.event(pod, "Warning", warning.reason(), warning.message(), null);
			}
		}
		Path file = resolvConfPath(pod);
		try {
			formed.conf().writeTo(file);
		}
		catch (java.io.IOException ex) {
			throw new RuntimeUnavailableException("cannot write the pod's resolv.conf " + file + ": " + ex, ex);
		}
		return file;
	}

	private Path resolvConfPath(Pod pod) {
		return this.volumes.podDirectory(pod.getMetadata().getUid()).resolve("resolv.conf");
	}

	/**
	 * @return true once every init container has succeeded
	 */
	private boolean runInitContainers(StartContext context, Observed observed) {
		Pod pod = context.pod;
		String policy = restartPolicy(pod);
		boolean anyAppContainer = pod.getSpec()
			.getContainers()
			.stream()
			.anyMatch(c -> observed.current(c.getName()) != null);
		List<Container> inits = pod.getSpec().getInitContainers() == null ? List.of()
				: pod.getSpec().getInitContainers();
		for (int i = 0; i < inits.size(); i++) {
			Container init = inits.get(i);
			ContainerDetails current = observed.current(init.getName());
			if (current == null) {
				if (anyAppContainer) {
					// Adopted pod whose init containers were cleaned up: it was
					// initialized.
					continue;
				}
				start(context, init, "initContainers", i, 0, null);
				return false;
			}
			if (current.running()) {
				return false;
			}
			if (current.exited() && current.exitCode() == 0) {
				continue;
			}
			if (!PodStatusComputer.terminated(current)) {
				context.touched.add(current.id());
				this.runtime.startContainer(current.id());
				return false;
			}
			if ("Never".equals(policy)) {
				return false;
			}
			restartWithBackOff(context, init, "initContainers", i, current);
			return false;
		}
		return true;
	}

	private void runAppContainers(String key, StartContext context, Observed observed) {
		Pod pod = context.pod;
		String policy = restartPolicy(pod);
		List<Container> containers = pod.getSpec().getContainers();
		for (int i = 0; i < containers.size(); i++) {
			Container container = containers.get(i);
			ContainerDetails current = observed.current(container.getName());
			if (current == null) {
				start(context, container, "containers", i, 0, null);
				continue;
			}
			if (current.running()) {
				if (!this.probes.result(current.id(), ProbeManager.Kind.LIVENESS)
						|| !this.probes.result(current.id(), ProbeManager.Kind.STARTUP)
								&& startupFailedForGood(current, container)) {
					String kind = this.probes.result(current.id(), ProbeManager.Kind.LIVENESS) ? "startup" : "liveness";
					this.api.event(pod, "Normal", "Killing",
							"Container " + container.getName() + " failed " + kind + " probe, will be restarted",
							fieldPath("containers", i, container));
					context.touched.add(current.id());
					this.runtime.stopContainer(current.id(), gracePeriod(pod));
					context.wake.now();
				}
				continue;
			}
			if (current.created() && current.error().isEmpty()) {
				// Created by an agent that died before starting it.
				context.touched.add(current.id());
				this.runtime.startContainer(current.id());
				continue;
			}
			boolean failed = PodStatusComputer.exitCode(current) != 0;
			boolean restart = "Always".equals(policy) || ("OnFailure".equals(policy) && failed);
			if (restart) {
				restartWithBackOff(context, container, "containers", i, current);
			}
		}
	}

	/**
	 * Starts each ephemeral container (kubectl debug) once and never again, whatever the
	 * restartPolicy: one that ran and exited, or that Docker could not start, stays as it
	 * is. One with a target joins the target's PID namespace, so it sees its processes;
	 * until the target runs it waits, as in the kubelet.
	 */
	private void runEphemeralContainers(StartContext context, Observed observed) {
		List<EphemeralContainer> ephemerals = EphemeralContainers.of(context.pod);
		for (int i = 0; i < ephemerals.size(); i++) {
			EphemeralContainer ephemeral = ephemerals.get(i);
			Container container = EphemeralContainers.asContainer(ephemeral);
			ContainerDetails current = observed.current(container.getName());
			if (current != null) {
				if (current.created() && current.error().isEmpty()) {
					// Created by an agent that died before starting it: it never ran.
					context.touched.add(current.id());
					this.runtime.startContainer(current.id());
				}
				continue;
			}
			String target = EphemeralContainers.target(ephemeral);
			ContainerDetails targetNow = target == null ? null : observed.current(target);
			if (target != null && (targetNow == null || !targetNow.running())) {
				targetNotRunning(context, container, fieldPath(EphemeralContainers.FIELD, i, container), target);
				continue;
			}
			if (targetNow != null && context.touched.contains(targetNow.id())) {
				// Stopped by this sync (a failed probe): joining its PID namespace
				// would fail for good. The next sync sees what replaced it.
				context.wake.now();
				continue;
			}
			start(context, container, EphemeralContainers.FIELD, i, 0, targetNow == null ? null : targetNow.id());
		}
	}

	/** The kubelet's words, and its retry on a later sync. */
	private void targetNotRunning(StartContext context, Container container, String fieldPath, String target) {
		String message = "unable to find target container " + target;
		context.waiting.put(container.getName(), new Waiting("CreateContainerConfigError", message));
		this.api.event(context.pod, "Warning", "Failed", "Error: " + message, fieldPath);
		context.wake.atMost(this.clock.instant().plusSeconds(2));
	}

	/** A startup probe that reached its failure threshold kills the container. */
	private boolean startupFailedForGood(ContainerDetails current, Container container) {
		return container.getStartupProbe() != null
				&& this.probes.lastFailure(current.id(), ProbeManager.Kind.STARTUP) != null
				&& !this.probes.result(current.id(), ProbeManager.Kind.STARTUP)
				&& failuresExhausted(current, container);
	}

	private boolean failuresExhausted(ContainerDetails current, Container container) {
		var probe = container.getStartupProbe();
		int threshold = probe.getFailureThreshold() == null ? 3 : probe.getFailureThreshold();
		int period = probe.getPeriodSeconds() == null ? 10 : probe.getPeriodSeconds();
		int delay = probe.getInitialDelaySeconds() == null ? 0 : probe.getInitialDelaySeconds();
		return current.startedAt() != null && Duration.between(current.startedAt(), this.clock.instant())
			.toSeconds() >= delay + (long) threshold * period;
	}

	private void restartWithBackOff(StartContext context, Container container, String field, int index,
			ContainerDetails current) {
		Pod pod = context.pod;
		String backOffKey = pod.getMetadata().getUid() + "/" + container.getName();
		Instant finished = current.finishedAt() != null ? current.finishedAt() : current.createdAt();
		if (this.crashBackOff.isInBackOffSince(backOffKey, finished)) {
			Duration delay = this.crashBackOff.delay(backOffKey);
			String podName = pod.getMetadata().getName() + "_" + pod.getMetadata().getNamespace() + "("
					+ pod.getMetadata().getUid() + ")";
			String message = "back-off " + seconds(delay) + " restarting failed container=" + container.getName()
					+ " pod=" + podName;
			context.waiting.put(container.getName(), new Waiting("CrashLoopBackOff", message));
			// The kubelet's doBackOff: what `kubectl describe pod` lists as "BackOff (x5
			// over 3m)".
			if (this.repeats.due(backOffKey + "/BackOff")) {
				this.api.event(pod, "Warning", "BackOff",
						"Back-off restarting failed container " + container.getName() + " in pod " + podName,
						fieldPath(field, index, container));
			}
			context.wake.atMost(this.crashBackOff.retryAt(backOffKey, finished));
			return;
		}
		this.crashBackOff.next(backOffKey);
		start(context, container, field, index, Observed.restartCount(current) + 1, null);
	}

	/**
	 * @param pidNamespaceOf the id of the container whose PID namespace it joins, or null
	 */
	private void start(StartContext context, Container container, String field, int index, int restartCount,
			String pidNamespaceOf) {
		Pod pod = context.pod;
		String fieldPath = fieldPath(field, index, container);
		EarlyCreate early = restartCount == 0 ? context.early.remove(container.getName()) : null;
		String id;
		if (early == null) {
			id = create(context, container, fieldPath, restartCount, pidNamespaceOf);
		}
		else {
			id = early.id();
			if (id == null) {
				createRefused(context, container, fieldPath, early.failure());
			}
			else {
				this.images.alreadyPresent(pod, container, fieldPath);
			}
		}
		if (id == null) {
			return;
		}
		this.api.event(pod, "Normal", "Created", "Created container " + container.getName(), fieldPath);
		try {
			this.runtime.startContainer(id);
			context.steps.mark("start");
			this.api.event(pod, "Normal", "Started", "Started container " + container.getName(), fieldPath);
			runPostStart(pod, container, id, context.podIp, fieldPath);
		}
		catch (RuntimeUnavailableException ex) {
			// The container stays "created" with Docker's error: reported as
			// ContainerCannotRun and restarted with back-off.
			this.api.event(pod, "Warning", "Failed", "Error: " + ex.getMessage(), fieldPath);
		}
	}

	/**
	 * When a container waiting for its image is looked at again. In ImagePullBackOff,
	 * when the back-off ends (up to 5 minutes: a sync a second was 300 syncs for
	 * nothing); after ErrImagePull, a second later, so the status moves on to
	 * ImagePullBackOff as the kubelet's does; for ErrImageNeverPull, a second later too,
	 * as the image may be loaded into the engine by hand at any time.
	 */
	private Instant imageRetry(Pod pod, Container container, Waiting imageWaiting) {
		Instant soon = this.clock.instant().plus(Duration.ofSeconds(1));
		Instant retry = "ImagePullBackOff".equals(imageWaiting.reason()) ? this.images.pullRetryAt(pod, container)
				: null;
		return retry == null || retry.isBefore(soon) ? soon : retry;
	}

	/**
	 * Makes the image present and creates the container.
	 * @return its id, or null when it waits (image, configuration, a refused create; the
	 * reason recorded)
	 */
	private String create(StartContext context, Container container, String fieldPath, int restartCount,
			String pidNamespaceOf) {
		Pod pod = context.pod;
		Waiting imageWaiting = this.images.ensure(pod, container, fieldPath);
		context.steps.mark("image");
		if (imageWaiting != null) {
			context.waiting.put(container.getName(), imageWaiting);
			imageWaitingEvents(pod, container, fieldPath, imageWaiting);
			context.wake.atMost(imageRetry(pod, container, imageWaiting));
			log.debug("image not ready pod={} image={} reason={}", Keys.of(pod), container.getImage(),
					imageWaiting.reason());
			return null;
		}
		ContainerSpec spec;
		try {
			spec = spec(context, container, restartCount, pidNamespaceOf);
		}
		catch (ContainerConfigException ex) {
			context.waiting.put(container.getName(), new Waiting("CreateContainerConfigError", ex.getMessage()));
			this.api.event(pod, "Warning", "Failed", "Error: " + ex.getMessage(), fieldPath);
			context.wake.atMost(this.clock.instant().plusSeconds(2));
			return null;
		}
		try {
			String id = this.runtime.createContainer(spec);
			context.touched.add(id);
			context.steps.mark("create");
			return id;
		}
		catch (RuntimeUnavailableException ex) {
			createRefused(context, container, fieldPath, ex);
			return null;
		}
	}

	/**
	 * The kubelet's events for a container whose image is not there: EnsureImageExists'
	 * own (BackOff while pulls back off, ErrImageNeverPull) and startContainer's
	 * {@code Failed "Error: <reason>"}, each at most once per
	 * {@link RepeatedEvents#PERIOD} (the pull's own Pulling and Failed events come from
	 * {@link ImageManager}, once per pull).
	 */
	private void imageWaitingEvents(Pod pod, Container container, String fieldPath, Waiting waiting) {
		if (!this.repeats.due(pod.getMetadata().getUid() + "/" + container.getName() + "/" + waiting.reason())) {
			return;
		}
		switch (waiting.reason()) {
			case "ImagePullBackOff" -> this.api.event(pod, "Normal", "BackOff", waiting.message(), fieldPath);
			case "ErrImageNeverPull" ->
				this.api.event(pod, "Warning", "ErrImageNeverPull", waiting.message(), fieldPath);
			default -> {
			}
		}
		this.api.event(pod, "Warning", "Failed", "Error: " + waiting.reason(), fieldPath);
	}

	private void createRefused(StartContext context, Container container, String fieldPath,
			RuntimeUnavailableException ex) {
		this.images.createFailed(container.getImage(), ex);
		context.waiting.put(container.getName(), new Waiting("CreateContainerError", ex.getMessage()));
		this.api.event(context.pod, "Warning", "Failed", "Error: " + ex.getMessage(), fieldPath);
		context.wake.atMost(this.clock.instant().plusSeconds(2));
	}

	/**
	 * The postStart hook runs right after the start, as in the kubelet; when it fails the
	 * container is killed and restarted per its restartPolicy.
	 */
	private void runPostStart(Pod pod, Container container, String id, String podIp, String fieldPath) {
		var hook = container.getLifecycle() == null ? null : container.getLifecycle().getPostStart();
		if (hook == null) {
			return;
		}
		String failure = this.hooks.run(hook, pod, container, id, podIp, Duration.ofSeconds(30));
		if (failure != null) {
			this.api.event(pod, "Warning", "FailedPostStartHook", failure, fieldPath);
			this.runtime.stopContainer(id, gracePeriod(pod));
		}
	}

	private ContainerSpec spec(StartContext context, Container container, int restartCount, String pidNamespaceOf)
			throws ContainerConfigException {
		Pod pod = context.pod;
		List<String> environment = this.env.resolve(pod, container, context.podIp, this.hostIp);
		Map<String, String> vars = new LinkedHashMap<>();
		for (String entry : environment) {
			int eq = entry.indexOf('=');
			vars.put(entry.substring(0, eq), entry.substring(eq + 1));
		}
		List<String> command = expandAll(container.getCommand(), vars);
		List<String> args = expandAll(container.getArgs(), vars);
		List<ContainerSpec.Mount> mounts = new ArrayList<>();
		for (VolumeMount mount : container.getVolumeMounts() == null ? List.<VolumeMount>of()
				: container.getVolumeMounts()) {
			Path source = context.volumes.get(mount.getName());
			if (source == null) {
				throw new ContainerConfigException(
						"volumeMount \"" + mount.getName() + "\" refers to no volume of the pod");
			}
			if (mount.getSubPath() != null && !mount.getSubPath().isEmpty()) {
				source = source.resolve(mount.getSubPath());
				try {
					java.nio.file.Files.createDirectories(source);
				}
				catch (java.io.IOException ex) {
					throw new ContainerConfigException("failed to create subPath directory for volumeMount \""
							+ mount.getName() + "\": " + ex.getMessage());
				}
			}
			mounts.add(new ContainerSpec.Mount(source.toString(), mount.getMountPath(),
					Boolean.TRUE.equals(mount.getReadOnly())));
		}
		if (mounts.stream().noneMatch(m -> m.containerPath().equals("/etc/resolv.conf"))) {
			Path resolvConf = resolvConfPath(pod);
			if (!java.nio.file.Files.exists(resolvConf)) {
				// A sandbox made by an older agent, or a pod directory cleaned up.
				resolvConf = writeResolvConf(pod, false);
			}
			mounts.add(new ContainerSpec.Mount(resolvConf.toString(), "/etc/resolv.conf", false));
		}
		Map<String, String> labels = labels(pod, container.getName(), restartCount);
		labels.put(RuntimeLabels.TYPE, RuntimeLabels.TYPE_CONTAINER);
		labels.put(RuntimeLabels.CONTAINER_KIND, kind(pod, container.getName()));
		return new ContainerSpec(dockerName(pod, container.getName(), restartCount), container.getImage(), command,
				args, container.getWorkingDir(), environment, mounts, labels, context.sandboxId,
				ContainerResources.of(container), Boolean.TRUE.equals(container.getTty()),
				Boolean.TRUE.equals(container.getStdin()), Boolean.TRUE.equals(container.getStdinOnce()),
				pidNamespaceOf, this.cgroups.ensure(pod));
	}

	private static List<String> expandAll(List<String> values, Map<String, String> vars) {
		return values == null ? List.of() : values.stream().map(v -> Expansion.expand(v, vars)).toList();
	}

	/** Keeps the current sandbox, no dead one before it. */
	private void pruneDeadInstances(Observed observed) {
		// Old instances of containers are the container garbage collector's
		// (gc.ContainerGarbageCollector, with its configurable limits).
		for (int i = 1; i < observed.sandboxes().size(); i++) {
			if (!observed.sandboxes().get(i).running()) {
				this.runtime.removeContainer(observed.sandboxes().get(i).id());
			}
		}
	}

	private void writeStatus(Pod pod, Observed observed, Map<String, Waiting> waiting, String podIp) {
		PodStatus status = PodStatusComputer.compute(pod, observed, waiting, podIp, this.hostIp,
				(container, details) -> this.probes.result(details.id(), ProbeManager.Kind.READINESS),
				(container, details) -> this.probes.result(details.id(), ProbeManager.Kind.STARTUP),
				this.clock.instant());
		if (!status.equals(pod.getStatus())) {
			if (log.isDebugEnabled()) {
				log.debug("writing status pod={} phase={} conditions={} containers={}", Keys.of(pod), status.getPhase(),
						status.getConditions().stream().map(c -> c.getType() + "=" + c.getStatus()).toList(),
						observed.byName()
							.values()
							.stream()
							.flatMap(List::stream)
							.map(c -> c.name() + ":" + c.state())
							.toList());
			}
			this.api.updateStatus(pod, status);
		}
	}

	/**
	 * The kubelet's eviction: an event, the containers stopped with the eviction's grace
	 * period (preStop hooks within it), the status Failed with reason Evicted. The
	 * containers stay for logs until the pod is deleted, as for any finished pod.
	 */
	private void evict(String key, Pod pod, List<ContainerSummary> mine, Evictions.Eviction eviction) {
		String message = eviction.message();
		this.api.event(pod, "Warning", "Evicted", message, null);
		if (!stopAll(pod, mine, eviction.gracePeriod())) {
			return;
		}
		for (ContainerSummary container : mine) {
			if (container.running() && RuntimeLabels.TYPE_SANDBOX.equals(container.labels().get(RuntimeLabels.TYPE))) {
				this.runtime.stopContainer(container.id(), Duration.ZERO);
			}
		}
		this.probes.retain(key, Set.of());
		Instant now = this.clock.instant();
		PodStatus observed = PodStatusComputer.compute(pod, observe(mine), Map.of(),
				pod.getStatus() == null ? null : pod.getStatus().getPodIP(), this.hostIp, (c, d) -> false,
				(c, d) -> false, now);
		this.api.updateStatus(pod, EvictedStatus.of(observed, message, true, now));
		this.evictions.done(pod);
		log.info("pod evicted pod={} uid={}", key, pod.getMetadata().getUid());
	}

	/** The kubelet's rejectPod: a Warning event and the pod Failed, nothing started. */
	private void reject(Pod pod, String message) {
		log.info("pod not admitted pod={} message=\"{}\"", Keys.of(pod), message);
		this.api.event(pod, "Warning", "Evicted", message, null);
		PodStatus old = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
		PodStatus status = new PodStatusBuilder().withConditions(old.getConditions())
			.withQosClass(ContainerResources.qosClass(pod))
			.build();
		this.api.updateStatus(pod,
				EvictedStatus.of(status, "Pod was rejected: " + message, false, this.clock.instant()));
	}

	private void terminate(String key, Pod pod, List<ContainerSummary> mine) {
		Duration fullGrace = gracePeriod(pod);
		log.info("terminating pod pod={} uid={} gracePeriod={}s", key, pod.getMetadata().getUid(),
				fullGrace.toSeconds());
		boolean anyRunning = mine.stream()
			.anyMatch(c -> c.running() && !RuntimeLabels.TYPE_SANDBOX.equals(c.labels().get(RuntimeLabels.TYPE)));
		Duration grace = anyRunning ? fullGrace.minus(awaitUnrouted(key, pod, fullGrace)) : fullGrace;
		if (!stopAll(pod, mine, grace)) {
			return;
		}
		for (ContainerSummary container : mine) {
			this.runtime.removeContainer(container.id());
		}
		this.cgroups.removed(pod.getMetadata().getUid());
		this.probes.retain(key, Set.of());
		this.crashBackOff.forgetPrefix(pod.getMetadata().getUid() + "/");
		this.volumes.cleanUp(pod.getMetadata().getUid());
		this.removal.forget(pod);
		// Deleted while chosen for eviction: nothing left to evict.
		this.evictions.done(pod);
		this.api.deleteNow(pod);
		log.info("pod terminated pod={} uid={} containers={}", key, pod.getMetadata().getUid(), mine.size());
	}

	/**
	 * Stops the running app containers side by side, each with its preStop hook within
	 * the grace period, with a Killing event each.
	 * @return false when interrupted
	 */
	private boolean stopAll(Pod pod, List<ContainerSummary> mine, Duration grace) {
		List<Thread> stopping = new ArrayList<>();
		for (ContainerSummary container : mine) {
			if (container.running() && !RuntimeLabels.TYPE_SANDBOX.equals(container.labels().get(RuntimeLabels.TYPE))) {
				this.api.event(pod, "Normal", "Killing",
						"Stopping container " + container.labels().get(RuntimeLabels.CONTAINER_NAME), null);
				stopping.add(Thread.ofVirtual().start(() -> stopWithPreStop(pod, container, grace)));
			}
		}
		for (Thread thread : stopping) {
			try {
				thread.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return true;
	}

	/**
	 * No preStop hook or stop signal before every proxy stopped routing to the pod (or
	 * the bound): the waited time comes off the grace period.
	 * @return how long it waited
	 */
	private Duration awaitUnrouted(String key, Pod pod, Duration grace) {
		EndpointRemovalGate.Outcome outcome = this.removal.awaitUnrouted(pod, grace);
		if (outcome.timedOut()) {
			String message = "Stopping containers after " + seconds(outcome.waited())
					+ " although the pod may still receive traffic: " + outcome.why();
			log.warn("endpoint removal wait timed out pod={} waited={}ms pending=\"{}\"", key,
					outcome.waited().toMillis(), outcome.why());
			this.api.event(pod, "Warning", "EndpointRemovalTimeout", message, null);
		}
		else if (!outcome.waited().isZero()) {
			log.info("pod left every proxy pod={} waited={}ms", key, outcome.waited().toMillis());
		}
		return outcome.waited().compareTo(grace) > 0 ? grace : outcome.waited();
	}

	private void stopWithPreStop(Pod pod, ContainerSummary container, Duration grace) {
		String name = container.labels().get(RuntimeLabels.CONTAINER_NAME);
		Instant deadline = this.clock.instant().plus(grace);
		pod.getSpec()
			.getContainers()
			.stream()
			.filter(c -> c.getName().equals(name) && c.getLifecycle() != null && c.getLifecycle().getPreStop() != null)
			.findFirst()
			.ifPresent(c -> {
				// Never past the grace period: the kill comes at its end anyway.
				String failure;
				try {
					failure = this.hooks.run(c.getLifecycle().getPreStop(), pod, c, container.id(),
							pod.getStatus() == null ? null : pod.getStatus().getPodIP(), grace);
				}
				catch (RuntimeUnavailableException ex) {
					failure = ex.getMessage();
				}
				if (failure != null) {
					this.api.event(pod, "Warning", "FailedPreStopHook", failure, null);
				}
			});
		Duration left = Duration.between(this.clock.instant(), deadline);
		this.runtime.stopContainer(container.id(), left.isNegative() ? Duration.ZERO : left);
	}

	private static Duration gracePeriod(Pod pod) {
		Long seconds = pod.getMetadata().getDeletionGracePeriodSeconds();
		if (seconds == null) {
			seconds = pod.getSpec().getTerminationGracePeriodSeconds();
		}
		return Duration.ofSeconds(seconds == null ? 30 : Math.max(0, seconds));
	}

	/**
	 * What the engine holds after this sync's actions, without listing again: the
	 * containers observed at its start, those touched inspected anew (a removed one
	 * dropped), and those it created.
	 */
	private Observed reobserve(Observed before, Set<String> touched) {
		if (touched.isEmpty()) {
			return before;
		}
		List<ContainerDetails> details = new ArrayList<>();
		Set<String> seen = new HashSet<>();
		List<ContainerDetails> previous = new ArrayList<>(before.sandboxes());
		before.byName().values().forEach(previous::addAll);
		for (ContainerDetails container : previous) {
			seen.add(container.id());
			if (touched.contains(container.id())) {
				this.runtime.inspectContainer(container.id()).ifPresent(details::add);
			}
			else {
				details.add(container);
			}
		}
		for (String id : touched) {
			if (!seen.contains(id)) {
				this.runtime.inspectContainer(id).ifPresent(details::add);
			}
		}
		return Observed.of(details);
	}

	private Observed observe(List<ContainerSummary> containers) {
		List<ContainerDetails> details = new ArrayList<>();
		for (ContainerSummary container : containers) {
			this.runtime.inspectContainer(container.id()).ifPresent(details::add);
		}
		return Observed.of(details);
	}

	private Map<String, String> labels(Pod pod, String container, int restartCount) {
		Map<String, String> labels = new LinkedHashMap<>();
		labels.put(RuntimeLabels.POD_UID, pod.getMetadata().getUid());
		labels.put(RuntimeLabels.POD_NAMESPACE, pod.getMetadata().getNamespace());
		labels.put(RuntimeLabels.POD_NAME, pod.getMetadata().getName());
		labels.put(RuntimeLabels.CONTAINER_NAME, container);
		labels.put(RuntimeLabels.RESTART_COUNT, Integer.toString(restartCount));
		labels.put(RuntimeLabels.NODE, this.nodeName);
		return labels;
	}

	/**
	 * The container's {@link RuntimeLabels#CONTAINER_KIND} (names are unique in a pod).
	 */
	static String kind(Pod pod, String container) {
		if (pod.getSpec().getInitContainers() != null) {
			for (Container init : pod.getSpec().getInitContainers()) {
				if (init.getName().equals(container)) {
					return "Always".equals(init.getRestartPolicy()) ? "sidecar" : "init";
				}
			}
		}
		if (pod.getSpec().getEphemeralContainers() != null
				&& pod.getSpec().getEphemeralContainers().stream().anyMatch(e -> e.getName().equals(container))) {
			return "ephemeral";
		}
		return "app";
	}

	/** dockershim's naming: {@code k8s_<container>_<pod>_<namespace>_<uid>_<attempt>}. */
	static String dockerName(Pod pod, String container, int attempt) {
		return "k8s_" + container + "_" + pod.getMetadata().getName() + "_" + pod.getMetadata().getNamespace() + "_"
				+ pod.getMetadata().getUid() + "_" + attempt;
	}

	private static void allWaiting(Pod pod, Map<String, Waiting> waiting, Waiting why) {
		pod.getSpec().getContainers().forEach(c -> waiting.putIfAbsent(c.getName(), why));
		if (pod.getSpec().getInitContainers() != null) {
			pod.getSpec().getInitContainers().forEach(c -> waiting.putIfAbsent(c.getName(), why));
		}
		EphemeralContainers.of(pod).forEach(c -> waiting.putIfAbsent(c.getName(), why));
	}

	private static String restartPolicy(Pod pod) {
		return pod.getSpec().getRestartPolicy() == null ? "Always" : pod.getSpec().getRestartPolicy();
	}

	private static String fieldPath(String field, int index, Container container) {
		return "spec." + field + "{" + container.getName() + "}";
	}

	private static String seconds(Duration duration) {
		long total = duration.toSeconds();
		return total >= 60 ? (total / 60) + "m" + (total % 60 == 0 ? "" : (total % 60) + "s") : total + "s";
	}

	/**
	 * What one sync needs to start containers; {@code early} holds the containers created
	 * while the sandbox started, by name, taken by their start.
	 */
	private record StartContext(Pod pod, String sandboxId, String podIp, Map<String, Path> volumes,
			Map<String, Waiting> waiting, Deadline wake, Set<String> touched, SyncSteps steps,
			Map<String, EarlyCreate> early) {
	}

	/**
	 * A container created while the sandbox started: its id, or why the engine refused
	 * it.
	 */
	private record EarlyCreate(String id, RuntimeUnavailableException failure) {
	}

	/** The earliest time this pod wants another look. */
	private static final class Deadline {

		private Instant at;

		private boolean immediately;

		Deadline(Instant at) {
			this.at = at;
		}

		void atMost(Instant time) {
			if (time.isBefore(this.at)) {
				this.at = time;
			}
		}

		void now() {
			this.immediately = true;
		}

	}

}
