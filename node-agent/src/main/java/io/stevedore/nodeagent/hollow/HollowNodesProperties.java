package io.stevedore.nodeagent.hollow;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How many simulated nodes this process runs ({@code stevedore.node.simulated.nodes}).
 * One is the ordinary agent; more, with {@code stevedore.node.runtime=simulated}, makes
 * the process a {@link HollowNodeHost} of nodes {@code <stevedore.node.name>-0} to
 * {@code -(nodes-1)}.
 *
 * @param nodes simulated nodes in this process, at least 1
 */
@ConfigurationProperties("stevedore.node.simulated")
public record HollowNodesProperties(@DefaultValue("1") int nodes) {

	public HollowNodesProperties {
		if (nodes < 1) {
			throw new IllegalArgumentException("stevedore.node.simulated.nodes must be at least 1, got " + nodes);
		}
	}

}
