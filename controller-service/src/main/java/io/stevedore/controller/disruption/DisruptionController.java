package io.stevedore.controller.disruption;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stevedore.client.controller.Controller;
import io.stevedore.client.controller.EnqueueingHandler;
import io.stevedore.client.controller.Keys;
import io.stevedore.client.workqueue.WorkQueue;
import io.stevedore.controller.manager.ControllerContext;
import io.stevedore.controller.manager.ControllerFactory;
import io.stevedore.controller.manager.RunningController;
import io.stevedore.controller.workload.CacheLister;
import io.stevedore.controller.workload.ClientEventRecorder;
import io.stevedore.controller.workload.NamespaceFanOut;
import io.stevedore.machinery.selectors.LabelSelector;

import org.springframework.stereotype.Component;

/**
 * Wires the disruption controller: PDB changes enqueue the PDB; a pod's change enqueues
 * the PDBs selecting it (before or after the change); a change of a ReplicaSet,
 * Deployment, StatefulSet or ReplicationController (its scale) enqueues the PDBs of its
 * namespace.
 */
@Component
public class DisruptionController implements ControllerFactory {

	public static final String NAME = "disruption";

	@Override
	public String name() {
		return NAME;
	}

	/** Kubernetes runs one worker (plus a recheck worker: our requeueAfter). */
	@Override
	public int defaultWorkers() {
		return 1;
	}

	@Override
	public RunningController start(ControllerContext context) {
		KubernetesClient client = context.client();
		WorkQueue<String> queue = context.newQueue();
		SharedIndexInformer<PodDisruptionBudget> pdbs = context.informers().informer(PodDisruptionBudget.class);
		SharedIndexInformer<Pod> pods = context.informers().informer(Pod.class);
		SharedIndexInformer<ReplicaSet> replicaSets = context.informers().informer(ReplicaSet.class);
		SharedIndexInformer<Deployment> deployments = context.informers().informer(Deployment.class);
		SharedIndexInformer<StatefulSet> statefulSets = context.informers().informer(StatefulSet.class);
		// ReplicationControllers only where the apiserver serves them (Stevedore's does
		// not yet): an informer on a missing resource would never sync.
		boolean rcsServed = context.discovery().isServed("v1", "replicationcontrollers");
		SharedIndexInformer<ReplicationController> rcs = rcsServed
				? context.informers().informer(ReplicationController.class) : null;
		CacheLister<PodDisruptionBudget> budgets = CacheLister.of(pdbs);
		context.informers().handle(pdbs, EnqueueingHandler.byKey(queue));
		context.informers().handle(pods, new ResourceEventHandler<>() {
			@Override
			public void onAdd(Pod pod) {
				enqueueSelecting(queue, budgets, pod);
			}

			@Override
			public void onUpdate(Pod old, Pod pod) {
				enqueueSelecting(queue, budgets, old);
				enqueueSelecting(queue, budgets, pod);
			}

			@Override
			public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
				enqueueSelecting(queue, budgets, pod);
			}
		});
		List<SharedIndexInformer<? extends HasMetadata>> workloads = new java.util.ArrayList<>(
				List.of(replicaSets, deployments, statefulSets));
		if (rcs != null) {
			workloads.add(rcs);
		}
		workloads.forEach(workload -> addNamespaceHandler(context, workload, queue, budgets));
		DisruptionSync sync = new DisruptionSync(budgets, CacheLister.of(pods),
				new ExpectedScale(CacheLister.of(replicaSets), CacheLister.of(deployments),
						CacheLister.of(statefulSets), CacheLister.of(rcs)),
				pdb -> client.policy().v1().podDisruptionBudget().resource(pdb).updateStatus(),
				new ClientEventRecorder(client, "controllermanager", context.clock()), context.clock());
		Controller controller = new Controller(NAME, queue, sync, context.workers(), context.informers()::hasSynced,
				context.clock());
		controller.start();
		return controller::stop;
	}

	private static <T extends HasMetadata> void addNamespaceHandler(ControllerContext context,
			SharedIndexInformer<T> informer, WorkQueue<String> queue, CacheLister<PodDisruptionBudget> budgets) {
		context.informers().handle(informer, new NamespaceFanOut<T>(budgets, queue));
	}

	static void enqueueSelecting(WorkQueue<String> queue, CacheLister<PodDisruptionBudget> budgets, Pod pod) {
		Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
		for (PodDisruptionBudget pdb : budgets.list(pod.getMetadata().getNamespace())) {
			try {
				if (pdb.getSpec() != null && LabelSelector.from(pdb.getSpec().getSelector()).matches(labels)) {
					queue.add(Keys.of(pdb));
				}
			}
			catch (IllegalArgumentException ex) {
				// An invalid selector: the PDB's own sync reports it.
				queue.add(Keys.of(pdb));
			}
		}
	}

}
