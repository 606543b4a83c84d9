package io.stevedore.proxy.service.nftables;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AffinityCarryOverTest {

	/** What nft 1.0.6 prints for a table with one filled affinity set (trimmed). */
	private static final String LISTED = """
			{"nftables": [{"metainfo": {"version": "1.0.6", "json_schema_version": 1}},
			 {"table": {"family": "ip", "name": "t", "handle": 7}},
			 {"map": {"family": "ip", "name": "service-ips", "table": "t", "type": ["ipv4_addr"], "map": "verdict"}},
			 {"set": {"family": "ip", "name": "affinity-abc-10800", "table": "t", "type": "ipv4_addr",
			   "flags": ["timeout"], "timeout": 10800,
			   "elem": [{"elem": {"val": "10.0.0.7", "expires": 599}}, {"elem": {"val": "10.0.0.8", "expires": 12}}]}},
			 {"set": {"family": "ip", "name": "affinity-def-60", "table": "t", "type": "ipv4_addr",
			   "flags": ["timeout"], "timeout": 60}},
			 {"set": {"family": "ip", "name": "other", "table": "t", "type": "ipv4_addr",
			   "elem": [{"elem": {"val": "10.0.0.9", "expires": 5}}]}}]}
			""";

	@Test
	@DisplayName("the affinity sets' elements are read with the seconds they have left, other sets are not")
	void readsAffinitySetsOnly() throws Exception {
		assertThat(AffinityCarryOver.parse(LISTED)).containsExactly(Map.entry("affinity-abc-10800", List
			.of(new AffinityCarryOver.Element("10.0.0.7", 599), new AffinityCarryOver.Element("10.0.0.8", 12))));
	}

	@Test
	@DisplayName("carried elements go back into the sets the new table still has, with their time left")
	void writesBackIntoSetsThatRemain() throws Exception {
		String lines = AffinityCarryOver.elements("t", AffinityCarryOver.parse(LISTED),
				Set.of("affinity-abc-10800", "affinity-new-10800"));
		assertThat(lines)
			.isEqualTo("add element ip t affinity-abc-10800 { 10.0.0.7 expires 599s, 10.0.0.8 expires 12s }\n");
	}

	@Test
	@DisplayName("a set the new table no longer has (endpoint or timeout gone) carries nothing")
	void dropsSetsThatAreGone() throws Exception {
		assertThat(AffinityCarryOver.elements("t", AffinityCarryOver.parse(LISTED), Set.of("affinity-new-10800")))
			.isEmpty();
	}

	@Test
	@DisplayName("an element without time left is not carried")
	void skipsExpiredElements() throws Exception {
		String listed = """
				{"nftables": [{"set": {"name": "affinity-x-60", "elem": [{"elem": {"val": "10.0.0.1", "expires": 0}}, "10.0.0.2"]}}]}
				""";
		assertThat(AffinityCarryOver.parse(listed)).isEmpty();
	}

}
