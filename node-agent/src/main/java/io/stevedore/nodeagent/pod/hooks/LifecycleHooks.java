package io.stevedore.nodeagent.pod.hooks;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.Pod;
import io.stevedore.nodeagent.pod.probe.HttpGets;
import io.stevedore.nodeagent.pod.probe.Prober;
import io.stevedore.nodeagent.runtime.ContainerRuntime;
import io.stevedore.nodeagent.runtime.ExecResult;

/**
 * Runs a container's postStart or preStop handler, as the kubelet's handlerRunner: a
 * command in the container, an HTTP GET to the pod, or a sleep. An HTTP hook fails only
 * when no answer comes (any status counts as run, as in the kubelet). Safe for concurrent
 * use.
 */
public final class LifecycleHooks {

	private final ContainerRuntime runtime;

	// Go's client, which the kubelet uses, follows redirects.
	private final HttpClient http = HttpGets.client(HttpClient.Redirect.NORMAL);

	public LifecycleHooks(ContainerRuntime runtime) {
		this.runtime = runtime;
	}

	/**
	 * @param timeout the longest it may take (a preStop hook has what is left of the
	 * grace period)
	 * @return null when it ran, else the message of the FailedPostStartHook or
	 * FailedPreStopHook event, in the kubelet's words
	 */
	public String run(LifecycleHandler hook, Pod pod, Container container, String containerId, String podIp,
			Duration timeout) {
		String where = "for Container \"" + container.getName() + "\" in Pod \"" + pod.getMetadata().getName() + "_"
				+ pod.getMetadata().getNamespace() + "(" + pod.getMetadata().getUid() + ")\" failed - error: ";
		if (hook.getExec() != null) {
			ExecResult result = this.runtime.exec(containerId, hook.getExec().getCommand(), timeout);
			if (result.exitCode() == 0 && !result.timedOut()) {
				return null;
			}
			return "Exec lifecycle hook (" + hook.getExec().getCommand() + ") " + where
					+ (result.timedOut() ? "timed out" : "command exited with " + result.exitCode()) + ", message: \""
					+ result.output().strip() + "\"";
		}
		if (hook.getHttpGet() != null) {
			String path = hook.getHttpGet().getPath() == null ? "" : hook.getHttpGet().getPath();
			String failure = this.runtime.simulated() ? null : get(hook, container, podIp, timeout);
			return failure == null ? null : "HTTP lifecycle hook (" + path + ") " + where + failure;
		}
		if (hook.getSleep() != null) {
			Duration nap = Duration.ofSeconds(hook.getSleep().getSeconds());
			sleep(nap.compareTo(timeout) < 0 ? nap : timeout);
			return null;
		}
		return "Cannot run handler: invalid handler: neither exec, httpGet nor sleep is set";
	}

	/**
	 * @return null when the pod answered, else why not
	 */
	private String get(LifecycleHandler hook, Container container, String podIp, Duration timeout) {
		HttpRequest request;
		try {
			request = HttpGets.request(hook.getHttpGet(), container, podIp, timeout, "lifecycle");
		}
		catch (IllegalArgumentException ex) {
			return ex.getMessage();
		}
		try {
			this.http.send(request, HttpResponse.BodyHandlers.discarding());
			return null;
		}
		catch (IOException ex) {
			return "Get \"" + request.uri() + "\": "
					+ Prober.dialError(request.uri().getHost(), request.uri().getPort(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "interrupted";
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
