package io.stevedore.nodeagent.pod;

import java.util.List;

/**
 * How this node builds pod sandboxes.
 *
 * @param image the sandbox image
 * @param command what the sandbox runs
 * @param network the Docker network pods get their IPs on
 */
public record SandboxSettings(String image, List<String> command, String network) {
}
