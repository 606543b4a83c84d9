package io.stevedore.nodeagent.hollow;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Whether this process is a hollow host: {@code stevedore.node.runtime=simulated} and
 * {@code stevedore.node.simulated.nodes} above 1. The one-node beans (the
 * {@code NodeAgent}, its logs, stats and streaming endpoints, which serve one node's
 * pods) take {@link OnOneNode}; the host takes {@link OnHollowNodes}. A value that is not
 * a number counts as one node here, so that {@link HollowNodesProperties} binding refuses
 * it with the property's name.
 */
public abstract class HollowNodesCondition extends SpringBootCondition {

	static boolean hollow(Environment environment) {
		if (!"simulated".equals(environment.getProperty("stevedore.node.runtime"))) {
			return false;
		}
		String nodes = environment.getProperty("stevedore.node.simulated.nodes", "1").strip();
		try {
			return Integer.parseInt(nodes) > 1;
		}
		catch (NumberFormatException ex) {
			return false;
		}
	}

	/** Matches on a hollow host. */
	public static final class OnHollowNodes extends HollowNodesCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return hollow(context.getEnvironment()) ? ConditionOutcome.match("simulated nodes > 1")
					: ConditionOutcome.noMatch("one node");
		}

	}

	/** Matches on an ordinary agent: one node. */
	public static final class OnOneNode extends HollowNodesCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return hollow(context.getEnvironment()) ? ConditionOutcome.noMatch("simulated nodes > 1")
					: ConditionOutcome.match("one node");
		}

	}

}
