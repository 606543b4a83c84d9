package io.stevedore.nodeagent.support;

import java.nio.file.Path;

import io.stevedore.testsupport.kubectl.Kubeconfig;
import io.stevedore.testsupport.kubectl.Kubectl;

/**
 * A node agent the apiserver can call back: it listens on a free loopback port and
 * publishes that port as the node's kubelet endpoint ({@code stevedore.node.port}), so
 * the apiserver's pods/log, exec, attach, port-forward and stats proxy reach it, as
 * kubectl's requests in the streaming and stats ITs need. {@link TestCluster#startNode}
 * alone listens on a random port it does not publish.
 */
public final class ReachableNode {

	private ReachableNode() {
	}

	/**
	 * Starts node {@code name} of {@code cluster} on a free port, {@code extra} settings
	 * added; returns the port.
	 */
	public static int start(TestCluster cluster, String name, String... extra) {
		int port = TestCluster.freePort();
		String[] settings = new String[extra.length + 2];
		settings[0] = "--server.port=" + port;
		settings[1] = "--stevedore.node.port=" + port;
		System.arraycopy(extra, 0, settings, 2, extra.length);
		cluster.startNode(name, settings);
		return port;
	}

	/**
	 * kubectl with a kubeconfig for {@code cluster}'s apiserver written to
	 * {@code dir/kubeconfig}, its home in {@code dir/home}.
	 */
	public static Kubectl kubectl(TestCluster cluster, Path dir) {
		return Kubectl.forKubeconfig(Kubeconfig.write(dir.resolve("kubeconfig"), cluster.url()), dir.resolve("home"));
	}

}
