package io.stevedore.proxy.dns;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster DNS address as a host route to this machine: {@code ip addr add
 * 10.96.0.10/32 dev lo}. A pod on the Docker bridge sends its query to its gateway (the
 * host), the kernel finds the address local and delivers it to the server, no Service
 * rules involved; the local routing table wins over the blackhole route of the service
 * CIDR. Removed at stop only if this server added it: a present address may belong to
 * another proxy on the same machine.
 */
final class LoopbackAddress implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(LoopbackAddress.class);

	private final String cidr;

	private final String device;

	private boolean added;

	LoopbackAddress(InetAddress address, String device) {
		this.cidr = address.getHostAddress() + ((address instanceof Inet4Address) ? "/32" : "/128");
		this.device = device;
	}

	/** Adds the address; it being there already is fine. */
	void add() {
		Result result = ip("addr", "add", this.cidr, "dev", this.device);
		if (result.exit() == 0) {
			this.added = true;
			log.info("Added {} to {}", this.cidr, this.device);
			return;
		}
		if (result.output().contains("File exists") || result.output().contains("Address already assigned")) {
			log.info("{} is already on {}", this.cidr, this.device);
			return;
		}
		throw new IllegalStateException(
				"cannot add the cluster DNS address: ip addr add " + this.cidr + " dev " + this.device + " failed: "
						+ result.output().strip() + " (run the proxy as root, or add the address yourself and set"
						+ " stevedore.proxy.dns.manage-address=false)");
	}

	boolean added() {
		return this.added;
	}

	@Override
	public void close() {
		if (!this.added) {
			return;
		}
		Result result = ip("addr", "del", this.cidr, "dev", this.device);
		if (result.exit() != 0) {
			log.warn("Could not remove {} from {}: {}", this.cidr, this.device, result.output().strip());
		}
		this.added = false;
	}

	/** Whether {@code ip addr show dev} lists the address. */
	static boolean present(InetAddress address, String device) {
		Result result = ip("-o", "addr", "show", "dev", device);
		String cidr = address.getHostAddress() + ((address instanceof Inet4Address) ? "/32" : "/128");
		return result.exit() == 0 && List.of(result.output().split("\\s+")).contains(cidr);
	}

	private static Result ip(String... args) {
		String[] command = new String[args.length + 1];
		command[0] = "ip";
		System.arraycopy(args, 0, command, 1, args.length);
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				return new Result(-1, "timed out");
			}
			return new Result(process.exitValue(), output);
		}
		catch (IOException ex) {
			return new Result(-1, "cannot run ip: " + ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new Result(-1, "interrupted");
		}
	}

	private record Result(int exit, String output) {
	}

}
