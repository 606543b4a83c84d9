package io.stevedore.nodeagent.runtime;

/**
 * What the engine reports about itself and the host.
 *
 * @param name the engine, {@code docker}
 * @param version the engine's version, e.g. {@code 20.10.24}
 * @param operatingSystem e.g. {@code Debian GNU/Linux 12 (bookworm)}
 * @param kernelVersion the host kernel
 * @param os {@code linux}
 * @param architecture Go's name, e.g. {@code amd64}
 * @param cpus logical CPUs
 * @param memoryBytes total memory
 */
public record RuntimeInfo(String name, String version, String operatingSystem, String kernelVersion, String os,
		String architecture, int cpus, long memoryBytes, String cgroupDriver) {

	/** An engine that does not say how it manages cgroups. */
	public RuntimeInfo(String name, String version, String operatingSystem, String kernelVersion, String os,
			String architecture, int cpus, long memoryBytes) {
		this(name, version, operatingSystem, kernelVersion, os, architecture, cpus, memoryBytes, "");
	}

	/** {@code docker://20.10.24}: the form of nodeInfo.containerRuntimeVersion. */
	public String runtimeVersion() {
		return this.name + "://" + this.version;
	}

}
