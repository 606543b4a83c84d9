package io.stevedore.controller.bootstrap;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stevedore.client.controller.Controller;
import io.stevedore.client.controller.EnqueueingHandler;
import io.stevedore.client.rest.RestClient;
import io.stevedore.client.workqueue.WorkQueue;
import io.stevedore.controller.manager.ControllerContext;
import io.stevedore.controller.manager.ControllerFactory;
import io.stevedore.controller.manager.RunningController;

import org.springframework.stereotype.Component;

/**
 * Wires {@code tokencleaner}: an informer on the bootstrap token Secrets of kube-system
 * only (field selector {@code type}, as Kubernetes' controller lists them) feeds
 * {@link TokenCleanerSync}. Kubernetes leaves this controller off unless asked for
 * ({@code --controllers=*,tokencleaner}, which kubeadm passes); here it runs by default,
 * since {@code ./stevedore} makes expiring tokens the way kubeadm does.
 */
@Component
public class TokenCleanerController implements ControllerFactory {

	public static final String NAME = "tokencleaner";

	static final String NAMESPACE = "kube-system";

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
		WorkQueue<String> queue = context.newQueue();
		SharedIndexInformer<Secret> informer = context.client()
			.secrets()
			.inNamespace(NAMESPACE)
			.withField("type", TokenCleanerSync.SECRET_TYPE)
			.runnableInformer(0);
		informer.addEventHandler(EnqueueingHandler.byKey(queue));
		informer.start();
		RestClient rest = context.rest();
		TokenCleanerSync sync = new TokenCleanerSync((key) -> informer.getStore().getByKey(key),
				(secret) -> delete(rest, secret), context.clock());
		Controller controller = new Controller(NAME, queue, sync, context.workers(), informer::hasSynced,
				context.clock());
		controller.start();
		return () -> {
			controller.stop();
			informer.stop();
		};
	}

	/** DELETE with the Secret's UID as precondition; gone or replaced (409) is done. */
	static void delete(RestClient rest, Secret secret) {
		rest.deleteIfSame("/api/v1/namespaces/" + NAMESPACE + "/secrets/" + secret.getMetadata().getName(),
				secret.getMetadata().getUid());
	}

}
