package io.stevedore.controller.garbagecollector;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stevedore.client.controller.Controller;
import io.stevedore.client.workqueue.WorkQueue;
import io.stevedore.controller.api.ApiResource;
import io.stevedore.controller.manager.ControllerContext;
import io.stevedore.controller.manager.ControllerFactory;
import io.stevedore.controller.manager.RunningController;
import io.stevedore.controller.manager.SharedInformers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Wires the garbage collector: one generic informer per deletable resource from discovery
 * feeds the {@link GraphBuilder}; two controllers drain its queues (attemptToDelete,
 * attemptToOrphan) through the {@link GarbageCollector}.
 */
@Component
public class GarbageCollectorController implements ControllerFactory {

	public static final String NAME = "garbagecollector";

	/**
	 * Kubernetes' default ignored resources: events are many, short-lived and never
	 * owners.
	 */
	static final Set<String> IGNORED = Set.of("events", "events.events.k8s.io");

	private static final Logger log = LoggerFactory.getLogger(GarbageCollectorController.class);

	@Override
	public String name() {
		return NAME;
	}

	/** Kubernetes' --concurrent-gc-syncs default. */
	@Override
	public int defaultWorkers() {
		return 20;
	}

	@Override
	public RunningController start(ControllerContext context) {
		List<ApiResource> resources = context.discovery().preferredResources();
		List<ApiResource> monitored = resources.stream()
			.filter(r -> r.supports("delete", "list", "watch"))
			.filter(r -> !IGNORED.contains(r.groupResource()))
			.toList();
		WorkQueue<String> attemptToDelete = context.newQueue();
		WorkQueue<String> attemptToOrphan = context.newQueue();
		GraphBuilder graph = new GraphBuilder(attemptToDelete, attemptToOrphan);
		List<SharedIndexInformer<?>> informers = new ArrayList<>();
		List<SharedIndexInformer<?>> own = new ArrayList<>();
		for (ApiResource resource : monitored) {
			Class<? extends HasMetadata> type = SharedInformers.typeOf(resource.apiVersion(), resource.kind());
			if (type != null) {
				// The graph needs metadata only: the controllers' typed informer serves,
				// and the resource is watched once.
				informers.add(feed(context, type, new GraphFeeder(graph, resource)));
				continue;
			}
			SharedIndexInformer<GenericKubernetesResource> informer = context.client()
				.genericKubernetesResources(resource.definitionContext())
				.inAnyNamespace()
				.runnableInformer(0);
			informer.addEventHandler(new GraphFeeder(graph, resource));
			informer.start();
			informers.add(informer);
			own.add(informer);
		}
		log.info("garbage collector monitoring resources={}",
				monitored.stream().map(ApiResource::groupResource).toList());
		GarbageCollector collector = new GarbageCollector(graph, new RestClusterObjects(context.rest(), resources),
				attemptToDelete);
		java.util.function.BooleanSupplier synced = () -> informers.stream().allMatch(SharedIndexInformer::hasSynced);
		Controller deleting = new Controller(NAME + "-attempt-to-delete", attemptToDelete, collector::attemptToDelete,
				context.workers(), synced, context.clock());
		Controller orphaning = new Controller(NAME + "-attempt-to-orphan", attemptToOrphan, collector::attemptToOrphan,
				context.workers(), synced, context.clock());
		deleting.start();
		orphaning.start();
		return () -> {
			deleting.stop();
			orphaning.stop();
			own.forEach(SharedIndexInformer::stop);
		};
	}

	private static <T extends HasMetadata> SharedIndexInformer<T> feed(ControllerContext context, Class<T> type,
			GraphFeeder feeder) {
		SharedIndexInformer<T> informer = context.informers().informer(type);
		context.informers().handle(informer, feeder);
		return informer;
	}

	/** Informer events into the graph; the identity's kind comes from discovery. */
	private record GraphFeeder(GraphBuilder graph, ApiResource resource) implements ResourceEventHandler<HasMetadata> {

		@Override
		public void onAdd(HasMetadata object) {
			this.graph.observe(this.resource.apiVersion(), this.resource.kind(), null, object.getMetadata());
		}

		@Override
		public void onUpdate(HasMetadata old, HasMetadata object) {
			this.graph.observe(this.resource.apiVersion(), this.resource.kind(), old.getMetadata(),
					object.getMetadata());
		}

		@Override
		public void onDelete(HasMetadata object, boolean deletedFinalStateUnknown) {
			this.graph.observeDeletion(object.getMetadata());
		}

	}

}
