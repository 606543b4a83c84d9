package io.stevedore.controller.volume;

import java.util.List;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Wires Kubernetes' persistentvolume-binder with the local-path provisioner: one queue of
 * claim keys ({@link ClaimSync}) and one of volume names ({@link VolumeSync}), each fed
 * by the other resource's events so both halves of a binding see each write. On start it
 * makes the default StorageClass {@code standard} when absent.
 */
@Component
public class VolumeBinderController implements ControllerFactory {

	public static final String NAME = "persistentvolume-binder";

	private static final Logger log = LoggerFactory.getLogger(VolumeBinderController.class);

	private final String localPathRoot;

	public VolumeBinderController(
			@Value("${stevedore.volumes.local-path-root:${user.home}/.stevedore/volumes}") String localPathRoot) {
		this.localPathRoot = localPathRoot;
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public int defaultWorkers() {
		return 1;
	}

	@Override
	public RunningController start(ControllerContext context) {
		KubernetesClient client = context.client();
		WorkQueue<String> claimQueue = context.newQueue();
		WorkQueue<String> volumeQueue = context.newQueue();
		// A resync brings Pending claims back when a StorageClass or a node changes.
		SharedIndexInformer<PersistentVolumeClaim> claimInformer = client.persistentVolumeClaims()
			.inAnyNamespace()
			.runnableInformer(30_000);
		SharedIndexInformer<PersistentVolume> volumeInformer = context.informers().informer(PersistentVolume.class);
		SharedIndexInformer<StorageClass> classInformer = context.informers().informer(StorageClass.class);
		claimInformer.addEventHandler(EnqueueingHandler.byKey(claimQueue));
		context.informers().handle(volumeInformer, EnqueueingHandler.byKey(volumeQueue));
		claimInformer.addEventHandler(new ResourceEventHandler<>() {
			@Override
			public void onAdd(PersistentVolumeClaim claim) {
				enqueueVolume(claim);
			}

			@Override
			public void onUpdate(PersistentVolumeClaim old, PersistentVolumeClaim claim) {
				enqueueVolume(claim);
			}

			@Override
			public void onDelete(PersistentVolumeClaim claim, boolean deletedFinalStateUnknown) {
				// Every volume that named the claim is Released now.
				for (PersistentVolume volume : volumeInformer.getStore().list()) {
					if (Volumes.refersTo(volume, claim)) {
						volumeQueue.add(volume.getMetadata().getName());
					}
				}
			}

			private void enqueueVolume(PersistentVolumeClaim claim) {
				if (claim.getSpec() != null && claim.getSpec().getVolumeName() != null) {
					volumeQueue.add(claim.getSpec().getVolumeName());
				}
			}
		});
		context.informers().handle(volumeInformer, new ResourceEventHandler<>() {
			@Override
			public void onAdd(PersistentVolume volume) {
				enqueueClaim(volume);
			}

			@Override
			public void onUpdate(PersistentVolume old, PersistentVolume volume) {
				enqueueClaim(volume);
			}

			@Override
			public void onDelete(PersistentVolume volume, boolean deletedFinalStateUnknown) {
				enqueueClaim(volume);
			}

			private void enqueueClaim(PersistentVolume volume) {
				var ref = volume.getSpec() == null ? null : volume.getSpec().getClaimRef();
				if (ref != null && ref.getName() != null && ref.getNamespace() != null) {
					claimQueue.add(Keys.of(ref.getNamespace(), ref.getName()));
				}
			}
		});
		claimInformer.start();
		CacheLister<PersistentVolumeClaim> claims = CacheLister.of(claimInformer);
		VolumeBinderControl control = new ClientVolumeBinderControl(client,
				new ClientEventRecorder(client, "persistentvolume-controller", context.clock()),
				new LocalPathCleaner(this.localPathRoot));
		ClaimSync claimSync = new ClaimSync(claims, name -> volumeInformer.getStore().getByKey(name),
				() -> List.copyOf(volumeInformer.getStore().list()), name -> classInformer.getStore().getByKey(name),
				new LocalPathProvisioner(this.localPathRoot), control);
		VolumeSync volumeSync = new VolumeSync(name -> volumeInformer.getStore().getByKey(name), claims, control);
		java.util.function.BooleanSupplier synced = () -> claimInformer.hasSynced() && volumeInformer.hasSynced()
				&& classInformer.hasSynced();
		Controller claimController = new Controller(NAME + "-claims", claimQueue, claimSync, context.workers(), synced,
				context.clock());
		Controller volumeController = new Controller(NAME + "-volumes", volumeQueue, volumeSync, context.workers(),
				synced, context.clock());
		claimController.start();
		volumeController.start();
		Thread defaults = Thread.ofVirtual().name("default-storageclass").start(() -> ensureDefaultClass(client));
		return () -> {
			defaults.interrupt();
			claimController.stop();
			volumeController.stop();
			claimInformer.stop();
		};
	}

	/**
	 * A new cluster gets the {@code standard} class (as k3s ships local-path): created
	 * once, left alone when it exists, so an administrator's edits stay.
	 */
	static void ensureDefaultClass(KubernetesClient client) {
		for (int attempt = 0; attempt < 30 && !Thread.currentThread().isInterrupted(); attempt++) {
			try {
				if (client.storage().v1().storageClasses().withName(LocalPathProvisioner.DEFAULT_CLASS).get() == null) {
					client.storage().v1().storageClasses().resource(LocalPathProvisioner.defaultClass()).create();
				}
				return;
			}
			catch (KubernetesClientException ex) {
				if (ex.getCode() == 409) {
					return;
				}
				log.warn("default StorageClass not made yet: {}", ex.getMessage());
				try {
					Thread.sleep(2000);
				}
				catch (InterruptedException interrupted) {
					return;
				}
			}
		}
	}

}
