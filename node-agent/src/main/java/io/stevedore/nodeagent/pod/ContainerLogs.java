package io.stevedore.nodeagent.pod;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import io.fabric8.kubernetes.api.model.Pod;
import io.stevedore.nodeagent.runtime.ContainerDetails;
import io.stevedore.nodeagent.runtime.ContainerRuntime;
import io.stevedore.nodeagent.runtime.ContainerSummary;
import io.stevedore.nodeagent.runtime.LogOptions;
import io.stevedore.nodeagent.runtime.RuntimeLabels;

/**
 * A container's log as the kubelet serves it: the current instance of the named container
 * of a pod on this node, or with {@code previous} the one before it (kept for lastState),
 * read from the engine with the options; {@code limitBytes} cuts the stream.
 * <p>
 * Threading: stateless; one call per request.
 */
public final class ContainerLogs {

	private final BiFunction<String, String, Pod> pods;

	private final ContainerRuntime runtime;

	private final String nodeName;

	/** Why a log cannot be served, with the HTTP status the kubelet gives. */
	public static final class LogsException extends Exception {

		private final int status;

		LogsException(int status, String message) {
			super(message);
			this.status = status;
		}

		public int status() {
			return this.status;
		}

	}

	/**
	 * @param pods the pod of a namespace and name on this node, from the informer cache,
	 * or null
	 */
	public ContainerLogs(BiFunction<String, String, Pod> pods, ContainerRuntime runtime, String nodeName) {
		this.pods = pods;
		this.runtime = runtime;
		this.nodeName = nodeName;
	}

	/**
	 * Finds the instance to read; an exception names what is missing.
	 * @return the engine's container id
	 */
	public String instance(String namespace, String podName, String container, boolean previous) throws LogsException {
		Pod pod = this.pods.apply(namespace, podName);
		if (pod == null) {
			throw new LogsException(404, "pod \"" + podName + "\" in namespace \"" + namespace
					+ "\" is not running on node \"" + this.nodeName + "\"");
		}
		List<ContainerDetails> instances = new ArrayList<>();
		for (ContainerSummary summary : this.runtime.listContainers(Map.of(RuntimeLabels.NODE, this.nodeName,
				RuntimeLabels.POD_UID, pod.getMetadata().getUid(), RuntimeLabels.CONTAINER_NAME, container))) {
			this.runtime.inspectContainer(summary.id()).ifPresent(instances::add);
		}
		instances.removeIf(c -> RuntimeLabels.TYPE_SANDBOX.equals(c.labels().get(RuntimeLabels.TYPE)));
		instances.sort(Observed.NEWEST_FIRST);
		if (previous) {
			if (instances.size() < 2) {
				throw new LogsException(400,
						"previous terminated container \"" + container + "\" in pod \"" + podName + "\" not found");
			}
			return instances.get(1).id();
		}
		if (instances.isEmpty()) {
			throw new LogsException(400, "container \"" + container + "\" in pod \"" + podName
					+ "\" is waiting to start: ContainerCreating");
		}
		return instances.get(0).id();
	}

	/** Streams the instance's log to {@code out}, at most {@code limitBytes} (0: all). */
	public void write(String id, LogOptions options, long limitBytes, OutputStream out) {
		this.runtime.logs(id, options, limitBytes > 0 ? new Limited(out, limitBytes) : out);
	}

	/**
	 * Passes on bytes up to a limit, then fails the write: that ends the engine's stream.
	 */
	static final class Limited extends OutputStream {

		private final OutputStream out;

		private long left;

		Limited(OutputStream out, long limit) {
			this.out = out;
			this.left = limit;
		}

		@Override
		public void write(int b) throws IOException {
			write(new byte[] { (byte) b }, 0, 1);
		}

		@Override
		public void write(byte[] bytes, int offset, int length) throws IOException {
			if (this.left <= 0) {
				throw new IOException("limitBytes reached");
			}
			int now = (int) Math.min(length, this.left);
			this.out.write(bytes, offset, now);
			this.left -= now;
			if (this.left <= 0) {
				this.out.flush();
				throw new IOException("limitBytes reached");
			}
		}

		@Override
		public void flush() throws IOException {
			this.out.flush();
		}

	}

}
