package io.stevedore.nodeagent.pod.probe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.stevedore.nodeagent.runtime.ContainerRuntime;
import io.stevedore.nodeagent.runtime.ExecResult;

/**
 * Runs one probe once: exec in the container, an HTTP GET, a TCP connect or a gRPC health
 * check to the pod's IP. An HTTP status from 200 to 399 is success, as in Kubernetes.
 * Safe for concurrent use.
 */
public final class Prober {

	private final ContainerRuntime runtime;

	private final HttpClient http = HttpGets.client(HttpClient.Redirect.NEVER);

	public Prober(ContainerRuntime runtime) {
		this.runtime = runtime;
	}

	/**
	 * @return null on success, else why it failed (the event's message)
	 */
	public String probe(Probe probe, Container container, String containerId, String podIp) {
		Duration timeout = Duration.ofSeconds(probe.getTimeoutSeconds() == null ? 1 : probe.getTimeoutSeconds());
		try {
			if (probe.getExec() != null) {
				ExecResult result = this.runtime.exec(containerId, probe.getExec().getCommand(), timeout);
				// The kubelet's words: the command's own output, or that it timed out.
				if (result.timedOut()) {
					return "command \"" + String.join(" ", probe.getExec().getCommand()) + "\" timed out";
				}
				return result.exitCode() == 0 ? null : result.output().strip();
			}
			if (this.runtime.simulated()
					&& (probe.getHttpGet() != null || probe.getTcpSocket() != null || probe.getGrpc() != null)) {
				return null;
			}
			if (probe.getHttpGet() != null) {
				HttpRequest sent = HttpGets.request(probe.getHttpGet(), container, podIp, timeout, "probe");
				String host = sent.uri().getHost();
				int port = sent.uri().getPort();
				int status;
				try {
					status = this.http.send(sent, HttpResponse.BodyHandlers.discarding()).statusCode();
				}
				catch (java.net.http.HttpTimeoutException ex) {
					return "Get \"" + sent.uri() + "\": "
							+ (ex instanceof java.net.http.HttpConnectTimeoutException ? dialError(host, port, ex)
									: "context deadline exceeded (Client.Timeout exceeded while awaiting headers)");
				}
				catch (IOException ex) {
					return "Get \"" + sent.uri() + "\": " + dialError(host, port, ex);
				}
				return status >= 200 && status < 400 ? null : "HTTP probe failed with statuscode: " + status;
			}
			if (probe.getTcpSocket() != null) {
				var tcp = probe.getTcpSocket();
				String host = tcp.getHost() == null || tcp.getHost().isEmpty() ? podIp : tcp.getHost();
				int port = port(tcp.getPort(), container);
				try (Socket socket = new Socket()) {
					socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
				}
				catch (IOException ex) {
					return dialError(host, port, ex);
				}
				return null;
			}
			if (probe.getGrpc() != null) {
				return GrpcProbe.check(probe.getGrpc(), podIp, timeout);
			}
			return "probe has no handler";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "interrupted";
		}
		catch (RuntimeException ex) {
			return ex.getMessage();
		}
	}

	/**
	 * A failed connection as Go's dialer words it, which is what users search for: "dial
	 * tcp 10.1.2.3:8080: connect: connection refused".
	 */
	public static String dialError(String host, int port, IOException ex) {
		String where = "dial tcp " + host + ":" + port + ": ";
		if (ex instanceof java.net.ConnectException) {
			return where + "connect: connection refused";
		}
		if (ex instanceof java.net.SocketTimeoutException || ex instanceof java.net.http.HttpTimeoutException) {
			return where + "i/o timeout";
		}
		if (ex instanceof java.net.NoRouteToHostException) {
			return where + "connect: no route to host";
		}
		return where + (ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage());
	}

	/** A number, or the name of one of the container's ports. */
	public static int port(IntOrString port, Container container) {
		if (port == null) {
			throw new IllegalArgumentException("probe port is missing");
		}
		if (port.getIntVal() != null) {
			return port.getIntVal();
		}
		String name = port.getStrVal();
		List<ContainerPort> ports = container.getPorts() == null ? List.of() : container.getPorts();
		return ports.stream()
			.filter(p -> name.equals(p.getName()))
			.map(ContainerPort::getContainerPort)
			.findFirst()
			.orElseGet(() -> {
				try {
					return Integer.parseInt(name);
				}
				catch (NumberFormatException ex) {
					throw new IllegalArgumentException("probe port \"" + name + "\" names no port of the container");
				}
			});
	}

}
