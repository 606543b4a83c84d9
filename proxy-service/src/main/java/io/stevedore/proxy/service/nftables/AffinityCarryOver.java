package io.stevedore.proxy.service.nftables;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.proxy.service.iptables.HostCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps ClientIP affinity across a whole-table rewrite. The affinity sets are filled by
 * the packet path ({@code update @set { ip saddr }}), so a rewrite that deletes and
 * recreates the table would empty them and a client's next connection could land on
 * another endpoint. Before such a rewrite the sets' elements are read from the kernel
 * with their time left, and written back in the same transaction as the new table, for
 * the sets the new table still has (a set's name carries its endpoint and timeout, so a
 * set that is gone belongs to an endpoint or a timeout that is gone too).
 */
final class AffinityCarryOver {

	private static final Logger log = LoggerFactory.getLogger(AffinityCarryOver.class);

	private static final ObjectMapper JSON = new ObjectMapper();

	static final String SET_PREFIX = "affinity-";

	/** A client address and the seconds its affinity has left. */
	record Element(String address, long expiresSeconds) {
	}

	private AffinityCarryOver() {
	}

	/**
	 * The affinity sets' elements in the kernel's table now; empty when there is no table
	 * or it cannot be read (then a rewrite costs affinity, as before, and nothing else).
	 */
	static Map<String, List<Element>> read(HostCommands host, String table) {
		HostCommands.Result listed = host.run(List.of("nft", "-j", "list", "table", "ip", table));
		if (!listed.ok()) {
			return Map.of();
		}
		try {
			return parse(listed.output());
		}
		catch (Exception ex) {
			log.warn("cannot read the affinity sets of table {}, a rewrite empties them: {}", table, ex.toString());
			return Map.of();
		}
	}

	/** The affinity sets in {@code nft -j list table} output. */
	static Map<String, List<Element>> parse(String json) throws java.io.IOException {
		Map<String, List<Element>> sets = new LinkedHashMap<>();
		for (JsonNode item : JSON.readTree(json).path("nftables")) {
			JsonNode set = item.path("set");
			String name = set.path("name").asText("");
			if (!name.startsWith(SET_PREFIX) || !set.has("elem")) {
				continue;
			}
			List<Element> elements = new ArrayList<>();
			for (JsonNode elem : set.path("elem")) {
				// A timed element is {"elem": {"val": ..., "expires": s}}; a plain one is
				// just the value, which has no time to carry.
				JsonNode timed = elem.path("elem");
				long expires = timed.path("expires").asLong(0);
				String address = timed.path("val").asText("");
				if (expires > 0 && !address.isEmpty()) {
					elements.add(new Element(address, expires));
				}
			}
			if (!elements.isEmpty()) {
				sets.put(name, elements);
			}
		}
		return sets;
	}

	/**
	 * {@code nft -f} lines putting {@code carried} back into the sets of {@code newSets};
	 * empty when nothing is carried.
	 */
	static String elements(String table, Map<String, List<Element>> carried, Set<String> newSets) {
		StringBuilder out = new StringBuilder();
		carried.forEach((set, elements) -> {
			if (!newSets.contains(set)) {
				return;
			}
			out.append("add element ip ").append(table).append(' ').append(set).append(" { ");
			for (int i = 0; i < elements.size(); i++) {
				Element element = elements.get(i);
				out.append(i == 0 ? "" : ", ")
					.append(element.address())
					.append(" expires ")
					.append(element.expiresSeconds())
					.append('s');
			}
			out.append(" }\n");
		});
		return out.toString();
	}

}
