package io.stevedore.nodeagent.hollow;

import java.util.function.BooleanSupplier;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.stevedore.client.controller.Reconciler;
import io.stevedore.nodeagent.config.NodeIdentity;
import io.stevedore.nodeagent.node.NodeLeaseHeartbeat;
import io.stevedore.nodeagent.gc.ContainerGarbageCollector;
import io.stevedore.nodeagent.node.NodeStatusFactory;
import io.stevedore.nodeagent.node.NodeStatusUpdater;
import io.stevedore.nodeagent.node.NodeEventSink;
import io.stevedore.nodeagent.events.EventWriter;
import io.stevedore.nodeagent.node.RuntimeHealth;
import io.stevedore.nodeagent.pod.BackOff;
import io.stevedore.nodeagent.pod.EnvResolver;
import io.stevedore.nodeagent.pod.FabricPodApi;
import io.stevedore.nodeagent.pod.ImageManager;
import io.stevedore.nodeagent.pod.OwnStatusEchoes;
import io.stevedore.nodeagent.pod.PodLifecycleEventGenerator;
import io.stevedore.nodeagent.pod.PodSyncer;
import io.stevedore.nodeagent.pod.VolumeManager;
import io.stevedore.nodeagent.pod.probe.ProbeManager;
import io.stevedore.nodeagent.pod.probe.Prober;
import io.stevedore.nodeagent.pod.probe.UnhealthyEvents;
import io.stevedore.nodeagent.runtime.simulated.SimulatedContainerRuntime;

/**
 * One node of a hollow host: what a {@code NodeAgent} holds per node (its simulated
 * runtime, pod syncer, status updater, Lease heartbeat and PLEG) without the threads and
 * informers, which the host shares among all its nodes. Every key it hands the shared
 * queue carries its name ({@link NodeKeys}).
 * <p>
 * Threading: the syncer from the host's controller workers (never twice at once for one
 * key), the periodic methods from {@link PeriodicTasks} (never twice at once each).
 */
final class HollowNode {

	private final String name;

	private final RuntimeHealth health = new RuntimeHealth();

	private final OwnStatusEchoes echoes;

	private final PodSyncer syncer;

	private final NodeStatusUpdater status;

	private final NodeLeaseHeartbeat lease;

	private final PodLifecycleEventGenerator pleg;

	private final BooleanSupplier podsSynced;

	private final ContainerGarbageCollector containers;

	HollowNode(String name, String podCidr, SharedParts shared) {
		this.name = name;
		this.podsSynced = shared.podsSynced();
		var properties = shared.properties();
		SimulatedContainerRuntime runtime = new SimulatedContainerRuntime(shared.simulated().withPodCidr(podCidr), name,
				shared.clock());
		NodeIdentity identity = new NodeIdentity(name, shared.address(), name, shared.rootDir().resolve(name));
		this.status = new NodeStatusUpdater(shared.client(), runtime, identity,
				new NodeStatusFactory(identity, properties.port(), properties.maxPods()), this.health,
				properties.nodeStatusReportFrequency(), shared.clock(), SimulatedContainerRuntime.NODE_LABELS,
				NodeEventSink.of(new EventWriter(shared.events(), name, shared.clock()), name));
		this.lease = new NodeLeaseHeartbeat(shared.client(), name, properties.nodeLeaseDuration(), shared.clock());
		this.echoes = new OwnStatusEchoes(podKey -> shared.enqueue().accept(NodeKeys.of(name, podKey)));
		FabricPodApi api = new FabricPodApi(shared.client(), new EventWriter(shared.events(), name, shared.clock()),
				shared.services(), this.echoes);
		ProbeManager probes = new ProbeManager(new Prober(runtime), shared.probes(),
				podKey -> shared.enqueue().accept(NodeKeys.of(name, podKey)),
				new UnhealthyEvents(podKey -> boundHere(shared.pods().apply(podKey)), api));
		this.syncer = new PodSyncer(podKey -> boundHere(shared.pods().apply(podKey)), runtime, name, shared.address(),
				shared.sandbox(), new ImageManager(runtime, backOff(shared), api, api), new EnvResolver(api),
				new VolumeManager(identity.rootDir(), api, shared.tokens()), probes, backOff(shared), api,
				shared.clock(), properties.resyncPeriod(), shared.dns(), shared.removal());
		this.containers = new ContainerGarbageCollector(runtime, name, properties.containerGc(), shared.clock());
		this.pleg = new PodLifecycleEventGenerator(runtime, name,
				podKey -> shared.enqueue().accept(NodeKeys.of(name, podKey)), this.health);
	}

	private static BackOff backOff(SharedParts shared) {
		return new BackOff(shared.properties().crashLoopBackOffInitial(), shared.properties().crashLoopBackOffMax(),
				shared.clock());
	}

	/**
	 * The cached pod when it is bound to this node: one of the same name on another node
	 * is not this node's, and its containers here are orphans.
	 */
	private Pod boundHere(Pod pod) {
		return pod != null && pod.getSpec() != null && this.name.equals(pod.getSpec().getNodeName()) ? pod : null;
	}

	String name() {
		return this.name;
	}

	/** Where the shared pod informer hands this node's pods. */
	ResourceEventHandler<Pod> podEvents() {
		return this.echoes;
	}

	/** The node's pod sync, by the pod's own key ({@code namespace/name}). */
	Reconciler syncer() {
		return this.syncer;
	}

	/** Registers the node if needed and writes its status when due. */
	void syncStatus() {
		this.status.sync();
	}

	/** Renews the Lease, once the Node exists so that it can own the Lease. */
	void renewLease() {
		if (this.status.registered()) {
			this.lease.renew();
		}
	}

	/** Removes the old exited instances of its pods' containers past the limits. */
	void collectContainers() {
		this.containers.run();
	}

	/** The PLEG relist; the first waits for the pod cache, as the agent's does. */
	void relist() {
		if (this.podsSynced.getAsBoolean()) {
			this.pleg.relist();
		}
	}

}
