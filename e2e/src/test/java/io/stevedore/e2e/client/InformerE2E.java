package io.stevedore.e2e.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stevedore.e2e.support.ApiServer;
import io.stevedore.e2e.support.Fabric8;
import io.stevedore.e2e.support.TcpProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import static io.stevedore.e2e.support.KubectlE2ESupport.uniqueNamespace;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * fabric8's SharedIndexInformer (a port of client-go's) against an apiserver that forgets
 * history: when its watch resumes from a resourceVersion the apiserver no longer has, it
 * gets 410 Gone, relists, and must end up with exactly the objects that exist, having
 * told its handler about the deletions it missed.
 *
 * <p>
 * The informer talks through a {@link TcpProxy} the test cuts, so its watch breaks at a
 * chosen moment; the apiserver keeps only {@value #HISTORY} events of history, so writing
 * more than that while the informer is cut off forces the 410.
 */
class InformerE2E {

	static final int HISTORY = 5;

	// How many changes the apiserver's watch cache keeps for resuming watches.
	static final String HISTORY_PROPERTY = "stevedore.apiserver.watch-cache-events";

	@TempDir
	static Path workDir;

	static ApiServer apiServer;

	static TcpProxy proxy;

	static KubernetesClient informerClient;

	static KubernetesClient writer;

	@BeforeAll
	static void startApiServerWithAShortHistory() {
		apiServer = ApiServer.embedded(workDir.resolve("data"), Map.of(HISTORY_PROPERTY, HISTORY));
		proxy = TcpProxy.to(apiServer.port());
		// HTTP watches: this test is about 410 Gone inside a watch; how a watch is opened
		// (fabric8 tries a WebSocket first) is Fabric8ClientE2E's business.
		informerClient = Fabric8.httpWatchClient(proxy.url());
		writer = Fabric8.client(apiServer.url());
	}

	@AfterAll
	static void stop() {
		for (AutoCloseable closeable : new AutoCloseable[] { informerClient, writer, proxy, apiServer }) {
			try {
				if (closeable != null) {
					closeable.close();
				}
			}
			catch (Exception ex) {
				// Closing the rest matters more.
			}
		}
	}

	@Test
	void anInformerRelistsAfter410GoneAndCatchesUpWithWhatItMissed(TestInfo test) throws Exception {
		String ns = uniqueNamespace(test);
		writer.namespaces()
			.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
			.create();
		writer.configMaps().inNamespace(ns).resource(Fabric8ClientE2E.configMap("before", "web")).create();
		RecordingHandler handler = new RecordingHandler();
		SharedIndexInformer<ConfigMap> informer = informerClient.configMaps().inNamespace(ns).runnableInformer(0);
		informer.addEventHandler(handler);
		try {
			informer.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
			awaitNames(informer, List.of("before"));

			proxy.cut();
			writer.configMaps().inNamespace(ns).withName("before").delete();
			IntStream.range(0, HISTORY * 2)
				.forEach((i) -> writer.configMaps()
					.inNamespace(ns)
					.resource(Fabric8ClientE2E.configMap("missed-" + i, "web"))
					.create());
			proxy.restore();

			List<String> missed = IntStream.range(0, HISTORY * 2).mapToObj((i) -> "missed-" + i).toList();
			awaitNames(informer, missed);
			assertThat(handler.deletions).as("a deletion seen only through the relist has an unknown final state")
				.containsExactly("before (final state unknown)");

			writer.configMaps().inNamespace(ns).resource(Fabric8ClientE2E.configMap("after", "web")).create();
			awaitNames(informer, concat(missed, "after"));
			assertThat(informer.isWatching()).isTrue();
		}
		finally {
			informer.close();
		}
	}

	private static void awaitNames(SharedIndexInformer<ConfigMap> informer, List<String> expected) {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		List<String> names = List.of();
		while (System.nanoTime() < deadline) {
			names = informer.getStore().list().stream().map((cm) -> cm.getMetadata().getName()).sorted().toList();
			if (names.equals(expected.stream().sorted().toList())) {
				return;
			}
			sleep();
		}
		assertThat(names).as("the informer's cache after 30s").containsExactlyInAnyOrderElementsOf(expected);
	}

	private static List<String> concat(List<String> names, String name) {
		return java.util.stream.Stream.concat(names.stream(), java.util.stream.Stream.of(name)).toList();
	}

	private static void sleep() {
		try {
			Thread.sleep(100);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	static final class RecordingHandler implements ResourceEventHandler<ConfigMap> {

		final List<String> deletions = new CopyOnWriteArrayList<>();

		@Override
		public void onAdd(ConfigMap obj) {
		}

		@Override
		public void onUpdate(ConfigMap oldObj, ConfigMap newObj) {
		}

		@Override
		public void onDelete(ConfigMap obj, boolean deletedFinalStateUnknown) {
			this.deletions
				.add(obj.getMetadata().getName() + (deletedFinalStateUnknown ? " (final state unknown)" : ""));
		}

	}

}
