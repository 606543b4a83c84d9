package io.stevedore.controller.rootcacertpublisher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stevedore.client.controller.Controller;
import io.stevedore.client.controller.EnqueueingHandler;
import io.stevedore.client.workqueue.WorkQueue;
import io.stevedore.controller.manager.ControllerContext;
import io.stevedore.controller.manager.ControllerFactory;
import io.stevedore.controller.manager.RunningController;
import io.stevedore.controller.workload.CacheLister;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Wires the root CA publisher ({@value #NAME}): namespaces, and changes to or deletions
 * of {@code kube-root-ca.crt} ConfigMaps, enqueue namespace names for
 * {@link RootCaCertPublisherSync}. The CA is kube-controller-manager's: the
 * {@code --root-ca-file} ({@code stevedore.controllers.root-ca-file}), else the CA the
 * controller's own client trusts (fabric8's caCertData or caCertFile). A controller that
 * knows no CA publishes nothing and says so once.
 */
@Component
public class RootCaCertPublisher implements ControllerFactory {

	public static final String NAME = "root-ca-cert-publisher";

	private static final Logger log = LoggerFactory.getLogger(RootCaCertPublisher.class);

	private final String rootCaFile;

	public RootCaCertPublisher(@Value("${stevedore.controllers.root-ca-file:}") String rootCaFile) {
		this.rootCaFile = rootCaFile;
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
		String rootCa = rootCa(this.rootCaFile, client.getConfiguration());
		if (rootCa == null) {
			log.warn("no root CA known (stevedore.controllers.root-ca-file, or a CA for the apiserver client): "
					+ "kube-root-ca.crt ConfigMaps are not published");
			return () -> {
			};
		}
		WorkQueue<String> queue = context.newQueue();
		SharedIndexInformer<Namespace> namespaces = context.informers().informer(Namespace.class);
		// Every ConfigMap, filtered here, as Kubernetes does: the cache also answers
		// "is it there" for namespaces that have none yet.
		SharedIndexInformer<ConfigMap> configMaps = context.informers().informer(ConfigMap.class);
		context.informers().handle(namespaces, EnqueueingHandler.byKey(queue));
		context.informers().handle(configMaps, new ResourceEventHandler<>() {
			@Override
			public void onAdd(ConfigMap map) {
			}

			@Override
			public void onUpdate(ConfigMap old, ConfigMap map) {
				enqueue(map);
			}

			@Override
			public void onDelete(ConfigMap map, boolean deletedFinalStateUnknown) {
				enqueue(map);
			}

			private void enqueue(ConfigMap map) {
				if (RootCaCertPublisherSync.NAME.equals(map.getMetadata().getName())) {
					queue.add(map.getMetadata().getNamespace());
				}
			}
		});
		RootCaCertPublisherSync sync = new RootCaCertPublisherSync(name -> namespaces.getStore().getByKey(name),
				CacheLister.of(configMaps), new RootCaCertPublisherSync.ConfigMapWriter() {
					@Override
					public void create(ConfigMap map) {
						client.configMaps().resource(map).create();
					}

					@Override
					public void update(ConfigMap map) {
						client.configMaps().resource(map).update();
					}
				}, rootCa);
		Controller controller = new Controller(NAME, queue, sync, context.workers(),
				() -> namespaces.hasSynced() && configMaps.hasSynced(), context.clock());
		controller.start();
		return () -> {
			controller.stop();
		};
	}

	/** The PEM to publish, or null when none is known. */
	static String rootCa(String rootCaFile, Config config) {
		try {
			if (rootCaFile != null && !rootCaFile.isBlank()) {
				return Files.readString(Path.of(rootCaFile), StandardCharsets.UTF_8);
			}
			if (config.getCaCertData() != null && !config.getCaCertData().isBlank()) {
				String data = config.getCaCertData().strip();
				// fabric8 holds kubeconfig's certificate-authority-data: base64 of the
				// PEM.
				return data.startsWith("-----BEGIN") ? data
						: new String(Base64.getMimeDecoder().decode(data), StandardCharsets.UTF_8);
			}
			if (config.getCaCertFile() != null && !config.getCaCertFile().isBlank()) {
				return Files.readString(Path.of(config.getCaCertFile()), StandardCharsets.UTF_8);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("the root CA cannot be read: " + ex.getMessage(), ex);
		}
		return null;
	}

}
