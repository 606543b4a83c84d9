package io.stevedore.controller.manager;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stevedore.controller.workload.OwnerIndex;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * The registry and the manager's use of it, on recording informers (the real informer and
 * apiserver are in LeaderElectionIT and the controllers' ITs).
 */
class SharedInformersTest {

	/** What was called on one fake informer, in order. */
	private record Recorded(Class<?> type, List<String> calls, List<Object> handlers) {
	}

	private final List<Recorded> made = new ArrayList<>();

	private final SharedInformers informers = new SharedInformers(this::fake);

	@Test
	void everyCallerGetsTheSameStartedInformerPerTypeWithTheSharedIndexesAddedBeforeTheStart() {
		SharedIndexInformer<Pod> pods = this.informers.informer(Pod.class);

		assertThat(this.informers.informer(Pod.class)).isSameAs(pods);
		assertThat(new ControllerInformers(this.informers).informer(Pod.class)).isSameAs(pods);
		assertThat(this.informers.informer(Node.class)).isNotSameAs(pods);
		this.informers.informer(ReplicaSet.class);
		assertThat(this.made).extracting(Recorded::type).containsExactly(Pod.class, Node.class, ReplicaSet.class);
		assertThat(this.made.get(0).calls()).containsExactly("addIndexers:" + OwnerIndex.NAME,
				"addIndexers:" + SharedInformers.NODE_NAME_INDEX, "start");
		assertThat(this.made.get(1).calls()).containsExactly("start");
		assertThat(this.made.get(2).calls()).containsExactly("addIndexers:" + OwnerIndex.NAME, "start");
	}

	@Test
	void closingAControllersViewRemovesOnlyItsHandlersAndLeavesTheInformerRunning() {
		ControllerInformers first = new ControllerInformers(this.informers);
		ControllerInformers second = new ControllerInformers(this.informers);
		ResourceEventHandler<Pod> mine = handler();
		ResourceEventHandler<Pod> theirs = handler();
		first.watch(Pod.class, mine);
		second.watch(Pod.class, theirs);

		first.close();

		Recorded pods = this.made.get(0);
		assertThat(pods.calls()).containsSubsequence("addEventHandler", "addEventHandler", "removeEventHandler")
			.doesNotContain("stop");
		assertThat(pods.handlers()).containsExactly(theirs);
	}

	@Test
	void theGarbageCollectorFindsTheTypedInformerOfABuiltInResourceByApiVersionAndKind() {
		assertThat(SharedInformers.typeOf("v1", "Pod")).isEqualTo(Pod.class);
		assertThat(SharedInformers.typeOf("apps/v1", "ReplicaSet")).isEqualTo(ReplicaSet.class);
		assertThat(SharedInformers.typeOf("v1", "ReplicaSet")).isNull();
		assertThat(SharedInformers.typeOf("example.com/v1", "Widget")).isNull();
	}

	@Test
	void stopAllStopsEveryInformerAndRefusesNewOnes() {
		this.informers.informer(Pod.class);
		this.informers.informer(Node.class);

		this.informers.stopAll();

		assertThat(this.made).allSatisfy(r -> assertThat(r.calls()).endsWith("stop"));
		assertThat(this.informers.size()).isZero();
		assertThatIllegalStateException().isThrownBy(() -> this.informers.informer(Pod.class));
	}

	@Test
	void theManagerRemovesAStoppedControllersHandlersAndStopsTheTermsInformersWhenItStops() {
		List<SharedInformers> terms = new ArrayList<>();
		ResourceEventHandler<Pod> handler = handler();
		ControllerFactory factory = new ControllerFactory() {
			@Override
			public String name() {
				return "test";
			}

			@Override
			public int defaultWorkers() {
				return 1;
			}

			@Override
			public RunningController start(ControllerContext context) {
				context.informers().watch(Pod.class, handler);
				return () -> {
				};
			}
		};
		ControllerManagerProperties properties = new ControllerManagerProperties(List.of("*"), Map.of(),
				new ControllerManagerProperties.LeaderElection(false, null, null, null, null, null, null));
		// Never contacted: leader election is off and the fake informers make no
		// requests.
		try (KubernetesClient client = new KubernetesClientBuilder()
			.withConfig(new io.fabric8.kubernetes.client.ConfigBuilder(io.fabric8.kubernetes.client.Config.empty())
				.withMasterUrl("http://127.0.0.1:9")
				.build())
			.build()) {
			ControllerManager manager = new ControllerManager(client, properties, List.of(factory), Clock.systemUTC(),
					() -> {
						SharedInformers term = new SharedInformers(this::fake);
						terms.add(term);
						return term;
					});
			manager.start();
			await().until(manager::isActive);
			assertThat(manager.informers()).isSameAs(terms.get(0));
			assertThat(this.made.get(0).handlers()).containsExactly(handler);

			manager.stop();

			assertThat(manager.isActive()).isFalse();
			assertThat(manager.informers()).isNull();
			assertThat(this.made.get(0).handlers()).isEmpty();
			assertThat(this.made.get(0).calls()).endsWith("removeEventHandler", "stop");
		}
	}

	/** A handler of its own identity (removal is by identity). */
	private static ResourceEventHandler<Pod> handler() {
		return new ResourceEventHandler<>() {
			@Override
			public void onAdd(Pod pod) {
			}

			@Override
			public void onUpdate(Pod oldPod, Pod newPod) {
			}

			@Override
			public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
			}
		};
	}

	@SuppressWarnings("unchecked")
	private SharedIndexInformer<? extends HasMetadata> fake(Class<? extends HasMetadata> type) {
		Recorded recorded = new Recorded(type, new ArrayList<>(), new ArrayList<>());
		this.made.add(recorded);
		return (SharedIndexInformer<? extends HasMetadata>) Proxy.newProxyInstance(getClass().getClassLoader(),
				new Class<?>[] { SharedIndexInformer.class }, (proxy, method, args) -> {
					synchronized (recorded) {
						switch (method.getName()) {
							case "addIndexers" -> recorded.calls()
								.add("addIndexers:" + String.join(",", ((Map<String, ?>) args[0]).keySet()));
							case "addEventHandler" -> {
								recorded.calls().add("addEventHandler");
								recorded.handlers().add(args[0]);
							}
							case "removeEventHandler" -> {
								recorded.calls().add("removeEventHandler");
								recorded.handlers().remove(args[0]);
							}
							case "start", "stop" -> recorded.calls().add(method.getName());
							case "hasSynced" -> {
								return true;
							}
							case "hashCode" -> {
								return System.identityHashCode(proxy);
							}
							case "equals" -> {
								return proxy == args[0];
							}
							case "toString" -> {
								return "fake informer of " + type.getSimpleName();
							}
							default -> throw new UnsupportedOperationException(method.getName());
						}
						return method.getReturnType().isInstance(proxy) ? proxy : null;
					}
				});
	}

}
