package io.stevedore.proxy.service.iptables;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every iptables user of this proxy does to the host's tables besides its restores
 * (the Service kernel plane, the NetworkPolicy enforcer): jumps from the built-in chains
 * into its own chains, and removing all its chains and jumps, whichever run left them.
 */
public final class HostChains {

	private static final Logger log = LoggerFactory.getLogger(HostChains.class);

	private HostChains() {
	}

	/**
	 * A rule in a built-in chain jumping to one of ours.
	 *
	 * @param table e.g. {@code filter}
	 * @param chain e.g. {@code FORWARD}
	 * @param spec the rule without {@code -A chain}, double quotes around words with
	 * spaces
	 */
	public record Jump(String table, String chain, String spec) {
	}

	/** Adds each jump that is missing at the top of its chain. */
	public static void ensure(HostCommands host, List<Jump> jumps) {
		for (Jump jump : jumps) {
			if (!host.run(command(jump, "-C")).ok()) {
				insertFirst(host, jump);
			}
		}
	}

	/**
	 * Makes {@code jump} the first rule of its chain, not counting rules {@code ignored}
	 * says may stay ahead (their text as {@code iptables -S} prints it): moved there when
	 * another rule got in front (the Service plane's accept of DNATed traffic must not
	 * run before a NetworkPolicy check).
	 */
	public static void ensureFirst(HostCommands host, Jump jump, Predicate<String> ignored) {
		HostCommands.Result listed = host.run(List.of("iptables", "-w", "5", "-t", jump.table(), "-S", jump.chain()));
		if (!listed.ok()) {
			log.warn("cannot list {} {}: {}", jump.table(), jump.chain(), listed.output());
			return;
		}
		String first = listed.output()
			.lines()
			.filter(l -> l.startsWith("-A "))
			.filter(ignored.negate())
			.findFirst()
			.orElse("");
		if (first.equals("-A " + jump.chain() + " " + jump.spec())) {
			return;
		}
		// Delete every copy (a no-op when there is none), then insert at the top.
		while (host.run(command(jump, "-D")).ok()) {
			// repeat
		}
		insertFirst(host, jump);
	}

	/** More copies of one jump than any run leaves: a bound on the delete loop. */
	private static final int MAX_COPIES = 16;

	private static final Pattern BRIDGE = Pattern.compile(" -[io] br-[0-9a-f]+ ");

	/**
	 * Whether a FORWARD rule is one of Docker's that drops or decides for its bridges:
	 * its isolation and per-bridge rules. Its DOCKER-USER jump is not (users' rules,
	 * empty by default), nor anyone else's rule, which may stay ahead of the accept.
	 */
	public static boolean docker(String rule) {
		return (rule.contains(" -j DOCKER") && !rule.endsWith(" -j DOCKER-USER")) || rule.contains(" docker0 ")
				|| BRIDGE.matcher(rule).find();
	}

	/**
	 * Keeps {@code jump} ahead of the first of Docker's rules ({@link #docker}), and
	 * behind the rules before that (Docker's DOCKER-USER jump, a NetworkPolicy enforcer's
	 * jump): Docker puts its isolation and accept rules back on top of FORWARD whenever
	 * it creates a network, and behind them Service traffic between its bridges is
	 * dropped. Moved there when it is missing or behind.
	 */
	public static void ensureAheadOf(HostCommands host, Jump jump) {
		List<String> rules = rules(host, jump);
		if (rules == null) {
			return;
		}
		String target = " -j " + HostChains.split(jump.spec()).getLast();
		int firstDocker = firstIndex(rules, HostChains::docker);
		int ours = firstIndex(rules, line -> line.endsWith(target));
		if (ours >= 0 && (firstDocker < 0 || ours < firstDocker)) {
			return;
		}
		for (int copies = 0; copies < MAX_COPIES && host.run(command(jump, "-D")).ok(); copies++) {
			// repeat: every copy goes
		}
		rules = rules(host, jump);
		if (rules == null) {
			return;
		}
		firstDocker = firstIndex(rules, HostChains::docker);
		// Without Docker's rules at the top, as before: ahead of whatever else is there.
		int position = (firstDocker < 0) ? 1 : firstDocker + 1;
		List<String> insert = new ArrayList<>(
				List.of("iptables", "-w", "5", "-t", jump.table(), "-I", jump.chain(), Integer.toString(position)));
		insert.addAll(split(jump.spec()));
		HostCommands.Result result = host.run(insert);
		if (!result.ok()) {
			log.warn("cannot add the jump {} {} {}: {}", jump.table(), jump.chain(), jump.spec(), result.output());
		}
	}

	/**
	 * The chain's rules as {@code iptables -S} prints them, or null if it cannot list.
	 */
	private static List<String> rules(HostCommands host, Jump jump) {
		HostCommands.Result listed = host.run(List.of("iptables", "-w", "5", "-t", jump.table(), "-S", jump.chain()));
		if (!listed.ok()) {
			log.warn("cannot list {} {}: {}", jump.table(), jump.chain(), listed.output());
			return null;
		}
		return listed.output().lines().filter(l -> l.startsWith("-A ")).toList();
	}

	private static int firstIndex(List<String> rules, Predicate<String> test) {
		for (int i = 0; i < rules.size(); i++) {
			if (test.test(rules.get(i))) {
				return i;
			}
		}
		return -1;
	}

	private static void insertFirst(HostCommands host, Jump jump) {
		List<String> insert = new ArrayList<>(
				List.of("iptables", "-w", "5", "-t", jump.table(), "-I", jump.chain(), "1"));
		insert.addAll(split(jump.spec()));
		HostCommands.Result result = host.run(insert);
		if (!result.ok()) {
			log.warn("cannot add the jump {} {} {}: {}", jump.table(), jump.chain(), jump.spec(), result.output());
		}
	}

	private static List<String> command(Jump jump, String op) {
		List<String> command = new ArrayList<>(List.of("iptables", "-w", "5", "-t", jump.table(), op, jump.chain()));
		command.addAll(split(jump.spec()));
		return command;
	}

	/**
	 * Removes the chains {@code owns} accepts in the given tables and every jump to them
	 * from other chains: one restore built from {@code iptables-save}.
	 */
	public static void removeOwned(HostCommands host, Predicate<String> owns, List<String> tables, String what) {
		StringBuilder input = new StringBuilder();
		for (String table : tables) {
			HostCommands.Result saved = host.run(List.of("iptables-save", "-t", table));
			if (!saved.ok()) {
				log.warn("iptables-save -t {} failed: {}", table, saved.output());
				continue;
			}
			Set<String> chains = new LinkedHashSet<>();
			List<String> jumps = new ArrayList<>();
			for (String line : saved.output().split("\n")) {
				if (line.startsWith(":")) {
					String chain = line.substring(1, line.indexOf(' '));
					if (owns.test(chain)) {
						chains.add(chain);
					}
				}
				else if (line.startsWith("-A ")) {
					String chain = line.split(" ")[1];
					String target = line.contains(" -j ") ? line.substring(line.lastIndexOf(" -j ") + 4).split(" ")[0]
							: "";
					if (!owns.test(chain) && owns.test(target)) {
						jumps.add("-D" + line.substring(2));
					}
				}
			}
			if (chains.isEmpty() && jumps.isEmpty()) {
				continue;
			}
			input.append('*').append(table).append('\n');
			chains.forEach(chain -> input.append(':').append(chain).append(" - [0:0]\n"));
			jumps.forEach(jump -> input.append(jump).append('\n'));
			chains.forEach(chain -> input.append("-X ").append(chain).append('\n'));
			input.append("COMMIT\n");
		}
		if (!input.isEmpty()) {
			HostCommands.Result result = host.run(List.of("iptables-restore", "-w", "5", "--noflush"),
					input.toString());
			if (!result.ok()) {
				log.warn("could not remove the chains of {}: {}", what, result.output());
			}
		}
	}

	/**
	 * Splits a rule spec on spaces, keeping double-quoted words whole (without quotes).
	 */
	static List<String> split(String spec) {
		List<String> words = new ArrayList<>();
		StringBuilder word = new StringBuilder();
		boolean quoted = false;
		for (char ch : spec.toCharArray()) {
			if (ch == '"') {
				quoted = !quoted;
			}
			else if (ch == ' ' && !quoted) {
				if (!word.isEmpty()) {
					words.add(word.toString());
					word.setLength(0);
				}
			}
			else {
				word.append(ch);
			}
		}
		if (!word.isEmpty()) {
			words.add(word.toString());
		}
		return words;
	}

}
