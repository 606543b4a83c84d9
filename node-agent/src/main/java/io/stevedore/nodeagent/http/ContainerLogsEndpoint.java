package io.stevedore.nodeagent.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import io.stevedore.nodeagent.hollow.HollowNodesCondition;
import io.stevedore.nodeagent.pod.ContainerLogs;
import io.stevedore.nodeagent.runtime.LogOptions;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Conditional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The kubelet's {@code GET /containerLogs/{namespace}/{pod}/{container}}, which the
 * apiserver's {@code pods/log} proxies to: plain text, streamed as the engine produces it
 * (with {@code follow} until the container stops or the client goes away). Query
 * parameters as the kubelet's: follow, tailLines, sinceSeconds, sinceTime, timestamps,
 * previous, limitBytes. Errors are plain text with the kubelet's messages.
 * <p>
 * Threading: one (virtual) request thread per stream; it blocks on the engine.
 */
@RestController
@ConditionalOnProperty(name = "stevedore.node.enabled", havingValue = "true", matchIfMissing = true)
@Conditional(HollowNodesCondition.OnOneNode.class)
public class ContainerLogsEndpoint {

	private final ContainerLogs logs;

	private final Clock clock;

	public ContainerLogsEndpoint(ContainerLogs logs) {
		this.logs = logs;
		this.clock = Clock.systemUTC();
	}

	@GetMapping("/containerLogs/{namespace}/{pod}/{container}")
	public void containerLogs(@PathVariable String namespace, @PathVariable String pod, @PathVariable String container,
			@RequestParam(defaultValue = "false") boolean follow, @RequestParam(required = false) Integer tailLines,
			@RequestParam(required = false) Long sinceSeconds, @RequestParam(required = false) String sinceTime,
			@RequestParam(defaultValue = "false") boolean timestamps,
			@RequestParam(defaultValue = "false") boolean previous, @RequestParam(required = false) Long limitBytes,
			HttpServletResponse response) throws IOException {
		Instant since = null;
		try {
			if (sinceSeconds != null) {
				since = this.clock.instant().minusSeconds(sinceSeconds);
			}
			else if (sinceTime != null) {
				since = OffsetDateTime.parse(sinceTime).toInstant();
			}
		}
		catch (DateTimeParseException ex) {
			error(response, 400, "sinceTime is not an RFC 3339 time: " + sinceTime);
			return;
		}
		if ((tailLines != null && tailLines < 0) || (limitBytes != null && limitBytes < 1)
				|| (sinceSeconds != null && sinceSeconds < 1)) {
			error(response, 400, "tailLines must be >= 0, limitBytes and sinceSeconds > 0");
			return;
		}
		String id;
		try {
			id = this.logs.instance(namespace, pod, container, previous);
		}
		catch (ContainerLogs.LogsException ex) {
			error(response, ex.status(), ex.getMessage());
			return;
		}
		response.setStatus(200);
		response.setContentType("text/plain;charset=utf-8");
		// Headers now: a follow that has nothing yet must still look started.
		response.flushBuffer();
		this.logs.write(id, new LogOptions(tailLines == null ? -1 : tailLines, since, timestamps, follow),
				limitBytes == null ? 0 : limitBytes, response.getOutputStream());
	}

	private static void error(HttpServletResponse response, int status, String message) throws IOException {
		response.setStatus(status);
		response.setContentType("text/plain;charset=utf-8");
		response.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8));
	}

}
