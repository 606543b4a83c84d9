package io.stevedore.proxy.service.sync;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The contract against the Netty user-space plane. */
class UserspacePlaneIT extends ServiceProxyContract {

	@TempDir
	static Path dir;

	@BeforeAll
	static void start() {
		network = "stvd-proxy-it-u";
		startAll(dir, "userspace", "ITU", "10.212.0.0/16", network, "172.31.212");
	}

}
