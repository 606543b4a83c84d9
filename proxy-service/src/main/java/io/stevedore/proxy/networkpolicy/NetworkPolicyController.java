package io.stevedore.proxy.networkpolicy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stevedore.proxy.service.sync.ServiceEvents;
import io.stevedore.proxy.service.sync.SyncLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces NetworkPolicies on this machine: informers on NetworkPolicies, Pods and
 * Namespaces mark the state dirty; one thread renders the chains from the caches and
 * hands them to the {@link PolicyEnforcer}, at most once per {@code minInterval} (a burst
 * of changes is one sync) and at least once per {@code period}. What could not be used of
 * a policy, or what the kernel refused, becomes a Warning Event on the policy.
 */
public final class NetworkPolicyController implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(NetworkPolicyController.class);

	private final KubernetesClient client;

	private final PolicyRenderer renderer;

	private final PolicyEnforcer enforcer;

	private final ServiceEvents events;

	private final SyncLoop loop;

	private volatile long syncs;

	private SharedIndexInformer<NetworkPolicy> policies;

	private SharedIndexInformer<Pod> pods;

	private SharedIndexInformer<Namespace> namespaces;

	public NetworkPolicyController(KubernetesClient client, PolicyRenderer renderer, PolicyEnforcer enforcer,
			String nodeName, Duration minInterval, Duration period) {
		this.client = client;
		this.renderer = renderer;
		this.enforcer = enforcer;
		this.events = new ServiceEvents(client, nodeName, "networking.k8s.io/v1", "NetworkPolicy");
		// Never enforce a partial cache: a missing policy would open traffic, a missing
		// pod
		// would leave a policy unenforced.
		this.loop = new SyncLoop("network-policy-sync", minInterval, period,
				() -> this.policies.hasSynced() && this.pods.hasSynced() && this.namespaces.hasSynced(), this::syncOnce,
				() -> {
				});
	}

	public void start() {
		this.enforcer.start();
		ResourceEventHandler<HasMetadata> dirtying = new ResourceEventHandler<>() {
			@Override
			public void onAdd(HasMetadata object) {
				trigger();
			}

			@Override
			public void onUpdate(HasMetadata oldObject, HasMetadata newObject) {
				trigger();
			}

			@Override
			public void onDelete(HasMetadata object, boolean deletedFinalStateUnknown) {
				trigger();
			}
		};
		this.policies = SyncLoop
			.inform(this.client.network().v1().networkPolicies().inAnyNamespace().runnableInformer(0), dirtying);
		this.pods = SyncLoop.inform(this.client.pods().inAnyNamespace().runnableInformer(0), dirtying);
		this.namespaces = SyncLoop.inform(this.client.namespaces().runnableInformer(0), dirtying);
		this.loop.start();
	}

	/** Completed syncs so far (tests wait for one after a change). */
	public long syncs() {
		return this.syncs;
	}

	public void trigger() {
		this.loop.trigger();
	}

	/** One sync; true when the kernel took the rules. */
	boolean syncOnce() {
		List<NetworkPolicy> policyList = this.policies.getStore().list();
		List<Pod> podList = this.pods.getStore().list();
		List<Namespace> namespaceList = this.namespaces.getStore().list();
		PolicyRenderer.Result result = this.renderer.render(policyList, podList, namespaceList);
		List<String> keys = policyList.stream().map(PolicyRenderer::key).sorted().toList();
		Function<Set<String>, io.stevedore.proxy.service.iptables.RuleSet> without = drop -> this.renderer
			.render(policyList.stream().filter(p -> !drop.contains(PolicyRenderer.key(p))).toList(), podList,
					namespaceList)
			.rules();
		Map<String, String> failures = this.enforcer.apply(result.rules(), keys, without);
		if (failures == null) {
			return false;
		}
		Map<String, String> problems = new HashMap<>(result.problems());
		failures.forEach((key, message) -> problems.merge(key, message, (a, b) -> a + "; " + b));
		this.events.report(problems,
				policyList.stream().collect(Collectors.toMap(PolicyRenderer::key, Function.identity(), (a, b) -> a)));
		this.syncs++;
		log.debug("network policies synced: {} policies, {} pods enforced, {} rules", policyList.size(),
				result.enforced(), result.rules().rules());
		return true;
	}

	@Override
	public void close() {
		this.loop.close();
		// The rules first: local, and what must be gone before the runtime's SIGKILL.
		this.enforcer.close();
		for (SharedIndexInformer<?> informer : new SharedIndexInformer<?>[] { this.policies, this.pods,
				this.namespaces }) {
			if (informer != null) {
				informer.close();
			}
		}
	}

}
