package io.stevedore.proxy.service.sync;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The contract against the iptables plane on this machine's kernel. */
class KernelPlaneIT extends ServiceProxyContract {

	@TempDir
	static Path dir;

	@BeforeAll
	static void start() {
		network = "stvd-proxy-it-k";
		startAll(dir, "iptables", "ITK", "10.211.0.0/16", network, "172.31.211");
	}

}
