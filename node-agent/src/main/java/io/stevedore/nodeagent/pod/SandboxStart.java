package io.stevedore.nodeagent.pod;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.stevedore.nodeagent.runtime.ContainerRuntime;
import io.stevedore.nodeagent.runtime.Sandbox;

/**
 * A created sandbox being started on its own virtual thread, so that the sync can create
 * the pod's first containers meanwhile: Docker lets a container join the network and IPC
 * namespaces of a sandbox that is not started yet (it takes the sandbox's hostname and
 * /etc/hosts when it starts itself). A create is ~0.25 s of a pod's start that no longer
 * adds to its latency; the engine does the same work.
 * <p>
 * Threading: begun and awaited by the one worker syncing the pod; the sync awaits it
 * before it returns, so a pod never has two sandbox starts in flight.
 */
final class SandboxStart {

	private final CompletableFuture<Sandbox> started = new CompletableFuture<>();

	private SandboxStart() {
	}

	static SandboxStart begin(ContainerRuntime runtime, String id) {
		SandboxStart start = new SandboxStart();
		Thread.ofVirtual().name("sandbox-start-", 0).start(() -> {
			try {
				start.started.complete(runtime.startSandbox(id));
			}
			catch (Throwable ex) {
				start.started.completeExceptionally(ex);
			}
		});
		return start;
	}

	/**
	 * @return the started sandbox
	 * @throws RuntimeException what the start threw (the runtime removed the sandbox)
	 */
	Sandbox await() {
		try {
			return this.started.join();
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof RuntimeException cause) {
				throw cause;
			}
			if (ex.getCause() instanceof Error error) {
				throw error;
			}
			throw ex;
		}
	}

}
