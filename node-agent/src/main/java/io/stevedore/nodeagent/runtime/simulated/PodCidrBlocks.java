package io.stevedore.nodeagent.runtime.simulated;

/**
 * Carves one pod block per simulated node out of a larger one, so the nodes of one hollow
 * host never hand out the same address: node {@code i} gets the {@code i}-th block, large
 * enough for its max-pods plus network and broadcast addresses, and at least a /24 so the
 * blocks read as one octet per node where they can.
 */
public final class PodCidrBlocks {

	/**
	 * Where hollow nodes' blocks come from when no pod CIDR is set: shared address space.
	 */
	public static final String DEFAULT_RANGE = "100.64.0.0/10";

	private final int base;

	private final int blockPrefix;

	private PodCidrBlocks(int base, int blockPrefix) {
		this.base = base;
		this.blockPrefix = blockPrefix;
	}

	/**
	 * @param range the block to carve ({@code stevedore.node.simulated.pod-cidr}, or
	 * {@link #DEFAULT_RANGE})
	 * @param nodes how many blocks are needed
	 * @param maxPods pods per node, each needing an address
	 * @throws IllegalArgumentException when the blocks do not fit in the range
	 */
	public static PodCidrBlocks carve(String range, int nodes, int maxPods) {
		PodAddresses parsed = PodAddresses.parse(range);
		int needed = 32 - Integer.numberOfLeadingZeros(maxPods + 1);
		int blockPrefix = Math.min(24, 32 - needed);
		int rangePrefix = parsed.prefix();
		long available = blockPrefix < rangePrefix ? 0 : 1L << (blockPrefix - rangePrefix);
		if (nodes > available) {
			throw new IllegalArgumentException("stevedore.node.simulated.pod-cidr: " + range + " holds " + available
					+ " blocks of /" + blockPrefix + " (" + maxPods + " pods each), " + nodes + " nodes need one each");
		}
		return new PodCidrBlocks(parsed.base(), blockPrefix);
	}

	/** The block of node {@code index}, such as {@code 100.64.3.0/24}. */
	public String block(int index) {
		return PodAddresses.format(this.base + (index << (32 - this.blockPrefix))) + "/" + this.blockPrefix;
	}

}
